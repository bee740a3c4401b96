import LockstepCore

/// The verdict per account: a score in [0, 1] built from the other analyses' evidence, a flag,
/// a role, and every piece of evidence behind them in words an analyst can check.
///
/// The score is a noisy-OR of evidence weights, `1 − Π(1 − wᵢ)`: each piece of evidence is an
/// independent reason to suspect the account, strong ones (coordination, hijacking, automation)
/// flag on their own, weak ones (zero followers, an empty profile) only add up. Weights are in
/// ``Weights`` and docs/methodology/findings.md says how they were calibrated.
public struct Findings: Analysis {
    public static let name = "findings"
    public static let summary = "Per-account score, flag and role from all evidence, with the evidence in words"
    public static let dependencies = ["schedule", "cadence", "clients", "personas", "cohorts", "languages", "coordination", "operations", "hijack", "follower_surges", "engagement", "influencers"]
    public static let parameters = [
        ParameterSpec("threshold", .number(0...1, lowerOpen: false), default: "0.5", "Score at or above which an account is flagged"),
        ParameterSpec("partners", .integer(0...1000), default: "5", "Coordination partners listed per flagged account"),
    ]

    /// Evidence weights: the probability-like strength of each kind of evidence on its own.
    public enum Weights {
        /// In a coordinated cluster (significant co-actions with other members) judged an operation.
        public static let coordinated = 0.7
        /// In a coordinated cluster whose members neither clearly look like a workplace nor like
        /// people with lives of their own: never enough alone, and leaning with the group's balance
        /// of evidence (0.3 when both sides are even, 0.4 more per unit the operation side leads).
        public static func undeterminedCoordination(inauthentic: Double, authentic: Double) -> Double {
            min(0.45, max(0.15, 0.3 + 0.4 * (inauthentic - authentic)))
        }
        /// In a cluster judged authentic coordination (fans, activists, newsrooms, event crowds):
        /// shown, so the analyst sees it, but never a reason to flag.
        public static let authenticCoordination = 0.0
        /// Each further trace the account's cluster edges share (capped below).
        public static let extraTrace = 0.1
        /// Outside every cluster, reposting one operation's accounts again and again (``Operations``).
        public static let loyalAmplifier = 0.6
        /// Posting like a clock (regular cadence).
        public static let regularCadence = 0.45
        /// Posting mostly from an automation or scheduling service.
        public static let automationClient = 0.3
        /// Suspected aged or hijacked account (dormant, then changed on waking).
        public static let hijacked = 0.7
        /// A fresh account in a follower surge of a target.
        public static let surgeFollower = 0.6
        /// Working-week schedule at the offset of a coordinated cluster.
        public static let operationOfficeHours = 0.25
        /// Member of an unlikely same-day creation cohort.
        public static let creationCohort = 0.2
        public static let zeroFollowers = 0.1
        public static let defaultHandle = 0.1
        public static let emptyProfile = 0.05
        public static let languageMismatch = 0.1
        /// Posts whose engagement lies far beyond the follower base (bought likes): weak, since
        /// vanity and commercial accounts buy likes too, with no operation behind them.
        public static let engagementAnomaly = 0.2
        /// Posts a coordinated group's copy soon after it: listed as evidence, weight 0 — fans, news
        /// aggregators and sympathisers copy too, and payment is not in the data (#16: never flags alone).
        public static let influencerSuspect = 0.0
    }

    let threshold: Double
    let partners: Int

    public init(options: AnalysisOptions) throws {
        threshold = try options.double(Self.self, "threshold")
        partners = try options.int(Self.self, "partners")
    }

    /// One piece of evidence.
    public struct Evidence: Codable, Sendable, Equatable {
        /// Stable reason code (also in `accounts.csv`).
        public var code: String
        public var weight: Double
        /// The evidence in a sentence, with its numbers.
        public var detail: String
    }

    /// A coordination partner and what the two shared.
    public struct Partner: Codable, Sendable, Equatable {
        public var account: String
        public var handle: String
        public var trace: String
        public var weight: Int
        public var pValue: Double?
        /// Who acted first how often: this account, the partner.
        public var leads: Int
        public var follows: Int
        /// Shared items with both times: `item` `thisPost@time` `partnerPost@time`.
        public var examples: [String]
    }

