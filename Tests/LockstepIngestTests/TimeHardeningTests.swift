import Foundation
import LockstepCore
import Testing
@testable import LockstepIngest

/// Issue 13, items 10 and 13: times that do not exist or are implausible are `bad_time` with what
/// is wrong; an unreadable profile field is a profile problem, never a lost post.
@Suite struct TimeHardeningTests {
    /// A fixed clock: 2026-12-03T09:00:00Z, so the plausible range ends 2026-12-04.
    static let now = CivilTime.seconds(year: 2026, month: 12, day: 3, hour: 9)
    static let times = PlausibleTimes(now: now)

    func load(_ text: String, name: String = "t.csv", mapping: String? = nil, strict: Bool = false, workers: Int = 2) throws -> Dataset {
        var o = IngestOptions()
        o.workers = workers
        o.strict = strict
        o.times = Self.times
        if let mapping { o.mapping = try TestData.temp(mapping, name: "m.toml") }
        return try Ingest.load([try TestData.temp(text, name: name)], options: o)
    }

    func read(_ s: String, as format: TimeFormat? = nil) -> (Int64?, String?) {
        var c = s
        return c.withUTF8 { b in
            do { return (try Self.times.read(UnsafeRawBufferPointer(b), as: format), nil) } catch { return (nil, (error as? TimeProblem)?.reason) }
        }
    }

    @Test(arguments: [
        // February 29 only in leap years (2000 is one, 2100 would not be)
        ("2019-02-29 10:00", "2019-02-29 does not exist (February 2019 has 28 days)"),
        ("2019-02-29", "2019-02-29 does not exist (February 2019 has 28 days)"),
        ("2/29/2019 10:00", "2019-02-29 does not exist (February 2019 has 28 days)"),
        ("2021-04-31T00:00:00Z", "2021-04-31 does not exist (April 2021 has 30 days)"),
        ("2020-00-10", "month 0 does not exist (01–12)"),
        ("2020-13-01", "month 13 does not exist (01–12)"),
        ("2020-01-00 10:00", "2020-01-00 does not exist (January 2020 has 31 days)"),
        ("2020-01-01 24:00", "hour 24 does not exist (00–23)"),
        ("2020-01-01T10:60:00Z", "minute 60 does not exist (00–59)"),
        ("2020-01-01 10:00:61", "second 61 does not exist (00–60)"),
        ("2020-01-01T10:00:00+25:00", "offset +25:00 does not exist (at most ±18:00)"),
        ("Fri Feb 29 20:19:24 +0000 2019", "2019-02-29 does not exist (February 2019 has 28 days)"),
        ("Wed Oct 10 25:19:24 +0000 2018", "hour 25 does not exist (00–23)"),
    ])
    func february29InNonLeapYearIsBadTime(value: String, reason: String) {
        let (t, why) = read(value)
        #expect(t == nil)
        #expect(why == reason)
    }

    @Test func realLeapDaysAndLeapSecondsAreRead() {
        #expect(read("2020-02-29 10:00").0 == CivilTime.seconds(year: 2020, month: 2, day: 29, hour: 10))
        #expect(read("2000-02-29").0 == CivilTime.seconds(year: 2000, month: 2, day: 29))
        #expect(read("2016-12-31T23:59:60Z").0 == CivilTime.seconds(year: 2017, month: 1, day: 1))
        #expect(read("Wed Oct 10 20:19:24 +0000 2018").0 == CivilTime.seconds(year: 2018, month: 10, day: 10, hour: 20, minute: 19, second: 24))
    }

    @Test func impossibleDatesInPatternFormatsAreBadTime() throws {
        let f = try TimeFormat("%d/%m/%Y %H:%M")
        #expect(read("29/02/2019 10:00", as: f).1 == "2019-02-29 does not exist (February 2019 has 28 days)")
        #expect(read("29/02/2020 10:00", as: f).0 == CivilTime.seconds(year: 2020, month: 2, day: 29, hour: 10))
        #expect(read("01/13/2020 10:00", as: f).1 == "month 13 does not exist (01–12)")
        let twelve = try TimeFormat("%Y-%m-%d %I:%M %p")
        #expect(read("2020-01-01 13:00 PM", as: twelve).1 == "hour 13 does not exist on a 12-hour clock (1–12)")
        #expect(read("2020-01-01 12:30 AM", as: twelve).0 == CivilTime.seconds(year: 2020, month: 1, day: 1, minute: 30))
    }

