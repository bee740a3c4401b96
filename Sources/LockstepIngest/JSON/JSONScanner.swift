import Foundation

// A byte-level JSON parser written by hand rather than using Foundation's JSONSerialization or
// Codable: those build a dictionary of `String`s (or a decoded struct) for every object, which costs
// several allocations per field and runs at tens of MB/s, while readers here need a handful of fields
// from each tweet at hundreds of MB/s. The parser instead records a *tape*: one small node per value,
// holding byte offsets into the input, with each container pointing past its subtree so a lookup by
// key skips whole nested values. Strings stay undecoded until a reader asks for one; numbers are never
// converted (tweet ids exceed a Double's 53 bits, so they are kept as their digits). The tape is
// reused from one document to the next, so a warmed-up parser allocates nothing per line.

/// The type of a JSON value.
enum JSONKind: UInt8, Sendable {
    case object, array, string, number, `true`, `false`, null
}

/// A value on a ``JSONTape``: an index, valid until the tape parses another document.
struct JSONValue: Hashable, Sendable {
    let index: Int32
    init(_ index: Int32) { self.index = index }
}

/// Why a text is not JSON, and where (a byte offset from the start of the parsed text).
struct JSONError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Broad classes, for callers that react differently (a cut-off document versus garbage).
    enum Kind: Sendable, Equatable {
        /// The text ends inside a value.
        case truncated
        /// A byte that cannot appear where it was found.
        case unexpected
        /// Containers nest deeper than the limit.
        case tooDeep
        /// More bytes than the tape's 32-bit indices can address.
        case tooLarge
        /// Nothing but white space.
        case empty
    }

    var kind: Kind
    /// Byte offset of the problem from the start of the parsed text (0-based).
    var offset: Int
    /// What was found and what was expected.
    var message: String

    var description: String { "byte \(offset + 1): \(message)" }
}

struct JSONNode {
    /// Strings: first byte after the opening quote; others: first byte of the value.
    var start: Int
    /// Strings: the closing quote (or the end of the decoded bytes); others: one past the value.
    var end: Int
    /// Tape index just past this value and everything inside it.
    var next: Int32
    var kind: JSONKind
    /// A string still holding backslash escapes.
    var escaped: Bool
    /// Left open by a parse that failed (see ``JSONTape/sealPartial(at:)``), or a scalar such a
    /// container ended with, which may have been cut.
    var broken = false
}

/// Parses one JSON text at a time into a reusable tape and answers lookups on it.
///
/// Strings are decoded lazily and *in place*: an escape sequence is never shorter in its decoded
/// UTF-8 form than in the source (`\u00e9` is 6 bytes, `é` 2; a surrogate pair is 12 bytes, the
/// character 4), so the input buffer itself is the scratch space. Every decoded string therefore stays
/// valid at the same time, without a copy, until the buffer is reused.
struct JSONTape {
    private(set) var nodes: [JSONNode] = []
    private var stack: [Int32] = []
    private var base: UnsafeMutablePointer<UInt8>?
    private var textStart = 0
    /// Bytes between the quotes of the longest string in the text, escapes undecoded: readers check
    /// each string against their field limit only when this exceeds it.
    private(set) var longestString = 0
    /// Containers nested deeper than this are an error (malicious or broken input, not tweets).
    var maxDepth: Int

    init(maxDepth: Int = 256) {
        self.maxDepth = maxDepth
        nodes.reserveCapacity(1024)
        stack.reserveCapacity(64)
    }

    // MARK: Parsing

    private enum State { case value, afterValue, key }

