/// Calendar arithmetic on UTC seconds, without Foundation's `Calendar` (slow, and locale-bound).
///
/// Days-from-civil follows Howard Hinnant's public-domain algorithm; it is exact for the
/// proleptic Gregorian calendar, which is all that social-media timestamps need.
public enum CivilTime {
    /// Days since 1970-01-01 of a calendar date.
    @inlinable public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The calendar date of a day number (days since 1970-01-01).
    @inlinable public static func date(days z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    @inlinable public static func seconds(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) -> Int64 {
        Int64(days(year: year, month: month, day: day)) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// Floor division of seconds into a day number.
    @inlinable public static func dayNumber(_ t: Int64) -> Int {
        Int(t >= 0 ? t / 86_400 : (t - 86_399) / 86_400)
    }

    /// 0 = Monday ... 6 = Sunday (ISO), for a day number.
    @inlinable public static func weekday(dayNumber d: Int) -> Int {
        // 1970-01-01 was a Thursday (ISO weekday index 3).
        ((d % 7) + 7 + 3) % 7
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, or with an offset suffix when `offsetSeconds` is not zero.
    public static func iso8601(_ t: Int64, offsetSeconds: Int = 0) -> String {
        let local = t + Int64(offsetSeconds)
        let d = dayNumber(local)
        let (y, m, dd) = date(days: d)
        let sod = Int(local - Int64(d) * 86_400)
        // Written digit by digit into a fixed buffer: writers call this for every account and
        // edge, and interpolating padded numbers cost about 8,000 instructions a call.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { b in
            var n = putDate(y, m, dd, into: b)
            b[n] = 84  // T
            n += 1
            n = put2(sod / 3600, b, n); b[n] = 58; n += 1
            n = put2(sod / 60 % 60, b, n); b[n] = 58; n += 1
            n = put2(sod % 60, b, n)
            if offsetSeconds == 0 {
                b[n] = 90  // Z
                n += 1
            } else {
                let a = abs(offsetSeconds)
                b[n] = offsetSeconds < 0 ? 45 : 43
                n = put2(a / 3600, b, n + 1); b[n] = 58; n += 1
                n = put2(a / 60 % 60, b, n)
            }
            return String(decoding: UnsafeBufferPointer(rebasing: b[0..<n]), as: UTF8.self)
        }
    }

    /// `YYYY-MM-DD` of a day number.
    public static func isoDate(dayNumber d: Int) -> String {
        let (y, m, dd) = date(days: d)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { b in
            let n = putDate(y, m, dd, into: b)
            return String(decoding: UnsafeBufferPointer(rebasing: b[0..<n]), as: UTF8.self)
        }
    }

    /// Writes `YYYY-MM-DD` (years outside 0...9999 in full, with a sign) and returns its length.
    private static func putDate(_ y: Int, _ m: Int, _ d: Int, into b: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var n = 0
        if y >= 0 && y <= 9999 {
            b[0] = UInt8(48 + y / 1000); b[1] = UInt8(48 + y / 100 % 10); b[2] = UInt8(48 + y / 10 % 10); b[3] = UInt8(48 + y % 10)
            n = 4
        } else {
            for c in pad(y, 4).utf8 { b[n] = c; n += 1 }
        }
        b[n] = 45
        n = put2(m, b, n + 1)
        b[n] = 45
        return put2(d, b, n + 1)
    }

    @inline(__always)
    private static func put2(_ v: Int, _ b: UnsafeMutableBufferPointer<UInt8>, _ at: Int) -> Int {
        b[at] = UInt8(48 + v / 10 % 10)
        b[at + 1] = UInt8(48 + v % 10)
        return at + 2
    }

    /// `+08:00` style.
    public static func formatOffset(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let a = abs(seconds)
        return "\(sign)\(pad(a / 3600, 2)):\(pad(a / 60 % 60, 2))"
    }

    static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// Days in a month of the proleptic Gregorian calendar (month 1...12).
    @inlinable public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Why a calendar date and time of day does not exist (February 29 of a common year, hour 24,
    /// minute 60, month 13...), or nil when it does. A leap second (`:60`) exists.
    public static func problem(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) -> String? {
        guard (1...12).contains(month) else { return "month \(month) does not exist (01–12)" }
        let last = daysIn(month: month, year: year)
        if day < 1 || day > last {
            let name = monthNames[month - 1]
            return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2)) does not exist (\(name) \(year) has \(last) days)"
        }
        if hour > 23 { return "hour \(hour) does not exist (00–23)" }
        if minute > 59 { return "minute \(minute) does not exist (00–59)" }
        if second > 60 { return "second \(second) does not exist (00–60)" }
        return nil
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]

    /// The parts of an ISO-ish date-time, read for their form only (digits and separators); whether
    /// they make a real time is checked apart, so that a failure can say what is wrong.
    @usableFromInline struct ISOParts {
        @usableFromInline var year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0
        @usableFromInline var offsetHours = 0, offsetMinutes = 0, offsetSign = 1
        @inlinable init() {}

        @inlinable var exists: Bool {
            (1...12).contains(month) && day >= 1 && day <= CivilTime.daysIn(month: month, year: year)
                && hour < 24 && minute < 60 && second < 61 && offsetHours <= 18 && offsetMinutes < 60
        }

        var problem: String? {
            if let p = CivilTime.problem(year: year, month: month, day: day, hour: hour, minute: minute, second: second) { return p }
            if offsetHours > 18 || offsetMinutes < 0 || offsetMinutes > 59 {
                return "offset \(offsetSign < 0 ? "-" : "+")\(CivilTime.pad(offsetHours, 2)):\(CivilTime.pad(offsetMinutes, 2)) does not exist (at most ±18:00)"
            }
            return nil
        }

        @inlinable var seconds: Int64 {
            CivilTime.seconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
                - Int64(offsetSign * (offsetHours * 3600 + offsetMinutes * 60))
        }
    }

    /// The form of `YYYY-MM-DD[( |T)HH:MM[:SS[.f]]][Z|±HH[:MM]]`, or nil when the bytes have another.
    @inlinable static func isoParts(_ b: UnsafeRawBufferPointer) -> ISOParts? {
        let n = b.count
        guard n >= 10 else { return nil }
        @inline(__always) func digits(_ at: Int, _ count: Int) -> Int? {
            var v = 0
            for i in at..<(at + count) {
                let c = b[i] &- 48
                if c > 9 { return nil }
                v = v * 10 + Int(c)
            }
            return v
        }
        var p = ISOParts()
        guard let y = digits(0, 4), b[4] == 45, let mo = digits(5, 2), b[7] == 45, let d = digits(8, 2) else { return nil }
        (p.year, p.month, p.day) = (y, mo, d)
        var i = 10
        if i < n && (b[i] == 32 || b[i] == 84) {
            guard i + 6 <= n, let hh = digits(i + 1, 2), b[i + 3] == 58, let mm = digits(i + 4, 2) else { return nil }
            p.hour = hh; p.minute = mm; i += 6
            if i < n && b[i] == 58 {
                guard i + 3 <= n, let ss = digits(i + 1, 2) else { return nil }
                p.second = ss; i += 3
                if i < n && b[i] == 46 { i += 1; while i < n && b[i] &- 48 <= 9 { i += 1 } }
            }
        }
        if i < n {
            if b[i] == 90 { i += 1 }  // Z
            else if b[i] == 43 || b[i] == 45 {  // + or -
                p.offsetSign = b[i] == 45 ? -1 : 1
                guard i + 3 <= n, let oh = digits(i + 1, 2) else { return nil }
                p.offsetHours = oh
                var j = i + 3
                if j < n && b[j] == 58 { j += 1 }
                if j + 2 <= n, let m2 = digits(j, 2) { p.offsetMinutes = m2; j += 2 }
                i = j
            } else {
                // "+0000 2020" style tails are not ISO; leave to callers.
                return nil
            }
        }
        guard i == n else { return nil }
        return p
    }

    /// Parses an ISO-ish date-time from bytes: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM`, `YYYY-MM-DD HH:MM:SS`,
    /// `T` instead of a space, optional fraction, optional `Z` or `±HH:MM`/`±HHMM`. Returns UTC seconds,
    /// or nil for another form or a time that does not exist (2019-02-29, 24:00).
    @inlinable public static func parseISO(_ b: UnsafeRawBufferPointer) -> Int64? {
        guard let p = isoParts(b), p.exists else { return nil }
        return p.seconds
    }

    /// Why bytes in ISO form are not a time that exists, or nil when they are one or are not in ISO form.
    public static func isoProblem(_ b: UnsafeRawBufferPointer) -> String? { isoParts(b)?.problem }

    public static func parseISO(_ s: String) -> Int64? {
        var c = s
        return c.withUTF8 { parseISO(UnsafeRawBufferPointer($0)) }
    }
}
