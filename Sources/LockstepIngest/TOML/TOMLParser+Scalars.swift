// Strings, numbers, booleans' neighbours and dates for TOMLParser. The text has already been checked
// for UTF-8 and control characters (TOMLParser.checkEncoding), so these only check TOML's grammar.

extension TOMLParser {
    // MARK: Strings

    /// `"…"` with escapes, on one line.
    mutating func basicString() throws(TOMLError) -> String {
        let open = i
        i += 1
        var out: [UInt8] = []
        while true {
            guard let c = peek else { throw fail("found the end of the file, expected '\"' to close the string opened at \(position(at: open))") }
            switch c {
            case UInt8(ascii: "\""):
                i += 1
                return String(decoding: out, as: UTF8.self)
            case 10, 13:
                throw fail("found the end of the line inside a \"string\", expected '\"'; use \"\"\"…\"\"\" for a string over several lines")
            case UInt8(ascii: "\\"):
                try escape(into: &out)
            default:
                out.append(c)
                i += 1
            }
        }
    }

    /// `"""…"""` (basic: escapes, and a backslash at the end of a line drops the break and the
    /// whitespace after it) or `'''…'''` (literal: as written). Both drop a line break right after
    /// the opening and read CRLF as LF, so a string does not depend on how the file was saved.
    mutating func multilineString(quote: UInt8) throws(TOMLError) -> String {
        let open = i
        let basic = quote == UInt8(ascii: "\"")
        let closing = basic ? "'\"\"\"'" : "\"'''\""
        i += 3
        _ = lineBreak()
        var out: [UInt8] = []
        while true {
            guard let c = peek else { throw fail("found the end of the file, expected \(closing) to close the string opened at \(position(at: open))") }
            if c == quote {
                if try closesMultiline(c, into: &out) { return String(decoding: out, as: UTF8.self) }
            } else if basic && c == UInt8(ascii: "\\") {
                // A line-ending backslash may have spaces after it; anything else after it is an escape.
                var k = i + 1
                while k < bytes.count && (bytes[k] == 32 || bytes[k] == 9) { k += 1 }
                if k < bytes.count && (bytes[k] == 10 || bytes[k] == 13) {
                    i = k
                    while let d = peek, d == 32 || d == 9 || d == 10 || d == 13 { i += 1 }
                } else {
                    try escape(into: &out)
                }
            } else if c == 13 {
                out.append(10)
                i += 2
            } else {
                out.append(c)
                i += 1
            }
        }
    }

    /// `'…'`: as written, on one line.
    mutating func literalString() throws(TOMLError) -> String {
        let open = i
        i += 1
        let start = i
        while let c = peek, c != UInt8(ascii: "'") {
            if c == 10 || c == 13 {
                throw fail("found the end of the line inside a 'literal string', expected \"'\"; use '''…''' for a string over several lines")
            }
            i += 1
        }
        guard peek != nil else { throw fail("found the end of the file, expected \"'\" to close the string opened at \(position(at: open))") }
        i += 1
        return String(decoding: bytes[start..<(i - 1)], as: UTF8.self)
    }

    /// At a run of quotes in a multi-line string: fewer than three are text; three to five close
    /// the string, the extra one or two being its last characters; more is an error.
    private mutating func closesMultiline(_ quote: UInt8, into out: inout [UInt8]) throws(TOMLError) -> Bool {
        var run = 0
        while peek(run) == quote { run += 1 }
        if run > 5 {
            throw fail("found \(run) quotes in a row; a multi-line string may hold at most two in a row before its closing three (escape the others)", at: i + 5)
        }
        out.append(contentsOf: repeatElement(quote, count: run < 3 ? run : run - 3))
        i += run
        return run >= 3
    }

    /// After a backslash in a basic string: `\b \t \n \f \r \" \\ \uXXXX \UXXXXXXXX`.
    private mutating func escape(into out: inout [UInt8]) throws(TOMLError) {
        let start = i
        i += 1
        guard let e = peek else { throw fail("found the end of the file after '\\', expected an escape") }
        i += 1
        switch e {
        case UInt8(ascii: "b"): out.append(8)
        case UInt8(ascii: "t"): out.append(9)
        case UInt8(ascii: "n"): out.append(10)
        case UInt8(ascii: "f"): out.append(12)
        case UInt8(ascii: "r"): out.append(13)
        case UInt8(ascii: "\""): out.append(34)
        case UInt8(ascii: "\\"): out.append(92)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let n = e == UInt8(ascii: "u") ? 4 : 8
            var v: UInt32 = 0
            for _ in 0..<n {
                guard let c = peek, let h = Self.hexDigit(c) else {
                    throw fail("found \(found()) in the escape \\\(Character(Unicode.Scalar(e))), expected \(n) hex digits", at: i)
                }
                v = v << 4 | UInt32(h)
                i += 1
            }
            guard let scalar = Unicode.Scalar(v) else {
                throw fail("the escape \(String(decoding: bytes[start..<i], as: UTF8.self)) is not a Unicode scalar value (surrogates D800–DFFF and values above 10FFFF are not allowed)", at: start)
            }
            out.append(contentsOf: Array(String(scalar).utf8))
        default:
            let shown = e == 10 || e == 13 || e == 32 || e == 9 ? "a space or line break" : "'\(String(decoding: bytes[start..<min(bytes.count, start + 2 + (e >= 0x80 ? 3 : 0))], as: UTF8.self))'"
            throw fail("found \(shown) after a backslash, expected one of the escapes \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX (write a backslash as \\\\, or use a 'literal string')", at: start)
        }
    }

