import Foundation
import Testing
import LockstepCore
@testable import LockstepIngest

@Suite struct CSVReaderTests {
    func load(_ text: String, strict: Bool = false, workers: Int = 2, name: String = "t.csv") throws -> Dataset {
        let d = tempDir()
        let p = write(text, name, in: d)
        var o = IngestOptions()
        o.strict = strict
        o.workers = workers
        return try Ingest.load([p], options: o)
    }

    @Test func readsQuotedFieldsLineBreaksAndEscapedQuotes() throws {
        let text = ioTweetsHeader + "\n" + ioRow(id: "1", user: "9", text: "say \"hi\", then\nleave") + "\r\n"
            + ioRow(id: "2", user: "9", text: "RT @Other: x", isRetweet: true, rtUser: "", rtTweet: "1") + "\n"
        let d = try load(text)
        #expect(d.posts.count == 2)
        #expect(d.text(ofPost: 0) == "say \"hi\", then\nleave")
        #expect(d.posts.kind[1] == .retweet)
        // retweet_userid empty: the source comes from the RT @handle prefix.
        #expect(d.handle(of: d.posts.retweetAccount[1]) == "Other")
        #expect(d.accounting.rowsRead == 2 && d.accounting.rowsUsed == 2)
    }

    @Test func parsesListFieldsInBothForms() throws {
        let text = ioTweetsHeader + "\n" + ioRow(id: "1", user: "9", hashtags: "['HongKong', '香港']", urls: "[https://a.example/x, http://b.example]", mentions: "[123, 456]") + "\n"
        let d = try load(text)
        #expect(d.posts.hashtags[0].map { d.hashtags[$0] } == ["hongkong", "香港"])
        #expect(d.posts.urls[0].map { d.urls[$0] } == ["https://a.example/x", "http://b.example"])
        #expect(d.posts.mentions[0].map { d.accountID(of: $0) } == ["123", "456"])
    }

    @Test(arguments: [1, 2, 4])
    func resultsDoNotDependOnWorkerCount(workers: Int) throws {
        // Small blocks force many cuts through quoted, multi-line fields.
        let text = seededTweets(3000)
        let dir = tempDir()
        let p = write(text, "s.csv", in: dir)
        var reference = IngestOptions()
        reference.workers = 1
        let one = try Ingest.load([p], options: reference)
        var o = IngestOptions()
        o.workers = workers
        let d = try Ingest.load([p], options: o)
        #expect(d.posts.count == 3000)
        #expect(digest(d) == digest(one))
    }

    @Test func blockCutsNeverSplitRows() throws {
        let text = seededTweets(2000, seed: 9)
        let dir = tempDir()
        let p = write(text, "s.csv", in: dir)
        var builder = DatasetBuilder()
        var o = CSVDriver.Options()
        o.blockSize = 4096  // far smaller than the file: hundreds of blocks
        o.workers = 3
        let out = try CSVDriver.read(source: ByteSource(path: p), file: p, options: o, builder: &builder) {
            try IOArchiveTweets(header: HeaderMap($0), file: p)
        }
        #expect(out.rowsRead == 2000 && out.rowsUsed == 2000 && out.log.total == 0)
        let d = builder.finish(accounting: IngestAccounting())
        var g = DatasetBuilder()
        var o1 = CSVDriver.Options()
        o1.workers = 1
        _ = try CSVDriver.read(source: ByteSource(path: p), file: p, options: o1, builder: &g) { try IOArchiveTweets(header: HeaderMap($0), file: p) }
        #expect(digest(d) == digest(g.finish(accounting: IngestAccounting())))
    }

