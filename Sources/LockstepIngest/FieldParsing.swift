import LockstepCore

/// Column positions by header name, with a clear error naming what is missing.
package struct HeaderMap: Sendable {
    package let names: [String]
    private let index: [String: Int]

    package init(_ names: [String]) {
        self.names = names
        var d: [String: Int] = [:]
        for (i, n) in names.enumerated() where d[n.lowercased()] == nil { d[n.lowercased()] = i }
        index = d
    }

    package subscript(name: String) -> Int? { index[name.lowercased()] }

    /// Positions of required columns, or an error listing expected and found columns.
    package func require(_ required: [String], file: String, format: String) throws -> [Int] {
        let missing = required.filter { self[$0] == nil }
        if !missing.isEmpty { throw IngestError.missingColumns(file: file, format: format, missing: missing, found: names) }
        return required.map { self[$0]! }
    }

    /// Position of an optional column, or -1.
    package func optional(_ name: String) -> Int { self[name] ?? -1 }
}

/// Small parsers over raw field bytes; each returns nil instead of trapping on bad input.
package enum FieldParse {
    static var empty: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: nil, count: 0) }

    /// Trims ASCII spaces at both ends.
    @inline(__always) public static func trim(_ b: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var s = 0, e = b.count
        while s < e && (b[s] == 32 || b[s] == 9) { s += 1 }
        while e > s && (b[e - 1] == 32 || b[e - 1] == 9) { e -= 1 }
        return s == 0 && e == b.count ? b : UnsafeRawBufferPointer(rebasing: b[s..<e])
    }

    /// A whole number, allowing a trailing `.0` (some exports write counts as floats). Empty → nil.
    @inline(__always) public static func int(_ raw: UnsafeRawBufferPointer) -> Int64? {
        let b = trim(raw)
        guard !b.isEmpty else { return nil }
        var i = 0
        var neg = false
        if b[0] == 45 { neg = true; i = 1 } else if b[0] == 43 { i = 1 }
        guard i < b.count else { return nil }
        var v: Int64 = 0
        while i < b.count {
            let d = b[i] &- 48
            if d > 9 {
                if b[i] == 46 {  // ".0", ".00"
                    var j = i + 1
                    while j < b.count && b[j] == 48 { j += 1 }
                    if j == b.count { break }
                }
                return nil
            }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(d))
            if o1 || o2 { return nil }
            v = a
            i += 1
        }
        return neg ? -v : v
    }

    /// A count that fits an account column (followers, following): clamps to Int32.
    /// Negative values mean "unknown" in some exports (the IRA release has -1), so they read as unknown.
    package static func count32(_ b: UnsafeRawBufferPointer) -> Int32?? {
        let t = trim(b)
        if t.isEmpty { return .some(nil) }
        guard let v = int(t) else { return nil }
        if v < 0 { return .some(nil) }
        return .some(Int32(clamping: v))
    }

    /// `True`/`true`/`1` → true; `False`/`false`/`0`/empty → false.
    @inline(__always) public static func bool(_ b: UnsafeRawBufferPointer) -> Bool {
        guard let f = b.first else { return false }
        return f == 84 || f == 116 || f == 49 || f == 89 || f == 121
    }

    /// US-style `M/D/YYYY H:MM[:SS]` as in FiveThirtyEight's original release; nil for another
    /// form or a time that does not exist.
    package static func usDateTime(_ b: UnsafeRawBufferPointer) -> Int64? {
        guard let n = usParts(b), CivilTime.problem(year: n.y, month: n.mo, day: n.d, hour: n.h, minute: n.mi, second: n.s) == nil else { return nil }
        return CivilTime.seconds(year: n.y, month: n.mo, day: n.d, hour: n.h, minute: n.mi, second: n.s)
    }

    /// The numbers of a `M/D/YYYY H:MM[:SS]` cell, for their form only.
    static func usParts(_ b: UnsafeRawBufferPointer) -> (y: Int, mo: Int, d: Int, h: Int, mi: Int, s: Int)? {
        var nums: [Int] = []
        nums.reserveCapacity(6)
        var cur = -1, slashes = 0
        for c in b {
            let d = c &- 48
            if d <= 9 { cur = (cur < 0 ? 0 : cur * 10) + Int(d); if cur > 99999 { return nil } }
            else if c == 47 || c == 58 || c == 32 {
                if c == 47 { slashes += 1 }
                if cur >= 0 { nums.append(cur); cur = -1 } else if c != 32 { return nil }
            }
            else { return nil }
        }
        if cur >= 0 { nums.append(cur) }
        guard nums.count >= 3, nums.count <= 6, slashes == 2 else { return nil }
        func at(_ k: Int) -> Int { k < nums.count ? nums[k] : 0 }
        return (nums[2] < 100 ? 2000 + nums[2] : nums[2], nums[0], nums[1], at(3), at(4), at(5))
    }

    /// Any time the readers accept: ISO forms first, then US `M/D/YYYY H:MM`, then Twitter v1.1's
    /// `Wed Oct 10 20:19:24 +0000 2018`.
    @inline(__always) public static func time(_ raw: UnsafeRawBufferPointer) -> Int64? {
        let b = trim(raw)
        if let t = CivilTime.parseISO(b) { return t }
        guard let first = b.first else { return nil }
        if first &- 48 <= 9 { return usDateTime(b) }
        return TimeFormat.twitterV1.parse(b)
    }

    /// Why a cell that ``time(_:)`` refused is not a time (`2019-02-29 does not exist ...`), or nil
    /// when it has none of the forms it reads.
    static func timeProblem(_ raw: UnsafeRawBufferPointer) -> String? {
        let b = trim(raw)
        if let p = CivilTime.isoProblem(b) { return p }
        if let n = usParts(b), let p = CivilTime.problem(year: n.y, month: n.mo, day: n.d, hour: n.h, minute: n.mi, second: n.s) { return p }
        return TimeFormat.twitterV1.problem(b)
    }

    /// Calls `body` with each item of a list field: `['a', 'b']`, `["a","b"]`, `[a, b]` or `a,b`.
    /// Quotes inside items are honoured, so `['a, b']` is one item.
    @inline(__always)
    package static func forEachListItem(_ raw: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        var b = trim(raw)
        guard !b.isEmpty else { return }
        if b.first == 91 && b.last == 93 { b = UnsafeRawBufferPointer(rebasing: b[1..<(b.count - 1)]) }
        var i = 0
        let n = b.count
        while i < n {
            while i < n && (b[i] == 32 || b[i] == 44) { i += 1 }
            guard i < n else { break }
            let q = b[i]
            if q == 39 || q == 34 {
                let s = i + 1
                var e = s
                while e < n && b[e] != q { if b[e] == 92 { e += 1 }; e += 1 }
                let end = min(e, n)
                if end > s { body(UnsafeRawBufferPointer(rebasing: b[s..<end])) }
                i = end + 1
            } else {
                let s = i
                while i < n && b[i] != 44 { i += 1 }
                let item = trim(UnsafeRawBufferPointer(rebasing: b[s..<i]))
                if !item.isEmpty && !(item.count == 4 && item[0] == 110 && item[1] == 117 && item[2] == 108 && item[3] == 108) { body(item) }
            }
        }
    }

    /// The handle of an `RT @handle:` prefix, if the text starts with one.
    @inline(__always) public static func retweetHandle(_ text: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard text.count > 4, text[0] == 82, text[1] == 84, text[2] == 32, text[3] == 64 else { return nil }
        var e = 4
        while e < text.count {
            let c = text[e]
            let ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95
            if !ok { break }
            e += 1
        }
        return e > 4 ? UnsafeRawBufferPointer(rebasing: text[4..<e]) : nil
    }
}

