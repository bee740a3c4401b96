import Foundation
import Testing
import LockstepAnalysis
import LockstepCore
@testable import LockstepReport

@Suite struct WriterTests {
    @Test(arguments: [
        ("plain", "plain"),
        ("a,b", "\"a,b\""),
        ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("two\nlines", "\"two\nlines\""),
        ("", ""),
    ])
    func csvFieldsAreQuotedOnlyWhenNeeded(field: String, expected: String) {
        var c = CSVOutput(header: ["x"])
        c.row([field])
        #expect(String(decoding: c.bytes, as: UTF8.self) == "x\n\(expected)\n")
    }

    func dataset() -> Dataset {
        var b = DatasetBuilder()
        var id = "42", handle = "evil,\"handle\"\n<script>"
        let a = id.withUTF8 { b.account(id: UnsafeRawBufferPointer($0)) }
        var p = ProfileBytes()
        handle.withUTF8 { h in
            p.handle = UnsafeRawBufferPointer(h)
            p.followers = 7
            b.describe(a, p)
        }
        b.markOrigin(a, .listed)
        return b.finish(accounting: IngestAccounting())
    }

    struct Marker: AnalysisResult {
        func accountColumns(_ d: Dataset) -> [AccountColumn] {
            [AccountColumn(name: "cluster", values: ["c1"]), AccountColumn(name: "extra_signal", values: ["0.5"])]
        }
        func accountReasons(_ d: Dataset) -> [Int32: [String]] { [0: ["zero_followers", "office_hours_utc+8"]] }
    }

    @Test func accountsTablePlacesVerdictAndExtraColumnsAndEscapes() throws {
        let d = dataset()
        var ctx = AnalysisContext()
        ctx.store(Marker(), as: "marker")
        var run = AnalysisRun(context: ctx)
        run.order = ["marker"]
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("accounts-\(UUID()).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try AccountsTable.write(dataset: d, run: run, to: url)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text == "account_id,handle,posts,created,followers,following,language,flagged,role,score,cluster,utc_offset_hours,hijack_suspect,reasons,extra_signal\n"
            + "42,\"evil,\"\"handle\"\"\n<script>\",0,,7,,,,,,c1,,,zero_followers;office_hours_utc+8,0.5\n")
    }

    @Test func summaryIsDeterministicJSONWithTheInputAccounting() throws {
        var acc = IngestAccounting()
        acc.files = [.init(file: "f.csv", format: "io-tweets", bytes: 10, rowsRead: 3, rowsUsed: 2, rejected: ["bad_time": 1])]
        acc.examples = [Rejection(file: "f.csv", line: 3, column: 5, reason: .badTime, detail: "found x")]
        var d = dataset()
        d.accounting = acc
        let run = try AnalysisRun.run([Overview.self], on: d, options: AnalysisOptions())
        let a = try SummaryWriter.encode(dataset: d, run: run, inputs: ["f.csv"])
        let b = try SummaryWriter.encode(dataset: d, run: run, inputs: ["f.csv"])
        #expect(a == b)
        let json = try JSONSerialization.jsonObject(with: a) as! [String: Any]
        let input = json["input"] as! [String: Any]
        #expect(input["rowsRejected"] as? Int == 1)
        #expect((input["rejectedByReason"] as? [String: Int]) == ["bad_time": 1])
        #expect(json["overview"] != nil && json["analyses"] as? [String] == ["overview"])
    }
}