    @Test func malformedRowsAreCountedWithFileAndLine() throws {
        var text = ioTweetsHeader + "\n"
        text += ioRow(id: "1", user: "9") + "\n"                                 // line 2: fine
        text += ioRow(id: "2", user: "9", time: "yesterday") + "\n"              // line 3: bad time
        text += "\"3\",\"9\",\"too\",\"few\"\n"                                  // line 4: wrong field count
        // Counts are checked on every row, also for an account whose profile is already taken; a
        // bad one is a profile problem, and the post is kept.
        text += ioRow(id: "4", user: "9", followers: "many") + "\n"              // line 5: bad number
        text += ioRow(id: "5", user: "", text: "two\nlines") + "\n"              // line 6-7: no userid
        text += ioRow(id: "6", user: "9") + "\n"                                 // line 8: fine
        let d = try load(text)
        #expect(d.posts.count == 3)
        let acc = d.accounting
        #expect(acc.rowsRead == 6 && acc.rowsUsed == 3 && acc.rejectedTotal == 3)
        #expect(acc.rejected == ["bad_time": 1, "wrong_field_count": 1, "missing_value": 1])
        #expect(acc.examples.map(\.line) == [3, 4, 6])
        #expect(acc.profileProblems == ["bad_number": 1] && acc.profileExamples.map(\.line) == [5])
    }

    /// A doubled quote just before a line break at a field's end: unescaping moves the line break
    /// back, and the row numbers after it must still count it once.
    @Test func linesAfterAnEscapedQuoteBeforeALineBreakAreRight() throws {
        var text = ioTweetsHeader + "\n"
        text += ioRow(id: "1", user: "9", text: "a\"\n") + "\n"              // lines 2-3
        text += ioRow(id: "2", user: "9", text: "b\"\"\n\n") + "\n"         // lines 4-6
        text += ioRow(id: "3", user: "9", time: "yesterday") + "\n"           // line 7: bad time
        let d = try load(text)
        #expect(d.posts.count == 2)
        #expect(d.text(ofPost: 0) == "a\"\n" && d.text(ofPost: 1) == "b\"\"\n\n")
        #expect(d.accounting.examples.map(\.line) == [7])
    }

    /// How many malformed counts are counted must not depend on where the file is cut for the
    /// workers: every later row of an account gets the same check as its first.
    @Test func badCountsAreCountedWhereverTheFileIsCut() throws {
        var text = ioTweetsHeader + "\n"
        // About 1.6 MB: cut into 2, 4 and 6 parts for 1, 2 and 4 workers.
        for i in 0..<8000 {
            text += ioRow(id: "\(i + 1)", user: "\(i % 50)", followers: i % 700 == 699 ? "many" : "7") + "\n"
        }
        let d = tempDir()
        let path = write(text, "cuts.csv", in: d)
        var counts: [Int] = []
        for workers in [1, 2, 4] {
            var o = IngestOptions()
            o.workers = workers
            let ds = try Ingest.load([path], options: o)
            counts.append(ds.accounting.profileProblems["bad_number"] ?? 0)
            #expect(ds.posts.count == 8000)
        }
        #expect(counts == [11, 11, 11])
    }

    @Test func invalidUTF8IsRejectedNotCrashed() throws {
        var bytes = Array((ioTweetsHeader + "\n").utf8)
        bytes += Array(ioRow(id: "1", user: "9", text: "ok 香港").utf8) + [10]
        bytes += Array(ioRow(id: "2", user: "9", text: "BAD").utf8).map { $0 == 66 ? 0xC3 : $0 } + [10]  // lone lead byte
        let d = tempDir()
        let ds = try Ingest.load([write(bytes, "u.csv", in: d)])
        #expect(ds.posts.count == 1)
        #expect(ds.accounting.rejected == ["invalid_utf8": 1])
        #expect(ds.accounting.examples.first?.line == 3)
    }

    @Test func truncatedFileRejectsTheCutRow() throws {
        let full = ioTweetsHeader + "\n" + ioRow(id: "1", user: "9") + "\n" + ioRow(id: "2", user: "9", text: "cut here")
        let cut = String(full.prefix(full.count - 20))  // ends inside a quoted field
        let d = try load(cut)
        #expect(d.posts.count == 1)
        #expect(d.accounting.rejected["unbalanced_quote"] == 1)
    }

