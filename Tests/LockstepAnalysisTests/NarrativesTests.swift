@testable import LockstepAnalysis
import LockstepCore
import Testing

@Suite struct NarrativesTests {
    static let background = ["economy", "market", "weather", "football", "school", "music", "travel", "health", "family", "river",
                             "bridge", "garden", "train", "coffee", "library", "museum", "festival", "harvest", "mountain", "ocean",
                             "science", "history", "policy", "budget", "village", "airport", "holiday", "dinner", "theatre", "winter"]

    /// 120 accounts over five months; from `pivot` on, a quarter of the posts switch topic.
    static func dataset(seed: UInt64, pivot: Int64?) -> Dataset {
        var g = SeededGenerator(seed: seed)
        var b = DatasetBuilder()
        let accounts = (0..<120).map { b.account(id: "acct\($0)") }
        let start = at(2019, 11, 1)
        for day in 0..<150 {
            let dayStart = start + Int64(day) * 86_400
            for _ in 0..<(100 + g.int(0..<40)) {
                let t = dayStart + Int64(g.int(0..<86_400))
                var words = (0..<8).map { _ in g.pick(background) }
                var tags = [g.pick(["news", "today", "life"])]
                if g.int(0..<4) == 0 {
                    if let pivot, t >= pivot {
                        words += ["virus", "epidemic", "quarantine"]
                        tags.append(g.pick(["coronavirus", "wuhan"]))
                    } else {
                        words += ["protest", "riot", "police"]
                        tags.append(g.pick(["hongkong", "guowengui"]))
                    }
                }
                b.post(g.pick(accounts), t, words.joined(separator: " "), language: "en", hashtags: tags)
            }
        }
        return b.finish(accounting: IngestAccounting())
    }

    @Test func findsPlantedPivotWithItsHashtags() throws {
        let pivot = at(2020, 1, 23)
        let ds = Self.dataset(seed: 11, pivot: pivot)
        let r = try Narratives(options: AnalysisOptions()).run(on: ds, context: AnalysisContext())
        let near = r.changePoints.filter {
            let d = CivilTime.parseISO($0.date)!
            return abs(d - pivot) <= 3 * 86_400
        }
        let cp = try #require(near.first, "change points: \(r.changePoints.map(\.date))")
        let rising = Set(cp.risingHashtags.prefix(3).map(\.term)), falling = Set(cp.fallingHashtags.prefix(3).map(\.term))
        #expect(rising.isSuperset(of: ["coronavirus", "wuhan"]))
        #expect(falling.isSuperset(of: ["hongkong", "guowengui"]))
        #expect(cp.rising.prefix(6).contains { $0.term == "virus" })
        #expect(cp.pValue <= 0.01)
        // The new hashtags emerge on the pivot, first seen there.
        let wuhan = try #require(r.emerging.first { $0.term == "wuhan" })
        #expect(wuhan.firstSeen == "2020-01-23" && wuhan.kind == "hashtag")
        // narratives.csv rows: days and ISO weeks.
        #expect(r.rows.contains { $0.period == "2020-01-23" && $0.term == "#wuhan" && $0.group == "all" })
        #expect(r.rows.contains { $0.period == "2020-W04" && $0.term == "virus" })
    }

    @Test(arguments: ["700", "5000"])  // 16 and 3 chunks of days against one
    func chunkedTokenisingGivesTheSameResult(chunkPosts: String) throws {
        let ds = Self.dataset(seed: 14, pivot: at(2020, 1, 23))
        let one = try Narratives(options: AnalysisOptions(["narratives.chunk_posts": "1000000"])).run(on: ds, context: AnalysisContext())
        let many = try Narratives(options: AnalysisOptions(["narratives.chunk_posts": chunkPosts])).run(on: ds, context: AnalysisContext())
        #expect(one.groups == many.groups)
        #expect(one.rows == many.rows)
        #expect(!one.changePoints.isEmpty)
    }

    @Test func stationaryTopicsHaveNoChangePoint() throws {
        let ds = Self.dataset(seed: 12, pivot: nil)
        let r = try Narratives(options: AnalysisOptions()).run(on: ds, context: AnalysisContext())
        #expect(r.changePoints.isEmpty, "change points: \(r.changePoints.map(\.date))")
    }

    @Test func clustersFromEarlierResultsGetTheirOwnTimeline() throws {
        let ds = Self.dataset(seed: 13, pivot: at(2020, 1, 23))
        var context = AnalysisContext()
        // A coordination result whose only cluster, 7, holds the first ten accounts: read through its type.
        let coordination = Coordination.Result(
            mode: .window, minWeight: 3, maxP: 0.01, percentile: 0, nullRounds: 0, seed: 1, maxPartners: 32, resolution: 1,
            traces: [], edges: 0, clusters: [], clusteredAccounts: 10, coreAccounts: 0, amplifierAccounts: 0,
            accountCluster: (0..<Int32(ds.accounts.count)).map { $0 < 10 ? 7 : -1 })
        context.store(coordination, as: "coordination")
        let r = try Narratives(options: AnalysisOptions()).run(on: ds, context: context)
        let group = try #require(r.groups.first { $0.group == "cluster:7" })
        #expect(group.accounts == 10)
        #expect(group.posts < r.groups[0].posts && group.posts > 0)
        #expect(r.rows.contains { $0.group == "cluster:7" })
    }

    @Test(arguments: [
        ((2020, 1, 1), "2020-W01"),  // a Wednesday
        ((2021, 1, 1), "2020-W53"),  // a Friday: still the last week of 2020
        ((2019, 12, 30), "2020-W01"),  // a Monday that starts 2020's first week
        ((2020, 1, 23), "2020-W04"),
    ])
    func isoWeeks(date: (Int, Int, Int), expected: String) {
        #expect(ISOWeek(dayNumber: CivilTime.days(year: date.0, month: date.1, day: date.2)).description == expected)
    }
}
