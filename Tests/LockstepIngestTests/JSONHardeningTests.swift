import Foundation
import LockstepCore
import Testing
@testable import LockstepIngest

// Regression tests for the JSON readers' faults found by fuzzing (issue 13, items 1, 4, 5 and 9):
// inputs that hung, lost rows, misplaced line numbers or held unbounded memory. The pages are
// generated here in twarc2's shape, so these tests need no shared data.

/// A twarc2 response page: `n` tweets, tweet `i` by user `u(i % 4)`, each user in `includes.users`.
/// `text(i)` gives tweet texts; `description(u)` the users' profiles.
private func page(_ n: Int, text: (Int) -> String = { "tweet \($0)" }, description: (Int) -> String = { "profile \($0)" }) -> [String: Any] {
    let tweets: [[String: Any]] = (0..<n).map { i in
        ["id": String(1000 + i), "author_id": String(i % 4), "created_at": "2021-04-08T19:34:\(String(format: "%02d", i % 60)).000Z",
         "text": text(i), "lang": "en", "source": "Twitter Web App"]
    }
    let users: [[String: Any]] = (0..<4).map { u in
        ["id": String(u), "username": "user\(u)", "name": "User \(u)", "description": description(u),
         "created_at": "2020-01-01T00:00:00.000Z", "public_metrics": ["followers_count": 10 * u, "following_count": u]]
    }
    return ["data": tweets, "includes": ["users": users], "meta": ["result_count": n]]
}

/// The same tweets flattened (`twarc2 flatten`): one per line, the author inline.
private func flattened(_ p: [String: Any]) throws -> [UInt8] {
    let users = ((p["includes"] as! [String: Any])["users"] as! [[String: Any]])
    var out: [UInt8] = []
    for var t in p["data"] as! [[String: Any]] {
        t["author"] = users.first { $0["id"] as! String == t["author_id"] as! String }
        out += try json(t) + [10]
    }
    return out
}

private func json(_ o: Any, pretty: Bool = false) throws -> [UInt8] {
    [UInt8](try JSONSerialization.data(withJSONObject: o, options: pretty ? [.prettyPrinted, .sortedKeys] : [.sortedKeys]))
}

/// `bytes` with the first occurrence of `marker` replaced by `with`.
private func replacing(_ marker: String, with: [UInt8], in bytes: [UInt8]) -> [UInt8] {
    var out = bytes
    guard let r = bytes.firstRange(of: Array(marker.utf8)) else {
        Issue.record("no \(marker)")
        return bytes
    }
    out.replaceSubrange(r, with: with)
    return out
}

/// Line (1-based) and column (1-based, in bytes) of the first occurrence of `marker`.
private func location(of marker: String, in bytes: [UInt8]) -> (line: Int, column: Int) {
    let at = bytes.firstRange(of: Array(marker.utf8))!.lowerBound
    let before = bytes[..<at]
    let lineStart = (before.lastIndex(of: 10).map { $0 + 1 }) ?? 0
    return (before.filter { $0 == 10 }.count + 1, at - lineStart + 1)
}

private func load(_ bytes: [UInt8], name: String = "input.jsonl", format: InputFormat? = .twarc2, strict: Bool = false,
                  maxFieldBytes: Int? = nil, maxRecordBytes: Int? = nil) throws -> Dataset {
    var o = IngestOptions()
    o.workers = 2
    o.format = format
    o.strict = strict
    if let maxFieldBytes { o.maxFieldBytes = maxFieldBytes }
    if let maxRecordBytes { o.maxRecordBytes = maxRecordBytes }
    return try Ingest.load([try TestData.temp(bytes, name: name)], options: o)
}

/// Every row read is used or rejected: nothing disappears from the counts.
private func expectBalanced(_ d: Dataset, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(d.accounting.rowsRead == d.accounting.rowsUsed + d.accounting.rejectedTotal, comment, sourceLocation: sourceLocation)
}

