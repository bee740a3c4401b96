import CZlib
import Foundation
import LockstepCore
import Testing
@testable import LockstepIngest
#if canImport(Glibc)
import Glibc
#endif

// Regression tests for the input problems an outside fuzzing campaign reported (issue 13): each
// is named after the problem it pins.

private func options(strict: Bool = false, field: Int? = nil, record: Int? = nil, format: InputFormat? = nil) -> IngestOptions {
    var o = IngestOptions()
    o.strict = strict
    o.workers = 2
    if let field { o.maxFieldBytes = field }
    if let record { o.maxRecordBytes = record }
    o.format = format
    return o
}

/// Rejections as `line:column reason`, in file order.
private func located(_ d: Dataset) -> [String] {
    d.accounting.examples.map { "\($0.line):\($0.column ?? 0) \($0.reason.rawValue)" }
}

/// A v1.1 status on one line, with the given id.
private func status(_ id: String, text: String = "hello") -> String {
    #"{"created_at": "Wed Oct 10 20:19:24 +0000 2018", "id_str": "\#(id)", "text": "\#(text)", "user": {"id_str": "42", "screen_name": "a"}, "lang": "en"}"#
}

@Suite struct CSVHardeningTests {
    // MARK: Issue 13.6: duplicate posts

    @Test func duplicatePostIsLocatedAndStrictDoesNotStopAtIt() throws {
        let dir = tempDir()
        let a = write(ioTweetsHeader + "\n" + ioRow(id: "1", user: "9") + "\n" + ioRow(id: "2", user: "9", text: "two\nlines") + "\n", "a.csv", in: dir)
        let b = write(ioTweetsHeader + "\n" + ioRow(id: "3", user: "8") + "\n" + ioRow(id: "2", user: "9") + "\n", "b.csv", in: dir)
        for strict in [false, true] {
            let d = try Ingest.load([a, b], options: options(strict: strict))
            #expect(d.posts.count == 3)
            #expect(d.accounting.files[1].rejected == ["duplicate_post": 1])
            let e = try #require(d.accounting.examples.first)
            #expect(e.file == b && e.line == 3 && e.reason == .duplicatePost)
            #expect(e.detail.contains("\(a):3"))
        }
    }

    @Test func duplicateInJSONLinesIsLocatedOnItsLine() throws {
        let path = try TestData.temp([status("10"), status("11"), "", status("10", text: "again")].joined(separator: "\n") + "\n")
        let d = try Ingest.load([path], options: options())
        #expect(d.posts.count == 2)
        #expect(located(d) == ["4:0 duplicate_post"])
    }

    // MARK: Issue 13.7: rows over several lines

