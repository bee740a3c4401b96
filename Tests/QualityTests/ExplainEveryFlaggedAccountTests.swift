import Foundation
import LockstepAnalysis
import LockstepCore
import LockstepIngest
import LockstepReport
import LockstepSimulation
import Testing

/// Issue 13, item 17: `explain` showed another account's evidence and partners for about two in
/// three flagged accounts (it took the first line of evidence.jsonl that mentioned the id, and ids
/// are on the lines of the accounts they partner). Here every flagged account of a simulated run
/// is explained and checked against the account's own row of accounts.csv and its edges.csv rows.
/// In QualityTests because this target links the simulator.
@Suite struct ExplainEveryFlaggedAccountTests {
    @Test(arguments: [
        // (seed, scale): a small troll factory with 43 flagged accounts, 15 s in a debug build
        (UInt64(7), 0.1),
    ])
    func explainShowsEachFlaggedAccountsOwnEvidenceAndPartners(seed: UInt64, scale: Double) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-explain-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let sim = dir.appendingPathComponent("sim"), out = dir.appendingPathComponent("results")
        _ = try Simulation.run(try #require(Scenario.preset("troll-factory", seed: seed, scale: scale)), to: sim)
        var ds = try Ingest.load([sim.path])
        var context = AnalysisContext()
        (context.followers, context.watchlist) = try Ingest.sideInputs(of: &ds)
        let run = try AnalysisRun.run(AnalysisCatalogue.all, on: ds, options: AnalysisOptions(), context: context)
        try ResultsWriter.write(dataset: ds, run: run, inputs: [sim.path], directory: out)

        let accounts = try SimpleCSV.read(out.appendingPathComponent("accounts.csv"))
        let edges = try SimpleCSV.read(out.appendingPathComponent("edges.csv"))
        let records = try evidenceRecords(out)
        let id = try #require(accounts.column("account_id")), flagged = try #require(accounts.column("flagged"))
        let reasons = try #require(accounts.column("reasons"))
        let flaggedRows = accounts.rows.filter { $0[flagged] == "true" }
        try #require(flaggedRows.count >= 20, "too few flagged accounts to test: \(flaggedRows.count)")

        var wrong: [String] = []
        for row in flaggedRows {
            let account = row[id]
            let e = try Explanation.account(account, results: out)
            let own = row[reasons].split(separator: ";").map(String.init)
            let partners = strongestPartners(of: account, in: edges, limit: 5)
            let record = try #require(records[account], "evidence.jsonl has no line of its own for \(account)")
            let partnerSection = e.text.components(separatedBy: "\nStrongest coordination partners").dropFirst().first ?? ""
            let problems = [
                e.id == account ? nil : "explained \(e.id)",
                e.text.hasPrefix("Account ") && e.text.split(separator: "\n")[0].contains("id \(account))") ? nil : "first line names another account",
                e.problems.isEmpty ? nil : "problems \(e.problems)",
                Set(e.reasons) == Set(own) ? nil : "reasons \(e.reasons), accounts.csv has \(own)",
                Array(e.reasons.prefix(record.count)) == record ? nil : "evidence \(e.reasons), evidence.jsonl has \(record)",
                own.allSatisfy { e.text.contains($0) } ? nil : "text omits a reason of \(own)",
                e.partners == partners ? nil : "partners \(e.partners), edges.csv has \(partners)",
                partnerSection.contains("(\(account))") ? "lists itself as a partner" : nil,
                partners.allSatisfy { partnerSection.contains("(\($0))") || partnerSection.contains("  - \($0):") } ? nil : "text omits a partner",
            ].compactMap { $0 }
            if !problems.isEmpty { wrong.append("\(account): " + problems.joined(separator: "; ")) }
        }
        // A Bool, so that a failure prints the message below rather than the whole list.
        let allRight = wrong.isEmpty
        #expect(allRight, "\(wrong.count) of \(flaggedRows.count) flagged accounts explained wrongly:\n\(wrong.prefix(10).joined(separator: "\n"))")
    }

    /// Evidence codes per account, from each line's own `account` field.
    func evidenceRecords(_ out: URL) throws -> [String: [String]] {
        var byAccount: [String: [String]] = [:]
        let text = try String(contentsOf: out.appendingPathComponent("evidence.jsonl"), encoding: .utf8)
        for line in text.split(separator: "\n") {
            let obj = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let account = try #require(obj["account"] as? String)
            #expect(byAccount[account] == nil, "two evidence lines for \(account)")
            byAccount[account] = (obj["evidence"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        }
        return byAccount
    }

    /// The partners `Findings` lists: the account's edges heaviest first, ties in edge order
    /// (the order of edges.csv), one partner per edge.
    func strongestPartners(of account: String, in edges: SimpleCSV, limit: Int) -> [String] {
        let a = edges.column("account_a")!, b = edges.column("account_b")!, w = edges.column("weight")!
        let mine = edges.rows.enumerated().filter { $0.element[a] == account || $0.element[b] == account }
        return mine.sorted {
            let x = Int($0.element[w])!, y = Int($1.element[w])!
            return x != y ? x > y : $0.offset < $1.offset
        }.prefix(limit).map { $0.element[a] == account ? $0.element[b] : $0.element[a] }
    }
}