    /// Parses `p[start..<end]` (a whole JSON text, surrounded by optional white space); returns the root.
    /// The bytes must stay alive and unmodified, except through this tape, while values are read.
    mutating func parse(_ p: UnsafeMutablePointer<UInt8>, from start: Int, to end: Int) throws(JSONError) -> JSONValue {
        nodes.removeAll(keepingCapacity: true)
        stack.removeAll(keepingCapacity: true)
        base = p
        textStart = start
        longestString = 0
        // Every value takes at least one byte, so a text this short cannot overflow the indices.
        if end - start >= Int(Int32.max) {
            throw JSONError(kind: .tooLarge, offset: 0, message: "found a value of \(end - start) bytes, expected less than 2 GiB")
        }
        var i = Self.skipSpace(p, start, end)
        if i >= end { throw JSONError(kind: .empty, offset: 0, message: "found no JSON value, expected an object or an array") }
        var state = State.value
        while true {
            switch state {
            case .value:
                i = Self.skipSpace(p, i, end)
                guard i < end else { throw truncated(i, "a value") }
                let c = p[i]
                switch c {
                case 0x7B, 0x5B:  // { [
                    if stack.count >= maxDepth {
                        throw JSONError(kind: .tooDeep, offset: i - start, message: "found containers nested \(stack.count + 1) deep, expected at most \(maxDepth)")
                    }
                    stack.append(Int32(nodes.count))
                    nodes.append(JSONNode(start: i, end: i, next: 0, kind: c == 0x7B ? .object : .array, escaped: false))
                    i = Self.skipSpace(p, i + 1, end)
                    if i < end && p[i] == c + 2 {  // } or ] right away: empty container
                        close(at: i)
                        i += 1
                        state = .afterValue
                    } else {
                        state = c == 0x7B ? .key : .value
                    }
                    continue
                case 0x22:
                    i = try string(p, i, end)
                case 0x2D, 0x30...0x39:
                    i = try number(p, i, end)
                case 0x74: i = try literal(p, i, end, "true", .true)
                case 0x66: i = try literal(p, i, end, "false", .false)
                case 0x6E: i = try literal(p, i, end, "null", .null)
                default:
                    throw unexpected(i, c, "a value (object, array, string, number, true, false or null)")
                }
                state = .afterValue
            case .afterValue:
                guard let top = stack.last else {
                    i = Self.skipSpace(p, i, end)
                    if i < end { throw unexpected(i, p[i], "the end of the text after the value") }
                    return JSONValue(0)
                }
                i = Self.skipSpace(p, i, end)
                guard i < end else { throw truncated(i, "',' or the end of the \(nodes[Int(top)].kind == .object ? "object" : "array")") }
                let c = p[i]
                let isObject = nodes[Int(top)].kind == .object
                if c == 0x2C {
                    i += 1
                    state = isObject ? .key : .value
                } else if c == (isObject ? 0x7D : 0x5D) {
                    close(at: i)
                    i += 1
                } else {
                    throw unexpected(i, c, isObject ? "',' or '}'" : "',' or ']'")
                }
            case .key:
                i = Self.skipSpace(p, i, end)
                guard i < end else { throw truncated(i, "a quoted key") }
                guard p[i] == 0x22 else { throw unexpected(i, p[i], "a quoted key") }
                i = Self.skipSpace(p, try string(p, i, end), end)
                guard i < end else { throw truncated(i, "':'") }
                guard p[i] == 0x3A else { throw unexpected(i, p[i], "':' after the key") }
                i += 1
                state = .value
            }
        }
    }

    /// After `parse` failed at `offset`: closes the containers still open there, so that the values
    /// parsed before the fault can be read (a response page cut short still tells its complete
    /// tweets apart). The containers closed here, and a scalar the innermost one ends with, are
    /// marked incomplete (``isComplete(_:)``); a key left without its value is dropped. Returns
    /// false when no value was begun.
    @discardableResult
    mutating func sealPartial(at offset: Int) -> Bool {
        guard !nodes.isEmpty else { return false }
        guard let inner = stack.last.map(Int.init) else { return true }
        let isObject = nodes[inner].kind == .object
        var k = inner + 1, last = -1
        while k < nodes.count {
            if isObject && k + 1 >= nodes.count {
                nodes.removeLast()
                break
            }
            last = isObject ? k + 1 : k
            k = Int(nodes[last].next)
        }
        if last >= 0 {
            let kind = nodes[last].kind
            if kind != .object && kind != .array { nodes[last].broken = true }
        }
        for c in stack {
            nodes[Int(c)].end = textStart + offset
            nodes[Int(c)].next = Int32(nodes.count)
            nodes[Int(c)].broken = true
        }
        stack.removeAll(keepingCapacity: true)
        return true
    }

