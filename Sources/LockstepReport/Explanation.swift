import Foundation
import LockstepAnalysis
import LockstepCore

/// `lockstep explain`: every piece of evidence about one account, in sentences, read back from a
/// results folder (so it works on results made earlier, by any version that wrote the same files).
///
/// The folder may be older, hand-edited or cut short: nothing here assumes a column, a file or a
/// well-formed line. What cannot be read is named with its file and line in ``Account/problems``
/// and the rest is still explained.
public enum Explanation {
    public struct NotFound: Error, CustomStringConvertible, Sendable {
        public var account: String
        public var folder: String
        public var description: String {
            "no account '\(account)' in \(folder)/accounts.csv (give the account id or the handle, with or without @)"
        }
    }

    public struct MissingResults: Error, CustomStringConvertible, Sendable {
        public var path: String
        public var description: String { "\(path) is missing: run `lockstep analyze INPUT --out FOLDER` first and pass that folder with --results" }
    }

    /// Something in the results folder that the explanation needed and could not read: thrown
    /// when it is `accounts.csv` itself, else listed with the explanation it leaves incomplete.
    public struct Problem: Error, CustomStringConvertible, Sendable, Equatable {
        public var file: String
        /// 1-based line of `file`, when the problem is on one line.
        public var line: Int?
        public var what: String
        public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(what)" }
    }

    /// One account's explanation, and what it was built from.
    public struct Account: Sendable {
        public var id: String
        public var handle: String
        public var flagged: Bool
        /// Reason codes shown, in the order shown (evidence first, then the rest of the `reasons` column).
        public var reasons: [String]
        /// Account ids of the coordination partners shown, strongest first.
        public var partners: [String]
        public var text: String
        /// Damaged or missing parts of the folder that leave this explanation incomplete.
        public var problems: [Problem]
    }

    /// The explanation's text (problems are in ``account(_:results:)``).
    public static func explain(_ query: String, results dir: URL) throws -> String {
        try account(query, results: dir).text
    }