    @Test func strictStopsAtTheFirstBadRowWithItsLocation() throws {
        let text = ioTweetsHeader + "\n" + ioRow(id: "1", user: "9") + "\n" + ioRow(id: "2", user: "9", time: "soon") + "\n"
        #expect {
            try load(text, strict: true, name: "s.csv")
        } throws: { e in
            guard let r = e as? Rejection else { return false }
            return r.line == 3 && r.reason == .badTime && r.description.contains("s.csv:3:") && r.description.contains("expected YYYY-MM-DD HH:MM")
        }
    }

    @Test func emptyHeaderOnlyAndBinaryInputsGiveClearErrors() throws {
        let d = tempDir()
        let empty = write("", "empty.csv", in: d)
        #expect(throws: IngestError.self) { try Ingest.load([empty]) }
        let header = write(ioTweetsHeader + "\n", "header.csv", in: d)
        #expect { try Ingest.load([header]) } throws: { "\($0)".contains("no rows") }
        var g = SeededGenerator(seed: 3)
        let binary = write((0..<5000).map { _ in UInt8(truncatingIfNeeded: g.next()) }, "noise.bin", in: d)
        #expect { try Ingest.load([binary]) } throws: { "\($0)".contains("not a format Lockstep recognises") || "\($0)".contains("binary data") }
        #expect { try Ingest.load([d.appendingPathComponent("missing.csv").path]) } throws: { "\($0)".contains("no such file") }
    }

    @Test func missingRequiredColumnNamesExpectedAndFound() throws {
        let d = tempDir()
        let p = write("tweetid,userid,text\n1,2,x\n", "m.csv", in: d)
        var o = IngestOptions()
        o.format = .ioArchiveTweets
        #expect { try Ingest.load([p], options: o) } throws: { e in
            let s = "\(e)"
            return s.contains("tweet_time") && s.contains("tweetid, userid, text")
        }
    }

    @Test func aTenMegabyteFieldIsReadWhenTheLimitAllowsIt() throws {
        let big = String(repeating: "长", count: 3_500_000)  // 10.5 MB of UTF-8
        let dir = tempDir()
        let p = write(ioTweetsHeader + "\n" + ioRow(id: "1", user: "9", text: big) + "\n" + ioRow(id: "2", user: "9") + "\n", "t.csv", in: dir)
        var o = IngestOptions()
        o.maxFieldBytes = 16 << 20
        let d = try Ingest.load([p], options: o)
        #expect(d.posts.count == 2)
        #expect(d.posts.text[0].count == big.utf8.count)
        // With the default limit (1 MiB) the row is rejected, located, and the next one read.
        let limited = try Ingest.load([p])
        #expect(limited.posts.count == 1)
        #expect(limited.accounting.rejected == ["field_too_long": 1])
        // tweet_text, the 13th field, starts at byte 64 of the row.
        #expect(limited.accounting.examples.map { "\($0.line):\($0.column ?? 0)" } == ["2:64"])
    }

    @Test func overlappingFilesCountEachPostOnce() throws {
        let dir = tempDir()
        let a = write(ioTweetsHeader + "\n" + ioRow(id: "1", user: "9") + "\n" + ioRow(id: "2", user: "9") + "\n", "a.csv", in: dir)
        let b = write(ioTweetsHeader + "\n" + ioRow(id: "2", user: "9") + "\n" + ioRow(id: "3", user: "8") + "\n", "b.csv", in: dir)
        let d = try Ingest.load([a, b])
        #expect(d.posts.count == 3)
        #expect(d.posts.key.map { d.postKeys[$0] } == ["1", "2", "3"])
        #expect(d.accounting.files[1].rowsUsed == 1 && d.accounting.files[1].rejected == ["duplicate_post": 1])
        #expect(d.accounting.rowsRead == d.accounting.rowsUsed + d.accounting.rejectedTotal)
        #expect(d.postCount(of: d.posts.account[0]) == 2)
    }

    @Test func gzipIsReadTransparently() throws {
        let text = seededTweets(500)
        let dir = tempDir()
        let plain = write(text, "a.csv", in: dir)
        let gz = Process()
        gz.executableURL = URL(fileURLWithPath: "/bin/sh")
        gz.arguments = ["-c", "gzip -c '\(plain)' > '\(dir.path)/b.csv.gz'"]
        try gz.run()
        gz.waitUntilExit()
        try #require(gz.terminationStatus == 0)
        let a = try Ingest.load([plain])
        let b = try Ingest.load([dir.path + "/b.csv.gz"])
        #expect(digest(a) == digest(b))
        // A folder is read recursively, files in name order; the second copy's posts are duplicates.
        let both = try Ingest.load([dir.path])
        #expect(both.posts.count == 500)
        #expect(both.accounting.rejected["duplicate_post"] == 500)
    }

    @Test func truncatedGzipIsAnErrorNotACrash() throws {
        let dir = tempDir()
        let plain = write(seededTweets(300), "a.csv", in: dir)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "gzip -c '\(plain)' | head -c 4000 > '\(dir.path)/cut.csv.gz'"]
        try p.run()
        p.waitUntilExit()
        #expect { try Ingest.load([dir.path + "/cut.csv.gz"]) } throws: { "\($0)".contains("truncated") }
    }
}

