import Foundation
import LockstepCore

/// How a time column is written: ISO 8601, Unix seconds or milliseconds, or a strftime-style pattern
/// (compiled once, then matched over raw bytes without allocating). Times without their own offset
/// are read in ``zoneOffset``.
struct TimeFormat: Sendable, Equatable {
    enum Layout: Sendable, Equatable {
        case iso
        case unix(perSecond: Int64)
        case pattern([Op])
    }

    enum Op: Sendable, Equatable {
        case year4, year2, month, monthName, day, hour24, hour12, minute, second, fraction, amPm, weekdayName, offset, zoneName
        case literal(UInt8)
        case space
    }

    let layout: Layout
    /// Seconds east of UTC for times that carry no offset.
    let zoneOffset: Int
    /// The text the format was made from, for error messages.
    let spec: String

    /// Twitter API v1.1's `created_at`: `Wed Oct 10 20:19:24 +0000 2018`.
    static let twitterV1 = try! TimeFormat("%a %b %d %H:%M:%S %z %Y")

    /// `iso`, `unix`, `unix_ms` or a pattern with %Y %y %m %d %e %H %I %M %S %f %p %b %B %a %A %z %Z %%.
    init(_ spec: String, zone: String = "UTC") throws(TimeFormatError) {
        self.spec = spec
        guard let off = TimeFormat.offset(zone) else { throw TimeFormatError("zone '\(zone)': expected UTC or an offset such as +08:00 or -05:00") }
        zoneOffset = off
        switch spec.lowercased() {
        case "iso", "iso8601": layout = .iso; return
        case "unix", "epoch", "unix_s": layout = .unix(perSecond: 1); return
        case "unix_ms", "epoch_ms": layout = .unix(perSecond: 1000); return
        default: break
        }
        var ops: [Op] = []
        var it = Array(spec.utf8).makeIterator()
        var sawDate = false, sawHour12 = false, sawAmPm = false
        while let c = it.next() {
            if c == 32 || c == 9 { if ops.last != .space { ops.append(.space) }; continue }
            guard c == 37 else { ops.append(.literal(c)); continue }
            guard let d = it.next() else { throw TimeFormatError("format '\(spec)' ends with a lone %") }
            switch d {
            case 89: ops.append(.year4); sawDate = true  // Y
            case 121: ops.append(.year2); sawDate = true  // y
            case 109: ops.append(.month)
            case 98, 66, 104: ops.append(.monthName)  // b B h
            case 100, 101: ops.append(.day)  // d e
            case 72: ops.append(.hour24)
            case 73: ops.append(.hour12); sawHour12 = true
            case 77: ops.append(.minute)
            case 83: ops.append(.second)
            case 102: ops.append(.fraction)
            case 112: ops.append(.amPm); sawAmPm = true
            case 97, 65: ops.append(.weekdayName)
            case 122: ops.append(.offset)
            case 90: ops.append(.zoneName)
            case 37: ops.append(.literal(37))
            default:
                throw TimeFormatError("format '\(spec)': %\(Character(Unicode.Scalar(d))) is not supported; use %Y %y %m %d %e %H %I %M %S %f %p %b %B %a %A %z %Z or %%")
            }
        }
        guard sawDate else { throw TimeFormatError("format '\(spec)' has no year (%Y or %y)") }
        if sawHour12 != sawAmPm { throw TimeFormatError("format '\(spec)': %I needs %p and %p needs %I") }
        layout = .pattern(ops)
    }

    /// Seconds east of UTC of `UTC`, `Z`, `GMT` or `±HH:MM` / `±HHMM` / `±HH`.
    static func offset(_ zone: String) -> Int? {
        let z = zone.trimmingCharacters(in: .whitespaces)
        if ["utc", "z", "gmt", ""].contains(z.lowercased()) { return 0 }
        let u = Array(z.utf8)
        guard u.count >= 2, u[0] == 43 || u[0] == 45 else { return nil }
        let digits = u[1...].filter { $0 != 58 }
        guard digits.allSatisfy({ $0 >= 48 && $0 <= 57 }), digits.count == 2 || digits.count == 4 else { return nil }
        let n = digits.map { Int($0 - 48) }
        let h = n[0] * 10 + n[1], m = n.count == 4 ? n[2] * 10 + n[3] : 0
        guard h <= 14, m < 60 else { return nil }
        return (u[0] == 45 ? -1 : 1) * (h * 3600 + m * 60)
    }

    /// UTC seconds, or nil when the text does not match or names a time that does not exist.
    func parse(_ raw: UnsafeRawBufferPointer) -> Int64? {
        let b = FieldParse.trim(raw)
        guard !b.isEmpty else { return nil }
        switch layout {
        case .iso:
            guard let t = FieldParse.time(b) else { return nil }
            return Self.hasOffset(b) ? t : t - Int64(zoneOffset)
        case .unix(let per):
            return Self.unix(b, per)
        case .pattern(let ops):
            guard let p = match(ops, b), p.exists else { return nil }
            return p.seconds(zoneOffset)
        }
    }