    @Test func faultInAMultiLineRowIsLocatedOnItsOwnLine() throws {
        var text = ioTweetsHeader + "\n"
        text += ioRow(id: "1", user: "9") + "\n"                                                   // line 2
        text += ioRow(id: "2", user: "9", text: "line one\nline two\nend").replacingOccurrences(of: "end\"", with: "end\" x") + "\n"  // lines 3-5
        text += ioRow(id: "3", user: "9", text: "a\nb", time: "never") + "\n"                        // lines 6-7
        text += ioRow(id: "4", user: "9", text: "a\nb") + ",\"extra\"\n"                            // lines 8-9: 31 fields
        text += ioRow(id: "5", user: "9") + "\n"                                                   // line 10
        let d = try Ingest.load([write(text, "m.csv", in: tempDir())], options: options())
        // The junk after the quote is the 5th byte of line 5; the time's value starts at the 5th
        // byte of line 7 (`b","never"`); the extra field ends at the 110th of line 9. Nothing of
        // row 2 is read again as a row of its own.
        #expect(located(d) == ["5:5 unbalanced_quote", "7:5 bad_time", "9:110 wrong_field_count"])
        #expect(d.accounting.rowsRead == 5 && d.posts.count == 2)
        #expect { try Ingest.load([write(text, "s.csv", in: tempDir())], options: options(strict: true)) } throws: { e in
            (e as? Rejection).map { $0.line == 5 && $0.column == 5 } ?? false
        }
    }

    @Test func invalidUTF8OnTheSecondLineOfARowIsLocatedThere() throws {
        var bytes = Array((ioTweetsHeader + "\n" + ioRow(id: "1", user: "9", text: "ok\na~") + "\n").utf8)
        let at = bytes.lastIndex(of: UInt8(ascii: "~"))!
        bytes[at] = 0xFF
        let d = try Ingest.load([write(bytes, "u.csv", in: tempDir())], options: options())
        #expect(located(d) == ["3:2 invalid_utf8"])
    }

    @Test func fileEndingInsideAMultiLineFieldIsOneRejection() throws {
        let text = ioTweetsHeader + "\n" + ioRow(id: "1", user: "9") + "\n" + "\"2\",\"9\",\"N\",\"h\",\"\",\"\",\"\",\"0\",\"3\",\"2017-09-03\",\"zh-cn\",\"zh\",\"cut\nshort\nhere"
        let d = try Ingest.load([write(text, "t.csv", in: tempDir())], options: options())
        // The opening quote of `"cut` is the 60th byte of line 3.
        #expect(located(d) == ["3:60 unbalanced_quote"])
        #expect(d.accounting.rowsRead == 2)
        #expect(d.accounting.examples[0].detail.contains("2 line break(s)"))
    }

    @Test func bareCRIsDataSoLineNumbersFollowLineFeeds() throws {
        var text = ioTweetsHeader + "\n"
        text += "1,9,N,h,,,,0,3,2017-09-03,zh-cn,zh,before\rafter,2020-01-02 03:04,web,,,,False,,,,,0,0,0,0,[],[],[]\n"  // line 2
        text += ioRow(id: "2", user: "9", time: "never") + "\n"                                                   // line 3
        let d = try Ingest.load([write(text, "cr.csv", in: tempDir())], options: options())
        #expect(d.posts.count == 1 && d.text(ofPost: 0) == "before\rafter")
        // The time's value starts at the 72nd byte of line 3.
        #expect(located(d) == ["3:72 bad_time"])
    }

    @Test func bareCRLineEndsGiveAClearError() throws {
        let text = ioTweetsHeader + "\r" + ioRow(id: "1", user: "9") + "\r" + ioRow(id: "2", user: "9") + "\r"
        let p = write(text, "mac.csv", in: tempDir())
        #expect { try Ingest.load([p]) } throws: { "\($0)".contains("bare CR") }
        #expect { try Ingest.load([p], options: options(format: .ioArchiveTweets)) } throws: { "\($0)".contains("bare CR") }
    }

    // MARK: Issue 13.9: limits

    @Test func fieldOverTheLimitRejectsItsRowOnly() throws {
        let text = ioTweetsHeader + "\n" + ioRow(id: "1", user: "9", text: "x\n" + String(repeating: "y", count: 300)) + "\n" + ioRow(id: "2", user: "9") + "\n"
        let d = try Ingest.load([write(text, "f.csv", in: tempDir())], options: options(field: 200, record: 10_000))
        #expect(located(d) == ["2:64 field_too_long"])
        #expect(d.posts.count == 1)
    }

    @Test(arguments: [
        (1_000, 64 << 20),  // a record longer than the limit inside a block
        (8_192, 4_096),     // a record longer than the limit and the block: skipped while read
    ])
    func recordOverTheLimitIsSkippedAndReadingResumes(record: Int, blockSize: Int) throws {
        // Quoted line breaks inside the long field: the record ends where its quotes balance.
        let long = String(repeating: "z", count: 3_000) + "\n" + String(repeating: "w\n", count: 20_000)
        var text = ioTweetsHeader + "\n" + ioRow(id: "1", user: "9") + "\n"
        text += ioRow(id: "2", user: "9", text: long) + "\n"                    // lines 3-20004
        text += ioRow(id: "3", user: "9", time: "never") + "\n"                 // line 20005
        text += ioRow(id: "4", user: "9") + "\n"
        let p = write(text, "r.csv", in: tempDir())
        var builder = DatasetBuilder()
        var o = CSVDriver.Options()
        o.blockSize = blockSize
        o.minChunk = 1_024
        o.maxFieldBytes = record
        o.maxRecordBytes = record
        let out = try CSVDriver.read(source: ByteSource(path: p), file: p, options: o, builder: &builder) {
            try IOArchiveTweets(header: HeaderMap($0), file: p)
        }
        #expect(out.log.examples.map { "\($0.line) \($0.reason.rawValue)" } == ["3 record_too_long", "20005 bad_time"])
        #expect(out.rowsRead == 4 && out.rowsUsed == 2)
        o.strict = true
        #expect {
            var b = DatasetBuilder()
            _ = try CSVDriver.read(source: ByteSource(path: p), file: p, options: o, builder: &b) { try IOArchiveTweets(header: HeaderMap($0), file: p) }
        } throws: { ($0 as? Rejection).map { $0.line == 3 && $0.reason == .recordTooLong } ?? false }
    }

    @Test func jsonLineOverTheLimitIsSkippedAndReadingResumes() throws {
        let long = status("2", text: String(repeating: "x", count: 50_000))
        let path = try TestData.temp([status("1"), long, status("3")].joined(separator: "\n") + "\n")
        var builder = DatasetBuilder()
        var o = CSVDriver.Options()
        o.blockSize = 4_096
        o.maxRecordBytes = 8_192
        let out = try JSONDriver.read(source: ByteSource(path: path), file: path, options: o, builder: &builder, handler: TwitterV1())
        #expect(out.log.examples.map { "\($0.line) \($0.reason.rawValue)" } == ["2 record_too_long"])
        #expect(out.rowsUsed == 2)
    }

    @Test func gzipOfOneLongLineIsRejectedInBoundedMemory() throws {
        // 8 MiB of one line inflated from a small file, read with a 1 MiB record limit.
        var text = Array((ioTweetsHeader + "\n").utf8)
        text += [UInt8](repeating: UInt8(ascii: "a"), count: 8 << 20) + [10]
        text += Array((ioRow(id: "1", user: "9") + "\n").utf8)
        let p = tempDir().appendingPathComponent("long.csv.gz").path
        try gzip(text, to: p)
        let d = try Ingest.load([p], options: options(field: 1 << 20, record: 1 << 20))
        #expect(located(d) == ["2:1 record_too_long"])
        #expect(d.posts.count == 1)
    }

    @Test func binaryInputEndsAtOnceWithAClearError() throws {
        let zeros = write([UInt8](repeating: 0, count: 3 << 20), "zeros.csv", in: tempDir())
        for path in [zeros] + (FileManager.default.fileExists(atPath: "/dev/zero") ? ["/dev/zero"] : []) {
            for format in [InputFormat.ioArchiveTweets, .twarc2, .twitterV1] {
                #expect { try Ingest.load([path], options: options(format: format)) } throws: { "\($0)".contains("binary data") }
            }
            #expect { try Ingest.load([path]) } throws: { "\($0)".contains("binary data") }
        }
        // Zeros after a good header (a file's tail lost in a crash) are one record, too long.
        let tail = write(Array((ioTweetsHeader + "\n" + ioRow(id: "1", user: "9") + "\n").utf8) + [UInt8](repeating: 0, count: 3 << 20), "tail.csv", in: tempDir())
        let d = try Ingest.load([tail], options: options(field: 1 << 20, record: 1 << 20))
        #expect(located(d) == ["3:1 record_too_long"] && d.posts.count == 1)
    }

    @Test func headerLongerThanTheRecordLimitIsAnError() throws {
        let p = write(String(repeating: "tweetid,", count: 100_000) + "\n", "h.csv", in: tempDir())
        #expect { try Ingest.load([p], options: options(field: 1_000, record: 10_000, format: .ioArchiveTweets)) } throws: { "\($0)".contains("--max-record-bytes") }
    }

    // MARK: Issue 13.11: what comes before the header

    @Test(arguments: [
        "\n",                     // an empty line
        "\r\n\r\n",               // empty CRLF lines
        "\u{FEFF}  \t\n\n",       // a byte-order mark, then blank lines
        "   \n",                  // spaces only
    ])
    func emptyLineBeforeHeaderIsRead(prefix: String) throws {
        let lead = prefix.filter { $0 == "\n" || $0 == "\r\n" }.count
        let text = prefix + ioTweetsHeader + "\n" + ioRow(id: "1", user: "9") + "\n" + ioRow(id: "2", user: "9", time: "never") + "\n"
        let d = try Ingest.load([write(text, "b.csv", in: tempDir())], options: options())
        #expect(d.posts.count == 1)
        #expect(d.accounting.examples.map(\.line) == [3 + lead])
    }

    // MARK: Issue 13.12: unreadable files in folders

    @Test func damagedHeaderInAFolderIsNotPassedOverSilently() throws {
        let dir = tempDir()
        write(ioTweetsHeader + "\n" + ioRow(id: "1", user: "9") + "\n", "good.csv", in: dir)
        write(ioTweetsHeader.replacingOccurrences(of: "tweetid,userid", with: "twe#tid,us") + "\n" + ioRow(id: "2", user: "9") + "\n", "damaged.csv", in: dir)
        write("Notes about the collection, by hand.\n", "notes.txt", in: dir)
        write("# Read me\n", "README.md", in: dir)
        let d = try Ingest.load([dir.path], options: options())
        #expect(d.posts.count == 1)
        let kinds = Dictionary(uniqueKeysWithValues: d.accounting.skipped.map { (($0.file as NSString).lastPathComponent, $0.kind) })
        #expect(kinds == ["damaged.csv": "unrecognised", "notes.txt": "other"])
        #expect(d.accounting.skipped.first { $0.kind == "unrecognised" }!.reason.contains("WARNING"))
        #expect { try Ingest.load([dir.path], options: options(strict: true)) } throws: { e in
            guard case .unknownFormat(let f, _) = e as? IngestError else { return false }
            return f.hasSuffix("damaged.csv")
        }
    }

    /// A folder written by `lockstep simulate` holds its scenario as JSON: not posts, and not a
    /// damaged posts file either, so neither a warning nor, under --strict, an error.
    @Test func simulatorScenarioInAFolderIsNamedNotWarnedAbout() throws {
        let dir = tempDir()
        write(ioTweetsHeader + "\n" + ioRow(id: "1", user: "9") + "\n", "tweets.csv", in: dir)
        write("{\n  \"name\" : \"troll-factory\",\n  \"organic\" : { \"accounts\" : 4000 },\n  \"seed\" : 1,\n  \"windowStart\" : \"2019-08-01\"\n}\n", "scenario.json", in: dir)
        for strict in [false, true] {
            let d = try Ingest.load([dir.path], options: options(strict: strict))
            #expect(d.posts.count == 1)
            #expect(d.accounting.skipped.map(\.kind) == ["scenario"])
        }
    }

    // MARK: Issue 13.15: what walking a folder finds

    @Test func namedPipeInAFolderIsSkippedNotWaitedFor() throws {
        let dir = tempDir()
        write(ioTweetsHeader + "\n" + ioRow(id: "1", user: "9") + "\n", "good.csv", in: dir)
        #expect(mkfifo(dir.appendingPathComponent("pipe.csv").path, 0o600) == 0)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("loop").path, withDestinationPath: dir.path)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("broken.csv").path, withDestinationPath: "nowhere.csv")
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("self.csv").path, withDestinationPath: "self.csv")
        let d = try Ingest.load([dir.path], options: options(strict: true))
        #expect(d.posts.count == 1 && d.accounting.files.count == 1)
        let reasons = Dictionary(uniqueKeysWithValues: d.accounting.skipped.map { (($0.file as NSString).lastPathComponent, $0.reason) })
        #expect(reasons["pipe.csv"]?.contains("named pipe") == true)
        #expect(reasons["broken.csv"]?.contains("broken") == true)
        #expect(reasons["self.csv"]?.contains("loops") == true)
    }

    @Test func namedPipeGivenByNameIsReadWhole() throws {
        let dir = tempDir()
        let pipe = dir.appendingPathComponent("in.csv").path
        #expect(mkfifo(pipe, 0o600) == 0)
        // More than the detection sample, so that the sample must be read again, not lost.
        let text = seededTweets(600)
        let writer = Thread {
            let fd = open(pipe, O_WRONLY)
            _ = text.utf8CString.withUnsafeBytes { Glibc.write(fd, $0.baseAddress!, $0.count - 1) }
            close(fd)
        }
        writer.start()
        let d = try Ingest.load([pipe], options: options())
        #expect(d.posts.count == 600 && d.accounting.rejectedTotal == 0)
    }
}

/// Writes `bytes` gzip-compressed, with zlib.
private func gzip(_ bytes: [UInt8], to path: String) throws {
    guard let f = gzopen(path, "wb1") else { throw IngestError.unreadable(path, "cannot write") }
    defer { gzclose(f) }
    var at = 0
    while at < bytes.count {
        let n = min(1 << 20, bytes.count - at)
        _ = bytes.withUnsafeBytes { gzwrite(f, $0.baseAddress! + at, UInt32(n)) }
        at += n
    }
}
