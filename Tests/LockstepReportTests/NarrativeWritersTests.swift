import Foundation
import LockstepAnalysis
import LockstepCore
import LockstepReport
import Testing

@Suite struct NarrativeWritersTests {
    func dataset() -> Dataset {
        var b = DatasetBuilder()
        let a = b.account(id: "1")
        for d in 0..<3 {
            var text = "香港 protest police day\(d)"
            text.withUTF8 { t in
                _ = b.addPost(key: UnsafeRawBufferPointer(start: nil, count: 0), account: a,
                              time: CivilTime.seconds(year: 2020, month: 1, day: 20 + d, hour: 12), kind: .original,
                              text: UnsafeRawBufferPointer(t), language: UnsafeRawBufferPointer(start: nil, count: 0),
                              client: UnsafeRawBufferPointer(start: nil, count: 0))
            }
            var tag = "Wuhan"
            tag.withUTF8 { b.addHashtag(UnsafeRawBufferPointer($0)) }
        }
        return b.finish(accounting: IngestAccounting())
    }

    @Test func writesNarrativesAndSurgesFiles() throws {
        let ds = dataset()
        var lists = FollowerListsBuilder()
        let t = lists.target("diplomat")
        for k in 0..<400 {
            // 400 followers, one a day, plus nothing fresh: no surge, but the file is still written.
            lists.add(target: t, follower: "f\(k)", created: CivilTime.seconds(year: 2015, month: 1, day: 1) - Int64(k) * 86_400)
        }
        var context = AnalysisContext()
        context.followers = lists.finish()
        let run = try AnalysisRun.run(AnalysisCatalogue.resolve(["narratives", "follower_surges"]), on: ds,
                                      options: AnalysisOptions(), context: context)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-narratives-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: dir) }
        let written = try ResultsWriter.write(dataset: ds, run: run, inputs: [], directory: dir)
        #expect(written.contains("narratives.csv") && written.contains("follower_surges.csv"))
        let narratives = try String(contentsOf: dir.appendingPathComponent("narratives.csv"), encoding: .utf8).split(separator: "\n")
        #expect(narratives.first == "period,group,term,count,share")
        #expect(narratives.contains("2020-01-20,all,#wuhan,1,1"))
        #expect(narratives.contains("2020-W04,all,protest,3,0.25"))
        let surges = try String(contentsOf: dir.appendingPathComponent("follower_surges.csv"), encoding: .utf8)
        #expect(surges.hasPrefix("target,start,end,size,"))
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("summary.json"))) as? [String: Any]
        let section = summary?["narratives"] as? [String: Any]
        #expect(section?["changePoints"] is [Any])
        #expect(section?["rows"] == nil)
        #expect((summary?["follower_surges"] as? [String: Any])?["targets"] is [Any])
    }
}