    /// Whether an `iso` time carries its own offset (read as UTC by the parsers) rather than
    /// being in the configured zone.
    private static func hasOffset(_ b: UnsafeRawBufferPointer) -> Bool {
        if b.count > 10 { for k in 10..<b.count where b[k] == 90 || b[k] == 43 || b[k] == 45 { return true } }
        return false
    }

    /// Why a cell that ``parse(_:)`` refused is not a time: what does not exist in it, or nil when
    /// it does not have the format's form at all.
    func problem(_ raw: UnsafeRawBufferPointer) -> String? {
        let b = FieldParse.trim(raw)
        guard !b.isEmpty else { return nil }
        switch layout {
        case .iso: return FieldParse.timeProblem(b)
        case .unix: return nil
        case .pattern(let ops): return match(ops, b)?.problem
        }
    }

    /// Digits of a `unix`/`unix_ms` cell before any fraction, for telling seconds from milliseconds.
    func unixDigits(_ raw: UnsafeRawBufferPointer) -> Int? {
        guard case .unix = layout else { return nil }
        let b = FieldParse.trim(raw)
        var i = b.first == 45 ? 1 : 0, n = 0
        while i < b.count, b[i] &- 48 <= 9 { i += 1; n += 1 }
        return n
    }

    private static func unix(_ b: UnsafeRawBufferPointer, _ per: Int64) -> Int64? {
        var i = 0
        var neg = false
        if b[0] == 45 { neg = true; i = 1 }
        var v: Int64 = 0
        var digits = 0
        while i < b.count, b[i] &- 48 <= 9 {
            v = v &* 10 &+ Int64(b[i] - 48)
            digits += 1
            i += 1
            if digits > 18 { return nil }
        }
        guard digits > 0 else { return nil }
        if i < b.count {
            // A fraction (`1537000000.25`): dropped. Anything else is not a number.
            guard b[i] == 46 else { return nil }
            i += 1
            while i < b.count, b[i] &- 48 <= 9 { i += 1 }
            guard i == b.count else { return nil }
        }
        let s = v / per
        return neg ? -s : s
    }

    private static let monthNames: [[UInt8]] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].map { Array($0.utf8) }

    /// The parts a pattern reads, checked for form only; ``exists`` and ``problem`` judge them.
    struct Parts {
        var year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0
        var hour12 = false
        var pm: Bool?
        var offset: Int?

        var hour24: Int { if let pm { hour % 12 + (pm ? 12 : 0) } else { hour } }
        var exists: Bool { problem == nil }
        var problem: String? {
            if hour12 && !(1...12).contains(hour) { return "hour \(hour) does not exist on a 12-hour clock (1–12)" }
            return CivilTime.problem(year: year, month: month, day: day, hour: hour24, minute: minute, second: second)
        }
        func seconds(_ zoneOffset: Int) -> Int64 {
            CivilTime.seconds(year: year, month: month, day: day, hour: hour24, minute: minute, second: second) - Int64(offset ?? zoneOffset)
        }
    }

    private func match(_ ops: [Op], _ b: UnsafeRawBufferPointer) -> Parts? {
        var i = 0
        let n = b.count
        var p = Parts()
        func number(_ maxDigits: Int) -> Int? {
            var v = 0, k = 0
            while k < maxDigits && i < n && b[i] &- 48 <= 9 { v = v * 10 + Int(b[i] - 48); i += 1; k += 1 }
            return k == 0 ? nil : v
        }
        func letters() -> Range<Int> {
            let s = i
            while i < n && ((b[i] | 0x20) >= 97 && (b[i] | 0x20) <= 122) { i += 1 }
            return s..<i
        }
        for op in ops {
            switch op {
            case .space:
                guard i < n, b[i] == 32 || b[i] == 9 else { return nil }
                while i < n && (b[i] == 32 || b[i] == 9) { i += 1 }
            case .literal(let c):
                guard i < n, b[i] == c else { return nil }
                i += 1
            case .year4:
                guard let v = number(4) else { return nil }
                p.year = v
            case .year2:
                guard let v = number(2) else { return nil }
                p.year = v < 69 ? 2000 + v : 1900 + v  // POSIX's pivot
            case .month:
                guard let v = number(2) else { return nil }
                p.month = v
            case .monthName:
                let r = letters()
                guard r.count >= 3 else { return nil }
                let l = (b[r.lowerBound] | 0x20, b[r.lowerBound + 1] | 0x20, b[r.lowerBound + 2] | 0x20)
                guard let m = Self.monthNames.firstIndex(where: { $0[0] == l.0 && $0[1] == l.1 && $0[2] == l.2 }) else { return nil }
                p.month = m + 1
            case .day:
                if i < n && b[i] == 32 { i += 1 }  // %e pads with a space
                guard let v = number(2) else { return nil }
                p.day = v
            case .hour24:
                guard let v = number(2) else { return nil }
                p.hour = v
            case .hour12:
                guard let v = number(2) else { return nil }
                p.hour = v
                p.hour12 = true
            case .minute:
                guard let v = number(2) else { return nil }
                p.minute = v
            case .second:
                guard let v = number(2) else { return nil }
                p.second = v
            case .fraction:
                guard number(18) != nil else { return nil }
            case .amPm:
                let r = letters()
                guard r.count == 2 else { return nil }
                let c = b[r.lowerBound] | 0x20
                guard c == 97 || c == 112, b[r.lowerBound + 1] | 0x20 == 109 else { return nil }
                p.pm = c == 112
            case .weekdayName:
                guard letters().count >= 3 else { return nil }
            case .offset:
                guard i < n else { return nil }
                if b[i] == 90 { p.offset = 0; i += 1; continue }
                guard b[i] == 43 || b[i] == 45 else { return nil }
                let sign = b[i] == 45 ? -1 : 1
                i += 1
                guard let h = number(2), h <= 18 else { return nil }
                if i < n && b[i] == 58 { i += 1 }
                let m = number(2) ?? 0
                guard m < 60 else { return nil }
                p.offset = sign * (h * 3600 + m * 60)
            case .zoneName:
                let r = letters()
                let z = String(decoding: UnsafeRawBufferPointer(rebasing: b[r]), as: UTF8.self).uppercased()
                guard z == "UTC" || z == "GMT" || z == "Z" else { return nil }
                p.offset = 0
            }
        }
        guard i == n else { return nil }
        return p
    }
}

