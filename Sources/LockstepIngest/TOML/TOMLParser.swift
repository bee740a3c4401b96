// A TOML 1.0 reader (https://toml.io/en/v1.0.0), checked against the toml-test suite's 1.0 files
// (Tests/LockstepIngestTests/Fixtures/toml-test). Mapping files are read once per run, so the
// parser favours plain code and precise messages over speed. Every error names a line and column.
//
// Scalars (strings, numbers, dates) are in TOMLParser+Scalars.swift; this file has the document
// structure: key/value lines, table headers, arrays, inline tables, and the rules about which
// table may be defined or extended where.

/// Reads TOML 1.0 documents.
enum TOML {
    /// How deep tables and arrays may nest. toml-test suggests 128 to 256; deeper documents are
    /// refused rather than risking the stack on the recursive parts (values, the final copy).
    static let maxDepth = 128

    /// Parses a TOML document into its root table.
    static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
        try parse(bytes: Array(text.utf8))
    }

    /// Parses a TOML document given as bytes, which must be UTF-8.
    static func parse(bytes: [UInt8]) throws(TOMLError) -> TOMLTable {
        var parser = TOMLParser(bytes: bytes)
        return try parser.document()
    }
}

/// A table while the document is read. Tables are shared and mutated in place as headers and
/// dotted keys reach them again, hence a class; the result is copied into value types at the end.
private final class Node {
    /// How the table came to exist, which decides what may still add to it.
    enum Origin {
        /// Created only as the parent of a header (`a` in `[a.b]`): a later `[a]` may define it,
        /// and dotted keys may add to it.
        case implicit
        /// Defined by a `[header]` or `[[header]]`: no second header, no dotted keys from elsewhere.
        case header
        /// Created by dotted keys (`a.b = 1`) in the given section; only that section's dotted keys
        /// may add to it, and no header may define it afterwards.
        case dotted(section: Int)
    }

    var origin: Origin
    /// The full key of the table, for messages.
    let path: [String]
    let depth: Int
    var entries: [String: Entry] = [:]
    var positions: [String: TOMLPosition] = [:]

    init(origin: Origin, path: [String], depth: Int) {
        (self.origin, self.path, self.depth) = (origin, path, depth)
    }

    var name: String { TOMLParser.display(path) }
}

/// An array of tables (`[[name]]`); headers below it (`[name.sub]`) extend its last table.
private final class NodeArray {
    var tables: [Node]
    init(_ first: Node) { tables = [first] }
}

private enum Entry {
    /// A finished value: a scalar, an array written with `=`, or an inline table (none of which
    /// may be extended).
    case value(TOMLValue)
    case table(Node)
    case tables(NodeArray)
}

struct TOMLParser {
    let bytes: [UInt8]
    var i = 0
    /// The current section: 0 for the lines before the first header, then one per header and one
    /// per inline table. Dotted keys may only extend tables that dotted keys made in the same one.
    var section = 0
    var sectionCount = 0
    /// The last place converted to a line and column, so that converting places in order stays linear.
    var cursor: (offset: Int, line: Int, column: Int) = (0, 1, 1)

