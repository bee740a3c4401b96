import LockstepAnalysis

/// The values of the shared sections, built from the typed results (the run's in the report, the
/// case's summary.json decoded in the workspace): one function per section, so both show the same
/// figures in the same words. Links are the caller's: anchors in the report, routes in the workspace.
package enum SharedSections {
    /// Headline figures of the input (`figures`).
    package static func overviewFigures(_ o: Overview.Result) -> [[String: String]] {
        var f = [["value": HTML.number(o.accounts), "label": "accounts in the input"], ["value": HTML.number(o.posts), "label": "posts"]]
        if let a = o.firstPost, let b = o.lastPost { f.append(["value": "\(a.prefix(10)) – \(b.prefix(10))", "label": "period"]) }
        if let z = o.zeroFollowersShare { f.append(["value": HTML.percent(z), "label": "zero followers"]) }
        if let m = o.medianFollowers { f.append(["value": HTML.number(m), "label": "median followers"]) }
        f.append(["value": HTML.number(o.referencedAccounts), "label": "accounts only referenced"])
        return f
    }

    /// Flagged accounts and their roles (`figures`).
    package static func findingsFigures(_ f: Findings.Result) -> [[String: String]] {
        var figures = [["value": HTML.number(f.flagged), "label": "flagged of \(HTML.number(f.accountsScored)) accounts"]]
        for (role, n) in f.byRole.sorted(by: { $0.key < $1.key }) {
            figures.append(["value": HTML.number(n), "label": role == "none" ? "flagged without a coordination role" : role])
        }
        return figures
    }

    /// Where a flagged-accounts table links.
    package struct Links {
        /// A flagged account's page, by account id; nil for no link.
        package var account: (String) -> String?
        /// A partner's page or row, by account id; nil for no link.
        package var partner: (String) -> String?
        /// A cluster's page or row.
        package var cluster: (Int) -> String

        package init(account: @escaping (String) -> String?, partner: @escaping (String) -> String?, cluster: @escaping (Int) -> String) {
            self.account = account
            self.partner = partner
            self.cluster = cluster
        }
    }

    /// A flagged account as the shared sections show it: from a run's findings in the report, from
    /// the case's `accounts`, `evidence` and `partners` tables in the workspace.
    package struct Flagged: Sendable {
        package var account: String
        package var handle: String
        package var score: Double
        package var role: String?
        package var cluster: Int?
        package var evidence: [Piece]
        package var partners: [Partner]

        package init(account: String, handle: String, score: Double, role: String?, cluster: Int?, evidence: [Piece], partners: [Partner]) {
            self.account = account
            self.handle = handle
            self.score = score
            self.role = role
            self.cluster = cluster
            self.evidence = evidence
            self.partners = partners
        }

        package init(_ a: Findings.AccountFinding) {
            self.init(account: a.account, handle: a.handle, score: a.score, role: a.role, cluster: a.cluster,
                      evidence: a.evidence.map(Piece.init), partners: a.partners.map(Partner.init))
        }
    }

    /// A piece of evidence behind a flag.
    package struct Piece: Sendable {
        package var code: String
        package var weight: Double
        package var detail: String

        package init(code: String, weight: Double, detail: String) {
            self.code = code
            self.weight = weight
            self.detail = detail
        }

        package init(_ e: Findings.Evidence) { self.init(code: e.code, weight: e.weight, detail: e.detail) }
    }

    /// A coordination partner, with the items both shared (`item thisPost@time partnerPost@time`).
    package struct Partner: Sendable {
        package var account: String
        package var handle: String
        package var trace: String
        package var weight: Int
        package var pValue: Double?
        package var leads: Int
        package var follows: Int
        package var examples: [String]

        package init(account: String, handle: String, trace: String, weight: Int, pValue: Double?, leads: Int, follows: Int, examples: [String]) {
            self.account = account
            self.handle = handle
            self.trace = trace
            self.weight = weight
            self.pValue = pValue
            self.leads = leads
            self.follows = follows
            self.examples = examples
        }

        package init(_ p: Findings.Partner) {
            self.init(account: p.account, handle: p.handle, trace: p.trace, weight: p.weight, pValue: p.pValue, leads: p.leads, follows: p.follows, examples: p.examples)
        }
    }

    /// The flagged accounts, highest score first (`flaggedAccounts`), each with its evidence and partners.
    package static func flaggedAccounts(_ accounts: [Flagged], links: Links) -> [[String: Any]] {
        accounts.map { a -> [String: Any] in
            var row: [String: Any] = [
                "anchor": HTML.anchor("acct", a.account), "accountName": a.handle.isEmpty ? a.account : "@" + a.handle, "id": a.account,
                "score": HTML.number(a.score, digits: 3), "role": a.role ?? "", "cluster": a.cluster.map(String.init) ?? "",
                "codes": a.evidence.map(\.code).joined(separator: ", "),
                "evidence": evidence(a.evidence),
                "hasPartners": !a.partners.isEmpty,
                "partners": partners(a.partners, examples: 3, link: links.partner),
            ]
            if let href = links.account(a.account) { row["accountHref"] = href }
            if let c = a.cluster { row["clusterHref"] = links.cluster(c) }
            return row
        }
    }

    /// Pieces of evidence (`evidence`).
    package static func evidence(_ e: [Piece]) -> [[String: String]] {
        e.map { ["weight": HTML.number($0.weight, digits: 2), "code": $0.code, "detail": $0.detail] }
    }

    /// Coordination partners (`partners`), with at most `examples` shared items each.
    package static func partners(_ ps: [Partner], examples: Int, link: (String) -> String?) -> [[String: Any]] {
        ps.map { p -> [String: Any] in
            var d: [String: Any] = ["partnerName": p.handle.isEmpty ? p.account : "@" + p.handle, "trace": p.trace, "weight": String(p.weight),
                                    "leads": String(p.leads), "follows": String(p.follows), "examples": Array(p.examples.prefix(examples))]
            if let pv = p.pValue { d["pValue"] = HTML.number(pv, digits: 4) }
            if let href = link(p.account) { d["partnerHref"] = href }
            return d
        }
    }

    /// Why a group is judged an operation or not (`operationReasons`).
    package static func operationReasons(_ reasons: [VerdictReason], inauthentic: Double, authentic: Double) -> [String: Any] {
        ["reasons": reasons.map { r in
            ["signal": r.signal, "pointsTo": r.direction == "inauthentic" ? "operation" : "authentic",
             "weight": HTML.number(r.weight, digits: 2), "detail": r.detail]
        }, "combined": ["inauthentic": HTML.number(inauthentic, digits: 2), "authentic": HTML.number(authentic, digits: 2)]]
    }
}