    static func hexDigit(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    // MARK: Numbers and dates

    private func isDigit(_ k: Int) -> Bool {
        guard let c = peek(k) else { return false }
        return c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")
    }

    /// An integer, float, date-time, date or time, told apart by their first characters.
    mutating func numberOrDate() throws(TOMLError) -> TOMLValue {
        if isDigit(0) && isDigit(1) && isDigit(2) && isDigit(3) && peek(4) == UInt8(ascii: "-") {
            return .dateTime(try dateTime())
        }
        if isDigit(0) && isDigit(1) && peek(2) == UInt8(ascii: ":") {
            return .dateTime(TOMLDateTime(time: try clockTime()))
        }
        let start = i
        while let c = peek, Self.isBareKeyByte(c) || c == UInt8(ascii: ".") || c == UInt8(ascii: "+") { i += 1 }
        let token = Array(bytes[start..<i])
        let text = String(decoding: token, as: UTF8.self)
        do {
            return try Self.number(token)
        } catch let why {
            throw fail("found '\(text)': \(why.message)", at: start)
        }
    }

    struct NumberError: Error { var message: String }

    /// Reads a whole number token: `+1_000`, `0xDEAD_BEEF`, `0o755`, `0b1010`, `-3.5e-2`, `inf`, `nan`.
    static func number(_ t: [UInt8]) throws(NumberError) -> TOMLValue {
        var k = 0
        var negative = false
        let signed = t.first == UInt8(ascii: "+") || t.first == UInt8(ascii: "-")
        if signed {
            negative = t[0] == UInt8(ascii: "-")
            k = 1
        }
        let body = Array(t[k...])
        if body == Array("inf".utf8) { return .float(negative ? -.infinity : .infinity) }
        if body == Array("nan".utf8) { return .float(negative ? -.nan : .nan) }

        if body.count >= 2 && body[0] == UInt8(ascii: "0"), let radix = [UInt8(ascii: "x"): 16, UInt8(ascii: "o"): 8, UInt8(ascii: "b"): 2][body[1]] {
            if signed { throw NumberError(message: "hexadecimal, octal and binary integers cannot have a sign") }
            let digits = try Self.digits(Array(body[2...]), radix: radix, what: radix == 16 ? "hex digits" : radix == 8 ? "octal digits (0-7)" : "binary digits (0 or 1)")
            var v: Int64 = 0
            for d in digits {
                let (m, o1) = v.multipliedReportingOverflow(by: Int64(radix))
                let (s, o2) = m.addingReportingOverflow(Int64(d))
                if o1 || o2 { throw NumberError(message: "the integer does not fit in 64 bits (at most 9223372036854775807)") }
                v = s
            }
            return .integer(v)
        }

        // Decimal: an integer part, then an optional fraction and exponent.
        var j = 0
        while j < body.count && body[j] != UInt8(ascii: ".") && body[j] != UInt8(ascii: "e") && body[j] != UInt8(ascii: "E") { j += 1 }
        let whole = try Self.digits(Array(body[..<j]), radix: 10, what: "digits")
        if whole.count > 1 && whole[0] == 0 { throw NumberError(message: "leading zeros are not allowed in a decimal number") }
        if j == body.count {
            var v: Int64 = 0
            for d in whole {
                // Accumulating towards the sign lets -9223372036854775808 fit.
                let (m, o1) = v.multipliedReportingOverflow(by: 10)
                let (s, o2) = negative ? m.subtractingReportingOverflow(Int64(d)) : m.addingReportingOverflow(Int64(d))
                if o1 || o2 { throw NumberError(message: "the integer does not fit in 64 bits (-9223372036854775808 to 9223372036854775807)") }
                v = s
            }
            return .integer(v)
        }
        var plain = (negative ? "-" : "") + whole.map(String.init).joined()
        if body[j] == UInt8(ascii: ".") {
            var e = j + 1
            while e < body.count && body[e] != UInt8(ascii: "e") && body[e] != UInt8(ascii: "E") { e += 1 }
            let fraction = try Self.digits(Array(body[(j + 1)..<e]), radix: 10, what: "digits after the decimal point")
            plain += "." + fraction.map(String.init).joined()
            j = e
        }
        if j < body.count {
            var e = j + 1
            var sign = ""
            if e < body.count && (body[e] == UInt8(ascii: "+") || body[e] == UInt8(ascii: "-")) {
                sign = body[e] == UInt8(ascii: "-") ? "-" : ""
                e += 1
            }
            let exponent = try Self.digits(Array(body[e...]), radix: 10, what: "digits in the exponent")
            plain += "e" + sign + exponent.map(String.init).joined()
        }
        guard let v = Double(plain) else { throw NumberError(message: "not a number") }
        return .float(v)
    }

    /// The digits of `t`, which must be one or more digits of `radix`, an underscore only between two.
    private static func digits(_ t: [UInt8], radix: Int, what: String) throws(NumberError) -> [UInt8] {
        guard !t.isEmpty else { throw NumberError(message: "expected \(what)") }
        var out: [UInt8] = []
        for (n, c) in t.enumerated() {
            if c == UInt8(ascii: "_") {
                guard n > 0, n + 1 < t.count, t[n - 1] != UInt8(ascii: "_"), t[n + 1] != UInt8(ascii: "_") else {
                    throw NumberError(message: "an underscore must stand between two digits")
                }
                continue
            }
            guard let d = hexDigit(c), Int(d) < radix else {
                throw NumberError(message: c == UInt8(ascii: "+") || c == UInt8(ascii: "-") ? "expected \(what), found a sign" : "expected \(what)")
            }
            out.append(d)
        }
        return out
    }

    /// Exactly `count` digits as a number.
    private mutating func fixedDigits(_ count: Int, _ what: String) throws(TOMLError) -> Int {
        var v = 0
        for k in 0..<count {
            guard isDigit(k) else { throw fail("found \(found()) in a date or time, expected \(count) digits for the \(what)") }
            v = v * 10 + Int(bytes[i + k] - UInt8(ascii: "0"))
        }
        i += count
        return v
    }

    private mutating func expect(_ c: Character, in what: String) throws(TOMLError) {
        guard peek == c.asciiValue else { throw fail("found \(found()) in a \(what), expected '\(c)'") }
        i += 1
    }

    /// `1979-05-27`, then optionally a time (after `T`, `t` or a space) and an offset.
    private mutating func dateTime() throws(TOMLError) -> TOMLDateTime {
        let start = i
        let year = try fixedDigits(4, "year")
        try expect("-", in: "date")
        let month = try fixedDigits(2, "month")
        try expect("-", in: "date")
        let day = try fixedDigits(2, "day")
        guard (1...12).contains(month) else { throw fail("the month \(month) is not 1 to 12", at: start) }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...days).contains(day) else { throw fail("day \(day) does not exist in \(year)-\(month < 10 ? "0" : "")\(month)", at: start) }
        var result = TOMLDateTime(date: .init(year: year, month: month, day: day))

        // A space separates a date from a time only when a time follows; otherwise it ends the value.
        let t = peek
        guard t == UInt8(ascii: "T") || t == UInt8(ascii: "t") || (t == 32 && isDigit(1) && isDigit(2) && peek(3) == UInt8(ascii: ":")) else {
            return result
        }
        i += 1
        result.time = try clockTime()
        switch peek {
        case UInt8(ascii: "Z")?, UInt8(ascii: "z")?:
            i += 1
            result.offsetMinutes = 0
        case UInt8(ascii: "+")?, UInt8(ascii: "-")?:
            let negative = peek == UInt8(ascii: "-")
            let at = i
            i += 1
            let h = try fixedDigits(2, "offset hours")
            try expect(":", in: "time offset")
            let m = try fixedDigits(2, "offset minutes")
            guard h < 24 && m < 60 else { throw fail("the offset is not a time of day (hours 00-23, minutes 00-59)", at: at) }
            result.offsetMinutes = (negative ? -1 : 1) * (h * 60 + m)
        default:
            break
        }
        return result
    }

    /// `07:32:00`, with an optional fraction (TOML 1.0 requires the seconds).
    private mutating func clockTime() throws(TOMLError) -> TOMLDateTime.ClockTime {
        let start = i
        let hour = try fixedDigits(2, "hour")
        try expect(":", in: "time")
        let minute = try fixedDigits(2, "minute")
        try expect(":", in: "time (TOML 1.0 requires seconds: HH:MM:SS)")
        let second = try fixedDigits(2, "second")
        guard hour < 24, minute < 60, second < 61 else {
            throw fail("\(hour):\(minute):\(second) is not a time of day (hours 00-23, minutes 00-59, seconds 00-60)", at: start)
        }
        var nanosecond = 0
        if peek == UInt8(ascii: ".") {
            i += 1
            guard isDigit(0) else { throw fail("found \(found()) after the decimal point in a time, expected digits") }
            var scale = 100_000_000
            while isDigit(0) {
                nanosecond += Int(bytes[i] - UInt8(ascii: "0")) * scale
                scale /= 10
                i += 1
            }
        }
        return .init(hour: hour, minute: minute, second: second, nanosecond: nanosecond)
    }
}
