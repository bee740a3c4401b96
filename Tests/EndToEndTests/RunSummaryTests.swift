import Foundation
import Testing

/// The summary `lockstep analyze` prints at its end says what was found, and why nothing was.
@Suite struct RunSummaryTests {
    /// Columns of accounts.csv up to `cluster` (none of which holds a comma), per row.
    static func accounts(_ dir: URL) throws -> [[String: String]] {
        let lines = try String(contentsOf: dir.appendingPathComponent("accounts.csv"), encoding: .utf8).split(separator: "\n")
        let header = lines.first!.split(separator: ",").map(String.init)
        let upTo = header.firstIndex(of: "cluster")! + 1
        return lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header.prefix(upTo), line.split(separator: ",", omittingEmptySubsequences: false).prefix(upTo).map(String.init)))
        }
    }

    @Test func summaryNamesClustersFlaggedAccountsAndTheOffset() throws {
        let out = tempDir()
        let r = try Binary.run(["analyze", repoRoot.appendingPathComponent("Examples/troll-factory").path, "--out", out.path])
        try #require(r.status == 0, "stderr: \(r.stderr)")
        let rows = try Self.accounts(out)
        let flagged = rows.filter { $0["flagged"] == "true" }.count
        let clusters = Set(rows.compactMap { $0["cluster"] }.filter { !$0.isEmpty }).count
        let clustered = rows.filter { !($0["cluster"] ?? "").isEmpty }.count
        try #require(flagged > 0 && clusters > 0, "the example should show an operation")
        // The figures printed are the files' figures.
        #expect(r.stderr.contains("coordination: \(clusters) cluster\(clusters == 1 ? "" : "s") (largest "))
        #expect(r.stderr.contains("\(clustered) accounts clustered; edges: "))
        #expect(r.stderr.contains("flagged: \(flagged) of "))
        // The example's operation works office hours in China.
        #expect(r.stderr.contains("flagged accounts' schedule: working week at UTC+8"))
    }

    @Test func aRunWithoutCoordinationSaysWhatTheInputLacks() throws {
        // Three accounts writing their own plain texts: nothing to co-act on.
        let r = try Self.analyzeIRALayout { a, i in "plain words number \(i) from account \(a)" }
        #expect(r.stderr.contains("coordination: none found; "))
        #expect(r.stderr.contains("this input has no retweet sources, hashtags, URLs, mentions or replied-to posts"))
        #expect(r.stderr.contains("flagged: 0 of "))
    }

    @Test func hashtagsInTheTextAreNoLongerMissing() throws {
        // The same input with a hashtag in every text: hashtags are read from the text, so the
        // summary no longer lists them as missing.
        let r = try Self.analyzeIRALayout { a, i in "words \(i) #tag\(a)" }
        #expect(r.stderr.contains("this input has no retweet sources, URLs, mentions or replied-to posts"))
    }

    /// Three accounts of twenty posts each in the IRA layout, texts from `text(account, index)`,
    /// analysed by the built binary; the run must succeed.
    static func analyzeIRALayout(_ text: (Int, Int) -> String) throws -> Binary.Output {
        var csv = "author,content,publish_date\n"
        for a in 0..<3 {
            for i in 0..<20 { csv += "acct\(a),\(text(a, i)),2017-03-\(String(format: "%02d", 1 + i)) 1\(a):00:00\n" }
        }
        let dir = tempDir()
        try csv.write(to: dir.appendingPathComponent("posts.csv"), atomically: true, encoding: .utf8)
        let r = try Binary.run(["analyze", dir.path, "--out", tempDir().path])
        try #require(r.status == 0, "stderr: \(r.stderr)")
        return r
    }
}
