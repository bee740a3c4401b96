import Foundation
import Testing

/// `lockstep simulate` with several operations, held-out office offsets and a scenario file, and
/// `lockstep evaluate` scoring each planted operation, as built.
@Suite struct SimulateOperationsTests {
    func json(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    func rows(_ url: URL) throws -> [[String]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func officeOffsetsAndAScenarioFileReproduceTheWorld() throws {
        let a = tempDir(), b = tempDir()
        let first = try Binary.run(["simulate", "--scenario", "two-offices", "--seed", "4", "--scale", "0.02",
                                    "--office-offset", "ru=5", "--office-offset=-4", "--out", a.path, "-q"])
        #expect(first.status == 0, "stderr: \(first.stderr)")
        let operations = try #require(try json(a.appendingPathComponent("scenario.json"))["operations"] as? [[String: Any]])
        #expect(operations.map { $0["id"] as? String } == ["prc", "ru"])
        #expect(operations.map { ($0["utcOffsetHours"] as? NSNumber)?.intValue } == [-4, 5])
        let truth = try rows(a.appendingPathComponent("truth.csv"))
        #expect(truth.first == ["account_id", "population", "operation"])
        #expect(Set(truth.dropFirst().map { $0[2] }) == ["", "prc", "ru"])

        // The written scenario.json, run again, is the same world.
        let again = try Binary.run(["simulate", "--scenario-file", a.appendingPathComponent("scenario.json").path, "--out", b.path, "-q"])
        #expect(again.status == 0, "stderr: \(again.stderr)")
        for name in ["tweets.csv", "truth.csv", "scenario.json"] {
            #expect(try Data(contentsOf: a.appendingPathComponent(name)) == Data(contentsOf: b.appendingPathComponent(name)), "\(name) differs")
        }
    }

    @Test(arguments: [
        (["--scenario", "two-offices", "--seed", "1", "--office-offset", "ru=5:30"], "whole hours"),
        (["--scenario", "two-offices", "--seed", "1", "--office-offset", "cn=3"], "no operation cn"),
        (["--scenario", "stealthy"], "--seed is required"),
        (["--scenario-file", "/nonexistent/scenario.json"], "cannot read /nonexistent/scenario.json"),
    ])
    func badKnobsAreUsageErrorsThatSayWhy(args: [String], message: String) throws {
        let r = try Binary.run(["simulate"] + args + ["--scale", "0.01", "--out", tempDir().path, "-q"])
        #expect(r.status == 64, "stderr: \(r.stderr)")
        #expect(r.stderr.contains(message), "stderr: \(r.stderr)")
    }

    @Test func evaluateScoresEachPlantedOperation() throws {
        let sim = tempDir(), results = tempDir()
        let s = try Binary.run(["simulate", "--scenario", "two-offices", "--seed", "6", "--scale", "0.02", "--out", sim.path, "-q"])
        #expect(s.status == 0, "stderr: \(s.stderr)")
        // A perfect result: every operation account flagged in its own operation; prc's offset wrong.
        var accounts = ["account_id,flagged,role,cluster,operation"]
        for r in try rows(sim.appendingPathComponent("truth.csv")).dropFirst() where r.count == 3 {
            let op = r[2] == "prc" ? "1" : r[2] == "ru" ? "2" : ""
            accounts.append("\(r[0]),\(op.isEmpty ? "false" : "true"),\(r[1] == "core" ? "core" : op.isEmpty ? "" : "amplifier"),,\(op)")
        }
        try Data((accounts.joined(separator: "\n") + "\n").utf8).write(to: results.appendingPathComponent("accounts.csv"))
        let summary = """
            {"operations": [{"id": 1, "verdict": "operation", "utc_offset_hours": 7, "amplifies": [],
                             "first_post": "2019-09-02T09:00:00+08:00", "last_post": "2020-06-30T18:00:00+08:00",
                             "holidays": [{"from": "2019-09-27", "to": "2019-10-07", "days": 11},
                                          {"from": "2020-01-24", "to": "2020-02-02", "days": 10}]},
                            {"id": 2, "verdict": "operation", "utc_offset_hours": 3,
                             "amplifies": [{"operation": 1, "reposts": 12, "examples": []}]}]}
            """
        try Data(summary.utf8).write(to: results.appendingPathComponent("summary.json"))
        let e = try Binary.run(["evaluate", "--truth", sim.appendingPathComponent("truth.csv").path, "--results", results.path])
        #expect(e.status == 0, "stderr: \(e.stderr)")
        #expect(e.stdout.contains("— one: result operation 1"), "stdout: \(e.stdout)")
        #expect(e.stdout.contains("office offset: planted UTC+8, reported UTC+7 — missed"))
        #expect(e.stdout.contains("amplifies operation prc: planted"))
        // National Day's silence began four days early (beyond the tolerance of a weekend): missed;
        // the Spring Festival's is exact; Qingming and Labour Day were not reported.
        #expect(e.stdout.contains("holidays: 1 of 4 planted in its span found as silences (missed: National Day 2019-10-01..2019-10-07, Qingming 2020-04-04..2020-04-06, Labour Day 2020-05-01..2020-05-05)"), "stdout: \(e.stdout)")
        let scores = try #require(try json(results.appendingPathComponent("evaluation.json"))["operations"] as? [[String: Any]])
        #expect(scores.map { $0["status"] as? String } == ["one", "one"])
        #expect(scores.map { $0["offsetStatus"] as? String } == ["missed", "found"])
        let ru = try #require((scores[1]["amplification"] as? [[String: Any]])?.first { $0["target"] as? String == "prc" })
        #expect((ru["reportedReposts"] as? NSNumber)?.intValue == 12 && ru["status"] as? String == "found")
    }
}