    /// Finds the account by id, else by handle (case-insensitive, with or without @), and explains it.
    public static func account(_ query: String, results dir: URL) throws -> Account {
        let accountsURL = dir.appendingPathComponent("accounts.csv")
        guard FileManager.default.fileExists(atPath: accountsURL.path) else { throw MissingResults(path: accountsURL.path) }
        let accounts: SimpleCSV
        do { accounts = try SimpleCSV.read(accountsURL) } catch {
            throw Problem(file: accountsURL.path, line: nil, what: "cannot be read (\(error.localizedDescription))")
        }
        guard let idColumn = accounts.column("account_id") else {
            throw Problem(file: accountsURL.path, line: 1, what: "has no account_id column (header: \(accounts.header.prefix(8).joined(separator: ",")))"
                          + "; it is not an accounts.csv written by `lockstep analyze`")
        }
        let handleColumn = accounts.column("handle")
        let q = query.hasPrefix("@") ? String(query.dropFirst()) : query
        func cell(_ row: [String], _ k: Int?) -> String { k.flatMap { $0 < row.count ? row[$0] : nil } ?? "" }
        guard let rowIndex = accounts.rows.firstIndex(where: { cell($0, idColumn) == query })
                ?? accounts.rows.firstIndex(where: { handleColumn != nil && cell($0, handleColumn).lowercased() == q.lowercased() })
        else { throw NotFound(account: query, folder: dir.path) }
        let row = accounts.rows[rowIndex]
        func v(_ name: String) -> String { cell(row, accounts.column(name)) }
        let id = v("account_id"), handle = v("handle")
        var problems: [Problem] = []
        for name in ["flagged", "reasons"] where accounts.column(name) == nil {
            problems.append(Problem(file: accountsURL.path, line: 1, what: "has no \(name) column: the verdict of \(id) cannot be shown"))
        }
        let summaryURL = dir.appendingPathComponent("summary.json")
        let summary = (try? JSONSerialization.jsonObject(with: Data(contentsOf: summaryURL))) as? [String: Any]

        var out: [String] = []
        let who = handle.isEmpty ? "Account \(id)" : "Account @\(handle) (id \(id))"
        var profile = who + (v("posts").isEmpty ? "" : " wrote \(v("posts")) post(s) in the input")
        if !v("created").isEmpty { profile += ", was created \(v("created"))" }
        if !v("followers").isEmpty { profile += ", has \(v("followers")) follower(s)" + (v("following").isEmpty ? "" : " and follows \(v("following"))") }
        if !v("language").isEmpty { profile += ", account language \(v("language"))" }
        out.append(profile + ".")

        let flagged = v("flagged") == "true"
        let (finding, evidenceProblems) = EvidenceFile.record(of: id, in: dir)
        if flagged { problems += evidenceProblems }
        if flagged {
            var s = "FLAGGED with score \(v("score").isEmpty ? (finding.map { String($0.score) } ?? "?") : v("score"))"
            if !v("role").isEmpty { s += " as \(v("role"))" }
            if !v("cluster").isEmpty { s += " in coordinated cluster \(v("cluster"))" }
            out.append(s + ".")
        } else if !v("score").isEmpty {
            out.append("Not flagged: score \(v("score")) is below the threshold\(summary.map(threshold) ?? "").")
        }

        if !v("operation").isEmpty {
            let verdict = v("operation_verdict").replacingOccurrences(of: "_", with: " ")
            out.append("Its cluster is part of \(v("operation_verdict") == "operation" ? "operation" : "group") \(v("operation"))\(verdict.isEmpty ? "" : ", judged \(verdict)"):")
            let ops = summary?["operations"] as? [[String: Any]]
            if let o = ops?.first(where: { ($0["id"] as? Int).map(String.init) == v("operation") }),
               let reasons = o["reasons"] as? [[String: Any]] {
                for r in reasons.prefix(6) {
                    let dir = (r["direction"] as? String) == "inauthentic" ? "operation" : "authentic"
                    out.append("  - \(dir): \(r["detail"] as? String ?? "")")
                }
                if let h = o["utc_offset_hours"] as? Int { out.append("  Office clock of the group: UTC\(h >= 0 ? "+" : "")\(h) (\(o["offset_basis"] as? String ?? "")).") }
            } else {
                out.append("  (summary.json has no operations section with its reasons)")
            }
        }

        // The `reasons` column is the account's own list; evidence.jsonl adds weights and sentences.
        let columnCodes = v("reasons").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var shown: [String] = []
        if let evidence = finding?.evidence, !evidence.isEmpty {
            out.append("\nEvidence (weight, reason code):")
            for e in evidence {
                out.append("  - \(String(format: "%.2f", e.weight))  \(e.code) — \(e.detail)")
                shown.append(e.code)
            }
            let rest = columnCodes.filter { !shown.contains($0) }
            if !rest.isEmpty { out.append("Other reason codes: \(rest.joined(separator: ", ")).") }
            shown += rest
        } else if !columnCodes.isEmpty {
            out.append("\nReason codes: \(columnCodes.joined(separator: ", ")).")
            shown = columnCodes
        }

        out.append("\nBehaviour:")
        if !v("schedule").isEmpty || !v("utc_offset_hours").isEmpty {
            var s = "  Schedule: \(v("schedule").isEmpty ? "not judged" : v("schedule"))"
            if !v("utc_offset_hours").isEmpty { s += " at UTC\(v("utc_offset_hours").hasPrefix("-") ? "" : "+")\(v("utc_offset_hours"))" }
            if !v("workhours_share").isEmpty { s += "; \(percent(v("workhours_share"))) of posts in office hours" }
            out.append(s + ".")
        }
        if !v("cadence").isEmpty {
            var s = "  Cadence: \(v("cadence"))"
            if !v("gap_count").isEmpty && v("gap_count") != "0" {
                s += " (\(v("gap_count")) gaps, median \(v("gap_median_seconds")) s, coefficient of variation \(v("gap_cv")))"
            }
            out.append(s + ".")
        }
        if !v("dominant_client").isEmpty {
            out.append("  Client: mostly \(v("dominant_client")) (\(v("client_category")), \(percent(v("dominant_client_share"))) of posts), \(v("client_switches")) switch(es).")
        }
        var persona: [String] = []
        if v("zero_followers") == "1" || v("zero_followers") == "true" { persona.append("no followers") }
        if v("empty_profile") == "1" || v("empty_profile") == "true" { persona.append("an empty profile") }
        if !v("default_handle").isEmpty && v("default_handle") != "0" && v("default_handle") != "ordinary" { persona.append("a generated-looking handle (\(v("default_handle")))") }
        if !persona.isEmpty { out.append("  Persona: " + persona.joined(separator: ", ") + ".") }
        if !v("cohort").isEmpty { out.append("  Created on \(v("cohort")), with an unlikely number of other accounts in this input.") }
        if !v("language_mismatch").isEmpty { out.append("  Language: posts mostly in \(v("post_language")) although the account language is \(v("language")).") }
        if v("hijack_suspect") == "true" {
            out.append("  Suspected aged or hijacked account: dormant from \(v("dormant_from")) to \(v("dormant_to")).")
            if let summary { out += hijackSides(summary, id) } else {
                problems.append(Problem(file: summaryURL.path, line: nil, what: "is missing or not JSON: the before and after of \(id)'s dormancy cannot be shown"))
            }
        }

        var partnerIDs: [String] = []
        if let partners = finding?.partners, !partners.isEmpty {
            out.append("\nStrongest coordination partners (shared items with both times, this account first):")
            for p in partners {
                var s = "  - \(name(p.account, p.handle)): \(p.trace) × \(p.weight)"
                if let pv = p.pValue { s += ", p = \(String(format: "%.3g", pv))" }
                s += "; this account acted first \(p.leads) time(s), the partner \(p.follows)"
                out.append(s)
                for ex in p.examples.prefix(3) { out.append("      \(ex)") }
                partnerIDs.append(p.account)
            }
        } else {
            let (edges, total, edgeProblems) = EdgesFile.strongest(of: id, in: dir, limit: 5)
            problems += edgeProblems
            if !edges.isEmpty {
                out.append("\nCoordination edges (\(total)\(total > edges.count ? ", strongest \(edges.count)" : "")):")
                for e in edges {
                    var s = "  - \(name(e.partner, e.partnerHandle)): \(e.trace) × \(e.weight)"
                    if !e.first.isEmpty { s += ", first \(e.first), last \(e.last)" }
                    out.append(s)
                    partnerIDs.append(e.partner)
                }
            }
        }
        if !problems.isEmpty {
            out.append("\nIncomplete: the results folder is damaged or older than this version (see the errors).")
        }
        return Account(id: id, handle: handle, flagged: flagged, reasons: shown, partners: partnerIDs,
                       text: out.joined(separator: "\n") + "\n", problems: problems)
    }

