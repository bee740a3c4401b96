import Foundation
import LockstepCore

/// Edge significance against a null model, and the edge filters.
///
/// Null model (``NullModel``, a column of the trace table): in each round, every account's action
/// times — or, for reaction traces, its delays since each item's origin — are permuted among that
/// account's own actions, with a seeded generator. The account keeps its volume, its rhythm and
/// bursts (times) or its reaction speed (delays), and keeps acting on the same items, but which item
/// gets which moment is random; a pair that co-acts only because both are busy at the same hours, or
/// both react fast to popular posts, keeps co-acting in the null, a pair that acts on the same items
/// at the same moments beyond that does not. The same capped window sweep counts each candidate
/// edge's null weight per round.
///
/// The null weight is modelled as Poisson with rate λ = (Σ null weights + 1) / (rounds + 1): one
/// pseudo-round with one co-action keeps λ above zero, so an edge never gets p = 0 from a finite
/// number of rounds. `p = P(X ≥ observed weight | λ)`; `z = (weight − mean) / sd` with the sample
/// standard deviation, floored at √λ.
struct Significance: Sendable {
    var rounds: Int
    var seed: UInt64
    var model: NullModel = .accountTimes

    /// Null moments per candidate edge of `table` (indices of `candidates`).
    func test(groups: ActionGroups, sweep: WindowSweep, table: PairTable, candidates: [Int], accountCount: Int,
              salt: UInt64) -> (mean: [Double], z: [Double], p: [Double]) {
        let n = candidates.count
        if n == 0 || rounds == 0 {
            return (Array(repeating: 0, count: n), Array(repeating: 0, count: n), Array(repeating: 1, count: n))
        }
        var keep = [Bool](repeating: false, count: accountCount)
        var cand = PairTable(capacity: n)
        for e in candidates {
            let k = table.keys[e]
            keep[Int(PairTable.low(k))] = true
            keep[Int(PairTable.high(k))] = true
            _ = cand.insert(k)
        }
        let g = groups.restricted(to: keep)
        // Actions per account, for the per-account permutation.
        var counts = [Int32](repeating: 0, count: accountCount + 1)
        for a in g.account { counts[Int(a) + 1] += 1 }
        for i in 0..<accountCount { counts[i + 1] += counts[i] }
        var fill = counts
        var byAccount = [Int32](repeating: 0, count: g.actionCount)
        for (i, a) in g.account.enumerated() { byAccount[Int(fill[Int(a)])] = Int32(i); fill[Int(a)] += 1 }

        var sum = [Double](repeating: 0, count: n)
        var sumSq = [Double](repeating: 0, count: n)
        var roundCount = [Int32](repeating: 0, count: n)
        var seen = [Int32](repeating: -1, count: n)
        var rng = SeededGenerator(seed: seed).fork(salt)
        // Shuffled values: times, or delays since the action's item origin.
        var base = [Int64](repeating: 0, count: g.actionCount)
        if model == .accountDelays {
            for k in 0..<g.groupCount { for i in g.range(k) { base[i] = g.origin[k] } }
        }
        var value = zip(g.time, base).map { $0 - $1 }
        var newTime = g.time
        for _ in 0..<rounds {
            for a in 0..<accountCount {
                let lo = Int(counts[a]), hi = Int(counts[a + 1])
                if hi - lo < 2 { continue }
                // Fisher-Yates over this account's times.
                var i = hi - 1
                while i > lo {
                    let j = lo + Int(rng.next() % UInt64(i - lo + 1))
                    let x = Int(byAccount[i]), y = Int(byAccount[j])
                    let vx = value[x]; value[x] = value[y]; value[y] = vx
                    i -= 1
                }
            }
            for i in 0..<newTime.count { newTime[i] = base[i] + value[i] }
            let shuffled = g.retimed(newTime)
            for e in 0..<n { roundCount[e] = 0; seen[e] = -1 }
            let acc = shuffled.account
            sweep.sweep(shuffled) { grp, i, j in
                guard let e = cand.find(PairTable.key(acc[i], acc[j])) else { return }
                if seen[e] == Int32(grp) { return }
                seen[e] = Int32(grp)
                roundCount[e] += 1
            }
            for e in 0..<n {
                let c = Double(roundCount[e])
                sum[e] += c
                sumSq[e] += c * c
            }
        }
        var mean = [Double](repeating: 0, count: n), z = mean, p = mean
        let r = Double(rounds)
        for (idx, e) in candidates.enumerated() {
            let m = sum[idx] / r
            let variance = max(0, sumSq[idx] / r - m * m)
            let lambda = (sum[idx] + 1) / (r + 1)
            let w = Double(table.weight[e])
            mean[idx] = m
            z[idx] = (w - m) / max(variance, lambda).squareRoot()
            p[idx] = Self.poissonUpperTail(Int(table.weight[e]), lambda)
        }
        return (mean, z, p)
    }

    /// P(X ≥ k) for X ~ Poisson(λ).
    static func poissonUpperTail(_ k: Int, _ lambda: Double) -> Double {
        if k <= 0 { return 1 }
        if Double(k) <= lambda {
            // 1 − CDF(k − 1), summing the lower terms.
            var term = exp(-lambda), cdf = term
            if k > 1 { for i in 1..<k { term *= lambda / Double(i); cdf += term } }
            return min(1, max(0, 1 - cdf))
        }
        // The upper tail directly: terms fall fast once i > λ.
        var term = exp(-lambda + Double(k) * log(lambda) - lgamma(Double(k) + 1))
        var total = term
        var i = k + 1
        while term > total * 1e-15 && i < k + 10_000 {
            term *= lambda / Double(i)
            total += term
            i += 1
        }
        return min(1, total)
    }
}

/// Minimum weight, p-value and percentile filters, applied in that order.
public struct EdgeFilter: Sendable, Codable, Equatable {
    /// Distinct items an edge needs.
    public var minWeight: Int
    /// Largest p-value kept (1 keeps all).
    public var maxP: Double
    /// Keep edges whose weight reaches this percentile (0–100) of the trace's edges passing `minWeight`; 0 keeps all.
    public var percentile: Double

    /// The weight at `percentile` of `weights` (nearest rank), or 0 when the percentile is 0.
    func percentileCut(_ weights: [Int32]) -> Int32 {
        guard percentile > 0, !weights.isEmpty else { return 0 }
        let sorted = weights.sorted()
        let rank = Int((percentile / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}