    /// Everything behind one account's verdict.
    public struct AccountFinding: Codable, Sendable, Equatable {
        public var account: String
        public var handle: String
        public var score: Double
        public var flagged: Bool
        public var role: String?
        public var cluster: Int?
        /// The operation (or coordinated group) the account's cluster belongs to, and its verdict.
        public var operation: Int?
        public var operationVerdict: String?
        public var evidence: [Evidence]
        public var partners: [Partner]
    }

    public struct Result: AnalysisResult {
        public var threshold: Double
        public var accountsScored: Int
        public var flagged: Int
        public var byRole: [String: Int]
        /// Counts of each reason code among flagged accounts.
        public var reasonsAmongFlagged: [String: Int]
        /// Flagged accounts, highest score first, with their evidence (written to `evidence.jsonl`,
        /// one account a line, rather than into summary.json, which stays small).
        public var accounts: [AccountFinding] = []
        /// The flagged accounts' pooled schedule, with the run's schedule settings (when it ran).
        public var flaggedSchedule: ScheduleFingerprint?
        /// Per account id (not in the JSON): score, or -1 when not scored.
        var scores: [Double] = []
        var roles: [String?] = []
        var codes: [Int32: [String]] = [:]

        enum CodingKeys: String, CodingKey { case threshold, accountsScored, flagged, byRole, reasonsAmongFlagged, flaggedSchedule }

        public func score(of a: Int32) -> Double? { scores[Int(a)] < 0 ? nil : scores[Int(a)] }
        public func isFlagged(_ a: Int32) -> Bool { scores[Int(a)] >= threshold }

        public func accountColumns(_ dataset: Dataset) -> [AccountColumn] {
            var flaggedCol = [String](repeating: "", count: scores.count)
            var scoreCol = [String](repeating: "", count: scores.count)
            var roleCol = [String](repeating: "", count: scores.count)
            for i in 0..<scores.count where scores[i] >= 0 {
                scoreCol[i] = NumberText.rounded(scores[i], places: 3)
                if scores[i] >= threshold { flaggedCol[i] = "true"; roleCol[i] = roles[i] ?? "" }
            }
            return [AccountColumn(name: "flagged", values: flaggedCol), AccountColumn(name: "score", values: scoreCol),
                    AccountColumn(name: "role", values: roleCol)]
        }

        public func accountReasons(_ dataset: Dataset) -> [Int32: [String]] { codes }
    }