/// A time format or zone that cannot be used, with what is wrong.
struct TimeFormatError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// The times a post (or an account's creation) can plausibly have: from 1990-01-01, before any
/// social-media platform, to one day after the run started (a day's slack for clocks and zones).
///
/// A time outside is a typo, a placeholder (`9999-12-31`, `1970-01-01`) or a unit mix-up (Unix
/// milliseconds read as seconds), and would stretch every per-day series over centuries.
/// The clock is read once, where the options are made, and never per row; tests pass their own.
public struct PlausibleTimes: Sendable, Equatable {
    /// The first plausible time, 1990-01-01T00:00:00Z.
    public static let earliestDefault = CivilTime.seconds(year: 1990, month: 1, day: 1)

    public var earliest: Int64
    public var latest: Int64

    /// From 1990-01-01 to one day after `now` (UTC seconds).
    public init(now: Int64) {
        earliest = Self.earliestDefault
        latest = now + 86_400
    }

    public init(earliest: Int64, latest: Int64) {
        self.earliest = earliest
        self.latest = latest
    }

    /// The range as of the system clock, read once.
    public static func asOfNow() -> PlausibleTimes { PlausibleTimes(now: Int64(Date().timeIntervalSince1970)) }

    @inline(__always) func contains(_ t: Int64) -> Bool { t >= earliest && t <= latest }

    /// What is wrong with a time outside the range.
    func outside(_ t: Int64) -> String {
        let first = CivilTime.isoDate(dayNumber: CivilTime.dayNumber(earliest)), last = CivilTime.isoDate(dayNumber: CivilTime.dayNumber(latest))
        return "\(CivilTime.iso8601(t)) is outside the plausible range \(first) to \(last) (a day after the run started)"
    }

    /// Reads a time cell as `format` (nil: any form ``FieldParse/time(_:)`` knows) and checks that
    /// it exists and is plausible; the error says what is wrong.
    func read(_ raw: UnsafeRawBufferPointer, as format: TimeFormat? = nil) throws(TimeProblem) -> Int64 {
        guard let t = format.map({ $0.parse(raw) }) ?? FieldParse.time(raw) else {
            throw TimeProblem(reason: format.map { $0.problem(raw) } ?? FieldParse.timeProblem(raw))
        }
        guard contains(t) else {
            var why = outside(t)
            if let digits = format?.unixDigits(raw), case .unix(let per) = format!.layout {
                if per == 1 && digits >= 12 { why += "; it has \(digits) digits, as Unix milliseconds have: use the format unix_ms" }
                if per == 1000 && digits <= 10 { why += "; it has \(digits) digits, as Unix seconds have: use the format unix" }
            }
            throw TimeProblem(reason: why)
        }
        return t
    }
}

/// Why a time cell cannot be used.
struct TimeProblem: Error {
    /// What is wrong with the value, or nil when it has no form the reader knows.
    let reason: String?

    /// The detail of a rejection: `found COLUMN 'VALUE': REASON`, or `..., expected EXPECTED`.
    func detail(_ column: String, _ value: String, expected: @autoclosure () -> String) -> String {
        let found = "found \(column) '\(value.prefix(40))'"
        return reason.map { "\(found): \($0)" } ?? "\(found), expected \(expected())"
    }
}
