import Foundation
import Testing

/// Every subcommand answers bad parameters, paths and values through one error boundary: a message
/// that names the value or the path and the fix, and the documented exit status, never a trap or a
/// raw Foundation error. Regressions of issue #13 (items 2, 3, 8, 14, 18).
@Suite struct ErrorBoundaryTests {
    static func input() throws -> URL {
        let d = tempDir()
        let input = d.appendingPathComponent("t.csv")
        try ([header, row(1, user: "11", time: "2020-01-02 03:04"), row(2, user: "12", time: "2020-01-02 03:05")]
            .joined(separator: "\n")).write(to: input, atomically: true, encoding: .utf8)
        return input
    }

    @Test(arguments: [
        // Durations that do not fit an Int64 trapped (SIGILL) before they were range-checked.
        (["--set", "coordination.window=1e999s"], "coordination.window"),
        (["--set", "coordination.window=1e15d"], "from 0s to 366d"),
        (["--set", "coordination.window=99999999999999999999d"], "coordination.window"),
        (["--set", "coordination.window.co_retweet=1e999s"], "coordination.window.co_retweet"),
        (["--set", "hijack.min_gap=1e999s"], "hijack.min_gap"),
        (["--set", "narratives.window=1e15d"], "narratives.window"),
        (["--set", "follower_surges.fresh_window=99999999999999999999d"], "follower_surges.fresh_window"),
        // A negative seed trapped converting to UInt64.
        (["--set", "narratives.seed=-1"], "narratives.seed"),
        (["--set", "coordination.seed=-1"], "coordination.seed"),
        // Unknown keys were ignored; now refused with the nearest known name.
        (["--set", "bogus.param=1"], "unknown parameter 'bogus.param'"),
        (["--set", "coordination.bogus=1"], "unknown parameter 'coordination.bogus'"),
        (["--set", "Coordination.Window=60s"], "did you mean 'coordination.window'?"),
        (["--set", "coordination.windw=60s"], "did you mean 'coordination.window'?"),
        // Values of analyses that do not run are checked all the same.
        (["--analyses", "overview", "--set", "narratives.alpha=2"], "narratives.alpha"),
        (["--analyses", "overview", "--set", "schedule.tz=Mars/Olympus"], "schedule.tz"),
        (["--set", "coordination.traces=co_retweet,nope"], "coordination.traces"),
        (["--set", "findings.threshold=nan"], "findings.threshold"),
    ])
    func badParameterValuesExit64NamingTheKey(args: [String], message: String) throws {
        let r = try Binary.run(["analyze", try Self.input().path, "--out", tempDir().path, "-q"] + args)
        #expect(r.status == 64, "stderr: \(r.stderr)")
        #expect(r.stderr.contains(message), "stderr: \(r.stderr)")
        #expect(!r.stderr.contains("Fatal error"))
    }

    @Test func negativeTimeZoneOffsetIsAValueNotAnOption() throws {
        let out = tempDir()
        let r = try Binary.run(["analyze", try Self.input().path, "--out", out.path, "-q", "--tz", "-05:00", "--analyses", "overview"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let summary = try String(contentsOf: out.appendingPathComponent("summary.json"), encoding: .utf8)
        #expect(summary.contains("\"displayTimeZone\" : \"UTC-05:00\""))
    }

    @Test func parametersInForceAreRecordedInTheSummary() throws {
        let out = tempDir()
        let r = try Binary.run(["analyze", try Self.input().path, "--out", out.path, "-q", "--analyses", "cadence",
                                "--set", "cadence.min_gaps=7", "--set", "narratives.top=3"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let s = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as! [String: Any]
        let p = try #require(s["parameters"] as? [String: [String: String]])
        #expect(p["cadence"]?["min_gaps"] == "7")
        #expect(p["cadence"]?["regular_cv"] == "0.5")
        #expect(p["overview"]?["top"] == "20")
        // Only the analyses that ran are recorded.
        #expect(p["narratives"] == nil)
    }

    @Test(arguments: [
        // (what --out names, text the message must contain)
        ("FILE", "it is a file, not a folder"),
        ("/dev/full", "it is a file, not a folder"),
        ("FILE/below", "is a file"),
        ("/proc/lockstep/below", "cannot be created"),
    ])
    func unwritableOutputExits73NamingThePath(out: String, message: String) throws {
        let file = tempDir().appendingPathComponent("a-file")
        try Data("x".utf8).write(to: file)
        let target = out.replacingOccurrences(of: "FILE", with: file.path)
        let analyze = try Binary.run(["analyze", try Self.input().path, "--out", target, "-q"])
        #expect(analyze.status == 73, "stderr: \(analyze.stderr)")
        #expect(analyze.stderr.contains(target) && analyze.stderr.contains(message), "stderr: \(analyze.stderr)")
        #expect(!analyze.stderr.contains("NSCocoaErrorDomain"))
        let simulate = try Binary.run(["simulate", "--scenario", "botnet", "--seed", "1", "--scale", "0.01", "--out", target, "-q"])
        #expect(simulate.status == 73, "stderr: \(simulate.stderr)")
        #expect(simulate.stderr.contains(target), "stderr: \(simulate.stderr)")
        #expect(!simulate.stderr.contains("NSCocoaErrorDomain"))
    }

    @Test func evaluateAndExplainGoThroughTheSameBoundary() throws {
        let missing = tempDir().appendingPathComponent("none")
        let explain = try Binary.run(["explain", "someone", "--results", missing.path])
        #expect(explain.status == 66 && explain.stderr.hasPrefix("error: ") && explain.stderr.contains(missing.path), "stderr: \(explain.stderr)")
        let evaluate = try Binary.run(["evaluate", "--truth", missing.appendingPathComponent("truth.csv").path, "--results", missing.path])
        #expect(evaluate.status == 66 && evaluate.stderr.hasPrefix("error: "), "stderr: \(evaluate.stderr)")
        let scale = try Binary.run(["simulate", "--scenario", "botnet", "--seed", "1", "--scale", "1e300", "--out", tempDir().path])
        #expect(scale.status == 64, "stderr: \(scale.stderr)")
    }
}
