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
