import Foundation
import GRDB
import GRDBSQLite

/// Copies a CSV file Lockstep wrote into a table of the same name and columns, so a column any
/// writer adds reaches the case without a change here. Reads bytes: the files hold a million rows.
enum CSVTable {
    /// Columns kept as text whatever they hold: ids (leading zeros, 64-bit), handles, lists.
    static func isText(_ column: String) -> Bool {
        column.hasSuffix("_id") || column.hasPrefix("account") || column.hasPrefix("handle") || column == "target"
            || column == "members" || column == "reasons" || column == "examples" || column == "term"
            || column == "period" || column == "group" || column == "created" || column.hasPrefix("top_")
    }

    /// Creates `table` from `file` (header = columns); returns the header, or nil when the file is absent.
    @discardableResult
    static func copy(_ file: URL, into table: String, primaryKey: String? = nil,
                     foreignKeys: [String: String] = [:], db: Database) throws -> [String]? {
        guard let data = FileManager.default.contents(atPath: file.path) else { return nil }
        return try data.withUnsafeBytes { raw -> [String]? in
            var reader = CSVBytes(raw)
            guard reader.advance() else { return nil }
            let header = (0..<reader.fieldCount).map { reader.string($0) }
            let defs = header.map { c -> String in
                var d = "\(quote(c)) \(isText(c) ? "TEXT" : "NUMERIC")"
                if c == primaryKey { d += " PRIMARY KEY" }
                if let parent = foreignKeys[c] { d += " REFERENCES \(parent)" }
                return d
            }
            try db.execute(sql: "CREATE TABLE \(quote(table)) (\(defs.joined(separator: ", ")))")
            let sql = "INSERT INTO \(quote(table)) VALUES (\(Array(repeating: "?", count: header.count).joined(separator: ",")))"
            let st = try db.makeStatement(sql: sql)
            let h = st.sqliteStatement
            while reader.advance() {
                sqlite3_reset(h)
                for k in 0..<header.count {
                    let idx = Int32(k + 1)
                    // A short row's missing fields, like empty ones, are NULL.
                    if k < reader.fieldCount {
                        reader.withField(k) { b in bindText(h, idx, UnsafeRawBufferPointer(b)) }
                    } else {
                        sqlite3_bind_null(h, idx)
                    }
                }
                let rc = sqlite3_step(h)
                guard rc == SQLITE_DONE else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: "\(file.lastPathComponent) into \(table): " + String(cString: sqlite3_errmsg(db.sqliteConnection)))
                }
            }
            return header
        }
    }

    static func quote(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}

/// Binds bytes as text, or NULL when empty (an empty CSV cell is an unknown value).
@inline(__always)
func bindText(_ h: OpaquePointer?, _ idx: Int32, _ b: UnsafeRawBufferPointer) {
    if b.isEmpty {
        sqlite3_bind_null(h, idx)
    } else {
        sqlite3_bind_text(h, idx, b.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(b.count), SQLITE_TRANSIENT)
    }
}

/// SQLITE_TRANSIENT is a macro Swift cannot import: SQLite copies the bytes before the call returns.
let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// RFC 4180 records over bytes (quoted fields, doubled quotes, line breaks inside quotes, LF or CRLF).
/// A record's unquoted bytes go into one buffer reused for every record: no allocation per row.
struct CSVBytes {
    let bytes: UnsafeRawBufferPointer
    var at = 0
    /// The current record's fields, back to back; field k is `buffer[starts[k]..<starts[k + 1]]`.
    private(set) var buffer: [UInt8] = []
    private(set) var starts: [Int] = [0]

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { at = 3 }
        buffer.reserveCapacity(4096)
    }

    var fieldCount: Int { starts.count - 1 }

    func withField<R>(_ k: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        buffer.withUnsafeBufferPointer { b in body(UnsafeBufferPointer(rebasing: b[starts[k]..<starts[k + 1]])) }
    }

    func string(_ k: Int) -> String { withField(k) { String(decoding: $0, as: UTF8.self) } }

    /// Reads the next record; false at the end.
    mutating func advance() -> Bool {
        buffer.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        starts.append(0)
        guard at < bytes.count else { return false }
        var fieldStart = true
        while at < bytes.count {
            let c = bytes[at]
            if c == 0x22, fieldStart {
                fieldStart = false
                at += 1
                while at < bytes.count {
                    let q = bytes[at]
                    at += 1
                    if q == 0x22 {
                        if at < bytes.count, bytes[at] == 0x22 { buffer.append(0x22); at += 1 } else { break }
                    } else {
                        buffer.append(q)
                    }
                }
                continue
            }
            at += 1
            switch c {
            case 0x2C:
                starts.append(buffer.count)
                fieldStart = true
            case 0x0A:
                starts.append(buffer.count)
                return true
            case 0x0D:
                if at < bytes.count, bytes[at] == 0x0A { at += 1 }
                starts.append(buffer.count)
                return true
            default:
                buffer.append(c)
                fieldStart = false
            }
        }
        starts.append(buffer.count)
        return true
    }
}
