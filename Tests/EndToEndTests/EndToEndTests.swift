import Foundation
import Testing

/// Runs the built `lockstep` binary on files, as a user would.
enum Binary {
    static let url: URL = {
        // Swift Testing runs inside the package's test bundle in the products folder, next to `lockstep`.
        var candidates: [URL] = []
        let bundle = Bundle.main.bundleURL
        candidates += [bundle.deletingLastPathComponent(), bundle, bundle.deletingLastPathComponent().deletingLastPathComponent()]
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        for c in candidates {
            let u = c.appendingPathComponent("lockstep")
            if FileManager.default.isExecutableFile(atPath: u.path) { return u }
        }
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return repo.appendingPathComponent(".build/debug/lockstep")
    }()

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ args: [String], in directory: URL? = nil) throws -> Output {
        let p = Process()
        p.executableURL = url
        p.arguments = args
        if let directory { p.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Both pipes at once: a child that fills one while we wait on the other would hang.
        let e = PipeReader(err.fileHandleForReading)
        let o = readAll(out.fileHandleForReading)
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e.wait(), as: UTF8.self))
    }
}

/// Reads a pipe to its end. Not `readDataToEndOfFile()`: it traps on EINTR, which a child exiting
/// (SIGCHLD) while tests run in parallel can cause.
func readAll(_ h: FileHandle) -> Data {
    var data = Data()
    var buf = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = buf.withUnsafeMutableBytes { read(h.fileDescriptor, $0.baseAddress!, $0.count) }
        if n > 0 { data.append(contentsOf: buf[0..<n]); continue }
        if n < 0 && errno == EINTR { continue }
        return data
    }
}

/// Reads a pipe to its end on a thread of its own.
final class PipeReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ h: FileHandle) {
        Thread.detachNewThread { [self] in
            data = readAll(h)
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}

/// One folder for this test process's files, removed when the process exits.
let e2eScratch: URL = {
    let d = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-e2e-\(getpid())")
    try! FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(at: e2eScratch) }
    return d
}()

/// A fresh temporary folder per test.
func tempDir() -> URL {
    let d = e2eScratch.appendingPathComponent(UUID().uuidString)
    try! FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
    return d
}

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let sharedData: URL? = {
    let d = repoRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
    return FileManager.default.fileExists(atPath: d.path) ? d : nil
}()

let header = "tweetid,userid,user_display_name,user_screen_name,user_reported_location,user_profile_description,user_profile_url,follower_count,following_count,account_creation_date,account_language,tweet_language,tweet_text,tweet_time,tweet_client_name,in_reply_to_userid,in_reply_to_tweetid,quoted_tweet_tweetid,is_retweet,retweet_userid,retweet_tweetid,latitude,longitude,quote_count,reply_count,like_count,retweet_count,hashtags,urls,user_mentions"

func row(_ id: Int, user: String, time: String, text: String = "hi", followers: Int = 0) -> String {
    "\(id),\(user),N,h\(user),,,,\(followers),1,2017-09-03,zh-cn,zh,\"\(text)\",\(time),Twitter Web Client,,,,False,,,,,0,0,0,0,\"['香港']\",[],[]"
}

