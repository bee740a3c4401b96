import Foundation
import Testing

/// `lockstep explain` as built, on a simulated run and on damaged folders (issue 13, items 17
/// and 18). The in-process check of every flagged account against evidence.jsonl and edges.csv
/// is in QualityTests (ExplainEveryFlaggedAccountTests); this one runs the binary as users do.
@Suite struct ExplainEveryAccountTests {
    struct Failed: Error, CustomStringConvertible { var description: String }

    /// A small simulated troll factory, analysed once for the suite: (results folder, accounts.csv
    /// rows by column name). Tests that damage it work on a copy.
    static let simulated: Result<(URL, [[String: String]]), any Error> = Result {
        let d = tempDir()
        let sim = d.appendingPathComponent("sim"), out = d.appendingPathComponent("results")
        let s = try Binary.run(["simulate", "--scenario", "troll-factory", "--seed", "5", "--scale", "0.1", "--out", sim.path])
        guard s.status == 0 else { throw Failed(description: "simulate: \(s.stderr)") }
        let a = try Binary.run(["analyze", sim.path, "--out", out.path, "-q"])
        guard a.status == 0 else { throw Failed(description: "analyze: \(a.stderr)") }
        return (out, try rows(out.appendingPathComponent("accounts.csv")))
    }

    /// accounts.csv as dictionaries. Split at every comma: the columns up to `reasons` hold no
    /// commas in simulated data (ids, handles, numbers, dates, codes joined by `;`).
    static func rows(_ url: URL) throws -> [[String: String]] {
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        guard let header = lines.first else { throw Failed(description: "\(url.path) is empty") }
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    @Test func everyFlaggedAccountOfASimulatedRunIsExplainedAsItself() throws {
        let (out, accounts) = try Self.simulated.get()
        let flagged = accounts.filter { $0["flagged"] == "true" }
        try #require(flagged.count >= 10, "only \(flagged.count) flagged")
        var wrong: [String] = []
        for row in flagged {
            let id = row["account_id"]!, handle = row["handle"]!
            let e = try Binary.run(["explain", "@" + handle, "--results", out.path])
            let first = e.stdout.split(separator: "\n").first.map(String.init) ?? ""
            let partners = e.stdout.components(separatedBy: "\nStrongest coordination partners").dropFirst().first ?? ""
            let reasons = (row["reasons"] ?? "").split(separator: ";").map(String.init)
            if e.status != 0 || !e.stderr.isEmpty { wrong.append("\(id): status \(e.status) \(e.stderr)") }
            else if !first.hasPrefix("Account @\(handle) (id \(id))") { wrong.append("\(id): first line \(first)") }
            else if partners.contains("(\(id))") { wrong.append("\(id): lists itself as a partner") }
            else if let missing = reasons.first(where: { !e.stdout.contains($0) }) { wrong.append("\(id): omits its reason \(missing)") }
        }
        // A Bool, so that a failure prints the message below rather than the whole list.
        let allRight = wrong.isEmpty
        #expect(allRight, "\(wrong.count) of \(flagged.count):\n\(wrong.prefix(10).joined(separator: "\n"))")
    }

    @Test func damagedResultsFolderExits66NamingTheFileAndLine() throws {
        let (shared, accounts) = try Self.simulated.get()
        let out = tempDir().appendingPathComponent("results")
        try FileManager.default.copyItem(at: shared, to: out)
        let id = try #require(accounts.first { $0["flagged"] == "true" }?["account_id"])
        // evidence.jsonl cut in the middle of its first line: the flagged account's record may be on it
        let evidence = out.appendingPathComponent("evidence.jsonl")
        let full = try Data(contentsOf: evidence)
        try full.prefix(40).write(to: evidence)
        let cut = try Binary.run(["explain", id, "--results", out.path])
        #expect(cut.status == 66, "stderr: \(cut.stderr)")
        #expect(cut.stderr.contains("evidence.jsonl"), "stderr: \(cut.stderr)")
        #expect(cut.stdout.hasPrefix("Account "), "what can be read is still shown")
        // an accounts.csv that is not one
        try "id,name\n1,x\n".write(to: out.appendingPathComponent("accounts.csv"), atomically: true, encoding: .utf8)
        let bad = try Binary.run(["explain", "1", "--results", out.path])
        #expect(bad.status == 66 && bad.stderr.contains("accounts.csv:1: has no account_id column"), "stderr: \(bad.stderr)")
        #expect(!bad.stderr.contains("Fatal error"))
    }
}
