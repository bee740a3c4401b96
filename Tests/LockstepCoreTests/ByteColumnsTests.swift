import Testing
@testable import LockstepCore

@Suite struct ByteColumnsTests {
    @Test func strRefPacksOffsetAndLength() {
        let r = StrRef(offset: 123_456_789_012, count: StrRef.maxLength)
        #expect(r.offset == 123_456_789_012)
        #expect(r.count == StrRef.maxLength)
        #expect(StrRef.empty.isEmpty)
    }

    @Test func internerGivesDenseStableIDs() {
        var i = ByteInterner()
        let words = (0..<5000).map { "w\($0 % 1234)" }
        var ids: [String: Int32] = [:]
        for w in words {
            let id = i.intern(w)
            if let old = ids[w] { #expect(old == id) } else { ids[w] = id }
        }
        #expect(i.count == 1234)
        #expect(i.table[ids["w77"]!] == "w77")
        #expect(i.lookup("w77") == ids["w77"])
        #expect(i.lookup("absent") == nil)
        // Ids are dense and in first-seen order.
        #expect(ids["w0"] == 0 && ids["w1"] == 1)
    }

    @Test func internerHandlesEmptyAndBinaryKeys() {
        var i = ByteInterner()
        let a = [UInt8]([0, 255, 0, 1]).withUnsafeBytes { i.intern($0) }
        let b = [UInt8]().withUnsafeBytes { i.intern($0) }
        let a2 = [UInt8]([0, 255, 0, 1]).withUnsafeBytes { i.intern($0) }
        #expect(a == a2 && a != b && i.count == 2)
    }
}

@Suite struct CivilTimeTests {
    @Test(arguments: [
        // (y, m, d, days since epoch, ISO weekday 0 = Monday)
        (1970, 1, 1, 0, 3),      // epoch, a Thursday
        (2000, 2, 29, 11_016, 1), // leap day, a Tuesday
        (2020, 1, 24, 18_285, 4), // Chinese New Year's Eve 2020, a Friday
        (1969, 12, 31, -1, 2),   // before the epoch
    ])
    func daysAndWeekdays(y: Int, m: Int, d: Int, days: Int, weekday: Int) {
        #expect(CivilTime.days(year: y, month: m, day: d) == days)
        let back = CivilTime.date(days: days)
        #expect(back.year == y && back.month == m && back.day == d)
        #expect(CivilTime.weekday(dayNumber: days) == weekday)
    }

    @Test(arguments: [
        ("2019-08-19", "2019-08-19T00:00:00Z"),
        ("2019-08-19 13:05", "2019-08-19T13:05:00Z"),          // IO archive tweet_time
        ("2019-08-19T13:05:07.123Z", "2019-08-19T13:05:07Z"),  // API v2 created_at
        ("2019-08-19 21:05:07+08:00", "2019-08-19T13:05:07Z"), // offset folded into UTC
        ("2019-08-19T08:05:07-0500", "2019-08-19T13:05:07Z"),  // offset without a colon
    ])
    func parsesISOForms(input: String, expected: String) throws {
        let t = try #require(CivilTime.parseISO(input))
        #expect(CivilTime.iso8601(t) == expected)
    }

    @Test(arguments: ["", "2019-13-01", "2019-08-19 25:00", "2019/08/19", "yesterday", "2019-08-19 13:05 junk"])
    func rejectsMalformedTimes(input: String) {
        #expect(CivilTime.parseISO(input) == nil)
    }

    @Test func formatsOffsets() {
        #expect(CivilTime.formatOffset(8 * 3600) == "+08:00")
        #expect(CivilTime.formatOffset(-(5 * 3600 + 1800)) == "-05:30")
        #expect(CivilTime.iso8601(0, offsetSeconds: 8 * 3600) == "1970-01-01T08:00:00+08:00")
    }
}