@Suite struct EndToEndTests {
    @Test func analyzeWritesSummaryAndAccounts() throws {
        let d = tempDir()
        let input = d.appendingPathComponent("t.csv")
        try ([header, row(1, user: "11", time: "2020-01-02 03:04", followers: 0), row(2, user: "12", time: "2020-01-03 05:06", text: "a, \"\"b\"\"", followers: 10),
              row(3, user: "11", time: "bad")].joined(separator: "\n") + "\n").write(to: input, atomically: true, encoding: .utf8)
        let out = d.appendingPathComponent("out")
        let r = try Binary.run(["analyze", input.path, "--out", out.path, "--quiet"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stderr.isEmpty)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as! [String: Any]
        let overview = summary["overview"] as! [String: Any]
        #expect(overview["posts"] as? Int == 2)
        #expect(overview["accounts"] as? Int == 2)
        #expect(overview["firstPost"] as? String == "2020-01-02T03:04:00Z")
        #expect(overview["zeroFollowers"] as? Int == 1)
        let input0 = summary["input"] as! [String: Any]
        #expect(input0["rowsRead"] as? Int == 3 && input0["rowsRejected"] as? Int == 1)
        let examples = input0["rejectionExamples"] as! [[String: Any]]
        #expect(examples.first?["line"] as? Int == 4)
        let csv = try String(contentsOf: out.appendingPathComponent("accounts.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n")
        // Base and verdict columns first; each analysis appends its own after them.
        #expect(lines.first?.hasPrefix("account_id,handle,posts,created,followers,following,language,flagged,role,score,cluster,utc_offset_hours,hijack_suspect,reasons,") == true)
        #expect(lines.first?.contains(",cadence,") == true && lines.first?.contains(",client_category,") == true)
        #expect(lines.count == 3)
        #expect(lines.contains { $0.hasPrefix("11,h11,1,2017-09-03T00:00:00Z,0,1,zh-cn") })
    }

    @Test func sameInputGivesIdenticalOutputs() throws {
        let d = tempDir()
        let input = d.appendingPathComponent("t.csv")
        let rows = (0..<200).map { row($0, user: "u\($0 % 13)", time: String(format: "2020-02-%02d %02d:00", 1 + $0 % 27, $0 % 24)) }
        try ([header] + rows).joined(separator: "\n").write(to: input, atomically: true, encoding: .utf8)
        for o in ["a", "b"] { _ = try Binary.run(["analyze", input.path, "--out", d.appendingPathComponent(o).path, "-q"]) }
        for f in ["summary.json", "accounts.csv"] {
            let a = try Data(contentsOf: d.appendingPathComponent("a/\(f)")), b = try Data(contentsOf: d.appendingPathComponent("b/\(f)"))
            #expect(a == b, "\(f) differs between two runs")
        }
    }

    /// Every output file, the report included, on real data whose client categories tie: orders
    /// must not come from hashing, which differs from run to run.
    @Test(.enabled(if: sharedData != nil, "../shared/data is absent: real-data test skipped"))
    func everyOutputIsTheSameFromRunToRun() throws {
        let d = tempDir()
        let input = sharedData!.appendingPathComponent("twarc2-samples").path
        let runs = ["a", "b", "c", "d"]
        for o in runs { _ = try Binary.run(["analyze", input, "--out", d.appendingPathComponent(o).path, "-q"]) }
        let files = try FileManager.default.contentsOfDirectory(atPath: d.appendingPathComponent("a").path).sorted()
        #expect(files.contains("report.html"))
        for f in files {
            let first = try Data(contentsOf: d.appendingPathComponent("a/\(f)"))
            for o in runs.dropFirst() {
                #expect(try Data(contentsOf: d.appendingPathComponent("\(o)/\(f)")) == first, "\(f) differs between runs a and \(o)")
            }
        }
    }

    @Test func strictReportsFileLineAndColumn() throws {
        let d = tempDir()
        let input = d.appendingPathComponent("bad.csv")
        try ([header, row(1, user: "11", time: "2020-01-02 03:04"), row(2, user: "11", time: "2020-13-45 99:99")].joined(separator: "\n")).write(to: input, atomically: true, encoding: .utf8)
        let r = try Binary.run(["analyze", input.path, "--out", d.appendingPathComponent("o").path, "--strict", "-q"])
        #expect(r.status == 65)
        #expect(r.stderr.contains("bad.csv:3:"))
        // The detail says what is wrong with a time that has the right form.
        #expect(r.stderr.contains("found tweet_time '2020-13-45 99:99': month 13 does not exist"))
    }

    @Test(arguments: [
        // (arguments, expected exit status, text the message must contain)
        (["analyze", "/nonexistent/file.csv", "--out", "/tmp/x"], Int32(66), "no such file"),
        (["analyze", "IN", "--out", "/tmp/x", "--analyses", "nope"], Int32(64), "unknown analysis 'nope'"),
        (["analyze", "IN", "--out", "/tmp/x", "--format", "xml"], Int32(64), "known formats"),
        (["analyze", "IN", "--out", "/tmp/x", "--set", "overview.top=many"], Int32(64), "expected a whole number"),
    ])
    func badInvocationsExplainThemselves(args: [String], status: Int32, message: String) throws {
        let d = tempDir()
        let input = d.appendingPathComponent("t.csv")
        try ([header, row(1, user: "11", time: "2020-01-02 03:04")].joined(separator: "\n")).write(to: input, atomically: true, encoding: .utf8)
        let r = try Binary.run(args.map { $0 == "IN" ? input.path : $0 })
        #expect(r.status == status, "stderr: \(r.stderr)")
        #expect(r.stderr.contains(message), "stderr: \(r.stderr)")
    }

    @Test func analysesListsTheCatalogue() throws {
        let r = try Binary.run(["analyses"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("overview"))
        #expect(r.stdout.contains("--set overview.top=20"))
    }

    @Test(.enabled(if: sharedData != nil, "../shared/data is absent: real-data check skipped"))
    func realUsersFileGivesTheREADMEFigures() throws {
        let out = tempDir()
        let r = try Binary.run(["analyze", sharedData!.appendingPathComponent("io-archive-china-082019").path, "--out", out.path, "-q"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let s = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as! [String: Any]
        let o = s["overview"] as! [String: Any]
        #expect(o["accounts"] as? Int == 744)
        #expect(o["zeroFollowers"] as? Int == 273)
        #expect(o["medianFollowers"] as? Double == 2)
    }
}

@Suite struct ExplainTests {
    @Test func explainsAFlaggedAccountWithItsEvidenceAndPartners() throws {
        let out = tempDir()
        let r = try Binary.run(["analyze", repoRoot.appendingPathComponent("Examples/troll-factory").path, "--out", out.path, "-q"])
        try #require(r.status == 0, "stderr: \(r.stderr)")
        let evidence = try String(contentsOf: out.appendingPathComponent("evidence.jsonl"), encoding: .utf8)
        let first = try #require(evidence.split(separator: "\n").first)
        let obj = try JSONSerialization.jsonObject(with: Data(first.utf8)) as! [String: Any]
        let id = obj["account"] as! String
        let e = try Binary.run(["explain", id, "--results", out.path])
        #expect(e.status == 0)
        #expect(e.stdout.contains("FLAGGED with score"))
        #expect(e.stdout.contains("Evidence (weight, reason code):"))
        for code in (obj["evidence"] as! [[String: Any]]).map({ $0["code"] as! String }) {
            #expect(e.stdout.contains(code), "explain omits \(code)")
        }
        let missing = try Binary.run(["explain", "no-such-account", "--results", out.path])
        #expect(missing.status == 66 && missing.stderr.contains("no account 'no-such-account'"))
    }
}