    @inline(__always) private mutating func close(at i: Int) {
        let top = Int(stack.removeLast())
        nodes[top].end = i + 1
        nodes[top].next = Int32(nodes.count)
    }

    @inline(__always) static func skipSpace(_ p: UnsafeMutablePointer<UInt8>, _ from: Int, _ end: Int) -> Int {
        var i = from
        while i < end {
            let c = p[i]
            if c != 0x20 && c != 0x0A && c != 0x0D && c != 0x09 { break }
            i += 1
        }
        return i
    }

    private func truncated(_ i: Int, _ expected: String) -> JSONError {
        JSONError(kind: .truncated, offset: i - textStart, message: "found the end of the text, expected \(expected) (is the file cut short?)")
    }

    private func unexpected(_ i: Int, _ c: UInt8, _ expected: String) -> JSONError {
        JSONError(kind: .unexpected, offset: i - textStart, message: "found \(Self.describe(c)), expected \(expected)")
    }

    static func describe(_ c: UInt8) -> String {
        (0x21...0x7E).contains(c) ? "'\(Character(Unicode.Scalar(c)))'" : "byte 0x\(String(c, radix: 16, uppercase: true))"
    }

    /// The first position from `i` (in steps of eight bytes, before `end`) whose eight bytes hold a
    /// quote, a backslash or a control character: inside a string everything before it is plain.
    /// Shared by the parser and the driver that cuts documents, so both see strings alike.
    @inline(__always)
    static func skipPlainStringBytes(_ p: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Int {
        var i = start
        while i + 8 <= end {
            let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            let quote = w ^ 0x2222_2222_2222_2222, slash = w ^ 0x5C5C_5C5C_5C5C_5C5C
            let lo: UInt64 = 0x0101_0101_0101_0101, hi: UInt64 = 0x8080_8080_8080_8080
            let hit = ((quote &- lo) & ~quote) | ((slash &- lo) & ~slash) | ((w &- 0x2020_2020_2020_2020) & ~w)
            if hit & hi != 0 { break }
            i += 8
        }
        return i
    }

    /// Scans a string starting at its opening quote; returns the position after the closing quote.
    @inline(__always)
    private mutating func string(_ p: UnsafeMutablePointer<UInt8>, _ open: Int, _ end: Int) throws(JSONError) -> Int {
        let s = open + 1
        var i = s
        var escaped = false
        while true {
            // Eight bytes at a time while none is a quote, a backslash or a control character.
            i = JSONTape.skipPlainStringBytes(p, from: i, to: end)
            guard i < end else { throw truncated(i, "a closing quote") }
            let c = p[i]
            if c == 0x22 {
                if i - s > longestString { longestString = i - s }
                nodes.append(JSONNode(start: s, end: i, next: Int32(nodes.count + 1), kind: .string, escaped: escaped))
                return i + 1
            }
            if c == 0x5C {
                escaped = true
                guard i + 1 < end else { throw truncated(i + 1, "an escaped character") }
                switch p[i + 1] {
                case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: i += 2
                case 0x75:
                    guard i + 6 <= end else { throw truncated(end, "four hex digits after \\u") }
                    for k in 2..<6 where Self.hex(p[i + k]) < 0 {
                        throw unexpected(i + k, p[i + k], "a hex digit in a \\u escape")
                    }
                    i += 6
                default:
                    throw unexpected(i + 1, p[i + 1], "one of \" \\ / b f n r t u after a backslash")
                }
                continue
            }
            if c < 0x20 {
                throw unexpected(i, c, "a closing quote (control characters must be escaped inside strings)")
            }
            i += 1
        }
    }

    @inline(__always) static func hex(_ c: UInt8) -> Int {
        switch c {
        case 0x30...0x39: Int(c - 0x30)
        case 0x41...0x46: Int(c - 0x41 + 10)
        case 0x61...0x66: Int(c - 0x61 + 10)
        default: -1
        }
    }

    private mutating func number(_ p: UnsafeMutablePointer<UInt8>, _ s: Int, _ end: Int) throws(JSONError) -> Int {
        var i = s
        if p[i] == 0x2D { i += 1 }
        func digits(_ i: inout Int) -> Int {
            let from = i
            while i < end && p[i] &- 0x30 <= 9 { i += 1 }
            return i - from
        }
        guard i < end else { throw truncated(i, "a digit") }
        if p[i] == 0x30 {
            i += 1
        } else if digits(&i) == 0 {
            throw unexpected(i, p[i], "a digit")
        }
        if i < end && p[i] == 0x2E {
            i += 1
            guard i < end else { throw truncated(i, "a digit after the decimal point") }
            if digits(&i) == 0 { throw unexpected(i, p[i], "a digit after the decimal point") }
        }
        if i < end && (p[i] == 0x65 || p[i] == 0x45) {
            i += 1
            if i < end && (p[i] == 0x2B || p[i] == 0x2D) { i += 1 }
            guard i < end else { throw truncated(i, "an exponent") }
            if digits(&i) == 0 { throw unexpected(i, p[i], "a digit in the exponent") }
        }
        nodes.append(JSONNode(start: s, end: i, next: Int32(nodes.count + 1), kind: .number, escaped: false))
        return i
    }

    private mutating func literal(_ p: UnsafeMutablePointer<UInt8>, _ s: Int, _ end: Int, _ word: StaticString, _ kind: JSONKind) throws(JSONError) -> Int {
        let n = word.utf8CodeUnitCount
        let w = word.utf8Start
        for k in 0..<n {
            guard s + k < end else { throw truncated(s + k, "'\(word)'") }
            if p[s + k] != w[k] { throw unexpected(s + k, p[s + k], "'\(word)'") }
        }
        nodes.append(JSONNode(start: s, end: s + n, next: Int32(nodes.count + 1), kind: kind, escaped: false))
        return s + n
    }

    // MARK: Reading

    /// The root of the last parsed text.
    var root: JSONValue { JSONValue(0) }

    func kind(_ v: JSONValue) -> JSONKind { nodes[Int(v.index)].kind }

    /// False for a value a failed parse left open or may have cut (see ``sealPartial(at:)``).
    func isComplete(_ v: JSONValue) -> Bool { !nodes[Int(v.index)].broken }

    /// The bytes of a container, from its opening bracket to one past its closing one, as offsets
    /// from the start of the parsed text (of a string: from its opening quote to its closing one
    /// as long as it is not decoded).
    func extent(_ v: JSONValue) -> Range<Int> {
        let n = nodes[Int(v.index)]
        return n.kind == .string ? (n.start - 1 - textStart)..<(n.end + 1 - textStart) : (n.start - textStart)..<(n.end - textStart)
    }

    /// The first string inside `v` (keys included, `v` itself if it is one) whose decoded bytes
    /// number more than `limit`.
    mutating func firstString(in v: JSONValue, longerThan limit: Int) -> JSONValue? {
        let from = Int(v.index), to = Int(nodes[from].next)
        for k in from..<to where nodes[k].kind == .string && nodes[k].end - nodes[k].start > limit {
            if nodes[k].escaped { decode(k) }
            if nodes[k].end - nodes[k].start > limit { return JSONValue(Int32(k)) }
        }
        return nil
    }

    /// Decoded length of a string (0 for other kinds).
    mutating func length(_ v: JSONValue) -> Int { string(v)?.count ?? 0 }

    /// Byte offset of a value from the start of the parsed text, for error messages.
    func offset(_ v: JSONValue) -> Int {
        let n = nodes[Int(v.index)]
        return (n.kind == .string ? n.start - 1 : n.start) - textStart
    }

    /// The value of `key` in an object, or nil (also when `v` is not an object).
    mutating func member(_ v: JSONValue, _ key: StaticString) -> JSONValue? {
        let o = Int(v.index)
        guard nodes[o].kind == .object else { return nil }
        let end = Int(nodes[o].next)
        var k = o + 1
        let kp = key.utf8Start, kn = key.utf8CodeUnitCount
        while k < end {
            if nodes[k].escaped { decode(k) }
            let n = nodes[k]
            if n.end - n.start == kn && memcmp(base! + n.start, kp, kn) == 0 { return JSONValue(Int32(k + 1)) }
            k = Int(nodes[k + 1].next)
        }
        return nil
    }

    /// A value reached through nested objects: `value(v, "public_metrics", "followers_count")`.
    mutating func value(_ v: JSONValue, _ keys: StaticString...) -> JSONValue? {
        var cur = v
        for k in keys {
            guard let m = member(cur, k) else { return nil }
            cur = m
        }
        return cur
    }

    /// Calls `body` with each element of an array, or each value of an object.
    @inline(__always)
    mutating func forEach(_ v: JSONValue, _ body: (inout JSONTape, JSONValue) throws -> Void) rethrows {
        let c = Int(v.index)
        let kind = nodes[c].kind
        guard kind == .array || kind == .object else { return }
        let end = Int(nodes[c].next)
        var k = c + 1
        while k < end {
            let item = kind == .object ? k + 1 : k
            let after = Int(nodes[item].next)
            try body(&self, JSONValue(Int32(item)))
            k = after
        }
    }

    /// Calls `body` with each key (decoded) and value of an object.
    mutating func forEachMember(_ v: JSONValue, _ body: (inout JSONTape, UnsafeRawBufferPointer, JSONValue) throws -> Void) rethrows {
        let c = Int(v.index)
        guard nodes[c].kind == .object else { return }
        let end = Int(nodes[c].next)
        var k = c + 1
        while k < end {
            let after = Int(nodes[k + 1].next)
            let key = string(JSONValue(Int32(k)))!
            try body(&self, key, JSONValue(Int32(k + 1)))
            k = after
        }
    }

    /// Number of elements of an array or members of an object.
    func count(_ v: JSONValue) -> Int {
        let c = Int(v.index)
        let kind = nodes[c].kind
        guard kind == .array || kind == .object else { return 0 }
        let end = Int(nodes[c].next)
        var k = c + 1, n = 0
        while k < end { k = Int(nodes[kind == .object ? k + 1 : k].next); n += 1 }
        return n
    }

    /// The decoded bytes of a string (nil for other kinds), valid while the input buffer is.
    mutating func string(_ v: JSONValue) -> UnsafeRawBufferPointer? {
        let i = Int(v.index)
        guard nodes[i].kind == .string else { return nil }
        if nodes[i].escaped { decode(i) }
        return UnsafeRawBufferPointer(start: base! + nodes[i].start, count: nodes[i].end - nodes[i].start)
    }

    /// The string of `v` if it is one, else empty: the usual "absent or null means empty" reading.
    @inline(__always) mutating func text(_ v: JSONValue?) -> UnsafeRawBufferPointer {
        guard let v, let s = string(v) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return s
    }

    /// The source bytes of a number (its digits, exactly as written; never through a Double).
    func numberBytes(_ v: JSONValue) -> UnsafeRawBufferPointer? {
        let n = nodes[Int(v.index)]
        guard n.kind == .number else { return nil }
        return UnsafeRawBufferPointer(start: base! + n.start, count: n.end - n.start)
    }

    /// An identifier written either as a string or as a number: the bytes as written.
    mutating func idBytes(_ v: JSONValue?) -> UnsafeRawBufferPointer {
        guard let v else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return string(v) ?? numberBytes(v) ?? UnsafeRawBufferPointer(start: nil, count: 0)
    }

    /// A whole number that fits Int64 (from a number, or a string of digits), else nil.
    mutating func int(_ v: JSONValue?) -> Int64? {
        guard let v else { return nil }
        if let b = numberBytes(v) ?? string(v) { return FieldParse.int(b) }
        return nil
    }

    /// Decodes the escapes of string node `i` in place and shortens it.
    private mutating func decode(_ i: Int) {
        let p = base!
        let s = nodes[i].start, e = nodes[i].end
        var r = s, w = s
        @inline(__always) func hex4(_ at: Int) -> UInt32 {
            UInt32(Self.hex(p[at]) << 12 | Self.hex(p[at + 1]) << 8 | Self.hex(p[at + 2]) << 4 | Self.hex(p[at + 3]))
        }
        while r < e {
            let c = p[r]
            if c != 0x5C { p[w] = c; w += 1; r += 1; continue }
            // The parser checked every escape, so only well-formed ones reach here.
            let t = p[r + 1]
            var scalar: UInt32
            switch t {
            case 0x62: scalar = 8
            case 0x66: scalar = 12
            case 0x6E: scalar = 10
            case 0x72: scalar = 13
            case 0x74: scalar = 9
            case 0x75:
                scalar = hex4(r + 2)
                r += 6
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    if r + 6 <= e && p[r] == 0x5C && p[r + 1] == 0x75 {
                        let low = hex4(r + 2)
                        if low >= 0xDC00 && low <= 0xDFFF {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            r += 6
                        } else {
                            scalar = 0xFFFD
                        }
                    } else {
                        scalar = 0xFFFD
                    }
                } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                    scalar = 0xFFFD  // a low surrogate alone is not a character
                }
                w = Self.writeUTF8(scalar, p, w)
                continue
            default: scalar = UInt32(t)  // " \ /
            }
            p[w] = UInt8(scalar)
            w += 1
            r += 2
        }
        // What decoding freed is blanked: left as it was, it could hold the tail of a character
        // whose head moved, which a later UTF-8 check of the enclosing object would take for a bad byte.
        if w < e { memset(p + w, 0x20, e - w) }
        nodes[i].end = w
        nodes[i].escaped = false
    }

    @inline(__always) static func writeUTF8(_ v: UInt32, _ p: UnsafeMutablePointer<UInt8>, _ w: Int) -> Int {
        switch v {
        case 0..<0x80:
            p[w] = UInt8(v); return w + 1
        case 0x80..<0x800:
            p[w] = UInt8(0xC0 | v >> 6); p[w + 1] = UInt8(0x80 | v & 0x3F); return w + 2
        case 0x800..<0x10000:
            p[w] = UInt8(0xE0 | v >> 12); p[w + 1] = UInt8(0x80 | (v >> 6) & 0x3F); p[w + 2] = UInt8(0x80 | v & 0x3F); return w + 3
        default:
            p[w] = UInt8(0xF0 | v >> 18); p[w + 1] = UInt8(0x80 | (v >> 12) & 0x3F)
            p[w + 2] = UInt8(0x80 | (v >> 6) & 0x3F); p[w + 3] = UInt8(0x80 | v & 0x3F); return w + 4
        }
    }
}