    /// `@handle (id)`, or the id alone when there is no handle.
    static func name(_ id: String, _ handle: String) -> String {
        handle.isEmpty ? id : "@\(handle) (\(id))"
    }

    static func threshold(_ summary: [String: Any]) -> String {
        guard let t = (summary["findings"] as? [String: Any])?["threshold"] as? Double else { return "" }
        return " \(t)"
    }

    static func percent(_ s: String) -> String {
        guard let d = Double(s), d.isFinite, abs(d) < 1e6 else { return s }
        return "\(Int((d * 100).rounded()))%"
    }

    /// The account's posts before and after its gap, side by side, from the hijack section.
    static func hijackSides(_ summary: [String: Any], _ id: String) -> [String] {
        guard let list = (summary["hijack"] as? [String: Any])?["accounts"] as? [[String: Any]],
              let e = list.first(where: { $0["account"] as? String == id }) else { return [] }
        func side(_ name: String, _ label: String) -> String? {
            guard let x = e[name] as? [String: Any], let from = x["from"] as? String, let to = x["to"] as? String else { return nil }
            var parts = ["\(x["posts"] as? Int ?? 0) post(s) \(from) to \(to)"]
            if let l = x["language"] as? String { parts.append("mostly \(l)" + ((x["languageShare"] as? Double).map { " (\(percent(String($0))))" } ?? "")) }
            if let c = x["client"] as? String { parts.append("from \(c)") }
            if let h = x["meanHourUTC"] as? Double, h.isFinite, abs(h) < 1e6 { parts.append("around \(Int(h.rounded()) % 24):00 UTC") }
            if let r = x["postsPerMonth"] as? Double, r.isFinite, abs(r) < 1e15 { parts.append("\(Int(r.rounded())) a month") }
            if let tags = x["topHashtags"] as? [String], !tags.isEmpty { parts.append("hashtags " + tags.prefix(4).map { "#" + $0 }.joined(separator: " ")) }
            return "    \(label): " + parts.joined(separator: ", ") + "."
        }
        return [side("before", "Before"), side("after", "After")].compactMap { $0 }
    }
}