    @Test(arguments: [
        // placeholders and typos far from the range, and its edges
        ("9999-12-31 23:59", false), ("0000-01-01", false), ("1989-12-31 23:59", false), ("2026-12-04 09:00:01", false),
        ("1990-01-01 00:00", true), ("2026-12-04 09:00", true), ("2019-08-19 13:00", true),
    ])
    func postTimesOutsideThePlausibleRangeAreBadTime(value: String, accepted: Bool) {
        let (t, why) = read(value)
        #expect((t != nil) == accepted)
        if !accepted { #expect(why?.contains("is outside the plausible range 1990-01-01 to 2026-12-04") == true) }
    }

    @Test func farFuturePostIsRejectedWithTheRangeAndDoesNotStretchTheData() throws {
        var text = ioTweetsHeader + "\n"
        text += ioRow(id: "1", user: "9") + "\n"
        text += ioRow(id: "2", user: "9", time: "9999-12-31 23:59") + "\n"     // line 3
        text += ioRow(id: "3", user: "9", time: "2019-02-29 10:00") + "\n"     // line 4
        let d = try load(text)
        #expect(d.posts.count == 1)
        #expect(d.accounting.rejected == ["bad_time": 2])
        let e = d.accounting.examples
        #expect(e.map(\.line) == [3, 4])
        #expect(e[0].detail == "found tweet_time '9999-12-31 23:59': 9999-12-31T23:59:00Z is outside the plausible range 1990-01-01 to 2026-12-04 (a day after the run started)")
        #expect(e[1].detail == "found tweet_time '2019-02-29 10:00': 2019-02-29 does not exist (February 2019 has 28 days)")
    }

    @Test func ira538PublishDatesAreCheckedToo() throws {
        let text = "author,content,publish_date,followers,following\n"
            + "a,hello,2017-02-28 10:00:00,1,2\n" + "a,leap,2017-02-29 10:00:00,1,2\n" + "a,old,1/1/1970 00:00,1,2\n"
        let d = try load(text, name: "ira.csv")
        #expect(d.posts.count == 1)
        #expect(d.accounting.examples.map(\.reason) == [.badTime, .badTime])
        #expect(d.accounting.examples[1].detail.contains("1970-01-01T00:00:00Z is outside the plausible range"))
    }

    @Test func unixMillisecondsInAUnixColumnAreBadTimeSuggestingUnixMS() throws {
        let csv = "user,time,text\nu1,1546300800,ok\nu1,1546300800000,ms\nu1,1546300800.5,fraction\n"
        let d = try load(csv, mapping: "[columns]\naccount = \"user\"\ntime = \"time\"\ntext = \"text\"\n[time]\nformat = \"unix\"\n")
        #expect(d.posts.count == 2)
        let e = try #require(d.accounting.examples.first)
        #expect(e.line == 3 && e.reason == .badTime)
        #expect(e.detail.hasSuffix("it has 13 digits, as Unix milliseconds have: use the format unix_ms"))
        // The other way round: seconds in a unix_ms column land in January 1970.
        let s = try load(csv, mapping: "[columns]\naccount = \"user\"\ntime = \"time\"\n[time]\nformat = \"unix_ms\"\n")
        #expect(s.posts.count == 1)
        #expect(s.accounting.examples.first?.detail.hasSuffix("it has 10 digits, as Unix seconds have: use the format unix") == true)
    }

    // MARK: Profile fields

    /// The issue's case: a simple mapping over real users whose creation dates are in Twitter v1.1
    /// style lost every other post as `bad_time`.
    @Test func twitterV1CreationDatesKeepEveryPost() throws {
        var csv = "id,user,created,time,text\n"
        for i in 0..<2000 {
            csv += "\(i),user\(i % 100),\(i % 2 == 1 ? "Wed Oct 10 20:19:24 +0000 2018" : "2018-10-10"),2019-01-0\(1 + i % 9)T10:00:00Z,text \(i)\n"
        }
        let d = try load(csv, mapping: "[columns]\naccount = \"user\"\ntime = \"time\"\ncreated = \"created\"\ntext = \"text\"\npost_id = \"id\"\n")
        #expect(d.posts.count == 2000)
        #expect(d.accounting.rejectedTotal == 0 && d.accounting.profileProblems.isEmpty)
        // Account k's profile comes from row k: odd ones in v1.1 style, with its time of day.
        let created = Set(d.accounts.created)
        #expect(created == [CivilTime.seconds(year: 2018, month: 10, day: 10), CivilTime.seconds(year: 2018, month: 10, day: 10, hour: 20, minute: 19, second: 24)])
    }

    @Test func twitterV1DatesAreReadByTheIOArchiveReaders() throws {
        var text = ioTweetsHeader + "\n"
        text += ioRow(id: "1", user: "9", time: "Wed Oct 10 20:19:24 +0000 2018").replacingOccurrences(of: "\"2017-09-03\"", with: "\"Sat Sep 02 23:00:00 -0100 2017\"") + "\n"
        let d = try load(text)
        #expect(d.posts.time == [CivilTime.seconds(year: 2018, month: 10, day: 10, hour: 20, minute: 19, second: 24)])
        #expect(d.accounts.created[Int(d.posts.account[0])] == CivilTime.seconds(year: 2017, month: 9, day: 3))
    }

    @Test func unreadableCreationDateKeepsThePostAndIsAProfileProblem() throws {
        var text = ioTweetsHeader + "\n"
        let bad = { (row: String, created: String) in row.replacingOccurrences(of: "\"2017-09-03\"", with: "\"\(created)\"") }
        text += bad(ioRow(id: "1", user: "9"), "soon") + "\n"                       // line 2: unreadable
        text += bad(ioRow(id: "2", user: "9"), "2017-02-29") + "\n"                 // line 3: does not exist
        text += bad(ioRow(id: "3", user: "8"), "1900-01-01") + "\n"                 // line 4: implausible
        text += ioRow(id: "4", user: "7", followers: "many") + "\n"                 // line 5: bad count
        let d = try load(text)
        #expect(d.posts.count == 4)
        let acc = d.accounting
        #expect(acc.rowsUsed == 4 && acc.rejectedTotal == 0)
        #expect(acc.profileProblems == ["bad_time": 3, "bad_number": 1])
        #expect(acc.files.first?.profileProblems == ["bad_time": 3, "bad_number": 1])
        #expect(acc.profileExamples.map(\.line) == [2, 3, 4, 5])
        #expect(acc.profileExamples.allSatisfy { $0.column != nil })
        #expect(acc.profileExamples[0].detail == "found account_creation_date 'soon', expected YYYY-MM-DD")
        #expect(acc.profileExamples[1].detail == "found account_creation_date '2017-02-29': 2017-02-29 does not exist (February 2017 has 28 days)")
        for a in 0..<Int32(d.accounts.count) where d.accounts.key[a] != "7" { #expect(d.accounts.created[Int(a)] == noTime) }
        let seven = try #require((0..<Int32(d.accounts.count)).first { d.accounts.key[$0] == "7" })
        #expect(d.accounts.followers[Int(seven)] == -1)
    }

    @Test func unreadableProfileFieldsOfListedAccountsKeepTheAccount() throws {
        let text = "userid,user_screen_name,follower_count,following_count,account_creation_date\n"
            + "1,a,5,6,2017-01-01\n" + "2,b,x,6,2017-01-01\n" + "3,c,5,6,someday\n"
        let d = try load(text, name: "users.csv")
        #expect(d.accounts.count == 3)
        #expect(d.accounting.rowsUsed == 3)
        #expect(d.accounting.profileProblems == ["bad_number": 1, "bad_time": 1])
    }

    @Test func mappedProfileProblemsKeepThePost() throws {
        let csv = "user,time,followers,created\nu1,2020-01-01,many,2019-02-29\nu2,2020-01-01,3,\nu3,2020-01-01,4,1/2/2019\n"
        let d = try load(csv, mapping: "[columns]\naccount = \"user\"\ntime = \"time\"\nfollowers = \"followers\"\ncreated = \"created\"\n")
        #expect(d.posts.count == 3)
        #expect(d.accounting.profileProblems == ["bad_number": 1, "bad_time": 1])
        // Columns count bytes: "u1,2020-01-01," is 14 long.
        #expect(d.accounting.profileExamples.map(\.column) == [15, 20])
    }

    /// Profile problems are counted on every row, so their number does not depend on where the
    /// file is cut for the workers.
    @Test func profileProblemsAreCountedWhereverTheFileIsCut() throws {
        var text = ioTweetsHeader + "\n"
        for i in 0..<8000 {
            text += ioRow(id: "\(i + 1)", user: "\(i % 50)", followers: i % 700 == 699 ? "many" : "7") + "\n"
        }
        var counts: [Int] = []
        for workers in [1, 2, 4] {
            let d = try load(text, workers: workers)
            #expect(d.posts.count == 8000)
            counts.append(d.accounting.profileProblems["bad_number"] ?? 0)
        }
        #expect(counts == [11, 11, 11])
    }

    @Test func strictStopsAtAProfileProblemWithItsLocation() throws {
        var text = ioTweetsHeader + "\n" + ioRow(id: "1", user: "9") + "\n"
        text += ioRow(id: "2", user: "8").replacingOccurrences(of: "\"2017-09-03\"", with: "\"2017-13-03\"") + "\n"
        #expect {
            try load(text, name: "p.csv", strict: true)
        } throws: { e in
            guard let r = e as? Rejection else { return false }
            return r.line == 3 && r.description.contains("/p.csv:3:")
                && r.description.hasSuffix(": found account_creation_date '2017-13-03': month 13 does not exist (01–12) [bad_time]")
        }
    }
}
