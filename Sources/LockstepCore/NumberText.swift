import Foundation

/// How numbers become text, in one place: CSV cells, evidence sentences, prose, charts and graph
/// files all format through these, so a figure reads the same in every output.
///
/// Locale-free by design (a report must not change with the analyst's machine), and the hot
/// paths avoid `String(format:)` and `String(Double)`: a run over hundreds of thousands of
/// accounts formats millions of cells, and each of those costs about a microsecond.
package enum NumberText {
    /// `x` rounded to `places` decimals, trailing zeros dropped: `0.25`, `-1.5`, `3`.
    ///
    /// Written with integer arithmetic into a small inline buffer. `rounding` picks how a tie is
    /// broken: `.toNearestOrAwayFromZero` as people round, `.toNearestOrEven` as `printf` does.
    /// Non-finite values give `""` (an empty cell, never `nan`), and magnitudes whose scaled value
    /// would not fit 64 bits fall back to Swift's shortest form.
    package static func decimal(_ x: Double, places: Int,
                                rounding: FloatingPointRoundingRule = .toNearestOrAwayFromZero) -> String {
        guard x.isFinite else { return "" }
        if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
        var scale: Int64 = 1
        for _ in 0..<places { scale *= 10 }
        let scaled = abs(x) * Double(scale)
        guard scaled < 9e18 else { return String(x) }
        // Rounding the magnitude keeps both tie rules symmetric around zero.
        let v = Int64(scaled.rounded(rounding))
        var whole = v / scale, frac = v % scale
        var shown = places
        while shown > 0 && frac % 10 == 0 { frac /= 10; shown -= 1 }
        // Digits are produced backwards into a fixed buffer, then read out once.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { buf in
            var i = 48
            func put(_ c: UInt8) { i -= 1; buf[i] = c }
            for _ in 0..<shown { put(48 + UInt8(frac % 10)); frac /= 10 }
            if shown > 0 { put(46) }
            repeat { put(48 + UInt8(whole % 10)); whole /= 10 } while whole > 0
            if x < 0 && v != 0 { put(45) }
            return String(decoding: UnsafeBufferPointer(rebasing: buf[i..<48]), as: UTF8.self)
        }
    }

    /// The shortest text that reads back as `x`, with whole numbers written without `.0`:
    /// `3`, `0.125`, `1e+20`; `nan` and `inf` as Swift spells them.
    package static func shortest(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
    }

    /// `x` rounded to `places` decimals in binary, then written shortest: `0.333`, `12`.
    /// For prose and evidence, where a figure is read rather than parsed.
    package static func rounded(_ x: Double, places: Int) -> String {
        var p = 1.0
        for _ in 0..<places { p *= 10 }
        return shortest((x * p).rounded() / p)
    }

    /// `digits` significant digits (`printf`'s `%g`), whole numbers in full; `nan`, `inf`, `-inf`
    /// spelled out. For graph files, whose readers parse any float syntax.
    package static func significant(_ x: Double, digits: Int = 6) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
        return String(format: "%.\(digits)g", x)
    }

    /// Thousands separated by commas, as counts are written in prose: `12,345`.
    package static func grouped(_ v: Int) -> String {
        let digits = String(v.magnitude)
        var out = v < 0 ? "-" : ""
        out.reserveCapacity(digits.utf8.count + digits.utf8.count / 3 + 1)
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(ch)
        }
        return out
    }
}
