import Foundation
import LockstepCore

/// Edge significance against a null model, and the edge filters.
///
/// Null model (``NullModel``, a column of the trace table): every account's action times — or, for
/// reaction traces, its delays since each item's origin — are permuted among that account's own
/// actions. The account keeps its volume, its rhythm and bursts (times) or its reaction speed
/// (delays), and keeps acting on the same items, but which item gets which moment is random; a pair
/// that co-acts only because both are busy at the same hours, or both react fast to popular posts,
/// keeps co-acting in the null, a pair that acts on the same items at the same moments beyond that
/// does not.
///
/// Times (`accountTimes`): `rounds` seeded shuffles, each swept with the same capped window sweep.
/// The null weight is modelled as Poisson with rate λ = (Σ null weights + 1) / (rounds + 1): one
/// pseudo-round with one co-action keeps λ above zero, so an edge never gets p = 0 from a finite
/// number of rounds. `p = P(X ≥ observed weight | λ)`; `z = (weight − mean) / sd` with the sample
/// standard deviation, floored at √λ.
///
/// Delays (`accountDelays`): the shuffle's expectation has a closed form, computed instead of
/// sampled. Two accounts co-act on a shared item exactly when their delays there are within the
/// window, and the item's origin cancels out, so under the shuffle each of the S items both acted on
/// is a co-action with the same probability q, the share of pairs of their delays (one of each) within
/// the window: λ = S·q. `p = P(X ≥ weight)` for `X ~ Poisson(λ)`, `z = (weight − λ) / √λ`. Sampling it
/// would cost a sweep per round over bursts that the shuffle leaves dense (every reaction to a post
/// stays near the post), the slowest part of the engine on large data.
///
/// A delay needs the item's own moment. Where a retweeted post's original is not in the data (the
/// IRA release knows retweets only by their text), the delays would run from the first retweet,
/// which its first retweeter always hits at 0: every account's pool fills with zeros, and the null
/// expects two accounts to co-act on most of their shared items — on the IRA sample 100 where 5 are
/// seen. Those items are treated like a text or a hashtag: their actions' times are permuted
/// (`accountTimes`), the items with a moment of their own keep the delay null, and the two
/// expectations add (a sum of independent Poisson counts is Poisson).

struct Significance: Sendable {
    var rounds: Int
    var seed: UInt64
    var model: NullModel = .accountTimes

