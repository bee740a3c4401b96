import Foundation
import LockstepCore
import Testing
@testable import LockstepIngest

/// Parses `text` and runs `body` on the tape while the bytes are alive.
private func withTape<R>(_ text: String, maxDepth: Int = 256, _ body: (inout JSONTape, JSONValue) throws -> R) throws -> R {
    var bytes = Array(text.utf8)
    return try withTape(&bytes, maxDepth: maxDepth, body)
}

private func withTape<R>(_ bytes: inout [UInt8], maxDepth: Int = 256, _ body: (inout JSONTape, JSONValue) throws -> R) throws -> R {
    var tape = JSONTape(maxDepth: maxDepth)
    return try bytes.withUnsafeMutableBufferPointer { b in
        let root = try tape.parse(b.baseAddress!, from: 0, to: b.count)
        return try body(&tape, root)
    }
}

/// The error a text gives, or nil when it parses.
private func parseError(_ bytes: [UInt8], maxDepth: Int = 256) -> JSONError? {
    // One byte of padding past the end, so even an empty text has a valid base address.
    var copy = bytes + [0]
    var tape = JSONTape(maxDepth: maxDepth)
    return copy.withUnsafeMutableBufferPointer { b -> JSONError? in
        do { _ = try tape.parse(b.baseAddress!, from: 0, to: bytes.count); return nil } catch let e as JSONError { return e } catch { return nil }
    }
}

private func str(_ b: UnsafeRawBufferPointer?) -> String? { b.map { String(decoding: $0, as: UTF8.self) } }

@Suite struct JSONScannerTests {
    @Test func readsMembersByKeyWithoutDictionaries() throws {
        try withTape(#"{"id": "1380242611781386245", "n": 1380242611781386245, "a": {"b": [1, {"c": true}]}, "z": null, "e": [], "o": {}}"#) { t, root in
            #expect(t.kind(root) == .object)
            #expect(str(t.string(t.member(root, "id")!)) == "1380242611781386245")
            // Ids larger than 2^53 keep every digit: they are never read through a Double.
            #expect(str(t.numberBytes(t.member(root, "n")!)) == "1380242611781386245")
            #expect(t.int(t.member(root, "n")) == 1_380_242_611_781_386_245)
            let b = t.value(root, "a", "b")!
            #expect(t.count(b) == 2)
            var kinds: [JSONKind] = []
            t.forEach(b) { t, v in kinds.append(t.kind(v)) }
            #expect(kinds == [.number, .object])
            #expect(t.kind(t.member(root, "z")!) == .null)
            #expect(t.count(t.member(root, "e")!) == 0)
            #expect(t.count(t.member(root, "o")!) == 0)
            #expect(t.member(root, "missing") == nil)
            // `member` on a non-object is nil, not a crash.
            #expect(t.member(b, "c") == nil)
            // Skipping over nested values finds the keys after them.
            #expect(t.member(root, "o") != nil)
        }
    }