    init(bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            i = 3
            cursor.offset = 3
        }
    }

    // MARK: Positions and messages

    /// The line and column of a byte offset.
    mutating func position(at offset: Int) -> TOMLPosition {
        if offset < cursor.offset { cursor = (0, 1, 1) }
        var (o, line, column) = cursor
        while o < offset && o < bytes.count {
            let c = bytes[o]
            if c == 10 {
                line += 1
                column = 1
            } else if c & 0xC0 != 0x80 {
                column += 1
            }
            o += 1
        }
        cursor = (o, line, column)
        return TOMLPosition(line: line, column: column)
    }

    mutating func fail(_ message: String, at offset: Int? = nil) -> TOMLError {
        TOMLError(position: position(at: offset ?? i), message: message)
    }

    func fail(_ message: String, at position: TOMLPosition) -> TOMLError {
        TOMLError(position: position, message: message)
    }

    var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

    func peek(_ k: Int) -> UInt8? { i + k < bytes.count ? bytes[i + k] : nil }

    /// What is at the current place, for "found …, expected …" messages.
    func found() -> String {
        guard let c = peek else { return "the end of the file" }
        if c == 10 || c == 13 { return "the end of the line" }
        let rest = String(decoding: bytes[i..<min(bytes.count, i + 64)], as: UTF8.self)
        let word = rest.prefix { $0 != "\n" && $0 != "\r" && $0 != " " && $0 != "\t" }.prefix(16)
        return "'\(word.isEmpty ? String(rest.prefix(1)) : String(word))'"
    }

    /// A key for messages: `a.b."c d"`.
    static func display(_ path: [String]) -> String {
        path.map { k in
            !k.isEmpty && k.utf8.allSatisfy(isBareKeyByte) ? k : "\"" + k.unicodeScalars.map { s in
                s == "\"" || s == "\\" ? "\\" + String(s) : s.value < 0x20 || s.value == 0x7F ? s.escaped(asASCII: true) : String(s)
            }.joined() + "\""
        }.joined(separator: ".")
    }

    static func isBareKeyByte(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"): true
        default: false
        }
    }

    // MARK: Encoding

    /// Refuses what TOML forbids anywhere in a document before reading its structure: bytes that
    /// are not UTF-8, control characters other than tab and line feed, and a carriage return not
    /// followed by a line feed. Strings and comments may not hold these either, so no later step
    /// has to check for them.
    mutating func checkEncoding() throws(TOMLError) {
        var k = i
        while k < bytes.count {
            let c = bytes[k]
            if c < 0x80 {
                if c == 13 && (k + 1 == bytes.count || bytes[k + 1] != 10) {
                    throw fail("found a carriage return without a line feed after it; TOML lines end with LF or CRLF", at: k)
                }
                if c == 0x7F || (c < 0x20 && c != 9 && c != 10 && c != 13) {
                    throw fail("found the control character U+\(Self.hex(UInt32(c), 4)), which TOML does not allow here; inside a \"string\" write it as \\u\(Self.hex(UInt32(c), 4))", at: k)
                }
                k += 1
                continue
            }
            // The lead byte gives the length and the range the second byte must be in, which
            // excludes overlong forms, surrogates (U+D800–U+DFFF) and values above U+10FFFF.
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch c {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: throw fail("found the byte 0x\(Self.hex(UInt32(c), 2)), which is not UTF-8; save the file as UTF-8", at: k)
            }
            for n in 1..<length {
                let ok = k + n < bytes.count && (n == 1 ? (low...high) : (0x80...0xBF)).contains(bytes[k + n])
                guard ok else {
                    throw fail("found a malformed UTF-8 sequence starting with 0x\(Self.hex(UInt32(c), 2)); save the file as UTF-8", at: k)
                }
            }
            k += length
        }
    }

    static func hex(_ v: UInt32, _ width: Int) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    // MARK: Whitespace, comments, line ends

    mutating func spaces() {
        while let c = peek, c == 32 || c == 9 { i += 1 }
    }

    mutating func comment() {
        guard peek == UInt8(ascii: "#") else { return }
        while let c = peek, c != 10 && c != 13 { i += 1 }
    }

    /// Consumes a line break (LF or CRLF) if one is next.
    mutating func lineBreak() -> Bool {
        if peek == 10 { i += 1; return true }
        if peek == 13 && peek(1) == 10 { i += 2; return true }
        return false
    }

    /// Skips spaces, comments and line breaks: between lines, and between an array's values.
    mutating func blank() {
        while true {
            spaces()
            comment()
            if !lineBreak() { return }
        }
    }

    /// After a header or a key/value: spaces and a comment, then the end of the line or file.
    mutating func endOfLine(after what: String) throws(TOMLError) {
        spaces()
        comment()
        if peek == nil || lineBreak() { return }
        throw fail("found \(found()) after \(what), expected the end of the line (one key = value or [header] per line; comments start with #)")
    }

    // MARK: Document

    mutating func document() throws(TOMLError) -> TOMLTable {
        try checkEncoding()
        let root = Node(origin: .header, path: [], depth: 0)
        var current = root
        while true {
            blank()
            guard let c = peek else { break }
            if c == UInt8(ascii: "[") {
                current = try header(root: root)
                try endOfLine(after: "the table header [\(current.name)]")
            } else {
                let key = try keyValue(into: current)
                try endOfLine(after: "the value of \(key)")
            }
        }
        return Self.freeze(root)
    }

    /// Copies the parsed tables into value types. Recursive, but no deeper than `TOML.maxDepth`.
    private static func freeze(_ node: Node) -> TOMLTable {
        var t = TOMLTable()
        t.positions = node.positions
        for (key, entry) in node.entries {
            switch entry {
            case .value(let v): t.values[key] = v
            case .table(let n): t.values[key] = .table(freeze(n))
            case .tables(let a): t.values[key] = .array(a.tables.map { .table(freeze($0)) })
            }
        }
        return t
    }

    private mutating func child(of parent: Node, _ key: String, at position: TOMLPosition, origin: Node.Origin) throws(TOMLError) -> Node {
        guard parent.depth < TOML.maxDepth else {
            throw fail("tables nest more than \(TOML.maxDepth) levels deep here", at: position)
        }
        return Node(origin: origin, path: parent.path + [key], depth: parent.depth + 1)
    }

    /// What a key already holds, for messages about redefining it.
    private static func describe(_ entry: Entry) -> String {
        switch entry {
        case .value(.table): "an inline table, which cannot be extended"
        case .value(let v): v.typeName
        case .table: "a table"
        case .tables: "an array of tables"
        }
    }

    // MARK: Headers

    /// `[a.b]` or `[[a.b]]`: finds or creates the table the following lines fill.
    private mutating func header(root: Node) throws(TOMLError) -> Node {
        i += 1
        let isArray = peek == UInt8(ascii: "[")
        if isArray { i += 1 }
        spaces()
        let keys = try key()
        spaces()
        guard peek == UInt8(ascii: "]") else {
            throw fail("found \(found()) in the table header, expected '\(isArray ? "]]" : "]")' to close it")
        }
        i += 1
        if isArray {
            guard peek == UInt8(ascii: "]") else { throw fail("found \(found()), expected ']]' to close the array-of-tables header (no space between the brackets)") }
            i += 1
        }
        sectionCount += 1
        section = sectionCount

        var table = root
        for (key, position) in keys.dropLast() {
            switch table.entries[key] {
            case nil:
                let n = try child(of: table, key, at: position, origin: .implicit)
                table.entries[key] = .table(n)
                table.positions[key] = position
                table = n
            case .table(let n):
                table = n
            case .tables(let a):
                table = a.tables[a.tables.count - 1]
            case .value(let v):
                throw fail("\(Self.display(table.path + [key])) is already \(Self.describe(.value(v))) (set at \(table.positions[key]!)), so it cannot hold the table [\(Self.display(keys.map(\.0)))]", at: position)
            }
        }

        let (key, position) = keys[keys.count - 1]
        let path = Self.display(table.path + [key])
        let earlier = table.positions[key].map { " at \($0)" } ?? ""
        switch (table.entries[key], isArray) {
        case (nil, false):
            let n = try child(of: table, key, at: position, origin: .header)
            table.entries[key] = .table(n)
            table.positions[key] = position
            return n
        case (nil, true):
            let n = try child(of: table, key, at: position, origin: .header)
            table.entries[key] = .tables(NodeArray(n))
            table.positions[key] = position
            return n
        case (.table(let n), false):
            switch n.origin {
            case .implicit:
                n.origin = .header
                return n
            case .header:
                throw fail("table [\(path)] is defined twice (first\(earlier)); merge the two into one", at: position)
            case .dotted:
                throw fail("table [\(path)] was already defined with dotted keys (\(path).key = …\(earlier)); a header cannot define it again", at: position)
            }
        case (.tables(let a), true):
            let n = try child(of: table, key, at: position, origin: .header)
            a.tables.append(n)
            return n
        case (.tables, false):
            throw fail("\(path) is an array of tables ([[\(path)]]\(earlier)), so [\(path)] cannot define it as a table", at: position)
        case (.table, true):
            throw fail("\(path) is already a table\(earlier), so [[\(path)]] cannot make it an array of tables", at: position)
        case (.value(.array), true):
            throw fail("\(path) is an array set with = (\(earlier.dropFirst())), and [[\(path)]] cannot append to it; write all its tables one way", at: position)
        case (.value(let v), _):
            throw fail("\(path) is already \(Self.describe(.value(v)))\(earlier), so it cannot be a table", at: position)
        }
    }

    // MARK: Keys and values

    /// `key = value`, the key possibly dotted, into `table`. Returns the key for messages.
    @discardableResult
    private mutating func keyValue(into table: Node) throws(TOMLError) -> String {
        let keys = try key()
        spaces()
        guard peek == UInt8(ascii: "=") else {
            if peek == nil || peek == 10 || peek == 13 {
                throw fail("found \(found()) after the key \(Self.display(keys.map(\.0))), expected '= value' on the same line")
            }
            throw fail("found \(found()) after the key \(Self.display(keys.map(\.0))), expected '=' (a key with spaces or dots must be quoted)")
        }
        i += 1
        spaces()

        var target = table
        for (key, position) in keys.dropLast() {
            let path = Self.display(target.path + [key])
            switch target.entries[key] {
            case nil:
                let n = try child(of: target, key, at: position, origin: .dotted(section: section))
                target.entries[key] = .table(n)
                target.positions[key] = position
                target = n
            case .table(let n):
                switch n.origin {
                case .implicit:
                    n.origin = .dotted(section: section)
                    target = n
                case .dotted(let s) where s == section:
                    target = n
                case .header, .dotted:
                    throw fail("table \(path) was defined at \(target.positions[key]!); dotted keys cannot add to it from here. Put the key under [\(path)]", at: position)
                }
            case .tables:
                throw fail("\(path) is an array of tables (at \(target.positions[key]!)); dotted keys cannot add to it. Put the key under its [[\(path)]] header", at: position)
            case .value(let v):
                throw fail("\(path) is already \(Self.describe(.value(v))) (set at \(target.positions[key]!)), so it cannot hold keys", at: position)
            }
        }

        let (key, position) = keys[keys.count - 1]
        if let existing = target.entries[key] {
            throw fail("\(Self.display(target.path + [key])) is already \(Self.describe(existing)) (set at \(target.positions[key]!)); a key can be set only once", at: position)
        }
        let v = try value(depth: target.depth + 1, path: target.path + [key])
        target.entries[key] = .value(v)
        target.positions[key] = position
        return Self.display(target.path + [key])
    }

    /// A key: bare (`a-b_1`), quoted (`"a b"`, `'a b'`) or dotted (`a."b".c`), with each part's place.
    private mutating func key() throws(TOMLError) -> [(String, TOMLPosition)] {
        var keys: [(String, TOMLPosition)] = []
        while true {
            spaces()
            let start = i
            let part: String
            switch peek {
            case UInt8(ascii: "\"")?:
                if peek(1) == UInt8(ascii: "\"") && peek(2) == UInt8(ascii: "\"") {
                    throw fail("found a multi-line string where a key was expected; keys are bare, \"quoted\" or 'literal' on one line")
                }
                part = try basicString()
            case UInt8(ascii: "'")?:
                if peek(1) == UInt8(ascii: "'") && peek(2) == UInt8(ascii: "'") {
                    throw fail("found a multi-line string where a key was expected; keys are bare, \"quoted\" or 'literal' on one line")
                }
                part = try literalString()
            default:
                while let c = peek, Self.isBareKeyByte(c) { i += 1 }
                guard i > start else {
                    throw fail("found \(found()), expected a key (letters, digits, _ and -, or a \"quoted key\")")
                }
                part = String(decoding: bytes[start..<i], as: UTF8.self)
            }
            keys.append((part, position(at: start)))
            spaces()
            guard peek == UInt8(ascii: ".") else { return keys }
            i += 1
        }
    }

    /// Any value. `depth` is the nesting of the table or array it goes into; `path` is its key,
    /// for messages about the keys of an inline table.
    mutating func value(depth: Int, path: [String]) throws(TOMLError) -> TOMLValue {
        guard let c = peek else { throw fail("found the end of the file, expected a value") }
        switch c {
        case UInt8(ascii: "\""):
            return .string(peek(1) == c && peek(2) == c ? try multilineString(quote: c) : try basicString())
        case UInt8(ascii: "'"):
            return .string(peek(1) == c && peek(2) == c ? try multilineString(quote: c) : try literalString())
        case UInt8(ascii: "["):
            return try array(depth: depth, path: path)
        case UInt8(ascii: "{"):
            return try inlineTable(depth: depth, path: path)
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            for (word, v) in [("true", true), ("false", false)] where bytes[i...].starts(with: word.utf8) {
                let end = i + word.utf8.count
                if end == bytes.count || !Self.isBareKeyByte(bytes[end]) {
                    i = end
                    return .bool(v)
                }
            }
            throw fail("found \(found()), expected a value (true and false are lowercase; strings need quotes)")
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "i"), UInt8(ascii: "n"):
            return try numberOrDate()
        case 10, 13:
            throw fail("found the end of the line, expected a value after '='")
        default:
            throw fail("found \(found()), expected a value: \"string\", 'string', number, true/false, date, [array] or {inline table}")
        }
    }

    private mutating func array(depth: Int, path: [String]) throws(TOMLError) -> TOMLValue {
        guard depth < TOML.maxDepth else { throw fail("arrays and tables nest more than \(TOML.maxDepth) levels deep here") }
        let open = i
        i += 1
        var items: [TOMLValue] = []
        while true {
            blank()
            guard let c = peek else {
                throw fail("found the end of the file, expected ']' to close the array opened at \(position(at: open))")
            }
            if c == UInt8(ascii: "]") {
                i += 1
                return .array(items)
            }
            items.append(try value(depth: depth + 1, path: path))
            blank()
            switch peek {
            case UInt8(ascii: ",")?: i += 1
            case UInt8(ascii: "]")?: i += 1; return .array(items)
            case nil: throw fail("found the end of the file, expected ']' to close the array opened at \(position(at: open))")
            default: throw fail("found \(found()) in an array, expected ',' or ']'")
            }
        }
    }

    /// `{ a = 1, b.c = 2 }`: on one line, no trailing comma (TOML 1.0), closed to later additions.
    private mutating func inlineTable(depth: Int, path: [String]) throws(TOMLError) -> TOMLValue {
        guard depth < TOML.maxDepth else { throw fail("arrays and tables nest more than \(TOML.maxDepth) levels deep here") }
        let open = position(at: i)
        i += 1
        let saved = section
        sectionCount += 1
        section = sectionCount
        defer { section = saved }
        let node = Node(origin: .dotted(section: section), path: path, depth: depth)
        spaces()
        if peek == UInt8(ascii: "}") {
            i += 1
            return .table(Self.freeze(node))
        }
        while true {
            spaces()
            if peek == UInt8(ascii: "}") {
                throw fail("found '}' after a comma; TOML 1.0 allows no trailing comma in an inline table")
            }
            try checkSameLine(open)
            try keyValue(into: node)
            spaces()
            switch peek {
            case UInt8(ascii: ",")?: i += 1
            case UInt8(ascii: "}")?: i += 1; return .table(Self.freeze(node))
            default:
                try checkSameLine(open)
                throw fail("found \(found()) in an inline table, expected ',' or '}'")
            }
        }
    }

    private mutating func checkSameLine(_ open: TOMLPosition) throws(TOMLError) {
        if peek == nil {
            throw fail("found the end of the file, expected '}' to close the inline table opened at \(open)")
        }
        if peek == 10 || peek == 13 || peek == UInt8(ascii: "#") {
            throw fail("found \(peek == UInt8(ascii: "#") ? "a comment" : "the end of the line") in the inline table opened at \(open); TOML 1.0 inline tables stay on one line: close it with '}' or use a [table]")
        }
    }
}
