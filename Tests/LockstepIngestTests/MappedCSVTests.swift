import Foundation
import LockstepCore
import Testing
@testable import LockstepIngest

@Suite struct TimeFormatTests {
    @Test(arguments: [
        // ISO with and without offset; an offset-less time is read in the zone
        ("iso", "UTC", "2019-08-19 10:00", "2019-08-19T10:00:00Z"),
        ("iso", "+08:00", "2019-08-19 10:00", "2019-08-19T02:00:00Z"),
        ("iso", "+08:00", "2019-08-19T10:00:00Z", "2019-08-19T10:00:00Z"),
        // Unix seconds, with a fraction, and milliseconds
        ("unix", "UTC", "1566208800", "2019-08-19T10:00:00Z"),
        ("unix", "UTC", "1566208800.75", "2019-08-19T10:00:00Z"),
        ("unix_ms", "UTC", "1566208800123", "2019-08-19T10:00:00Z"),
        // day-first with a zone
        ("%d/%m/%Y %H:%M", "+08:00", "19/08/2019 18:00", "2019-08-19T10:00:00Z"),
        // 12-hour clock, month names, two-digit year
        ("%b %d, %y %I:%M %p", "UTC", "Aug 19, 19 10:00 PM", "2019-08-19T22:00:00Z"),
        ("%B %e %Y %I:%M:%S %p", "UTC", "August  9 2019 12:05:00 am", "2019-08-09T00:05:00Z"),
        // an explicit offset beats the zone
        ("%Y-%m-%d %H:%M:%S %z", "+08:00", "2019-08-19 12:00:00 +0200", "2019-08-19T10:00:00Z"),
        ("%Y%m%d %H%M%S.%f %Z", "+08:00", "20190819 100000.123 UTC", "2019-08-19T10:00:00Z"),
    ])
    func parses(format: String, zone: String, text: String, iso: String) throws {
        let f = try TimeFormat(format, zone: zone)
        var t = text
        let v = t.withUTF8 { f.parse(UnsafeRawBufferPointer($0)) }
        #expect(v.map { CivilTime.iso8601($0) } == iso)
    }

    @Test(arguments: [
        // wrong separators, impossible dates, trailing junk
        ("%d/%m/%Y", "19-08-2019"),
        ("%d/%m/%Y", "31/02/2019"),
        ("%d/%m/%Y", "19/08/2019x"),
        ("%Y-%m-%d %H:%M", "2019-08-19 24:00"),
        ("unix", "12abc"),
        ("iso", "19/08/2019"),
    ])
    func rejects(format: String, text: String) throws {
        let f = try TimeFormat(format)
        var t = text
        #expect(t.withUTF8 { f.parse(UnsafeRawBufferPointer($0)) } == nil)
    }

    @Test func badFormatsAreErrors() {
        #expect(throws: TimeFormatError.self) { try TimeFormat("%d/%m %Q") }
        #expect(throws: TimeFormatError.self) { try TimeFormat("%H:%M") }  // no year
        #expect(throws: TimeFormatError.self) { try TimeFormat("%Y %I") }  // %I without %p
        #expect(throws: TimeFormatError.self) { try TimeFormat("iso", zone: "Mars") }
    }
}

private let mappingText = #"""
# A Telegram-style export, tab-separated
delimiter = "\t"
list_separator = "|"

[columns]
account = "sender_id"
handle = "sender"
time = "date"
text = "message"
kind = "type"
post_id = "msg_id"
language = "lang"
retweet_of = "fwd_msg"
retweet_account = "fwd_from"
reply_to = "reply_to_msg"
hashtags = "tags"
urls = "links"
mentions = "mentions"
followers = "subscribers"
created = "joined"
display_name = "name"

[time]
format = "%d/%m/%Y %H:%M"
zone = "+03:00"
created_format = "%Y-%m-%d"