    @Test(arguments: [
        // plain escapes
        (#""a\"b\\c\/d\n\t\r\b\f""#, "a\"b\\c/d\n\t\r\u{8}\u{C}"),
        // two-byte and three-byte characters
        (#""caf\u00e9 \u4e2d""#, "café 中"),
        // a surrogate pair is one four-byte character
        (#""\ud83c\uddfb\ud83c\uddea""#, "🇻🇪"),
        // a high surrogate alone, and a low surrogate alone, become U+FFFD
        (#""x\ud83cy""#, "x\u{FFFD}y"),
        (#""\ude00""#, "\u{FFFD}"),
        // high surrogate followed by a non-surrogate escape
        (#""\ud83c\u0041""#, "\u{FFFD}A"),
        // raw UTF-8 passes through unchanged
        ("\"naïve 🙂\"", "naïve 🙂"),
    ])
    func unescapesStringsInPlace(json: String, expected: String) throws {
        try withTape(json) { t, root in
            #expect(str(t.string(root)) == expected)
            // A second read returns the same, already decoded, bytes.
            #expect(str(t.string(root)) == expected)
        }
    }

    @Test func decodedStringsStayValidTogether() throws {
        try withTape(#"{"a": "\u00e9\u00e9", "b": "x\ny", "c": "plain"}"#) { t, root in
            let a = t.string(t.member(root, "a")!)!, b = t.string(t.member(root, "b")!)!, c = t.string(t.member(root, "c")!)!
            #expect(str(a) == "éé")
            #expect(str(b) == "x\ny")
            #expect(str(c) == "plain")
        }
    }

    @Test func escapedKeysMatch() throws {
        try withTape(#"{"t\u0065xt": 1}"#) { t, root in
            #expect(t.member(root, "text") != nil)
        }
    }

    @Test(arguments: [
        // truncated inside an object
        (#"{"a": 1"#, JSONError.Kind.truncated, 7),
        // truncated inside a string
        (#"{"a": "bc"#, .truncated, 9),
        // missing colon
        (#"{"a" 1}"#, .unexpected, 5),
        // trailing comma in an object
        (#"{"a": 1,}"#, .unexpected, 8),
        // junk after the value
        (#"{} x"#, .unexpected, 3),
        // single quotes are not JSON
        (#"{'a': 1}"#, .unexpected, 1),
        // bad escape
        (#""\x""#, .unexpected, 2),
        // \u with too few hex digits
        (#""\u12g4""#, .unexpected, 5),
        // raw control character in a string
        ("\"a\u{1}b\"", .unexpected, 2),
        // leading zero, then digits
        ("01", .unexpected, 1),
        // minus without digits
        ("-", .truncated, 1),
        // bad literal
        ("nul", .truncated, 3),
        ("tru e", .unexpected, 3),
        // only white space
        ("  \n ", .empty, 0),
        // closing the wrong bracket
        ("[1}", .unexpected, 2),
    ])
    func reportsErrorsWithOffsets(json: String, kind: JSONError.Kind, offset: Int) {
        let e = parseError(Array(json.utf8))
        #expect(e?.kind == kind, "\(json): \(String(describing: e))")
        #expect(e?.offset == offset, "\(json): \(String(describing: e))")
        #expect(e.map { $0.message.contains("found") && $0.message.contains("expected") } ?? false)
    }

    @Test func numbersFollowTheGrammar() throws {
        for good in ["0", "-0", "12", "-3.25", "1e10", "1E+2", "2.5e-3"] {
            #expect(parseError(Array(good.utf8)) == nil, "\(good)")
        }
        for bad in ["1.", ".5", "1e", "+1", "--1", "1.e5"] {
            #expect(parseError(Array(bad.utf8)) != nil, "\(bad)")
        }
    }

    @Test func everyPrefixOfADocumentFailsCleanly() throws {
        let doc = Array(#"{"data": [{"id": "1", "text": "caf\u00e9 \ud83d\ude00", "n": -1.5e3, "t": true, "f": false, "z": null, "a": [[], {}]}], "meta": {}}"#.utf8)
        #expect(parseError(doc) == nil)
        for n in 0..<doc.count {
            let e = parseError(Array(doc[0..<n]))
            #expect(e != nil, "prefix of \(n) bytes parsed")
            #expect(e?.kind == .truncated || e?.kind == .empty || e?.kind == .unexpected)
            #expect((e?.offset ?? -1) <= n)
        }
    }

    @Test func deepNestingStopsAtTheLimit() {
        let deep = [UInt8](repeating: 0x5B, count: 100_000) + [UInt8](repeating: 0x5D, count: 100_000)
        let e = parseError(deep)
        #expect(e?.kind == .tooDeep)
        #expect(e?.offset == 256)
        #expect(parseError(Array(("[" as String).utf8) + [UInt8](repeating: 0x5B, count: 9) + [UInt8](repeating: 0x5D, count: 10), maxDepth: 10) == nil)
        // Deep objects too, and without the closing brackets.
        let objects = Array(String(repeating: #"{"a":"#, count: 50_000).utf8)
        #expect(parseError(objects)?.kind == .tooDeep)
    }

    @Test func hugeStringsParse() throws {
        let body = String(repeating: "abcdefgh\\n\\u00e9", count: 1 << 20)  // ~16 MB of JSON text
        try withTape("{\"s\": \"\(body)\"}") { t, root in
            let s = t.string(t.member(root, "s")!)!
            #expect(s.count == (8 + 1 + 2) << 20)
        }
        let cut = Array("{\"s\": \"\(body.prefix(1 << 22))".utf8)
        #expect(parseError(cut)?.kind == .truncated)
    }

    @Test func randomBytesNeverCrash() {
        var g = SeededGenerator(seed: 42)
        let alphabet = Array(#"{}[]":,\ u0123456789abcdefnulltruefalse-+.eE"#.utf8) + [0, 10, 0x80, 0xFF]
        var parsed = 0
        for _ in 0..<20_000 {
            let n = Int(g.next() % 40)
            let bytes = (0..<n).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] }
            if parseError(bytes) == nil { parsed += 1 }
        }
        // Some random texts are valid JSON (a lone digit); most are not. Either way no crash.
        #expect(parsed > 0)
        #expect(parsed < 20_000)
    }

    @Test(.enabled(if: TestData.has("twarc2-samples/two_tweets.jsonl"), "needs ../shared/data/twarc2-samples"))
    func mutatedDocumentsNeverCrash() throws {
        let doc = try ByteSource.readAll(path: TestData.path("twarc2-samples/two_tweets.jsonl"))
        var g = SeededGenerator(seed: 7)
        for _ in 0..<2_000 {
            var m = doc
            for _ in 0..<Int(1 + g.next() % 4) {
                let at = Int(g.next() % UInt64(m.count))
                m[at] = UInt8(truncatingIfNeeded: g.next())
            }
            if parseError(m) == nil {
                // A mutation that still parses must still be readable by key.
                _ = try withTape(&m) { t, root in t.member(root, "data") }
            }
        }
    }

    @Test func peekFindsKeysInACutSample() {
        let keys = JSONPeek.keys(Array(#"{"data": [{"author_id": "1", "text": "a \"quoted\": word", "#.utf8))
        #expect(keys == ["data", "author_id", "text"])
        #expect(JSONPeek.firstByte(Array("\u{FEFF}  \n[".utf8)) == 0x5B)
    }
}