/// Cheap looks at JSON bytes without a full parse: for format detection on a truncated sample.
enum JSONPeek {
    /// The object keys found in `sample` (up to `limit`), tolerating a cut-off end.
    static func keys(_ sample: [UInt8], limit: Int = 4096) -> Set<String> {
        var keys = Set<String>()
        var i = 0
        let n = sample.count
        while i < n && keys.count < limit {
            guard sample[i] == 0x22 else { i += 1; continue }
            let s = i + 1
            var j = s
            var escaped = false
            while j < n && sample[j] != 0x22 {
                if sample[j] == 0x5C { escaped = true; j += 1 }
                j += 1
            }
            guard j < n else { break }
            var k = j + 1
            while k < n && (sample[k] == 0x20 || sample[k] == 0x09 || sample[k] == 0x0A || sample[k] == 0x0D) { k += 1 }
            if k < n && sample[k] == 0x3A && !escaped && j - s < 64 {
                keys.insert(String(decoding: sample[s..<j], as: UTF8.self))
            }
            i = j + 1
        }
        return keys
    }

    /// The first byte that is not white space (a UTF-8 byte-order mark skipped), or nil.
    static func firstByte(_ sample: [UInt8]) -> UInt8? {
        var i = 0
        if sample.count >= 3 && sample[0] == 0xEF && sample[1] == 0xBB && sample[2] == 0xBF { i = 3 }
        while i < sample.count {
            let c = sample[i]
            if c != 0x20 && c != 0x0A && c != 0x0D && c != 0x09 { return c }
            i += 1
        }
        return nil
    }
}
