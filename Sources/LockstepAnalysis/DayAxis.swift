import LockstepCore

/// The days of a timeline with long empty stretches shortened, so that series per day cost what
/// the data holds and not its time span (ten posts thirty years apart span 11,000 days).
///
/// A run of empty days longer than `2 * margin` keeps at least `margin` days at each end and loses
/// whole weeks in between, so weekdays still line up. A window of up to `margin` days that holds
/// a post sees the same days on the axis as on the calendar, so sliding-window results near posts
/// are unchanged; data without such gaps gets an axis equal to its calendar days.
struct DayAxis: Sendable {
    /// Index and calendar day where each run of consecutive days starts; the first is (0, first day).
    private var starts: [Int] = [0]
    private var firstDays: [Int] = []
    /// Days on the axis.
    private(set) var count = 0

    /// The axis over `days` (day numbers, in any order, repeated or not; at least one).
    init(_ days: [Int], margin: Int) {
        guard var lo = days.first else { return }
        var hi = lo
        for d in days { lo = min(lo, d); hi = max(hi, d) }
        firstDays = [lo]
        let span = hi - lo + 1
        // The days that hold something, in order: marked in a bitmap while that costs no more than
        // the data does (or a fixed 64K), else sorted.
        var distinct: [Int] = []
        if span <= max(1 << 16, days.count) {
            var seen = [Bool](repeating: false, count: span)
            for d in days { seen[d - lo] = true }
            for k in 0..<span where seen[k] { distinct.append(lo + k) }
        } else {
            distinct = Array(Set(days)).sorted()
        }
        var index = 0, previous = lo
        for d in distinct.dropFirst() {
            let gap = d - previous - 1
            let dropped = gap > 2 * margin ? (gap - 2 * margin) / 7 * 7 : 0
            if dropped > 0 {
                starts.append(index + 1 + margin)
                firstDays.append(previous + 1 + margin + dropped)
            }
            index += d - previous - dropped
            previous = d
        }
        count = index + 1
    }

    /// The calendar day number at index `i`.
    @inline(__always) func day(_ i: Int) -> Int {
        if starts.count == 1 { return firstDays[0] + i }
        var lo = 0, hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= i { lo = mid } else { hi = mid - 1 }
        }
        return firstDays[lo] + (i - starts[lo])
    }

    /// The index of calendar day `d`, a day the axis was made from.
    @inline(__always) func index(of d: Int) -> Int {
        if starts.count == 1 { return d - firstDays[0] }
        var lo = 0, hi = firstDays.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if firstDays[mid] <= d { lo = mid } else { hi = mid - 1 }
        }
        return starts[lo] + (d - firstDays[lo])
    }
}