    public func run(on ds: Dataset, context: AnalysisContext) throws -> Result {
        let n = ds.accounts.count
        var evidence = [[Evidence]](repeating: [], count: n)
        let coordination = context.result(of: Coordination.self)
        let schedule = context.result(of: Schedule.self)
        let cadence = context.result(of: Cadence.self)
        let clients = context.result(of: Clients.self)
        let personas = context.result(of: Personas.self)
        let cohorts = context.result(of: CreationCohorts.self)
        let languages = context.result(of: Languages.self)
        let hijack = context.result(of: HijackedAccounts.self)
        let surges = context.result(of: FollowerSurges.self)
        let engagement = context.result(of: Engagement.self)
        let influencers = context.result(of: Influencers.self)
        var engagementExample: [String: Engagement.Post] = [:]
        for p in engagement?.posts ?? [] where engagementExample[p.post.account] == nil { engagementExample[p.post.account] = p }
        var influencerOf: [String: Influencers.Suspect] = [:]
        for x in influencers?.suspects ?? [] { influencerOf[x.account] = x }
        // Every suspect, from the per-account results: the summary's list stops at `top`.
        var hijacked: [Int32: HijackedAccounts.Account] = [:]
        for (a, h) in hijack?.perAccount ?? [:] where h.suspect { hijacked[a] = h }
        let keyIndex = surges?.surges.isEmpty == false ? ds.accounts.key.index() : [:]
        var surgeOf: [Int32: FollowerSurges.Surge] = [:]
        for s in surges?.surges ?? [] { for m in s.freshMembers { if let a = keyIndex[m], surgeOf[a] == nil { surgeOf[a] = s } } }

        // Offsets at which operations keep office hours: the operation's clock, set by its pace-setters.
        let operations = context.result(of: Operations.self)
        var operationOffsets = Set<Int>()
        for o in operations?.operations ?? [] where o.verdict == "operation" { if let h = o.utcOffsetHours { operationOffsets.insert(h) } }

        var edgesByAccount: [Int32: [Int]] = [:]
        if let c = coordination {
            for (k, e) in c.edgeList.enumerated() {
                edgesByAccount[e.a, default: []].append(k)
                edgesByAccount[e.b, default: []].append(k)
            }
        }

        for a in ds.accountsInData {
            let i = Int(a)
            var ev: [Evidence] = []
            if let c = coordination, i < c.accountCluster.count, c.accountCluster[i] >= 0 {
                let cl = c.accountCluster[i]
                let mine = edgesByAccount[a] ?? []
                let traces = Set(mine.map { c.edgeList[$0].trace })
                let partnersCount = Set(mine.map { c.edgeList[$0].a == a ? c.edgeList[$0].b : c.edgeList[$0].a }).count
                let traceList = traces.sorted().joined(separator: ", ")
                let op = operations?.operation(of: a)
                let verdict = op?.verdict ?? "operation"
                let why = (op?.reasons.prefix(3).map(\.detail) ?? []).joined(separator: " ")
                let what = "significant co-actions with \(partnersCount) other account(s) (\(traceList.isEmpty ? "fused network" : traceList))"
                switch verdict {
                case "authentic_coordination":
                    ev.append(Evidence(code: "authentic_coordination:\(cl)", weight: Weights.authenticCoordination,
                                       detail: "In coordinated cluster \(cl): \(what); the group (\(op.map { "operation \($0.id)" } ?? "")) is judged authentic coordination, not an operation. \(why)"))
                case "undetermined":
                    let w = Weights.undeterminedCoordination(inauthentic: op?.inauthentic ?? 0, authentic: op?.authentic ?? 0)
                    ev.append(Evidence(code: "coordinated_cluster:\(cl)", weight: (w * 1000).rounded() / 1000,
                                       detail: "In coordinated cluster \(cl): \(what); whether the group (\(op.map { "operation \($0.id)" } ?? "")) is an operation is undetermined. \(why)"))
                    // Several traces are not added here: a newsroom's syndicated story is one co-tweet,
                    // near-duplicate and co-URL action at once, authentic or not.
                default:
                    ev.append(Evidence(code: "coordinated_cluster:\(cl)", weight: Weights.coordinated,
                                       detail: "In coordinated cluster \(cl) of \(op.map { "operation \($0.id)" } ?? "an operation"): \(what). \(why)"))
                    if traces.count > 1 {
                        ev.append(Evidence(code: "multiple_traces", weight: min(0.3, Weights.extraTrace * Double(traces.count - 1)),
                                           detail: "Coordinates in \(traces.count) independent ways (\(traceList))."))
                    }
                }
            }
            if let l = operations?.loyal[a] {
                ev.append(Evidence(code: "amplifies_operation:\(l.operation)", weight: Weights.loyalAmplifier,
                                   detail: "Outside every cluster, but reposts the accounts of operation \(l.operation) (and any other operation) \(l.reposts) times, \(l.members) of them, \(NumberText.rounded(l.share * 100, places: 0))% of its reposts" + (l.medianLagMinutes.map { ", a median \(Self.duration($0 * 60)) after the original" } ?? "") + ": a loyal amplifier at its own pace."))
            }
            if let h = hijacked[a] {
                ev.append(Evidence(code: "hijacked", weight: Weights.hijacked,
                                   detail: "Dormant \(h.dormantDays) days (\(h.dormantFrom) to \(h.dormantTo)), then changed: \(h.reasons.joined(separator: ", "))" + (h.testPost.map { "; first post after the gap: \"\($0)\"" } ?? "") + "."))
            }
            if let s = surgeOf[a] {
                ev.append(Evidence(code: "follower_surge:\(s.target)", weight: Weights.surgeFollower,
                                   detail: "One of \(s.fresh) fresh accounts that followed \(Self.name(of: s.target, keyIndex, ds)) in a surge \(s.start) to \(s.end) (\(Self.figure(s.perDay)) a day against \(Self.figure(s.baselinePerDay)) usually), created shortly before."))
            }
            if let cad = cadence, let st = cad.stats(of: a), st.label == .regular {
                ev.append(Evidence(code: "cadence_regular", weight: Weights.regularCadence,
                                   detail: "Posts like a clock: \(st.gaps) gaps between posts, median \(Self.duration(st.median)), coefficient of variation \(NumberText.rounded(st.cv, places: 3))."))
            }
            if let cl = clients, let d = cl.dominantClient(of: a), d.category == .automation {
                ev.append(Evidence(code: "client_automation", weight: Weights.automationClient,
                                   detail: "Posts mostly from \(d.name), an automation or scheduling service."))
            }
            if let s = schedule, let h = s.offsetHours(of: a) {
                let atOperation = operationOffsets.contains(h)
                ev.append(Evidence(code: "office_hours_utc\(h >= 0 ? "+" : "")\(h)", weight: atOperation ? Weights.operationOfficeHours : 0.02,
                                   detail: "Posts in office hours (Monday–Friday, 09:00–18:00) at UTC\(h >= 0 ? "+" : "")\(h)" + (atOperation ? ", the clock an operation's pace-setters keep." : ".")))
            }
            if let co = cohorts, let date = co.cohortDate(of: a) {
                ev.append(Evidence(code: "creation_cohort:\(date)", weight: Weights.creationCohort,
                                   detail: "Created on \(date), a day with unlikely many account creations in this input."))
            }
            if let p = personas, let f = p.flags(of: a) {
                if f.zeroFollowers == true { ev.append(Evidence(code: "zero_followers", weight: Weights.zeroFollowers, detail: "Has no followers.")) }
                if f.handle == .nameDigits || f.handle == .random { ev.append(Evidence(code: "default_handle", weight: Weights.defaultHandle, detail: "Handle looks generated (a name and many digits, or random characters).")) }
                if f.emptyProfile == true { ev.append(Evidence(code: "empty_profile", weight: Weights.emptyProfile, detail: "Profile has no description, location or URL.")) }
            }
            if let l = languages, let m = l.mismatch(of: a) {
                ev.append(Evidence(code: "language_mismatch:\(m)", weight: Weights.languageMismatch,
                                   detail: "Posts in another language than its account language (\(m.replacingOccurrences(of: "_to_", with: " → ")))."))
            }
            if let e = engagement, let k = e.anomalies(of: a), k > 0 {
                let id = ds.accountID(of: a)
                var detail = "\(k) post(s) drew engagement far beyond its follower base (\(max(0, ds.accounts.followers[i])) followers) with likes out of proportion to reposts"
                if let x = engagementExample[id] {
                    detail += ", e.g. \(x.post.postID.isEmpty ? "a post" : "post " + x.post.postID) at \(x.post.time): \(x.likes) likes, \(x.reposts) reposts (\(Self.figure(x.expected)) engagements expected)"
                }
                ev.append(Evidence(code: "engagement_anomaly", weight: Weights.engagementAnomaly, detail: detail + "."))
            }
            if let x = influencerOf[ds.accountID(of: a)], let first = x.shared.first {
                ev.append(Evidence(code: "influencer_suspect", weight: Weights.influencerSuspect,
                                   detail: "An established account (\(x.followers) followers, created \(x.created)) that posted \(x.group)'s copy \(x.copies) times, median \(Self.figure(x.medianLagMinutes)) min after it, e.g. \(first.kind) '\(first.item.prefix(60))' at \(first.post.time)."))
            }
            evidence[i] = ev
        }

        var scores = [Double](repeating: -1, count: n)
        var roles = [String?](repeating: nil, count: n)
        var codes: [Int32: [String]] = [:]
        var found: [AccountFinding] = []
        var byRole: [String: Int] = [:]
        var reasonCounts: [String: Int] = [:]
        for a in ds.accountsInData {
            let i = Int(a)
            var keep = 1.0
            for e in evidence[i] { keep *= (1 - e.weight) }
            let score = 1 - keep
            scores[i] = score
            if let c = coordination, i < c.accountRole.count, let r = c.accountRole[i] { roles[i] = r.rawValue }
            else if operations?.loyal[a] != nil { roles[i] = CoordinationRole.amplifier.rawValue }
            guard score >= threshold else { continue }
            codes[a] = evidence[i].map(\.code)
            byRole[roles[i] ?? "none", default: 0] += 1
            for e in evidence[i] { reasonCounts[Self.family(e.code), default: 0] += 1 }
            let op = operations?.operation(of: a)
            found.append(AccountFinding(
                account: ds.accountID(of: a), handle: ds.handle(of: a), score: (score * 1000).rounded() / 1000, flagged: true,
                role: roles[i], cluster: coordination.flatMap { i < $0.accountCluster.count && $0.accountCluster[i] >= 0 ? Int($0.accountCluster[i]) : nil },
                operation: op?.id, operationVerdict: op?.verdict,
                evidence: evidence[i].sorted { $0.weight != $1.weight ? $0.weight > $1.weight : $0.code < $1.code },
                partners: partnersOf(a, coordination, edgesByAccount, ds)))
        }
        found.sort { $0.score != $1.score ? $0.score > $1.score : $0.account < $1.account }
        let flaggedWithPosts = ds.accountsInData.filter { scores[Int($0)] >= threshold }
        return Result(threshold: threshold, accountsScored: ds.accountsInData.count, flagged: found.count, byRole: byRole,
                      reasonsAmongFlagged: reasonCounts, accounts: found,
                      flaggedSchedule: schedule?.fingerprint(of: flaggedWithPosts, in: ds),
                      scores: scores, roles: roles, codes: codes)
    }

