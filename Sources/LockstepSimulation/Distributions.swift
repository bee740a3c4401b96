import Foundation
import LockstepCore

// The draws the populations use, on the project's seeded generator so every run is reproducible.
extension SeededGenerator {
    /// Uniform integer in `0..<n` (n > 0).
    @inline(__always) mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// Uniform double in `[lo, hi)`.
    @inline(__always) mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * unit() }

    @inline(__always) mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// Lognormal with the given median and sigma.
    @inline(__always) mutating func lognormal(median: Double, sigma: Double) -> Double {
        median * exp(sigma * normal())
    }

    /// Exponential with the given mean.
    @inline(__always) mutating func exponential(mean: Double) -> Double {
        -mean * log(max(1 - unit(), 1e-300))
    }

    /// Geometric count >= `minimum` with the given mean.
    mutating func geometric(mean: Double, minimum: Int = 1) -> Int {
        let extra = max(mean - Double(minimum), 0)
        if extra == 0 { return minimum }
        let p = 1 / (1 + extra)
        return minimum + Int(log(max(1 - unit(), 1e-300)) / log(1 - p))
    }

    /// Poisson count (Knuth for small means, a rounded normal for large ones).
    mutating func poisson(_ lambda: Double) -> Int {
        if lambda <= 0 { return 0 }
        if lambda > 30 { return max(0, Int((lambda + lambda.squareRoot() * normal()).rounded())) }
        let l = exp(-lambda)
        var k = 0, p = 1.0
        repeat { k += 1; p *= unit() } while p > l
        return k - 1
    }

    /// An element of a non-empty array.
    @inline(__always) mutating func pick<T>(_ a: [T]) -> T { a[below(a.count)] }
}

/// Draws indices with probability proportional to their weights (cumulative sums and binary search).
struct WeightedPicker {
    private var cumulative: [Double] = []

    init(_ weights: [Double]) {
        cumulative.reserveCapacity(weights.count)
        var s = 0.0
        for w in weights { s += max(w, 0); cumulative.append(s) }
    }

    var isEmpty: Bool { (cumulative.last ?? 0) <= 0 }

    func pick(_ g: inout SeededGenerator) -> Int {
        let x = g.unit() * cumulative[cumulative.count - 1]
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > x { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}

/// Hour-of-day weights on a local clock, sampled with a personal shift.
struct DailyRhythm {
    let picker: WeightedPicker

    init(_ weights: [Double]) { picker = WeightedPicker(weights) }

    /// Organic users: quiet at night, a morning and lunch bump, an evening peak.
    static let organicWeights: [Double] = [
        0.9, 0.5, 0.3, 0.18, 0.12, 0.15, 0.35, 0.8, 1.1, 1.0, 0.95, 1.0,
        1.25, 1.2, 1.0, 0.95, 1.0, 1.15, 1.4, 1.75, 2.0, 2.1, 1.9, 1.4,
    ]
    static let organic = DailyRhythm(organicWeights)
    /// Newsrooms: mostly daytime, never fully silent.
    static let newsroom = DailyRhythm([
        0.3, 0.2, 0.2, 0.2, 0.25, 0.4, 0.8, 1.2, 1.5, 1.6, 1.6, 1.5,
        1.3, 1.4, 1.5, 1.5, 1.4, 1.3, 1.1, 1.0, 0.9, 0.8, 0.6, 0.4,
    ])

    /// Seconds after local midnight; `shift` moves the rhythm (chronotype), wrapping around the day.
    func secondOfDay(_ g: inout SeededGenerator, shift: Double = 0) -> Int {
        let h = Double(picker.pick(&g)) + g.unit() + shift
        let wrapped = h - 24 * (h / 24).rounded(.down)
        return min(Int(wrapped * 3600), 86_399)
    }
}
