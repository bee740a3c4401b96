// A small TOML reader for mapping files. TOMLKit, the TOML package on this machine, cannot be built
// offline (its test dependency is missing), and mapping files need only a subset: tables, bare,
// quoted and dotted keys, basic strings with escapes, literal strings, integers, booleans and arrays
// (over several lines, with comments and a trailing comma). Anything else is an error naming the
// line, never a silent misreading.

/// A TOML value of the supported subset.
enum TOMLValue: Equatable, Sendable {
    case string(String)
    case integer(Int64)
    case bool(Bool)
    case array([TOMLValue])
    case table(TOMLTable)

    var typeName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .bool: "a boolean"
        case .array: "an array"
        case .table: "a table"
        }
    }
}

/// A TOML table: values by key, and the line where each key was set (for later error messages).
struct TOMLTable: Equatable, Sendable {
    var values: [String: TOMLValue] = [:]
    var lines: [String: Int] = [:]
    /// Line of the `[header]` that opened the table (0 for the root).
    var line = 0

    subscript(key: String) -> TOMLValue? { values[key] }
}

/// Where and why a TOML text could not be read.
struct TOMLError: Error, Equatable, CustomStringConvertible {
    var line: Int
    var message: String
    var description: String { "line \(line): \(message)" }
}

enum MiniTOML {
    /// Parses a TOML document into its root table.
    static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
        var p = Parser(bytes: Array(text.utf8))
        return try p.document()
    }

    private struct Parser {
        let bytes: [UInt8]
        var i = 0
        var line = 1

        init(bytes: [UInt8]) {
            self.bytes = bytes
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
        }

        func fail(_ message: String) -> TOMLError { TOMLError(line: line, message: message) }

        var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

        func found() -> String {
            guard let c = peek else { return "the end of the file" }
            if c == 10 || c == 13 { return "the end of the line" }
            return "'\(String(decoding: bytes[i..<min(bytes.count, i + 12)].prefix { $0 != 10 && $0 != 13 }, as: UTF8.self))'"
        }

        mutating func spaces() { while let c = peek, c == 32 || c == 9 { i += 1 } }

        /// Skips spaces, a comment, and then requires the end of the line (or file).
        mutating func endOfLine() throws(TOMLError) {
            spaces()
            if peek == 35 { while let c = peek, c != 10 { i += 1 } }
            if peek == 13 { i += 1 }
            guard let c = peek else { return }
            guard c == 10 else { throw fail("found \(found()), expected the end of the line (one key = value per line)") }
            i += 1
            line += 1
        }

        /// Skips blank lines, comments and spaces, across lines.
        mutating func blank() {
            while let c = peek {
                if c == 32 || c == 9 || c == 13 { i += 1 }
                else if c == 10 { i += 1; line += 1 }
                else if c == 35 { while let d = peek, d != 10 { i += 1 } }
                else { break }
            }
        }

        mutating func document() throws(TOMLError) -> TOMLTable {
            var root = TOMLTable()
            var path: [String] = []
            var defined = Set<String>()
            while true {
                blank()
                guard let c = peek else { break }
                if c == 91 {  // [
                    i += 1
                    if peek == 91 { throw fail("arrays of tables ([[...]]) are not supported in mapping files") }
                    spaces()
                    path = try keyPath()
                    spaces()
                    guard peek == 93 else { throw fail("found \(found()), expected ']' to close the table header") }
                    i += 1
                    let name = path.joined(separator: ".")
                    guard defined.insert(name).inserted else { throw fail("table [\(name)] is defined twice") }
                    try ensureTable(&root, path, headerLine: line)
                    try endOfLine()
                    continue
                }
                let keyLine = line
                let keys = try keyPath()
                spaces()
                guard peek == 61 else { throw fail("found \(found()) after the key, expected '='") }
                i += 1
                spaces()
                let v = try value()
                try endOfLine()
                try set(&root, path + keys, v, line: keyLine)
            }
            return root
        }

        /// Creates the tables along `path` (for a `[header]`), failing if a key there is not a table.
        mutating func ensureTable(_ t: inout TOMLTable, _ path: [String], headerLine: Int) throws(TOMLError) {
            guard let first = path.first else { return }
            var sub: TOMLTable
            switch t.values[first] {
            case nil: sub = TOMLTable(); sub.line = headerLine; t.lines[first] = headerLine
            case .table(let existing): sub = existing
            case .some(let other): throw fail("'\(first)' is already \(other.typeName), not a table")
            }
            try ensureTable(&sub, Array(path.dropFirst()), headerLine: headerLine)
            t.values[first] = .table(sub)
        }

        mutating func set(_ t: inout TOMLTable, _ path: [String], _ v: TOMLValue, line: Int) throws(TOMLError) {
            let key = path[0]
            if path.count == 1 {
                guard t.values[key] == nil else { throw fail("'\(key)' is set twice") }
                t.values[key] = v
                t.lines[key] = line
                return
            }
            var sub: TOMLTable
            switch t.values[key] {
            case nil: sub = TOMLTable(); sub.line = line; t.lines[key] = line
            case .table(let existing): sub = existing
            case .some(let other): throw fail("'\(key)' is already \(other.typeName), not a table")
            }
            try set(&sub, Array(path.dropFirst()), v, line: line)
            t.values[key] = .table(sub)
        }

        /// `a`, `"a b"`, `'a'`, dotted: `a.b."c"`.
        mutating func keyPath() throws(TOMLError) -> [String] {
            var keys: [String] = []
            while true {
                spaces()
                guard let c = peek else { throw fail("found the end of the file, expected a key") }
                if c == 34 { keys.append(try basicString()) }
                else if c == 39 { keys.append(try literalString()) }
                else {
                    let s = i
                    while let d = peek, (d >= 65 && d <= 90) || (d >= 97 && d <= 122) || (d >= 48 && d <= 57) || d == 95 || d == 45 { i += 1 }
                    guard i > s else { throw fail("found \(found()), expected a key (letters, digits, _ or -, or a quoted key)") }
                    keys.append(String(decoding: bytes[s..<i], as: UTF8.self))
                }
                spaces()
                if peek == 46 { i += 1; continue }
                return keys
            }
        }

        mutating func value() throws(TOMLError) -> TOMLValue {
            guard let c = peek else { throw fail("found the end of the file, expected a value") }
            switch c {
            case 34: return .string(try basicString())
            case 39: return .string(try literalString())
            case 91: return try array()
            case 123: throw fail("inline tables ({ ... }) are not supported in mapping files; use a [table] instead")
            case 116, 102:
                for (word, v) in [("true", true), ("false", false)] where bytes[i...].starts(with: word.utf8) {
                    i += word.utf8.count
                    return .bool(v)
                }
                throw fail("found \(found()), expected true or false")
            case 43, 45, 48...57:
                return try integer()
            default:
                throw fail("found \(found()), expected a value: \"string\", 'string', integer, true/false or [array]")
            }
        }

        mutating func integer() throws(TOMLError) -> TOMLValue {
            let s = i
            var neg = false
            if peek == 43 || peek == 45 { neg = peek == 45; i += 1 }
            var v: Int64 = 0
            var digits = 0
            var lastUnderscore = false
            while let d = peek {
                if d >= 48 && d <= 57 {
                    let (m, o1) = v.multipliedReportingOverflow(by: 10)
                    let (a, o2) = m.addingReportingOverflow(Int64(d - 48))
                    if o1 || o2 { throw fail("the integer is too large") }
                    v = a; digits += 1; lastUnderscore = false
                } else if d == 95 && digits > 0 && !lastUnderscore {
                    lastUnderscore = true
                } else { break }
                i += 1
            }
            if let d = peek, d == 46 || d == 101 || d == 69 || d == 58 || d == 120 || d == 111 || d == 98 {
                throw fail("found '\(String(decoding: bytes[s..<min(bytes.count, i + 6)], as: UTF8.self))': floats, dates and hex/octal/binary numbers are not supported in mapping files")
            }
            guard digits > 0, !lastUnderscore else { throw fail("found \(found()), expected an integer") }
            return .integer(neg ? -v : v)
        }

        mutating func array() throws(TOMLError) -> TOMLValue {
            i += 1
            var items: [TOMLValue] = []
            while true {
                blank()
                guard let c = peek else { throw fail("found the end of the file, expected ']' to close the array") }
                if c == 93 { i += 1; return .array(items) }
                items.append(try value())
                blank()
                if peek == 44 { i += 1; continue }
                if peek == 93 { i += 1; return .array(items) }
                throw fail("found \(found()) in an array, expected ',' or ']'")
            }
        }

        mutating func literalString() throws(TOMLError) -> String {
            if bytes[i...].starts(with: [39, 39, 39]) { throw fail("multi-line strings (''') are not supported in mapping files") }
            i += 1
            let s = i
            while let c = peek, c != 39 {
                if c == 10 { throw fail("found the end of the line inside a 'literal string', expected a closing '") }
                i += 1
            }
            guard peek == 39 else { throw fail("found the end of the file, expected a closing '") }
            let out = String(decoding: bytes[s..<i], as: UTF8.self)
            i += 1
            return out
        }

        mutating func basicString() throws(TOMLError) -> String {
            if bytes[i...].starts(with: [34, 34, 34]) { throw fail("multi-line strings (\"\"\") are not supported in mapping files") }
            i += 1
            var out: [UInt8] = []
            while true {
                guard let c = peek else { throw fail("found the end of the file, expected a closing \"") }
                if c == 34 { i += 1; break }
                if c == 10 { throw fail("found the end of the line inside a \"string\", expected a closing \"") }
                if c != 92 { out.append(c); i += 1; continue }
                i += 1
                guard let e = peek else { throw fail("found the end of the file after a backslash") }
                i += 1
                switch e {
                case 98: out.append(8)
                case 116: out.append(9)
                case 110: out.append(10)
                case 102: out.append(12)
                case 114: out.append(13)
                case 34: out.append(34)
                case 92: out.append(92)
                case 117, 85:
                    let n = e == 117 ? 4 : 8
                    guard i + n <= bytes.count else { throw fail("found the end of the file inside a \\u escape") }
                    var v: UInt32 = 0
                    for k in 0..<n {
                        let h = JSONTape.hex(bytes[i + k])
                        guard h >= 0 else { throw fail("found '\(Character(Unicode.Scalar(bytes[i + k])))' in a \\\(Character(Unicode.Scalar(e))) escape, expected a hex digit") }
                        v = v << 4 | UInt32(h)
                    }
                    i += n
                    guard let scalar = Unicode.Scalar(v) else { throw fail("\\\(Character(Unicode.Scalar(e))) escape \(String(v, radix: 16)) is not a Unicode scalar value") }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                default:
                    throw fail("found '\\\(Character(Unicode.Scalar(e)))', expected one of \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX")
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}
