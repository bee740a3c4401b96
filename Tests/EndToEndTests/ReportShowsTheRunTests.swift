import Foundation
import Testing

/// The report renders what the run computed, never a recomputation with default settings: under
/// `--set schedule.min_fit=0.99` no account has an office offset, so neither the headline nor the
/// schedule table may claim one (issue #12: it said "office hours at UTC+8, fit 0.82").
@Suite struct ReportShowsTheRunTests {
    @Test func strictFitLeavesNoOfficeOffsetAnywhere() throws {
        let out = tempDir()
        let r = try Binary.run(["analyze", "Examples/troll-factory", "--out", out.path, "-q", "--set", "schedule.min_fit=0.99"], in: repoRoot)
        try #require(r.status == 0, "stderr: \(r.stderr)")
        let report = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(!report.contains("keep office hours at UTC"))
        #expect(report.contains("keep no working-week schedule"))
        // No group row of the schedule table names an offset.
        #expect(!report.contains("<td>working-week</td>"))
        let accounts = try String(contentsOf: out.appendingPathComponent("accounts.csv"), encoding: .utf8).split(separator: "\n")
        let column = try #require(accounts.first?.split(separator: ",").firstIndex(of: "utc_offset_hours"))
        #expect(accounts.dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false)[column].isEmpty })
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as! [String: Any]
        let findings = try #require(summary["findings"] as? [String: Any])
        let flagged = try #require(findings["flaggedSchedule"] as? [String: Any])
        #expect((flagged["inference"] as? [String: Any])?["verdict"] as? String == "no-working-week")
        let clusters = try #require((summary["coordination"] as? [String: Any])?["clusters"] as? [[String: Any]])
        for c in clusters {
            #expect(c["scheduleOffsetHours"] == nil)
            #expect(((c["schedule"] as? [String: Any])?["inference"] as? [String: Any])?["verdict"] as? String != "working-week")
        }
    }

    /// With the defaults, the offsets the report shows are the ones in summary.json, which the CSVs agree with.
    @Test func reportOffsetsAreTheSummaryOffsets() throws {
        let out = tempDir()
        let r = try Binary.run(["analyze", "Examples/troll-factory", "--out", out.path, "-q"], in: repoRoot)
        try #require(r.status == 0, "stderr: \(r.stderr)")
        let report = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as! [String: Any]
        let flagged = try #require(((summary["findings"] as? [String: Any])?["flaggedSchedule"] as? [String: Any])?["inference"] as? [String: Any])
        let hours = try #require(flagged["offsetHours"] as? Int)
        // With operations, the headline gives each operation's clock, read from its pace-setters.
        let operations = (summary["operations"] as? [[String: Any]] ?? []).filter { $0["verdict"] as? String == "operation" && $0["utc_offset_hours"] is Int }
        if let o = operations.first {
            let h = o["utc_offset_hours"] as! Int
            #expect(report.contains("Operation \(o["id"] as! Int) (") && report.contains("keeps office hours at UTC\(h >= 0 ? "+" : "")\(h), read from"))
        } else {
            #expect(report.contains("The flagged accounts keep office hours at UTC\(hours >= 0 ? "+" : "")\(hours)"))
        }
        let clusters = try #require((summary["coordination"] as? [String: Any])?["clusters"] as? [[String: Any]])
        for c in clusters.prefix(3) {
            let inf = try #require((c["schedule"] as? [String: Any])?["inference"] as? [String: Any])
            let cell = (inf["verdict"] as? String) == "working-week" ? "UTC+\(inf["offsetHours"] as! Int)" : ""
            #expect(report.contains("<tr><td>Cluster \(c["id"] as! Int)</td>"))
            #expect(cell.isEmpty || report.contains("<td>\(cell)</td>"))
        }
    }
}