[kind]
retweet = ["FWD", "forward"]
reply = ["re"]
"""#

@Suite struct MappedCSVTests {
    func setup(_ csv: String, mapping: String = mappingText) throws -> (csv: String, mapping: String) {
        let c = try TestData.temp(csv, name: "export.tsv")
        let m = try TestData.temp(mapping, name: "export.toml")
        return (c, m)
    }

    /// A folder of exports read with --mapping: the mapped files are read, not listed as unrecognised.
    @Test func mappedFilesInAFolderAreRead() throws {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("mapped-folder-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let header = "msg_id\tsender_id\tsender\tname\tdate\tmessage\ttype\tlang\tfwd_msg\tfwd_from\treply_to_msg\ttags\tlinks\tmentions\tsubscribers\tjoined"
        for (n, id) in [("a.tsv", "1"), ("b.tsv", "2")] {
            let row = "\(id)\t100\talpha\tAlpha\t19/08/2019 13:0\(id)\thello\tpost\ten\t\t\t\t\t\t\t5\t2017-03-01"
            try Data((header + "\n" + row + "\n").utf8).write(to: dir.appendingPathComponent(n))
        }
        try Data("notes by hand\n".utf8).write(to: dir.appendingPathComponent("notes.txt"))
        let m = try TestData.temp(mappingText, name: "export.toml")
        for strict in [false, true] {
            let d = try TestData.load([dir.path], mapping: m, strict: strict)
            #expect(d.posts.count == 2)
            #expect(d.accounting.files.map(\.format) == ["mapped", "mapped"])
            #expect(d.accounting.skipped.map(\.kind) == ["other"])
        }
    }

    @Test func readsThroughTheMapping() throws {
        let csv = [
            "msg_id\tsender_id\tsender\tname\tdate\tmessage\ttype\tlang\tfwd_msg\tfwd_from\treply_to_msg\ttags\tlinks\tmentions\tsubscribers\tjoined",
            "1\t100\talpha\tAlpha\t19/08/2019 13:00\thello #HK\tpost\ten\t\t\t\tHK|news\thttp://a.example\t@beta|200\t5\t2017-03-01",
            "2\t200\tbeta\tBeta\t19/08/2019 13:05\tfwd\tFWD\ten\t1\t100\t\t\t\t\t7\t2018-01-02",
            "3\t100\talpha\tAlpha\t19/08/2019 13:06\tre\tRE\tzh\t\t\t2\t\t\t\t5\t2017-03-01",
            "4\t200\tbeta\tBeta\t20/08/2019\tbad\tpost\ten\t\t\t\t\t\t\t7\t2018-01-02",
            "5\t\tnobody\t\t19/08/2019 13:00\tno id\tpost\ten\t\t\t\t\t\t\t\t",
        ].joined(separator: "\n") + "\n"
        let (c, m) = try setup(csv)
        let d = try TestData.load([c], mapping: m)
        #expect(d.posts.count == 3)
        #expect(d.accounting.files.first?.format == "mapped")
        #expect(d.accounting.rejected == ["bad_time": 1, "missing_value": 1])
        #expect(d.accounting.examples.map(\.line) == [5, 6])
        #expect(d.posts.kind == [.original, .retweet, .reply])
        #expect(CivilTime.iso8601(d.posts.time[0]) == "2019-08-19T10:00:00Z")
        #expect(d.posts.hashtags[0].map { d.hashtags[$0] } == ["hk", "news"])
        #expect(d.posts.urls[0].map { d.urls[$0] } == ["http://a.example"])
        // `@beta` is a handle, resolved to account 200 when the dataset is finished; `200` an id.
        #expect(d.posts.mentions[0].map { d.accounts.key[$0] } == ["200", "200"])
        #expect(d.postKeys[d.posts.retweetOf[1]] == "1")
        #expect(d.accounts.key[d.posts.retweetAccount[1]] == "100")
        #expect(d.postKeys[d.posts.replyTo[2]] == "2")
        let a = d.posts.account[0]
        #expect(d.handle(of: a) == "alpha")
        #expect(d.accounts.followers[Int(a)] == 5)
        #expect(CivilTime.iso8601(d.accounts.created[Int(a)]) == "2017-02-28T21:00:00Z")
    }

    @Test func missingColumnsNameExpectedAndFound() throws {
        let (c, m) = try setup("msg_id\tsender_id\tmessage\n1\t2\tx\n")
        #expect {
            try TestData.load([c], mapping: m)
        } throws: { e in
            guard case .missingColumns(_, _, let missing, let found) = e as? IngestError else { return false }
            return missing.contains("date (time)") && missing.contains("sender (handle)") && found == ["msg_id", "sender_id", "message"]
        }
    }

    @Test(arguments: [
        // account is required; named at the [columns] header
        ("[columns]\ntime = \"t\"", 1, 2, "account"),
        // a misspelt field is named with the known ones
        ("[columns]\naccount = \"a\"\ntime = \"t\"\nacount = \"b\"", 4, 1, "unknown field 'acount'"),
        // the same inside an inline table, at the key's column
        ("columns = { account = \"a\", time = \"t\", acount = \"b\" }", 1, 40, "unknown field 'acount'"),
        // and as a dotted key
        ("columns.account = \"a\"\ncolumns.time = \"t\"\n  columns.acount = \"b\"", 3, 11, "unknown field 'acount'"),
        // unknown top-level key
        ("delimeter = \";\"\n[columns]\naccount = \"a\"\ntime = \"t\"", 1, 1, "unknown key 'delimeter'"),
        // a two-character delimiter
        ("delimiter = \";;\"\n[columns]\naccount = \"a\"\ntime = \"t\"", 1, 1, "one character"),
        // a column named by a number
        ("columns = { account = 1, time = \"t\" }", 1, 13, "is an integer, expected a string"),
        // a bad time format, and a bad created format, each at its own key
        ("[columns]\naccount = \"a\"\ntime = \"t\"\n[time]\nformat = \"%Q\"", 5, 1, "%Q"),
        ("[columns]\naccount = \"a\"\ntime = \"t\"\n[time]\nformat = \"unix\"\ncreated_format = \"%Q\"", 6, 1, "%Q"),
        // a bad zone without a format is named at the zone
        ("[columns]\naccount = \"a\"\ntime = \"t\"\n[time]\nzone = \"Mars\"", 5, 1, "Mars"),
        // kinds must be strings
        ("[columns]\naccount = \"a\"\ntime = \"t\"\n[kind]\nretweet = [1]", 5, 1, "strings"),
        // TOML syntax errors carry their line and column too
        ("[columns]\naccount = \"a\ntime = \"t\"", 2, 13, "expected '\"'"),
        ("[columns]\naccount = \"a\"\naccount = \"b\"", 3, 1, "set only once"),
    ])
    func badMappingsNameTheLineAndColumn(text: String, line: Int, column: Int, mentions: String) throws {
        let path = try TestData.temp(text, name: "bad.toml")
        #expect {
            _ = try CSVMapping.load(path: path)
        } throws: { e in
            guard case .badMapping(let f, let l, let why, let c) = e as? IngestError else { return false }
            let ok = f == path && l == line && c == column && why.contains(mentions)
            if !ok { Issue.record("got \(e)") }
            return ok && "\(e)".hasPrefix("\(path):\(line):\(column): ")
        }
    }

    /// Every TOML spelling of one mapping (issue 13, item 16) reads as the same mapping.
    @Test(arguments: [
        // tables with headers
        """
        delimiter = ";"
        [columns]
        account = "user id"
        time = "ts"
        [time]
        format = "unix"
        zone = "+03:00"
        [kind]
        retweet = ["FWD"]
        """,
        // inline tables
        """
        delimiter = ';'
        columns = { account = "user id", time = "ts" }
        time = { format = "unix", zone = "+03:00" }
        kind = { retweet = ["FWD"] }
        """,
        // dotted keys
        """
        delimiter = ";"
        columns.account = "user id"
        columns.time = "ts"
        time.format = "unix"
        time.zone = "+03:00"
        kind.retweet = ["FWD"]
        """,
        // quoted keys, literal and multi-line strings, escapes, and a commented array
        #"""
        "delimiter" = "\u003B"
        [ "columns" ]
        'account' = '''user id'''
        "time" = """
        ts"""
        [time]
        "format" = 'unix'
        zone = "+03:00"
        [kind]
        retweet = [  # forwarded posts
          "FWD",
        ]
        """#,
        // a mix of the three
        """
        delimiter = ";"
        columns = { account = "user id", time = "ts" }
        time.format = "unix"
        time.zone = "+03:00"
        [kind]
        retweet = ["FWD"]
        """,
    ])
    func equivalentSpellingsReadTheSame(text: String) throws {
        let m = try CSVMapping.parse(text, file: "m.toml")
        #expect(m.delimiter == UInt8(ascii: ";"))
        #expect(m.columns == [.account: "user id", .time: "ts"])
        #expect(m.time == (try TimeFormat("unix", zone: "+03:00")))
        #expect(m.kindValues.first { $0.0 == .retweet }?.1 == [Array("fwd".utf8)])
        #expect(m.kindValues.first { $0.0 == .reply }?.1 == CSVMapping().kindValues.first { $0.0 == .reply }?.1)
    }

    /// A mapping file that is not UTF-8 is refused at the bad byte, not read with replacement characters.
    @Test func mappingThatIsNotUTF8IsRefused() throws {
        let bytes = Array("[columns]\naccount = \"caf".utf8) + [0xE9] + Array("\"\ntime = \"t\"\n".utf8)
        let path = try TestData.temp(bytes, name: "latin1.toml")
        #expect {
            _ = try CSVMapping.load(path: path)
        } throws: { e in
            guard case .badMapping(_, 2, let why, 15) = e as? IngestError else { return false }
            return why.contains("UTF-8")
        }
    }

    @Test func semicolonsAndDerivedKinds() throws {
        let mapping = """
        delimiter = ";"
        [columns]
        account = "user"
        handle = "user"
        time = "ts"
        text = "text"
        reply_to = "in_reply"
        [time]
        format = "unix"
        """
        let csv = "user;ts;text;in_reply\nu1;1566208800;\"RT @u2: hi; there\";\nu2;1566208801;hello;\nu1;1566208802;ok;9\n"
        let (c, m) = try setup(csv, mapping: mapping)
        let d = try TestData.load([c], mapping: m)
        // No kind column: retweet from the RT prefix, reply from reply_to. The RT handle resolves
        // to the account with that handle (here the account column doubles as the handle).
        #expect(d.posts.kind == [.retweet, .original, .reply])
        #expect(d.text(ofPost: 0) == "RT @u2: hi; there")
        #expect(d.accounts.key[d.posts.retweetAccount[0]] == "u2")
    }

    @Test func commaPathUnchangedAndDelimiterHonoured() throws {
        // The same rows, comma- and tab-separated, give the same dataset.
        let mapping = "[columns]\naccount = \"a\"\ntime = \"t\"\ntext = \"x\"\n"
        let comma = "a,t,x\n1,2019-01-01,\"x, y\"\n2,2019-01-02,z\n"
        let tab = "a\tt\tx\n1\t2019-01-01\t\"x, y\"\n2\t2019-01-02\tz\n"
        let (c1, m1) = try setup(comma, mapping: mapping)
        let (c2, m2) = try setup(tab, mapping: "delimiter = \"\\t\"\n" + mapping)
        #expect(DatasetText(try TestData.load([c1], mapping: m1)) == DatasetText(try TestData.load([c2], mapping: m2)))
    }
}
