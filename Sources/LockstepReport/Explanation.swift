import Foundation
import LockstepCore

/// `lockstep explain`: every piece of evidence about one account, in sentences, read back from a
/// results folder (so it works on results made earlier, by any version that wrote the same files).
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

    public static func explain(_ query: String, results dir: URL) throws -> String {
        let accountsURL = dir.appendingPathComponent("accounts.csv")
        guard FileManager.default.fileExists(atPath: accountsURL.path) else { throw MissingResults(path: accountsURL.path) }
        let accounts = try SimpleCSV.read(accountsURL)
        let col = Dictionary(accounts.header.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let q = query.hasPrefix("@") ? String(query.dropFirst()) : query
        guard let row = accounts.rows.first(where: { $0[col["account_id"]!] == query })
                ?? accounts.rows.first(where: { $0[col["handle"]!].lowercased() == q.lowercased() })
        else { throw NotFound(account: query, folder: dir.path) }
        func v(_ name: String) -> String { col[name].map { row[$0] } ?? "" }
        let id = v("account_id"), handle = v("handle")
        let summary = (try? JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("summary.json")))) as? [String: Any] ?? [:]

        var out: [String] = []
        let who = handle.isEmpty ? "Account \(id)" : "Account @\(handle) (id \(id))"
        var profile = "\(who) wrote \(v("posts")) post(s) in the input"
        if !v("created").isEmpty { profile += ", was created \(v("created"))" }
        if !v("followers").isEmpty { profile += ", has \(v("followers")) follower(s) and follows \(v("following"))" }
        if !v("language").isEmpty { profile += ", account language \(v("language"))" }
        out.append(profile + ".")

        let finding = EvidenceWriter.read(account: id, in: dir)
        if v("flagged") == "true" {
            var s = "FLAGGED with score \(v("score"))"
            if !v("role").isEmpty { s += " as \(v("role"))" }
            if !v("cluster").isEmpty { s += " in coordinated cluster \(v("cluster"))" }
            out.append(s + ".")
        } else if !v("score").isEmpty {
            out.append("Not flagged: score \(v("score")) is below the threshold\(threshold(summary)).")
        }

        if let evidence = finding?.evidence, !evidence.isEmpty {
            out.append("\nEvidence (weight, reason code):")
            for e in evidence {
                out.append("  - \(String(format: "%.2f", e.weight))  \(e.code) — \(e.detail)")
            }
        } else if !v("reasons").isEmpty {
            out.append("\nReason codes: \(v("reasons").replacingOccurrences(of: ";", with: ", ")).")
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
            out += hijackSides(summary, id)
        }

        if let partners = finding?.partners, !partners.isEmpty {
            out.append("\nStrongest coordination partners (shared items with both times, this account first):")
            for p in partners {
                var s = "  - \(p.handle.isEmpty ? p.account : "@" + p.handle): \(p.trace) × \(p.weight)"
                if let pv = p.pValue { s += ", p = \(String(format: "%.3g", pv))" }
                s += "; this account acted first \(p.leads) time(s), the partner \(p.follows)"
                out.append(s)
                for ex in p.examples.prefix(3) { out.append("      \(ex)") }
            }
        } else if let edges = try? SimpleCSV.read(dir.appendingPathComponent("edges.csv")) {
            let ec = Dictionary(edges.header.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            let mine = edges.rows.filter { $0[ec["account_a"]!] == id || $0[ec["account_b"]!] == id }
            if !mine.isEmpty {
                out.append("\nCoordination edges (\(mine.count)):")
                for e in mine.prefix(5) {
                    let other = e[ec["account_a"]!] == id ? e[ec["handle_b"]!] : e[ec["handle_a"]!]
                    out.append("  - @\(other): \(e[ec["trace"]!]) × \(e[ec["weight"]!]), first \(e[ec["first_coaction"]!]), last \(e[ec["last_coaction"]!])")
                }
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func threshold(_ summary: [String: Any]) -> String {
        guard let t = (summary["findings"] as? [String: Any])?["threshold"] as? Double else { return "" }
        return " \(t)"
    }

    static func percent(_ s: String) -> String {
        guard let d = Double(s) else { return s }
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
            if let h = x["meanHourUTC"] as? Double { parts.append("around \(Int(h.rounded()) % 24):00 UTC") }
            if let r = x["postsPerMonth"] as? Double { parts.append("\(Int(r.rounded())) a month") }
            if let tags = x["topHashtags"] as? [String], !tags.isEmpty { parts.append("hashtags " + tags.prefix(4).map { "#" + $0 }.joined(separator: " ")) }
            return "    \(label): " + parts.joined(separator: ", ") + "."
        }
        return [side("before", "Before"), side("after", "After")].compactMap { $0 }
    }
}