/// `evidence.jsonl` read back: the record whose own `account` is the one asked for.
enum EvidenceFile {
    /// The account's record, or nil with what stood in the way (a missing file, unreadable lines).
    static func record(of id: String, in dir: URL) -> (Findings.AccountFinding?, [Explanation.Problem]) {
        let url = dir.appendingPathComponent("evidence.jsonl")
        guard let data = try? Data(contentsOf: url) else {
            return (nil, [.init(file: url.path, line: nil, what: "is missing or unreadable: the evidence of \(id) cannot be shown")])
        }
        let lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
        let decoder = JSONDecoder()
        // An id also appears on the lines of the accounts it is a partner of, so a line that
        // mentions it is only a candidate: the record's own `account` decides. The text search
        // just spares decoding every line of a large file.
        let needle = Data("\"account\":\"".utf8) + Data(JSONEncoder.escapedString(id).utf8) + Data("\"".utf8)
        for line in lines where line.range(of: needle) != nil {
            if let f = try? decoder.decode(Findings.AccountFinding.self, from: Data(line)), f.account == id { return (f, []) }
        }
        // Not found as written by `lockstep analyze`: decode every line (a hand-edited file may be
        // spaced differently) and name the lines that are not records.
        var unreadable: [Int] = []
        for (k, line) in lines.enumerated() where !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
            guard let f = try? decoder.decode(Findings.AccountFinding.self, from: Data(line)) else { unreadable.append(k + 1); continue }
            if f.account == id { return (f, []) }
        }
        if let first = unreadable.first {
            let more = unreadable.count > 1 ? " (and \(unreadable.count - 1) more line(s): \(unreadable.dropFirst().prefix(5).map(String.init).joined(separator: ", "))\(unreadable.count > 6 ? ", …" : ""))" : ""
            return (nil, [.init(file: url.path, line: first, what: "not an evidence record\(more); the evidence of \(id) may have been on it")])
        }
        return (nil, [.init(file: url.path, line: nil, what: "has no record for account \(id) although accounts.csv flags it")])
    }
}

/// `edges.csv` read back: one account's edges, strongest first, as `Findings` ranks partners.
enum EdgesFile {
    struct Edge {
        var partner: String
        var partnerHandle: String
        var trace: String
        var weight: Int
        var first: String
        var last: String
    }

    /// The `limit` heaviest edges of the account (ties in file order), how many it has in all, and
    /// what could not be read. No file is no coordination run, not a problem.
    static func strongest(of id: String, in dir: URL, limit: Int) -> ([Edge], Int, [Explanation.Problem]) {
        let url = dir.appendingPathComponent("edges.csv")
        guard FileManager.default.fileExists(atPath: url.path) else { return ([], 0, []) }
        guard let csv = try? SimpleCSV.read(url) else {
            return ([], 0, [.init(file: url.path, line: nil, what: "cannot be read: the coordination edges of \(id) cannot be shown")])
        }
        guard let a = csv.column("account_a"), let b = csv.column("account_b") else {
            return ([], 0, [.init(file: url.path, line: 1, what: "has no account_a and account_b columns: the coordination edges of \(id) cannot be shown")])
        }
        let cols = ["handle_a", "handle_b", "trace", "weight", "first_coaction", "last_coaction"].map { csv.column($0) }
        func cell(_ row: [String], _ k: Int?) -> String { k.flatMap { $0 < row.count ? row[$0] : nil } ?? "" }
        var mine: [Edge] = []
        for row in csv.rows {
            let x = cell(row, a), y = cell(row, b)
            guard x == id || y == id, x != y else { continue }
            let isA = x == id
            mine.append(Edge(partner: isA ? y : x, partnerHandle: cell(row, isA ? cols[1] : cols[0]), trace: cell(row, cols[2]),
                             weight: Int(cell(row, cols[3])) ?? 0, first: cell(row, cols[4]), last: cell(row, cols[5])))
        }
        let ranked = mine.enumerated().sorted { $0.element.weight != $1.element.weight ? $0.element.weight > $1.element.weight : $0.offset < $1.offset }
        return (ranked.prefix(limit).map(\.element), mine.count, [])
    }
}
