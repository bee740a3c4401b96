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

    /// Personas and hijack both write `age_at_first_post_days`; its cells must not depend on
    /// which of them ran (hijack used to write whole days, personas tenths).
    @Test func ageAtFirstPostIsTheSameWhicheverAnalysisWroteIt() throws {
        var b = DatasetBuilder()
        let created = CivilTime.seconds(year: 2019, month: 3, day: 1)
        for (k, delay) in [(0, 90_000), (1, 3 * 86_400 + 43_200), (2, 400 * 86_400 + 7_000)] {
            let a = b.account(id: "a\(k)")
            var p = ProfileBytes()
            p.created = created
            b.describe(a, p)
            for j in 0..<3 {
                let empty = UnsafeRawBufferPointer(start: nil, count: 0)
                b.addPost(key: empty, account: a, time: created + Int64(delay + j * 3_600), kind: .original, text: empty, language: empty, client: empty)
            }
        }
        let d = b.finish(accounting: IngestAccounting())
        func column(_ names: [String]) throws -> [String] {
            let run = try AnalysisRun.run(AnalysisCatalogue.resolve(names), on: d, options: AnalysisOptions())
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("accounts-\(UUID()).csv")
            defer { try? FileManager.default.removeItem(at: url) }
            try AccountsTable.write(dataset: d, run: run, to: url)
            let csv = try SimpleCSV.read(url)
            let i = try #require(csv.header.firstIndex(of: "age_at_first_post_days"))
            return csv.rows.map { $0[i] }
        }
        let personas = try column(["personas"])
        #expect(personas == ["1", "3.5", "400.1"])
        #expect(try column(["hijack"]) == personas)
        #expect(try column(["personas", "hijack"]) == personas)
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