/// Byte-for-byte comparable listing of a dataset's posts.
func digest(_ d: Dataset) -> [String] {
    (0..<d.posts.count).map { p in
        let tags = d.posts.hashtags[p].map { d.hashtags[$0] }.joined(separator: "|")
        let rt = d.posts.retweetAccount[p] == noID ? "-" : d.accountID(of: d.posts.retweetAccount[p])
        let key = d.posts.key[p] == noID ? "-" : d.postKeys[d.posts.key[p]]
        return "\(key) \(d.accountID(of: d.posts.account[p])) \(d.posts.time[p]) \(d.posts.kind[p].name) \(d.text(ofPost: p)) \(rt) \(tags)"
    }
}

/// Workers remember the accounts of the chunks they parsed (`AccountMemo`); the dataset must be
/// the same as one chunk read alone, for accounts met in every way: first as a retweet's or a
/// mention's target and later as authors, by handle only, with profile handles that differ from
/// what references call them, or none.
@Suite struct AccountMemoTests {
    static func tangledTweets(_ n: Int, seed: UInt64) -> String {
        var g = SeededGenerator(seed: seed)
        var s = ioTweetsHeader + "\n"
        for i in 0..<n {
            // Later rows bring in more accounts, so that chunks keep meeting new ones.
            let u = Int(g.next() % UInt64(20 + i / 10))
            let v = Int(g.next() % UInt64(40 + i / 5))
            let kind = g.next() % 6
            let handle = u % 7 == 0 ? "" : (u % 5 == 0 ? "Other\(u)" : "user\(u)")
            var text = "post \(i) 香港"
            var rtUser = "", rtTweet = "", replyUser = "", replyTweet = "", mentions = "[]"
            switch kind {
            case 0, 1:
                // Retweets name their source by id, or only by the RT @handle prefix.
                text = "RT @User\(v): " + text
                rtUser = kind == 0 ? "u\(v)" : ""
                rtTweet = String(1_000_000 + Int(g.next() % UInt64(max(i, 1))))
            case 2:
                replyUser = "u\(v)"
                replyTweet = String(1_000_000 + Int(g.next() % UInt64(max(i, 1))))
            case 3:
                mentions = "[u\(v), u\((v + 3) % 50)]"
            default:
                break
            }
            s += ioRow(id: String(1_000_000 + i), user: "u\(u)", handle: handle, followers: String(g.next() % 1000),
                       text: text, time: String(format: "2020-02-%02d %02d:%02d", 1 + i % 28, Int(g.next() % 24), Int(g.next() % 60)),
                       isRetweet: kind <= 1, rtUser: rtUser, rtTweet: rtTweet, replyTweet: replyTweet, replyUser: replyUser,
                       mentions: mentions) + "\n"
        }
        return s
    }

    func read(_ path: String, workers: Int, blockSize: Int, minChunk: Int) throws -> Dataset {
        var builder = DatasetBuilder()
        var o = CSVDriver.Options()
        o.workers = workers
        o.blockSize = blockSize
        o.minChunk = minChunk
        let out = try CSVDriver.read(source: ByteSource(path: path), file: path, options: o, builder: &builder) {
            try IOArchiveTweets(header: HeaderMap($0), file: path)
        }
        #expect(out.log.total == 0)
        return builder.finish(accounting: IngestAccounting())
    }

