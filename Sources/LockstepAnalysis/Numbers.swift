/// Fast, locale-free number formatting for `accounts.csv` cells.
///
/// `String(Double)` prints the shortest round-tripping form and costs about a microsecond;
/// a run over hundreds of thousands of accounts formats millions of cells, so this writes
/// fixed decimals with integer arithmetic into a small inline string instead.
enum CellFormat {
    /// `x` rounded to `decimals` places, trailing zeros dropped: `0.25`, `-1.5`, `3`; `""` for NaN or infinity.
    static func decimal(_ x: Double, _ decimals: Int = 3) -> String {
        guard x.isFinite, abs(x) < 1e15 else { return "" }
        var scale: Int64 = 1
        for _ in 0..<decimals { scale *= 10 }
        var v = Int64((x * Double(scale)).rounded())
        let negative = v < 0
        if negative { v = -v }
        var whole = v / scale, frac = v % scale
        var places = decimals
        while places > 0 && frac % 10 == 0 { frac /= 10; places -= 1 }
        // Digits are produced backwards into a fixed buffer, then read out once.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { buf in
            var i = 40
            func put(_ c: UInt8) { i -= 1; buf[i] = c }
            for _ in 0..<places { put(48 + UInt8(frac % 10)); frac /= 10 }
            if places > 0 { put(46) }
            repeat { put(48 + UInt8(whole % 10)); whole /= 10 } while whole > 0
            if negative && (v != 0) { put(45) }
            return String(decoding: UnsafeBufferPointer(rebasing: buf[i..<40]), as: UTF8.self)
        }
    }
}

/// Medians by selection (expected linear time) rather than by sorting the whole array.
enum Median {
    /// The median of `v` (mean of the two middle values for an even count); reorders `v`.
    static func of(_ v: inout [Double]) -> Double? {
        let n = v.count
        guard n > 0 else { return nil }
        let upper = select(&v, n / 2)
        if n % 2 == 1 { return upper }
        // After selection everything before n/2 is ≤ the upper middle: its maximum is the lower middle.
        var lower = v[0]
        for i in 1..<(n / 2) where v[i] > lower { lower = v[i] }
        return (lower + upper) / 2
    }

    /// The k-th smallest value; afterwards `v[..<k]` ≤ `v[k]` ≤ `v[(k+1)...]`.
    static func select(_ v: inout [Double], _ k: Int) -> Double {
        var lo = 0, hi = v.count - 1
        while lo < hi {
            // Median-of-three pivot keeps sorted and reversed inputs linear.
            let mid = lo + (hi - lo) / 2
            if v[mid] < v[lo] { v.swapAt(mid, lo) }
            if v[hi] < v[lo] { v.swapAt(hi, lo) }
            if v[hi] < v[mid] { v.swapAt(hi, mid) }
            let pivot = v[mid]
            var i = lo, j = hi
            while i <= j {
                while v[i] < pivot { i += 1 }
                while v[j] > pivot { j -= 1 }
                if i <= j { v.swapAt(i, j); i += 1; j -= 1 }
            }
            if k <= j { hi = j } else if k >= i { lo = i } else { return v[k] }
        }
        return v[k]
    }
}
