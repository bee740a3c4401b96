import Foundation
import LockstepCore
import Testing
@testable import LockstepAnalysis

/// Office at UTC+8, evening/weekend users at UTC+8 and round-the-clock bots, in one dataset.
struct Scenario {
    let dataset: Dataset
    let office: [Int32]
    let organic: [Int32]
    let bots: [Int32]

    static let shared: Scenario = {
        var s = Synth(seed: 42)
        let office = s.office(50)
        let organic = s.organic(30)
        let bots = s.bots(3)
        return Scenario(dataset: s.finish(), office: office, organic: organic, bots: bots)
    }()
}

@Suite struct ScheduleTests {
    let sc = Scenario.shared

    @Test func officeGroupIsUTCPlus8WithMembersAgreeing() {
        let f = Schedule.fingerprint(of: sc.office, in: sc.dataset, settings: Schedule.Settings())
        #expect(f.inference.verdict == "working-week")
        #expect(f.inference.offsetHours == 8)
        #expect(f.inference.confidence == "high")
        #expect(f.inference.scores.count == 24)
        #expect(f.membersJudged == 50)
        #expect((f.membersAtGroupOffset ?? 0) >= 0.9)
        // Under `auto` the local table is in the inferred zone, where the lunch dip shows.
        #expect(f.localZone == "UTC+08:00")
        #expect((f.lunchDipDepth ?? 0) > 0.3)
        #expect((f.workhoursShare ?? 0) > 0.8)
        #expect(f.weekdayWeekendRatio == nil)
        #expect(f.dayRhythm?.offsetHours == 8)
        #expect((f.dayRhythm?.nightFloor ?? 1) < 0.05)
    }

    @Test func officeSilenceIsFoundWithItsDates() {
        let f = Schedule.fingerprint(of: sc.office, in: sc.dataset, settings: Schedule.Settings())
        #expect(f.silences.map(\.from) == ["2020-01-24"])
        // The closure's last weekday is Friday 31 January; the quiet weekend after it belongs to it.
        #expect(f.silences.map(\.to) == ["2020-02-02"])
        #expect(f.silences.first?.days == 10)
        #expect(f.silences.first?.postsDuring == 0)
    }

    @Test func workedWeekendIsNotPartOfTheSilence() throws {
        // An office closed Monday 30 September to Friday 4 October 2019 that worked Sunday 29 September.
        var s = Synth(seed: 14)
        let t0 = CivilTime.days(year: 2019, month: 7, day: 1), t1 = CivilTime.days(year: 2019, month: 12, day: 31)
        let closed = CivilTime.days(year: 2019, month: 9, day: 30)...CivilTime.days(year: 2019, month: 10, day: 4)
        let worked = CivilTime.days(year: 2019, month: 9, day: 29)
        var ids: [Int32] = []
        for k in 0..<20 {
            let a = s.account("w\(k)")
            ids.append(a)
            for d in t0...t1 where (CivilTime.weekday(dayNumber: d) < 5 || d == worked) && !closed.contains(d) {
                for _ in 0..<4 { s.post(a, at: Int64(d) * 86_400 + Int64(1 + s.uniform(8)) * 3600 + Int64(s.uniform(3600))) }
            }
        }
        let ds = s.finish()
        let f = Schedule.fingerprint(of: ids, in: ds, settings: try Schedule.Settings(options: AnalysisOptions(["tz": "UTC"])))
        #expect(f.silences.map(\.from) == ["2019-09-30"])
        // The quiet weekend after the closure joins it; the worked Sunday before it does not.
        #expect(f.silences.map(\.to) == ["2019-10-06"])
    }

