import Foundation
import LockstepCore
import Testing
@testable import LockstepReport

/// `explain` on small hand-written results folders: the right account's record, and older,
/// edited or cut-short folders (issue 13, items 17 and 18).
@Suite struct ExplanationTests {
    static let accountsCSV = """
        account_id,handle,posts,created,followers,following,language,flagged,role,score,cluster,utc_offset_hours,hijack_suspect,reasons
        1,alpha,10,2019-01-01,0,5,en,true,core,0.9,0,8,,coordinated_cluster:0;zero_followers
        2,beta,8,2019-01-02,3,4,en,true,amplifier,0.8,0,8,,coordinated_cluster:0
        3,gamma,2,,,,,,,0.1,,,,

        """
    // Highest score first, as `lockstep analyze` writes it: account 2 is on line 1 as a partner.
    static let evidenceJSONL = """
        {"account":"1","cluster":0,"evidence":[{"code":"coordinated_cluster:0","detail":"In coordinated cluster 0.","weight":0.7},{"code":"zero_followers","detail":"Has no followers.","weight":0.1}],"flagged":true,"handle":"alpha","partners":[{"account":"2","examples":[],"follows":1,"handle":"beta","leads":2,"pValue":0.001,"trace":"co_retweet","weight":5}],"role":"core","score":0.9}
        {"account":"2","cluster":0,"evidence":[{"code":"coordinated_cluster:0","detail":"In coordinated cluster 0.","weight":0.7}],"flagged":true,"handle":"beta","partners":[{"account":"1","examples":[],"follows":2,"handle":"alpha","leads":1,"pValue":0.001,"trace":"co_retweet","weight":5}],"role":"amplifier","score":0.8}

        """
    static let edgesCSV = """
        account_a,handle_a,account_b,handle_b,trace,weight,first_coaction,last_coaction
        1,alpha,2,beta,co_retweet,5,2019-08-01T00:00:00Z,2019-09-01T00:00:00Z
        3,gamma,1,alpha,co_hashtag,2,2019-08-02T00:00:00Z,2019-08-03T00:00:00Z
        2,beta,3,gamma,co_url,4,2019-08-02T00:00:00Z,2019-08-03T00:00:00Z

        """

    /// A results folder with the three files, `edit` applied to their texts first.
    static func folder(_ edit: (inout [String: String]) -> Void = { _ in }) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-explain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var files = ["accounts.csv": accountsCSV, "evidence.jsonl": evidenceJSONL, "edges.csv": edgesCSV,
                     "summary.json": #"{"findings":{"threshold":0.5}}"#]
        edit(&files)
        for (name, text) in files { try Data(text.utf8).write(to: dir.appendingPathComponent(name)) }
        return dir
    }

