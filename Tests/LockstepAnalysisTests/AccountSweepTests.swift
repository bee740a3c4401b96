import LockstepCore
import Testing
@testable import LockstepAnalysis

/// The account-by-account sweep must find exactly the co-actions of the item-by-item definition.
@Suite struct AccountSweepTests {
    /// The definition, item by item: `emit(group, earlier, later)` for every co-action (the sweep
    /// Lockstep ran before it swept account by account).
    static func referenceSweep(_ g: ActionGroups, _ s: WindowSweep, _ emit: (Int, Int, Int) -> Void) {
        for k in 0..<g.groupCount {
            let r = g.range(k)
            switch s.pairing {
            case .anyActors:
                var left = r.lowerBound
                for j in r {
                    while g.time[j] - g.time[left] > s.window { left += 1 }
                    var i = j - 1
                    while i >= max(left, j - s.maxPartners) {
                        if g.account[i] != g.account[j] { emit(k, i, j) }
                        i -= 1
                    }
                }
            case .withOrigin:
                guard let o = r.first(where: { g.isOrigin[$0] }) else { continue }
                for j in r where j != o && g.account[j] != g.account[o] {
                    let d = g.time[j] - g.time[o]
                    if d >= 0 && d <= s.window { emit(k, o, j) } else if d < 0 && -d <= s.window { emit(k, j, o) }
                }
            }
        }
    }

    struct Figures: Equatable {
        var weight = 0, lowLeads = 0, highLeads = 0, ties = 0
        var lagSum: Int64 = 0, first = Int64.max, last = Int64.min
    }

    /// Per pair: figures from the first co-action met in each group, and those co-actions.
    static func reference(_ g: ActionGroups, _ s: WindowSweep) -> ([UInt64: Figures], Set<[Int]>) {
        var figures: [UInt64: Figures] = [:]
        var lastGroup: [UInt64: Int] = [:]
        var firstVisits = Set<[Int]>()
        referenceSweep(g, s) { k, i, j in
            let a = g.account[i], b = g.account[j]
            let key = PairTable.key(a, b)
            if lastGroup[key] == k { return }
            lastGroup[key] = k
            firstVisits.insert([k, Int(PairTable.low(key)), Int(PairTable.high(key)), i, j])
            var f = figures[key] ?? Figures()
            f.weight += 1
            let dt = g.time[j] - g.time[i]
            if dt == 0 { f.ties += 1 } else if a < b { f.lowLeads += 1 } else { f.highLeads += 1 }
            f.lagSum += dt
            f.first = min(f.first, g.time[j])
            f.last = max(f.last, g.time[j])
            figures[key] = f
        }
        return (figures, firstVisits)
    }

    /// Dense random actions: bursts of ties, repeated accounts on one item, items with and without an origin.
    static func randomGroups(seed: UInt64) -> ActionGroups {
        var rng = SeededGenerator(seed: seed)
        let n = 3000, itemCount = 40, accountCount = 60
        var items: [Int32] = [], time: [Int64] = [], account: [Int32] = [], post: [Int32] = [], origin: [Bool] = []
        var hasOrigin = Set<Int32>()
        for p in 0..<n {
            let item = Int32(rng.next() % UInt64(itemCount))
            items.append(item)
            time.append(Int64(rng.next() % 400))
            account.append(Int32(rng.next() % UInt64(accountCount)))
            post.append(Int32(p))
            let o = item % 3 != 0 && !hasOrigin.contains(item) && rng.next() % 8 == 0
            if o { hasOrigin.insert(item) }
            origin.append(o)
        }
        return ActionGroups(items: items, itemCount: itemCount, time: time, account: account, post: post, origin: origin)
    }

    @Test(arguments: [(TracePairing.anyActors, Int64(5), 3), (.anyActors, 30, 8), (.anyActors, 0, 32), (.withOrigin, 10, 32)])
    func sameCoActionsAsTheItemByItemSweep(pairing: TracePairing, window: Int64, maxPartners: Int) {
        for seed in 1...3 {
            let g = Self.randomGroups(seed: UInt64(seed))
            let sweep = WindowSweep(window: window, maxPartners: maxPartners, pairing: pairing)
            let (want, wantVisits) = Self.reference(g, sweep)
            let s = AccountSweep(g, sweep, accountCount: 60)
            for threads in [1, 3] {
                let got = CoActionPairs.observe(s, minWeight: 1, threads: threads)
                #expect(got.pairCount == want.count)
                #expect(got.keys == want.keys.sorted())
                for (e, k) in got.keys.enumerated() {
                    let f = Figures(weight: Int(got.weight[e]), lowLeads: Int(got.lowLeads[e]), highLeads: Int(got.highLeads[e]),
                                    ties: Int(got.ties[e]), lagSum: got.lagSum[e], first: got.first[e], last: got.last[e])
                    #expect(f == want[k])
                }
                let heavy = CoActionPairs.observe(s, minWeight: 3, threads: threads)
                #expect(heavy.pairCount == want.count)
                #expect(heavy.keys == want.filter { $0.value.weight >= 3 }.keys.sorted())
            }
            var visits = Set<[Int]>()
            let scratch = AccountSweep.Scratch(accounts: s.accountCount)
            for x in 0..<s.accountCount {
                s.partners(of: x, scratch, wants: { _ in true }) { k, b, i, j in
                    visits.insert([k, Int(s.accounts[x]), Int(s.accounts[Int(b)]), i, j])
                }
            }
            #expect(visits == wantVisits)
        }
    }

    @Test func nullCountsAreTheCandidatesWeights() {
        let g = Self.randomGroups(seed: 9)
        let sweep = WindowSweep(window: 20, maxPartners: 6, pairing: .anyActors)
        let s = AccountSweep(g, sweep, accountCount: 60)
        let pairs = CoActionPairs.observe(s, minWeight: 2, threads: 2)
        let localOf = AccountSweep.localIDs(g.account, accountCount: 60)
        let (candFirst, partner) = Significance.candidates(pairs.keys, localOf: localOf, accounts: s.accountCount)
        for threads in [1, 2, 5] {
            #expect(Significance.coActions(s, candFirst: candFirst, partner: partner, threads: threads) == pairs.weight)
        }
    }

    @Test func parallelMapKeepsJobOrderWhenNested() {
        let outer: [[Int]] = Parallel.map(5, threads: 2) { i in Parallel.map(7, threads: 3) { j in i * 10 + j } }
        #expect(outer == (0..<5).map { i in (0..<7).map { i * 10 + $0 } })
        let withState: [Int] = Parallel.map(50, threads: 4, state: { [Int](repeating: 0, count: 3) }) { s, i in
            s[0] += 1
            return i * i
        }
        #expect(withState == (0..<50).map { $0 * $0 })
    }
}