    @Test(arguments: [1, 2, 3])
    func manyChunksGiveTheDatasetOfOne(workers: Int) throws {
        let dir = tempDir()
        let path = write(Self.tangledTweets(3000, seed: 5), "tangled.csv", in: dir)
        let whole = try read(path, workers: 1, blockSize: 64 << 20, minChunk: 64 << 20)
        let cut = try read(path, workers: workers, blockSize: 16 << 10, minChunk: 2 << 10)
        #expect(whole.posts.count == 3000)
        let a = DatasetText(whole), b = DatasetText(cut)
        // The first difference only: the whole lists would bury it.
        #expect(a.posts.count == b.posts.count && a.accounts.count == b.accounts.count)
        if let i = a.posts.indices.first(where: { $0 < b.posts.count && a.posts[$0] != b.posts[$0] }) { Issue.record("post \(i): \(a.posts[i]) vs \(b.posts[i])") }
        if let i = a.accounts.indices.first(where: { $0 < b.accounts.count && a.accounts[$0] != b.accounts[$0] }) { Issue.record("account \(i): \(a.accounts[i]) vs \(b.accounts[i])") }
    }

    /// A profile's handle wins over what references called the account; without one, the first
    /// reference's handle is kept, wherever the file is cut.
    @Test func handlesFollowOneRuleWhereverTheFileIsCut() throws {
        var text = ioTweetsHeader + "\n"
        // u1 is retweeted as @Alias first, then posts with its own handle "real1".
        text += ioRow(id: "1", user: "u0", handle: "zero", text: "RT @Alias: x", isRetweet: true, rtUser: "u1", rtTweet: "9") + "\n"
        // u2 is retweeted as @First, then as @Second, then posts with an empty handle.
        text += ioRow(id: "2", user: "u0", handle: "zero", text: "RT @First: x", isRetweet: true, rtUser: "u2", rtTweet: "9") + "\n"
        for i in 0..<200 { text += ioRow(id: "\(100 + i)", user: "u\(10 + i % 40)", handle: "n\(i % 40)", text: "filler \(i)") + "\n" }
        text += ioRow(id: "3", user: "u0", handle: "zero", text: "RT @Second: x", isRetweet: true, rtUser: "u2", rtTweet: "9") + "\n"
        text += ioRow(id: "4", user: "u1", handle: "real1") + "\n"
        text += ioRow(id: "5", user: "u2", handle: "") + "\n"
        let dir = tempDir()
        let path = write(text, "handles.csv", in: dir)
        for (workers, block) in [(1, 64 << 20), (2, 4 << 10), (3, 2 << 10)] {
            let d = try read(path, workers: workers, blockSize: block, minChunk: 1 << 10)
            let h = d.accounts.key.index()
            #expect(d.handle(of: h["u1"]!) == "real1", "\(workers) workers")
            #expect(d.handle(of: h["u2"]!) == "First", "\(workers) workers")
        }
    }
}

/// Rejections in a file cut into many blocks and chunks, parsed by workers that run ahead of the
/// thread collecting their results: counts and line numbers as in one chunk, and `--strict`
/// stops at the first bad row in file order whichever worker met a bad row first.
@Suite struct ManyBlocksRejectionTests {
    static func text() -> (String, [Int]) {
        var g = SeededGenerator(seed: 17)
        var s = ioTweetsHeader + "\n"
        var line = 2
        var bad: [Int] = []
        for i in 0..<1500 {
            let kind = g.next() % 40
            let text = i % 7 == 0 ? "two\nlines" : "row \(i)"
            switch kind {
            case 0: s += ioRow(id: "\(i)", user: "u\(i % 30)", time: "yesterday") + "\n"; bad.append(line)
            case 1: s += "\"\(i)\",\"too\",\"few\"\n"; bad.append(line)
            default: s += ioRow(id: "\(i)", user: "u\(i % 30)", text: text) + "\n"
            }
            line += kind >= 2 && i % 7 == 0 ? 2 : 1
        }
        return (s, bad)
    }