    func partnersOf(_ a: Int32, _ c: Coordination.Result?, _ index: [Int32: [Int]], _ ds: Dataset) -> [Partner] {
        guard let c, let mine = index[a] else { return [] }
        let ranked = mine.sorted {
            let x = c.edgeList[$0], y = c.edgeList[$1]
            return x.weight != y.weight ? x.weight > y.weight : $0 < $1
        }
        return ranked.prefix(partners).map { k in
            let e = c.edgeList[k]
            let isA = e.a == a
            let other = isA ? e.b : e.a
            return Partner(account: ds.accountID(of: other), handle: ds.handle(of: other), trace: e.trace, weight: e.weight, pValue: e.pValue,
                           leads: isA ? e.aLeads : e.bLeads, follows: isA ? e.bLeads : e.aLeads,
                           examples: e.examples.map { x in
                               let mineP = isA ? x.postA : x.postB, theirs = isA ? x.postB : x.postA
                               let mineT = isA ? x.timeA : x.timeB, theirT = isA ? x.timeB : x.timeA
                               return "\(x.item) \(mineP)@\(CivilTime.iso8601(mineT)) \(theirs)@\(CivilTime.iso8601(theirT))"
                           })
        }
    }

    /// `@handle (id)` for an account of the data, else the id as given.
    static func name(of id: String, _ index: [String: Int32], _ ds: Dataset) -> String {
        guard let a = index[id], !ds.handle(of: a).isEmpty else { return id }
        return "@\(ds.handle(of: a)) (\(id))"
    }

    /// The code without its parameter (`creation_cohort:2017-09-03` → `creation_cohort`).
    static func family(_ code: String) -> String {
        if let c = code.firstIndex(of: ":") { return String(code[..<c]) }
        if code.hasPrefix("office_hours_") { return "office_hours" }
        return code
    }

    /// A figure in an evidence sentence: whole from 10 up, three decimals below.
    static func figure(_ v: Double) -> String { NumberText.rounded(v, places: v >= 10 ? 0 : 3) }

    static func duration(_ s: Double) -> String {
        if s < 120 { return "\(Int(s.rounded())) s" }
        if s < 7200 { return "\(Int((s / 60).rounded())) min" }
        if s < 172_800 { return "\(Int((s / 3600).rounded())) h" }
        return "\(Int((s / 86_400).rounded())) days"
    }
}