    /// Null moments per candidate edge (every pair of `pairs`, which all reach `min_weight`).
    func test(groups: ActionGroups, sweep: WindowSweep, pairs: CoActionPairs, accountCount: Int, salt: UInt64,
              threads: Int) -> (mean: [Double], z: [Double], p: [Double]) {
        let n = pairs.count
        if n == 0 || rounds == 0 {
            return (Array(repeating: 0, count: n), Array(repeating: 0, count: n), Array(repeating: 1, count: n))
        }
        if model == .accountDelays {
            if groups.ownMoment.allSatisfy({ $0 }) {
                return delayNull(groups: groups, window: sweep.window, pairs: pairs, accountCount: accountCount)
            }
            let all = [Bool](repeating: true, count: accountCount)
            let timed = groups.restricted(to: all, groups: groups.ownMoment)
            let untimed = groups.restricted(to: all, groups: groups.ownMoment.map { !$0 })
            let d = timed.groupCount == 0 ? nil : delayNull(groups: timed, window: sweep.window, pairs: pairs, accountCount: accountCount)
            var times = self
            times.model = .accountTimes
            let t = untimed.groupCount == 0 ? (mean: [Double](repeating: 0, count: n), z: [], p: [])
                : times.test(groups: untimed, sweep: sweep, pairs: pairs, accountCount: accountCount, salt: salt, threads: threads)
            var mean = [Double](repeating: 0, count: n), z = mean, p = mean
            for e in 0..<n {
                // The times null's λ, as its own p uses it (one pseudo-round keeps it above zero).
                let lambda = (d?.mean[e] ?? 0) + (untimed.groupCount == 0 ? 0 : (t.mean[e] * Double(rounds) + 1) / Double(rounds + 1))
                mean[e] = (d?.mean[e] ?? 0) + t.mean[e]
                z[e] = (Double(pairs.weight[e]) - lambda) / lambda.squareRoot()
                p[e] = Self.poissonUpperTail(Int(pairs.weight[e]), lambda)
            }
            return (mean, z, p)
        }
        var keep = [Bool](repeating: false, count: accountCount)
        for k in pairs.keys {
            keep[Int(PairTable.low(k))] = true
            keep[Int(PairTable.high(k))] = true
        }
        let g = groups.restricted(to: keep)
        let localOf = AccountSweep.localIDs(g.account, accountCount: accountCount)
        let accounts = (0..<accountCount).filter { localOf[$0] >= 0 }.map(Int32.init)
        let local = g.account.map { localOf[Int($0)] }
        let (candFirst, partner) = Self.candidates(pairs.keys, localOf: localOf, accounts: accounts.count)
        // Each account's action times side by side, to permute in place: action byAccount[i] gets
        // time shuffledTime[i].
        var counts = [Int32](repeating: 0, count: accountCount + 1)
        for a in g.account { counts[Int(a) + 1] += 1 }
        for i in 0..<accountCount { counts[i + 1] += counts[i] }
        var fill = counts
        var byAccount = [Int32](repeating: 0, count: g.actionCount)
        for (i, a) in g.account.enumerated() { byAccount[Int(fill[Int(a)])] = Int32(i); fill[Int(a)] += 1 }
        var shuffledTime = byAccount.map { g.time[Int($0)] }

        var sum = [Double](repeating: 0, count: n)
        var sumSq = [Double](repeating: 0, count: n)
        var rng = SeededGenerator(seed: seed).fork(salt)
        var newTime = g.time
        for _ in 0..<rounds {
            for a in 0..<accountCount {
                let lo = Int(counts[a]), hi = Int(counts[a + 1])
                if hi - lo < 2 { continue }
                // Fisher-Yates over this account's times.
                var i = hi - 1
                while i > lo {
                    let j = lo + Int(rng.next() % UInt64(i - lo + 1))
                    shuffledTime.swapAt(i, j)
                    i -= 1
                }
            }
            for (i, x) in byAccount.enumerated() { newTime[Int(x)] = shuffledTime[i] }
            // Each item's actions in their new time order (ties in the order of `g`).
            var order = Array(Int32(0)..<Int32(g.actionCount))
            ActionGroups.sortGroups(&order, start: g.start, time: newTime)
            let shuffled = AccountSweep(sweep, accounts: accounts, local: order.map { local[Int($0)] },
                                        time: order.map { newTime[Int($0)] }, groupStart: g.start,
                                        isOrigin: sweep.pairing == .withOrigin ? order.map { g.isOrigin[Int($0)] } : nil)
            let counted = Self.coActions(shuffled, candFirst: candFirst, partner: partner, threads: threads)
            for e in 0..<n {
                let c = Double(counted[e])
                sum[e] += c
                sumSq[e] += c * c
            }
        }
        var mean = [Double](repeating: 0, count: n), z = mean, p = mean
        let r = Double(rounds)
        for e in 0..<n {
            let m = sum[e] / r
            let variance = max(0, sumSq[e] / r - m * m)
            let lambda = (sum[e] + 1) / (r + 1)
            let w = Double(pairs.weight[e])
            mean[e] = m
            z[e] = (w - m) / max(variance, lambda).squareRoot()
            p[e] = Self.poissonUpperTail(Int(pairs.weight[e]), lambda)
        }
        return (mean, z, p)
    }

    /// Candidate pairs by lower account (local ids): account `x`'s partners are
    /// `partner[candFirst[x]..<candFirst[x + 1]]`. Keys are sorted, so each account's run is contiguous.
    static func candidates(_ keys: [UInt64], localOf: [Int32], accounts: Int) -> (candFirst: [Int32], partner: [Int32]) {
        var candFirst = [Int32](repeating: 0, count: accounts + 1)
        var partner = [Int32](repeating: 0, count: keys.count)
        for (e, k) in keys.enumerated() {
            candFirst[Int(localOf[Int(PairTable.low(k))]) + 1] += 1
            partner[e] = localOf[Int(PairTable.high(k))]
        }
        for x in 0..<accounts { candFirst[x + 1] += candFirst[x] }
        return (candFirst, partner)
    }

    /// Items on which each candidate pair co-acts in `s`: candidates of lower local account `x` are
    /// `candFirst[x]..<candFirst[x + 1]`, with higher accounts `partner[e]`.
    static func coActions(_ s: AccountSweep, candFirst: [Int32], partner: [Int32], threads: Int) -> [Int32] {
        let ranges = s.accountRanges(threads * 4)
        let parts: [[Int32]] = Parallel.map(ranges.count, threads: threads, state: { PartnerSlots(accounts: s.accountCount) }) { work, r in
            let xs = ranges[r]
            let base = Int(candFirst[xs.lowerBound])
            var count = [Int32](repeating: 0, count: Int(candFirst[xs.upperBound]) - base)
            let slot = work.slot.p
            count.withUnsafeMutableBufferPointer { count in
                for x in xs {
                    let cands = Int(candFirst[x])..<Int(candFirst[x + 1])
                    if cands.isEmpty { continue }
                    for e in cands { slot[Int(partner[e])] = Int32(e - base) }
                    s.partners(of: x, work.scratch, wants: { slot[Int($0)] >= 0 }) { _, b, _, _ in count[Int(slot[Int(b)])] += 1 }
                    for e in cands { slot[Int(partner[e])] = -1 }
                }
            }
            return count
        }
        return Array(parts.joined())
    }