    @Test(arguments: ["2", "@beta", "BETA"])
    func explainReadsTheAccountsOwnRecordNotTheFirstLineNamingIt(query: String) throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let e = try Explanation.account(query, results: dir)
        #expect(e.id == "2" && e.handle == "beta")
        #expect(e.reasons == ["coordinated_cluster:0"])
        #expect(e.partners == ["1"])
        #expect(e.problems.isEmpty)
        #expect(e.text.hasPrefix("Account @beta (id 2)"))
        #expect(!e.text.contains("zero_followers"), "account 1's evidence shown for account 2")
        #expect(e.text.contains("@alpha (1): co_retweet × 5"))
    }

    @Test func unflaggedAccountShowsItsEdgesStrongestFirstAndNeverItself() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let e = try Explanation.account("gamma", results: dir)
        #expect(e.partners == ["2", "1"])
        #expect(e.problems.isEmpty)
        #expect(e.text.contains("Not flagged: score 0.1 is below the threshold 0.5."))
        #expect(e.text.contains("Coordination edges (2):\n  - @beta (2): co_url × 4"))
    }

    @Test func reasonCodesOutsideTheEvidenceAreShownToo() throws {
        let dir = try Self.folder { $0["accounts.csv"] = $0["accounts.csv"]!.replacingOccurrences(of: "0;zero_followers", with: "0;zero_followers;dormancy_then_new_language") }
        defer { try? FileManager.default.removeItem(at: dir) }
        let e = try Explanation.account("1", results: dir)
        #expect(e.reasons == ["coordinated_cluster:0", "zero_followers", "dormancy_then_new_language"])
        #expect(e.text.contains("Other reason codes: dormancy_then_new_language."))
    }

    /// What `explain` must say about a damaged folder: the file, and the line when there is one.
    enum Expected: Sendable {
        case thrown(file: String, line: Int?)
        case incomplete(file: String, line: Int?)
        case complete
    }

    /// Ways a results folder is older, edited or damaged, each with the account asked about.
    enum Damage: String, CaseIterable, Sendable {
        case noVerdictColumns, noAccountIDColumn, noHandleColumn, evidenceMissing, evidenceLineGarbled,
             otherAccountsLineGarbled, evidenceSpaced, edgesWithoutAccountColumns, summaryNotJSON, quotedFields

        var query: String {
            switch self {
            case .evidenceLineGarbled, .evidenceSpaced: "2"
            case .edgesWithoutAccountColumns, .summaryNotJSON: "3"
            case .quotedFields: "x,1"
            default: "1"
            }
        }

        func apply(_ f: inout [String: String]) {
            switch self {
            case .noVerdictColumns: // an older accounts.csv
                f["accounts.csv"] = "account_id,handle,posts\n1,alpha,10\n"
            case .noAccountIDColumn: // not an accounts.csv at all
                f["accounts.csv"] = "id,handle\n1,alpha\n"
            case .noHandleColumn: // the id still works
                f["accounts.csv"] = "account_id,flagged,score,reasons\n1,true,0.9,coordinated_cluster:0;zero_followers\n"
            case .evidenceMissing:
                f["evidence.jsonl"] = nil
            case .evidenceLineGarbled: // account 2's own line cut short: the line is named
                f["evidence.jsonl"] = f["evidence.jsonl"]!.split(separator: "\n")[0] + "\n{\"account\":\"2\",\"evid\n"
            case .otherAccountsLineGarbled: // does not matter to account 1
                f["evidence.jsonl"] = f["evidence.jsonl"]! + "\u{0}\u{FF}not json\n"
            case .evidenceSpaced: // hand-edited: still found by its own field
                f["evidence.jsonl"] = f["evidence.jsonl"]!.replacingOccurrences(of: "\"account\":", with: "\"account\" : ")
            case .edgesWithoutAccountColumns: // for an account that falls back to edges.csv
                f["edges.csv"] = "a,b,weight\n3,1,2\n"
            case .summaryNotJSON: // a hijack suspect, whose before and after are in summary.json
                f["accounts.csv"] = f["accounts.csv"]!.replacingOccurrences(of: "3,gamma,2,,,,,,,0.1,,,,", with: "3,gamma,2,,,,,,,0.1,,,true,")
                f["summary.json"] = "{\"hijack\": ["
            case .quotedFields: // commas, quotes and a line break inside fields
                f["accounts.csv"] = "account_id,handle,flagged,score,reasons\n\"x,1\",\"a \"\"b\"\"\nc\",,0.2,\n"
            }
        }

        var expected: Expected {
            switch self {
            case .noVerdictColumns: .incomplete(file: "accounts.csv", line: 1)
            case .noAccountIDColumn: .thrown(file: "accounts.csv", line: 1)
            case .evidenceMissing: .incomplete(file: "evidence.jsonl", line: nil)
            case .evidenceLineGarbled: .incomplete(file: "evidence.jsonl", line: 2)
            case .edgesWithoutAccountColumns: .incomplete(file: "edges.csv", line: 1)
            case .summaryNotJSON: .incomplete(file: "summary.json", line: nil)
            case .noHandleColumn, .otherAccountsLineGarbled, .evidenceSpaced, .quotedFields: .complete
            }
        }
    }

    @Test(arguments: Damage.allCases)
    func damagedFolderIsNamedNotCrashedOn(damage: Damage) throws {
        let dir = try Self.folder(damage.apply)
        defer { try? FileManager.default.removeItem(at: dir) }
        let label = damage.rawValue, query = damage.query
        switch damage.expected {
        case .thrown(let file, let line):
            #expect(throws: Explanation.Problem.self, "\(label)") { try Explanation.account(query, results: dir) }
            do { _ = try Explanation.account(query, results: dir) } catch let p as Explanation.Problem {
                #expect(p.file.hasSuffix("/" + file) && p.line == line, "\(label): \(p)")
            }
        case .incomplete(let file, let line):
            let e = try Explanation.account(query, results: dir)
            #expect(e.problems.contains { $0.file.hasSuffix("/" + file) && $0.line == line }, "\(label): \(e.problems)")
            #expect(e.text.contains("Incomplete:"), "\(label)")
        case .complete:
            let e = try Explanation.account(query, results: dir)
            #expect(e.problems.isEmpty, "\(label): \(e.problems)")
            #expect(e.id == query)
        }
    }

    @Test func missingFolderIsMissingResults() {
        #expect(throws: Explanation.MissingResults.self) {
            try Explanation.account("1", results: URL(fileURLWithPath: "/nonexistent/lockstep-results"))
        }
    }

    /// Every file cut at many lengths, and bytes overwritten at seeded places: `explain` returns
    /// or throws one of its own errors, never crashes.
    @Test func cutShortOrCorruptedFilesNeverCrashExplain() throws {
        var rng = SeededGenerator(seed: 0x13_17)  // replayable: a failing case has a seed
        let names = ["accounts.csv", "evidence.jsonl", "edges.csv", "summary.json"]
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let originals = Dictionary(uniqueKeysWithValues: try names.map { ($0, try Data(contentsOf: dir.appendingPathComponent($0))) })
        let junk: [[UInt8]] = [[0x22], [0x2C], [0x0A], [0x0D], [0x00], [0xFF, 0xFE], [0x7B], Array("9999999999999999999999".utf8)]
        var runs = 0
        for name in names {
            let original = originals[name]!
            var variants: [Data] = stride(from: 0, to: original.count, by: 17).map { original.prefix($0) }
            for _ in 0..<30 {
                var bytes = [UInt8](original)
                for _ in 0..<(1 + Int(rng.next() % 3)) {
                    let at = Int(rng.next() % UInt64(bytes.count + 1))
                    bytes.insert(contentsOf: junk[Int(rng.next() % UInt64(junk.count))], at: at)
                }
                variants.append(Data(bytes))
            }
            for v in variants {
                try v.write(to: dir.appendingPathComponent(name))
                for query in ["1", "2", "@gamma", "nobody"] {
                    do { _ = try Explanation.account(query, results: dir) } catch is Explanation.NotFound {
                    } catch is Explanation.Problem {
                    } catch { Issue.record("\(name) variant \(runs): unexpected \(error)") }
                    runs += 1
                }
            }
            try original.write(to: dir.appendingPathComponent(name))
        }
        #expect(runs > 300)
    }
}
