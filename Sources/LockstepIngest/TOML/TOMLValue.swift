// The values a TOML 1.0 document holds, as the parser in TOMLParser.swift returns them. Mapping
// files are read with it; a general TOML package (TOMLKit) cannot be built offline here.

/// A place in a TOML text: 1-based line and column (columns count characters; a tab is one).
struct TOMLPosition: Hashable, Sendable, CustomStringConvertible {
    var line: Int
    var column: Int

    var description: String { "\(line):\(column)" }
}

/// A TOML value.
enum TOMLValue: Equatable, Sendable {
    case string(String)
    case integer(Int64)
    case float(Double)
    case bool(Bool)
    case dateTime(TOMLDateTime)
    case array([TOMLValue])
    case table(TOMLTable)

    /// The value's type with an article, for messages ("an integer").
    var typeName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a float"
        case .bool: "a boolean"
        case .dateTime(let d): d.kind.typeName
        case .array: "an array"
        case .table: "a table"
        }
    }
}

/// A TOML table: values by key, and where each key was written (for later messages about what the
/// value means). Two tables are equal when their values are, wherever they were written.
// Keys are Swift strings, which compare by canonical equivalence: two keys that differ only in
// Unicode normalization ("é" as one scalar or as e + accent) are one key here, two in TOML.
// toml-test does not cover it and no mapping key is affected, so it is left so.
struct TOMLTable: Equatable, Sendable {
    var values: [String: TOMLValue] = [:]
    /// Where each key was written: for a dotted key or a `[header]`, the part naming this key.
    var positions: [String: TOMLPosition] = [:]

    subscript(key: String) -> TOMLValue? { values[key] }

    /// Where `key` was written, or the start of the text for a key the table does not hold.
    func position(of key: String) -> TOMLPosition { positions[key] ?? TOMLPosition(line: 1, column: 1) }

    static func == (a: TOMLTable, b: TOMLTable) -> Bool { a.values == b.values }
}

/// One of TOML's four date and time types: an offset date-time, a local date-time, a local date or
/// a local time, told apart by which parts are present.
struct TOMLDateTime: Hashable, Sendable, CustomStringConvertible {
    struct CalendarDate: Hashable, Sendable {
        var year: Int, month: Int, day: Int
    }

    struct ClockTime: Hashable, Sendable {
        var hour: Int, minute: Int, second: Int
        /// The fraction of the second; digits beyond the ninth are dropped.
        var nanosecond: Int
    }

    enum Kind: Sendable {
        case offsetDateTime, localDateTime, localDate, localTime

        var typeName: String {
            switch self {
            case .offsetDateTime: "a date-time with an offset"
            case .localDateTime: "a local date-time"
            case .localDate: "a local date"
            case .localTime: "a local time"
            }
        }
    }

    var date: CalendarDate?
    var time: ClockTime?
    /// Minutes east of UTC (`Z` is 0); nil unless both a date and a time are given.
    var offsetMinutes: Int?

    var kind: Kind {
        if offsetMinutes != nil { return .offsetDateTime }
        if date != nil { return time != nil ? .localDateTime : .localDate }
        return .localTime
    }

    /// RFC 3339: `1979-05-27T07:32:00.5-07:00`, or the date or time part alone.
    var description: String {
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        var out = ""
        if let d = date { out += "\(pad(d.year, 4))-\(pad(d.month, 2))-\(pad(d.day, 2))" }
        if let t = time {
            if date != nil { out += "T" }
            out += "\(pad(t.hour, 2)):\(pad(t.minute, 2)):\(pad(t.second, 2))"
            if t.nanosecond > 0 {
                var fraction = pad(t.nanosecond, 9)
                while fraction.last == "0" { fraction.removeLast() }
                out += "." + fraction
            }
        }
        if let m = offsetMinutes {
            out += m == 0 ? "Z" : "\(m < 0 ? "-" : "+")\(pad(abs(m) / 60, 2)):\(pad(abs(m) % 60, 2))"
        }
        return out
    }
}

/// Where and why a TOML text could not be read.
struct TOMLError: Error, Equatable, CustomStringConvertible {
    var position: TOMLPosition
    var message: String

    var line: Int { position.line }
    var column: Int { position.column }
    var description: String { "\(position): \(message)" }
}
