import Foundation
import LockstepCore
import Testing
@testable import LockstepAnalysis

/// Issue 13, item 10: run time and memory must follow the data's size, never its time span. One
/// post dated 9999-12-31 made the narratives' per-day series take 6.6 GB.
@Suite struct TimeSpanTests {
    /// Ten accounts, a few posts each, decades apart (1 AD and 9999 too: a dataset need not come
    /// through the readers' plausible range), and creation dates as far apart.
    static let years = [1, 1990, 1995, 2001, 2008, 2013, 2019, 2020, 2024, 9999]

    static func decadesApart() -> Dataset {
        var b = DatasetBuilder()
        for (k, y) in years.enumerated() {
            let a = b.account(id: "acct\(k)")
            b.profile(a, created: at(y, 1, 1, 12), language: "en")
            for p in 0..<3 { b.post(a, at(y, 3, 1 + p, 9 + p), "post number \(p) about the river and the harvest", language: "en", hashtags: ["tag\(k)"]) }
        }
        return b.finish(accounting: IngestAccounting())
    }

    @Test func postsDecadesApartKeepEveryResultSmall() throws {
        let ds = Self.decadesApart()
        let run = try AnalysisRun.run(AnalysisCatalogue.all, on: ds, options: AnalysisOptions())
        #expect(run.order == AnalysisCatalogue.names)

        let n = try #require(run.context.result(of: Narratives.self))
        let all = try #require(n.groups.first)
        #expect(all.firstDay == "0001-03-01" && all.lastDay == "9999-03-03")
        // Rows for the days and ISO weeks with posts, nothing for the empty years between.
        var periods = Set<String>()
        for y in Self.years {
            for day in 1...3 {
                let d = CivilTime.days(year: y, month: 3, day: day)
                periods.insert(CivilTime.isoDate(dayNumber: d))
                periods.insert(ISOWeek(dayNumber: d).description)
            }
        }
        #expect(Set(n.rows.map(\.period)) == periods)
        #expect(n.changePoints.isEmpty && n.emerging.isEmpty)

        let s = try #require(run.context.result(of: Schedule.self))
        #expect(s.group.silences.isEmpty)

        let c = try #require(run.context.result(of: CreationCohorts.self))
        #expect(c.firstCreated == "0001-01-01" && c.lastCreated == "9999-01-01")
        // The span is still the Bonferroni divisor, a number, never an array.
        #expect(c.daysTested == CivilTime.days(year: 9999, month: 1, day: 1) - CivilTime.days(year: 1, month: 1, day: 1) + 1)
        #expect(c.cohorts.isEmpty)

        let enc = JSONEncoder()
        for name in run.order {
            let r = try #require(run.result(named: name))
            // Every section of summary.json stays small (a per-day series would take megabytes).
            #expect(try enc.encode(r).count < 64_000, "\(name)")
        }
    }

    @Test func dayAxisShortensOnlyLongEmptyStretches() {
        // No stretch longer than twice the margin: the axis is the calendar.
        let dense = DayAxis([100, 103, 110, 101], margin: 5)
        #expect(dense.count == 11)
        #expect((0..<11).map(dense.day) == Array(100...110))
        // Thirty years between two posts keep the margin on each side and whole weeks.
        let first = CivilTime.days(year: 1995, month: 3, day: 1), last = CivilTime.days(year: 2025, month: 3, day: 1)
        let sparse = DayAxis([last, first, last], margin: 35)
        #expect(sparse.count >= 72 && sparse.count <= 78)
        #expect(sparse.day(0) == first && sparse.day(sparse.count - 1) == last)
        #expect(sparse.index(of: first) == 0 && sparse.index(of: last) == sparse.count - 1)
        for i in 0..<sparse.count {
            // Days within the margin of a post are the calendar's; weekdays always line up.
            if i <= 35 { #expect(sparse.day(i) == first + i) }
            if i >= sparse.count - 36 { #expect(sparse.day(i) == last - (sparse.count - 1 - i)) }
            #expect(CivilTime.weekday(dayNumber: sparse.day(i)) == CivilTime.weekday(dayNumber: first + i))
        }
    }

    /// Shortening empty stretches changes no narratives result: the same data read on the full
    /// calendar (a margin wider than any gap) gives the same timelines and rows.
    @Test func narrativesAcrossALongGapMatchTheFullCalendar() throws {
        var b = DatasetBuilder()
        var g = SeededGenerator(seed: 5)
        let accounts = (0..<40).map { b.account(id: "acct\($0)") }
        let words = ["economy", "market", "weather", "football", "school", "music", "travel", "health", "family", "river"]
        // Two 60-day stretches three years apart, each with a topic that starts halfway.
        for (start, topic) in [(at(2016, 5, 2), ["protest", "police"]), (at(2019, 6, 3), ["virus", "quarantine"])] {
            for day in 0..<60 {
                for _ in 0..<40 {
                    var text = (0..<6).map { _ in g.pick(words) }
                    if day >= 30 && g.int(0..<3) == 0 { text += topic }
                    b.post(g.pick(accounts), start + Int64(day) * 86_400 + Int64(g.int(0..<86_400)), text.joined(separator: " "),
                           language: "en", hashtags: [day >= 30 ? topic[0] : "daily"])
                }
            }
        }
        let ds = b.finish(accounting: IngestAccounting())
        let options = AnalysisOptions(["narratives.min_tokens": "50", "narratives.min_emerging": "5"])
        let short = try Narratives(options: options).run(on: ds, context: AnalysisContext())
        var full = try Narratives(options: options)
        full.dayAxisMargin = 10_000
        let calendar = try full.run(on: ds, context: AnalysisContext())
        #expect(!short.changePoints.isEmpty && !short.emerging.isEmpty)
        #expect(short.groups == calendar.groups)
        #expect(short.rows == calendar.rows)
    }
}