    /// The delay null in closed form: λ = S·q per candidate edge (see the type's summary).
    func delayNull(groups g: ActionGroups, window: Int64, pairs: CoActionPairs,
                   accountCount: Int) -> (mean: [Double], z: [Double], p: [Double]) {
        var keep = [Bool](repeating: false, count: accountCount)
        for k in pairs.keys { keep[Int(PairTable.low(k))] = true; keep[Int(PairTable.high(k))] = true }
        // Per kept account, its delays (sorted) and its distinct items (sorted), in flat arrays.
        var start = [Int32](repeating: 0, count: accountCount + 1)
        for k in 0..<g.groupCount { for i in g.range(k) where keep[Int(g.account[i])] { start[Int(g.account[i]) + 1] += 1 } }
        for a in 0..<accountCount { start[a + 1] += start[a] }
        var fill = start
        var delay = [Int64](repeating: 0, count: Int(start[accountCount]))
        var item = [Int32](repeating: 0, count: delay.count)
        for k in 0..<g.groupCount {
            for i in g.range(k) where keep[Int(g.account[i])] {
                let a = Int(g.account[i])
                delay[Int(fill[a])] = g.time[i] - g.origin[k]
                item[Int(fill[a])] = g.item[k]
                fill[a] += 1
            }
        }
        var itemEnd = start
        for a in 0..<accountCount where keep[a] {
            let r = Int(start[a])..<Int(start[a + 1])
            delay[r].sort()
            item[r].sort()
            // Distinct items: compact each account's sorted run in place.
            var w = r.lowerBound
            for i in r where i == r.lowerBound || item[i] != item[i - 1] { item[w] = item[i]; w += 1 }
            itemEnd[a] = Int32(w)
        }
        let n = pairs.count
        var mean = [Double](repeating: 0, count: n), z = mean, p = mean
        for idx in 0..<n {
            let a = Int(PairTable.low(pairs.keys[idx])), b = Int(PairTable.high(pairs.keys[idx]))
            // S: items both acted on.
            var i = Int(start[a]), j = Int(start[b]), shared = 0
            while i < Int(itemEnd[a]) && j < Int(itemEnd[b]) {
                if item[i] == item[j] { shared += 1; i += 1; j += 1 } else if item[i] < item[j] { i += 1 } else { j += 1 }
            }
            // q: pairs of delays within the window, by a sliding window over b's sorted delays.
            let da = Int(start[a])..<Int(start[a + 1]), db = Int(start[b])..<Int(start[b + 1])
            var lo = db.lowerBound, hi = db.lowerBound, close = 0
            for x in da {
                while lo < db.upperBound && delay[lo] < delay[x] - window { lo += 1 }
                if hi < lo { hi = lo }
                while hi < db.upperBound && delay[hi] <= delay[x] + window { hi += 1 }
                close += hi - lo
            }
            // An account with no action on the timed items (the rest are untimed) has no delays to pair.
            let q = da.isEmpty || db.isEmpty ? 0 : Double(close) / Double(da.count * db.count)
            let lambda = Double(shared) * q
            let w = Int(pairs.weight[idx])
            mean[idx] = lambda
            z[idx] = (Double(w) - lambda) / max(lambda, 1e-12).squareRoot()
            p[idx] = Self.poissonUpperTail(w, lambda)
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
package struct EdgeFilter: Sendable, Codable, Equatable {
    /// Distinct items an edge needs.
    package var minWeight: Int
    /// Largest p-value kept (1 keeps all).
    package var maxP: Double
    /// Keep edges whose weight reaches this percentile (0–100) of the trace's edges passing `minWeight`; 0 keeps all.
    package var percentile: Double

    /// The weight at `percentile` of `weights` (nearest rank), or 0 when the percentile is 0.
    func percentileCut(_ weights: [Int32]) -> Int32 {
        guard percentile > 0, !weights.isEmpty else { return 0 }
        let sorted = weights.sorted()
        let rank = Int((percentile / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}

/// One worker's sweep scratch and, per local account, the slot of the current account's candidate
/// or kept edge with it (-1: none).
final class PartnerSlots {
    let scratch: AccountSweep.Scratch
    let slot: ScratchArray<Int32>

    init(accounts n: Int) {
        scratch = AccountSweep.Scratch(accounts: n)
        slot = ScratchArray(n, -1)
    }
}