@Suite struct JSONHardeningTests {
    // MARK: Item 1 and its class: inputs that made the document cutter stand still

    @Test func jsonValueEndingInCommaDoesNotHang() throws {
        // The fuzzer's 13 bytes: the first line ends with a comma, so the file is read as a
        // document spanning lines; the comma after the value made the cutter loop in place.
        let d = try load(Array("{\"data\":[]},\n".utf8), name: "comma.json")
        #expect(d.accounting.rowsRead == 1)
        #expect(d.accounting.rejected == ["bad_json": 1])
        let e = try #require(d.accounting.examples.first)
        #expect(e.line == 1 && e.column == 12)
        #expect {
            try load(Array("{\"data\":[]},\n".utf8), name: "comma.json", strict: true)
        } throws: { e in
            (e as? Rejection).map { $0.line == 1 && $0.column == 12 && $0.reason == .badJSON } ?? false
        }
    }

    @Test(arguments: [
        // values separated by commas but not in an array: each comma is a row of its own
        ("{\"a\":1},\n{\"b\":2},\n{\"c\":3}\n", 5, 2),
        // an empty array element, and a comma before the closing bracket
        ("[\n{\"a\":1},\n,\n{\"b\":2},\n]\n", 4, 2),
        // a stray closing bracket or brace at the top level
        ("{\"a\":1},\n]\n}\n", 4, 3),
        // text after the array
        ("[\n{\"a\":1}\n]\n{\"b\":2}\n", 2, 1),
        // a missing comma between elements: the rest cannot be cut into elements
        ("[\n{\"a\":1}\n{\"b\":2},\n{\"c\":3}\n]\n", 2, 1),
        // cut short after an element, after a comma, after the opening bracket
        ("[\n{\"a\":1}\n", 2, 1),
        ("[\n{\"a\":1},\n", 2, 1),
        ("[\n", 1, 1),
        // a lone separator, colon or bracket
        (",\n", 1, 1),
        (":\n{\n", 2, 2),
        ("[\n:\n]\n", 1, 1),
        // a string that never closes, a backslash at the very end
        ("[\n\"abc\n", 1, 1),
        ("[\n\"abc\\", 1, 1),
    ] as [(String, Int, Int)])
    func malformedDocumentsEndWithEveryRowCounted(text: String, read: Int, rejected: Int) throws {
        let d = try load(Array(text.utf8), name: "doc.json")
        // Objects without tweet fields are rejected too (not_a_tweet), so count only the faults here.
        #expect(d.accounting.rowsRead == read, "\(text.debugDescription)")
        #expect(d.accounting.rejectedTotal - (d.accounting.rejected["not_a_tweet"] ?? 0) == rejected, "\(text.debugDescription): \(d.accounting.rejected)")
        expectBalanced(d, "\(text.debugDescription)")
    }

    @Test(arguments: ["[", "{\"a\":"])
    func deepNestingIsRejectedNotRecursed(open: String) throws {
        // 100,000 levels, on one line and as a document: the parser stops at its depth limit and
        // the cutter counts brackets without recursion.
        let deep = String(repeating: open, count: 100_000)
        for text in [deep + "\n", "[\n" + deep + "\n", "[\n" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n]\n"] {
            let d = try load(Array(text.utf8), name: "deep.json")
            #expect(d.accounting.rowsRead == 1)
            #expect(d.accounting.rowsUsed == 0)
            expectBalanced(d)
        }
    }

    // MARK: Item 4: a bad byte in one tweet of a page

    @Test func badByteInOneTweetRejectsOnlyThatTweet() throws {
        let p = page(100) { $0 == 37 ? "MARK here" : "tweet \($0)" }
        for pretty in [false, true] {
            let good = try json(p, pretty: pretty) + [10]
            let bytes = replacing("MARK", with: [0x41, 0xFF, 0x42], in: good)
            let at = location(of: "MARK", in: good)
            let d = try load(bytes, name: pretty ? "page.json" : "page.jsonl")
            #expect(d.accounting.rowsRead == 100)
            #expect(d.accounting.rowsUsed == 99)
            #expect(d.accounting.rejected == ["invalid_utf8": 1])
            let e = try #require(d.accounting.examples.first)
            #expect(e.line == at.line && e.column == at.column + 1, "pretty: \(pretty)")
            #expect(!(0..<d.posts.count).contains { d.postKeys[d.posts.key[$0]] == "1037" })
            #expect {
                try load(bytes, name: "page.json", strict: true)
            } throws: { e in
                (e as? Rejection).map { $0.reason == .invalidUTF8 && $0.line == at.line && $0.column == at.column + 1 } ?? false
            }
        }
    }

    @Test func badByteInAnIncludedProfileRejectsTheTweetsThatUseItInBothShapes() throws {
        // User 2's profile holds the bad byte: on a page it sits in includes, in a flattened file
        // inside each of user 2's tweets. The same tweets are rejected either way.
        let p = page(40, description: { $0 == 2 ? "MARK" : "profile \($0)" })
        let onPage = try load(replacing("MARK", with: [0xC3, 0x28], in: try json(p) + [10]))
        var flat = try flattened(p)
        while let r = flat.firstRange(of: Array("MARK".utf8)) { flat.replaceSubrange(r, with: [0xC3, 0x28]) }
        let flatLoaded = try load(flat)
        for d in [onPage, flatLoaded] {
            #expect(d.accounting.rowsRead == 40)
            #expect(d.accounting.rejected == ["invalid_utf8": 10])
            #expect(d.posts.account.allSatisfy { d.accounts.key[$0] != "2" })
        }
        #expect(DatasetText(onPage) == DatasetText(flatLoaded))
    }

    // MARK: Item 4, second part: a page whose JSON breaks off

    @Test func brokenPageCountsItsTweets() throws {
        let whole = try json(page(30)) + [10]
        // Cut inside the 21st tweet: 20 complete tweets, which cannot be used without the page's
        // includes, and the rest, rejected at the cut.
        let cutAt = location(of: "\"tweet 20\"", in: whole).column - 1
        let cut = Array(whole[..<cutAt]) + [10]
        let d = try load(cut)
        #expect(d.accounting.rowsRead == 21)
        #expect(d.accounting.rowsUsed == 0)
        #expect(d.accounting.rejected == ["bad_json": 21])
        let first = try #require(d.accounting.examples.first)
        #expect(first.line == 1 && first.column == cutAt + 1)
        #expect(first.detail.contains("cut short"))
        #expect(d.accounting.examples.dropFirst().allSatisfy { $0.detail.contains("not valid JSON further on") })
        #expect {
            try load(cut, strict: true)
        } throws: { e in
            (e as? Rejection).map { $0.line == 1 && $0.column == cutAt + 1 } ?? false
        }
        // Garbage after a complete page: the page is read, the garbage is a row of its own.
        let trailing = try load(Array(whole.dropLast()) + Array(" x\n".utf8))
        #expect(trailing.accounting.rowsRead == 31)
        #expect(trailing.accounting.rowsUsed == 30)
        #expect(trailing.accounting.rejected == ["bad_json": 1])
    }

    @Test func arrayOfStatusesCutShortOnOneLineKeepsTheCompleteOnes() throws {
        let status = { (i: Int) in
            #"{"created_at": "Wed Oct 10 20:19:24 +0000 2018", "id_str": "\#(i)", "text": "t\#(i)", "user": {"id_str": "7", "screen_name": "s"}}"#
        }
        let line = "[" + (0..<5).map(status).joined(separator: ",")
        let cut = String(line.dropLast(10)) + "\n"
        let d = try load(Array(cut.utf8), format: .twitterV1)
        #expect(d.accounting.rowsRead == 5)
        #expect(d.accounting.rowsUsed == 4)
        #expect(d.accounting.rejected == ["bad_json": 1])
    }

    @Test func everyPrefixOfAPageIsCountedWithoutCrashing() throws {
        let whole = try json(page(6, text: { "a\\\"b\u{e9}\n\($0)" }))
        let pretty = try json(page(3), pretty: true)
        for doc in [whole, pretty] {
            for n in stride(from: 1, to: doc.count, by: 7) {
                let d = try load(Array(doc[..<n]) + [10], name: doc == pretty ? "p.json" : "p.jsonl")
                #expect(d.accounting.rowsRead >= 1)
                expectBalanced(d, "prefix \(n)")
            }
        }
    }

    // MARK: Item 5: escaped line breaks are not lines

    @Test func lineNumbersIgnoreEscapedLineBreaks() throws {
        // Texts full of `\n` escapes before a bad time: decoded in place, they used to be counted.
        var p = page(20) { String(repeating: "line\n", count: $0 + 3) }
        var tweets = p["data"] as! [[String: Any]]
        tweets[12]["created_at"] = "MARK"
        p["data"] = tweets
        for pretty in [false, true] {
            let bytes = try json(p, pretty: pretty) + [10]
            let at = location(of: "\"MARK\"", in: bytes)
            let d = try load(bytes, name: pretty ? "page.json" : "page.jsonl")
            #expect(d.accounting.rejected == ["bad_time": 1])
            let e = try #require(d.accounting.examples.first)
            #expect(e.line == at.line && e.column == at.column, "pretty: \(pretty): \(e)")
        }
    }

    @Test func indentedArrayElementsAreLocatedAtTheirColumn() throws {
        let text = "[\n    {\"id\": \"1\", \"author_id\": \"2\", \"created_at\": \"MARK\", \"text\": \"x\"}\n]\n"
        let d = try load(Array(text.utf8), name: "a.json")
        let e = try #require(d.accounting.examples.first)
        let at = location(of: "\"MARK\"", in: Array(text.utf8))
        #expect(e.line == at.line && e.column == at.column)
    }

    // MARK: Item 9: field and record limits

    @Test func longFieldRejectsItsTweetAsFieldTooLong() throws {
        let limit = 1000
        let p = page(20, text: { $0 == 5 ? String(repeating: "x", count: limit + 1) : "tweet \($0)" },
                     description: { $0 == 3 ? String(repeating: "é", count: limit) : "profile \($0)" })
        for pretty in [false, true] {
            let d = try load(try json(p, pretty: pretty) + [10], name: pretty ? "p.json" : "p.jsonl", maxFieldBytes: limit)
            // Tweet 5's text, and user 3's five tweets (its profile decodes to 2,000 bytes).
            #expect(d.accounting.rowsRead == 20)
            #expect(d.accounting.rejected == ["field_too_long": 6])
            #expect(d.accounting.examples.allSatisfy { $0.detail.contains("--max-field-bytes") })
            // At the limit itself, nothing is rejected.
            let at = try load(try json(p, pretty: pretty) + [10], name: pretty ? "p.json" : "p.jsonl", maxFieldBytes: 2 * limit)
            #expect(at.accounting.rowsUsed == 20)
        }
    }

    @Test(arguments: [1 << 10, 64 << 20])
    func overlongArrayElementIsRejectedAsRecordTooLong(blockSize: Int) throws {
        // A pretty-printed array of flattened tweets, one of them over the record limit; read in
        // blocks of 1 KiB too, so that values straddle blocks and the long one is let go.
        let p = page(30, text: { $0 == 17 ? String(repeating: "y", count: 20_000) : "tweet \($0)" })
        let lines = try flattened(p).split(separator: 10).map { String(decoding: $0, as: UTF8.self) }
        let text = "[\n  " + lines.joined(separator: ",\n  ") + "\n]\n"
        let path = try TestData.temp(text, name: "array.json")
        var builder = DatasetBuilder()
        var o = CSVDriver.Options()
        o.workers = 3
        o.blockSize = blockSize
        var limits = JSONLimits()
        limits.maxRecordBytes = 10_000
        let out = try JSONDriver.read(source: ByteSource(path: path), file: path, options: o, limits: limits, builder: &builder, handler: Twarc2())
        #expect(out.rowsRead == 30)
        #expect(out.rowsUsed == 29)
        #expect(out.log.countsByCode == ["record_too_long": 1])
        let e = try #require(out.log.examples.first)
        #expect(e.line == 19 && e.column == 3)
        #expect(out.bytes == text.utf8.count)
        let d = builder.finish(accounting: IngestAccounting())
        // The same as the other 29 read as lines.
        let others = try load(Array(lines.enumerated().filter { $0.offset != 17 }.map(\.element).joined(separator: "\n").utf8) + [10])
        #expect(DatasetText(d) == DatasetText(others))
    }

    @Test func documentReadInSmallBlocksGivesTheDatasetOfOne() throws {
        let text = try json(page(200, text: { "tweet \($0) with \"quotes\" and [brackets] {braces}" }), pretty: true) + [10]
        let arr = "[\n" + String(decoding: try flattened(page(200)), as: UTF8.self).split(separator: "\n").joined(separator: ",\n") + "\n]\n"
        for doc in [text, Array(arr.utf8)] {
            let path = try TestData.temp(doc, name: "doc.json")
            func read(_ blockSize: Int, workers: Int) throws -> (DatasetText, CSVDriver.Outcome) {
                var builder = DatasetBuilder()
                var o = CSVDriver.Options()
                o.workers = workers
                o.blockSize = blockSize
                let out = try JSONDriver.read(source: ByteSource(path: path), file: path, options: o, builder: &builder, handler: Twarc2())
                return (DatasetText(builder.finish(accounting: IngestAccounting())), out)
            }
            let (one, o1) = try read(64 << 20, workers: 1)
            #expect(o1.rowsUsed == 200)
            for (size, w) in [(1, 2), (512, 1), (4096, 3)] {
                let (many, o2) = try read(size, workers: w)
                #expect(many == one, "blocks of \(size)")
                #expect(o2.rowsRead == o1.rowsRead)
            }
        }
    }

    // MARK: The partial tape

    @Test func textTooLargeForTheTapeIndicesIsRefusedBeforeReading() {
        // With --max-record-bytes raised past 2 GiB a value could hold more nodes than the tape's
        // 32-bit indices count; the parser refuses it up front (it reads no byte here, so a small
        // buffer stands in for the huge one).
        var bytes: [UInt8] = Array("[1]".utf8)
        var tape = JSONTape()
        let error = bytes.withUnsafeMutableBufferPointer { b -> JSONError? in
            do { _ = try tape.parse(b.baseAddress!, from: 0, to: Int(Int32.max)) } catch let e as JSONError { return e } catch {}
            return nil
        }
        #expect(error?.kind == .tooLarge)
    }

    @Test func sealedTapeKeepsTheValuesBeforeTheFault() throws {
        var bytes = Array(#"{"data": [{"a": 1}, {"b": [2, 3]}, {"c": "#.utf8)
        var tape = JSONTape()
        try bytes.withUnsafeMutableBufferPointer { b in
            do {
                _ = try tape.parse(b.baseAddress!, from: 0, to: b.count)
                Issue.record("parsed a cut text")
            } catch let error as JSONError {
                #expect(error.kind == .truncated)
                let sealed = tape.sealPartial(at: error.offset)
                #expect(sealed)
                let root = tape.root
                #expect(!tape.isComplete(root))
                let member = tape.member(root, "data")
                let data = try #require(member)
                var complete: [Bool] = []
                tape.forEach(data) { t, v in complete.append(t.isComplete(v)) }
                #expect(complete == [true, true, false])
                // The dangling key "c" is dropped, so reading the broken object is safe.
                var keys = 0
                tape.forEach(data) { t, v in t.forEachMember(v) { _, _, _ in keys += 1 } }
                #expect(keys == 2)
            }
        }
    }
}