    func read(_ path: String, workers: Int, blockSize: Int, strict: Bool = false) throws -> CSVDriver.Outcome {
        var builder = DatasetBuilder()
        var o = CSVDriver.Options()
        o.workers = workers
        o.blockSize = blockSize
        o.minChunk = 1 << 10
        o.strict = strict
        return try CSVDriver.read(source: ByteSource(path: path), file: path, options: o, builder: &builder) {
            try IOArchiveTweets(header: HeaderMap($0), file: path)
        }
    }

    @Test(arguments: [1, 2, 3])
    func linesAndCountsMatchOneChunk(workers: Int) throws {
        let (text, bad) = Self.text()
        let path = write(text, "many.csv", in: tempDir())
        let whole = try read(path, workers: 1, blockSize: 64 << 20)
        let cut = try read(path, workers: workers, blockSize: 8 << 10)
        #expect(whole.log.total == bad.count && cut.log.total == bad.count)
        #expect(cut.rowsRead == whole.rowsRead && cut.rowsUsed == whole.rowsUsed)
        #expect(cut.log.examples.map(\.line) == Array(bad.prefix(cut.log.examples.count)))
        #expect(cut.log.countsByCode == whole.log.countsByCode)
    }

    @Test(arguments: [1, 2, 3])
    func strictStopsAtTheFirstBadRowInFileOrder(workers: Int) throws {
        let (text, bad) = Self.text()
        let path = write(text, "strict.csv", in: tempDir())
        do {
            _ = try read(path, workers: workers, blockSize: 8 << 10, strict: true)
            Issue.record("no error")
        } catch let e as Rejection {
            #expect(e.line == bad[0])
        }
    }
}

/// Damaged input through the block queue: rows cut anywhere, stray quotes, invalid UTF-8, line
/// breaks of both kinds, over blocks of a few kilobytes on 1–3 workers. Nothing may crash or hang,
/// and every row read is used or rejected.
@Suite struct DamagedInputTests {
    @Test(arguments: [1, 2, 3])
    func damagedFilesAreReadOrRejectedRowByRow(workers: Int) throws {
        var g = SeededGenerator(seed: 23 + UInt64(workers))
        let clean = Array(seededTweets(400, seed: 5).utf8)
        let noise: [UInt8] = [34, 34, 10, 13, 44, 0xC3, 0xFF, 0x80, 0xE4, 0]
        var rejected = 0, used = 0
        for round in 0..<12 {
            var bytes = clean
            // A few dozen damaged bytes, and now and then a file cut short.
            for _ in 0..<(10 + Int(g.next() % 40)) {
                let at = Int(g.next() % UInt64(bytes.count))
                bytes[at] = noise[Int(g.next() % UInt64(noise.count))]
            }
            if round % 3 == 0 { bytes.removeLast(Int(g.next() % 2000)) }
            let path = write(bytes, "damaged-\(round).csv", in: tempDir())
            var builder = DatasetBuilder()
            var o = CSVDriver.Options()
            o.workers = workers
            o.blockSize = 4 << 10
            o.minChunk = 1 << 10
            let out: CSVDriver.Outcome
            do {
                out = try CSVDriver.read(source: ByteSource(path: path), file: path, options: o, builder: &builder) {
                    try IOArchiveTweets(header: HeaderMap($0), file: path)
                }
            } catch let e as IngestError {
                // A damaged header is an error that names the file, not a crash.
                #expect("\(e)".contains(path))
                continue
            }
            #expect(out.rowsRead == out.rowsUsed + out.log.total, "round \(round)")
            let d = builder.finish(accounting: IngestAccounting())
            #expect(d.posts.count == out.rowsUsed)
            rejected += out.log.total
            used += out.rowsUsed
        }
        // Damage both ways: rows rejected, and most rows still read.
        #expect(rejected > 50 && used > 2000, "\(rejected) rejected, \(used) used")
    }
}