extension CSVRow {
    /// The follower or following count in field `col`: -1 when the column is absent, or the value
    /// empty or negative, and also when it is malformed, which is counted as a profile problem
    /// through `log` (a bad count is no reason to lose the post).
    func count(_ col: Int, named name: @autoclosure () -> String, log: inout RejectionLog) throws -> Int32 {
        guard col >= 0 else { return -1 }
        guard let v = FieldParse.count32(self[col]) else {
            try log.profileProblem(line: line, column: column(col), .badNumber,
                                   "found \(name()) '\(string(col).prefix(40))', expected a whole number")
            return -1
        }
        return v ?? -1
    }

    /// The account creation time in field `col` read as `format` (nil: any form the readers know),
    /// or `noTime` when the column is absent or empty, or the value cannot be used, which is
    /// counted as a profile problem through `log`.
    func created(_ col: Int, named name: @autoclosure () -> String, as format: TimeFormat? = nil, expected: @autoclosure () -> String,
                 times: PlausibleTimes, log: inout RejectionLog) throws -> Int64 {
        guard col >= 0, !FieldParse.trim(self[col]).isEmpty else { return noTime }
        do {
            return try times.read(self[col], as: format)
        } catch {
            try log.profileProblem(line: line, column: column(col), .badTime, error.detail(name(), string(col), expected: expected()))
            return noTime
        }
    }
}