    @Test func eveningAndWeekendUsersGetNoWorkingWeek() throws {
        let f = Schedule.fingerprint(of: sc.organic, in: sc.dataset, settings: Schedule.Settings())
        #expect(f.inference.verdict == "no-working-week")
        #expect(f.inference.offsetHours == nil)
        #expect(f.silences.isEmpty)
        let r = try Schedule(options: AnalysisOptions()).run(on: sc.dataset, context: AnalysisContext())
        for a in sc.organic { #expect(r.offsetHours(of: a) == nil) }
    }

    @Test func roundTheClockBotsGetNoWorkingWeek() throws {
        let f = Schedule.fingerprint(of: sc.bots, in: sc.dataset, settings: Schedule.Settings())
        #expect(f.inference.verdict == "no-working-week")
        #expect(f.inference.fit < 0.2)
        #expect(f.inference.confidence == "none")
        #expect((f.dayRhythm?.nightFloor ?? 0) > 0.9)
        let r = try Schedule(options: AnalysisOptions()).run(on: sc.dataset, context: AnalysisContext())
        for a in sc.bots { #expect(r.offsetHours(of: a) == nil) }
    }

    @Test func perAccountColumnsAndReasons() throws {
        let r = try Schedule(options: AnalysisOptions()).run(on: sc.dataset, context: AnalysisContext())
        let cols = Dictionary(uniqueKeysWithValues: r.accountColumns(sc.dataset).map { ($0.name, $0.values) })
        let offsets = try #require(cols["utc_offset_hours"])
        let at8 = sc.office.filter { offsets[Int($0)] == "8" }.count
        #expect(Double(at8) / Double(sc.office.count) >= 0.9)
        #expect(cols["schedule"]?[Int(sc.bots[0])] == "no-working-week")
        let reasons = r.accountReasons(sc.dataset)
        #expect(reasons[sc.office[0]] == ["office_hours_utc+8"] || offsets[Int(sc.office[0])] != "8")
        #expect(reasons[sc.bots[0]] == nil)
    }

    @Test func fewPostsAreInsufficient() throws {
        var s = Synth(seed: 1)
        let a = s.account("few")
        for k in 0..<10 { s.post(a, at: CivilTime.seconds(year: 2020, month: 3, day: 2, hour: 1 + k % 8)) }
        let ds = s.finish()
        let r = try Schedule(options: AnalysisOptions()).run(on: ds, context: AnalysisContext())
        #expect(r.accountColumns(ds).first { $0.name == "schedule" }?.values[Int(a)] == "insufficient")
        #expect(r.offsetHours(of: a) == nil)
    }

    @Test func namedZoneMatchesItsFixedOffset() throws {
        let shanghai = try Schedule.Settings(options: AnalysisOptions(["tz": "Asia/Shanghai"]))
        let fixed = try Schedule.Settings(options: AnalysisOptions(["schedule.tz": "+08:00"]))
        let a = Schedule.fingerprint(of: sc.office, in: sc.dataset, settings: shanghai)
        let b = Schedule.fingerprint(of: sc.office, in: sc.dataset, settings: fixed)
        #expect(a.hourWeekdayLocal == b.hourWeekdayLocal)
        #expect(a.localZone == "Asia/Shanghai")
        let utc = Schedule.fingerprint(of: sc.office, in: sc.dataset, settings: try Schedule.Settings(options: AnalysisOptions(["tz": "UTC"])))
        #expect(utc.hourWeekdayLocal == utc.hourWeekdayUTC)
        #expect(utc.inference.offsetHours == 8)
    }

    @Test func daylightSavingZoneShiftsWithTheSeason() throws {
        // One post at 12:00 UTC in January and one in July: 07:00 and 08:00 in New York.
        var s = Synth(seed: 2)
        let a = s.account("ny")
        s.post(a, at: CivilTime.seconds(year: 2020, month: 1, day: 15, hour: 12))
        s.post(a, at: CivilTime.seconds(year: 2020, month: 7, day: 15, hour: 12))
        let ds = s.finish()
        let f = Schedule.fingerprint(of: [a], in: ds, settings: try Schedule.Settings(options: AnalysisOptions(["tz": "America/New_York"])))
        // 2020-01-15 and 2020-07-15 are Wednesdays (weekday index 2).
        #expect(f.hourWeekdayLocal[2][7] == 1)
        #expect(f.hourWeekdayLocal[2][8] == 1)
    }

    @Test(arguments: [
        ("auto", ZoneSpec.auto),  // inference
        ("UTC", .fixed(seconds: 0)),  // plain UTC
        ("+08:00", .fixed(seconds: 28_800)),  // colon form
        ("-0530", .fixed(seconds: -19_800)),  // compact form with minutes
        ("+3", nil),  // one digit is ambiguous
        ("Asia/Shanghai", .named("Asia/Shanghai")),  // IANA
        ("Mars/Olympus", nil),  // unknown name
        ("+15:00", nil),  // beyond any real offset
    ] as [(String, ZoneSpec?)])
    func zoneParsing(text: String, expected: ZoneSpec?) {
        #expect(ZoneSpec.parse(text) == expected)
    }

    @Test func badOptionsAreRejected() {
        #expect(throws: OptionError.self) { try Schedule(options: AnalysisOptions(["tz": "nowhere"])) }
        #expect(throws: OptionError.self) { try Schedule(options: AnalysisOptions(["schedule.min_posts": "0"])) }
    }
}
