import LockstepCore

/// The window sweep run from each account's side, so that everything a pair accumulates stays in
/// small per-account arrays instead of one table of every pair.
///
/// ``WindowSweep`` defines the co-actions: on one item, actions `i < j` (in the item's time order)
/// of two different accounts with `j - i ≤ maxPartners` and `time[j] - time[i] ≤ window` (with
/// `withOrigin` pairing, the item's origin and each action within `window` of it). Visiting them
/// item by item, as the definition reads, scatters each visit over a table of all pairs: at 10M
/// posts, tens of millions of pairs, one cache miss or more per visit. Here the actions are indexed
/// by account instead, and account `x` visits only its partners `b > x`: the figures of all of
/// `x`'s pairs fit in arrays indexed by `b`, and come out sorted by `(x, b)` with no hashing or
/// sorting of pairs. Accounts are independent, so ranges of them run on separate threads.
///
/// For each pair and item, the co-action reported is the one with the earliest later action, then
/// the nearest earlier one: what a sweep through each item's actions in time order meets first
/// (`AccountSweepTests` checks the two agree).
struct AccountSweep: Sendable {
    let window: Int64
    let maxPartners: Int
    let pairing: TracePairing
    /// Global account id of each local id, ascending: local ids compare as global ids do.
    let accounts: [Int32]
    /// Local account id of each action (actions in group order).
    let local: [Int32]
    let groupStart: [Int32]
    let time: [Int64]
    /// Actions of local account `x`: `entries[first[x]..<first[x + 1]]`, in group order, each
    /// `group << 32 | action`: the group comes with the action, read in sequence, rather than from
    /// a per-action table at a random place.
    let first: [Int32]
    let entries: [UInt64]
    /// Per group, its first origin action or -1 (`withOrigin` pairing only).
    let origin: [Int32]

    var accountCount: Int { accounts.count }

    /// Indexes `g` by account. `localOf`, when given, is the global → local map of an earlier
    /// index over the same accounts.
    init(_ g: ActionGroups, _ sweep: WindowSweep, accountCount: Int, localOf: [Int32]? = nil) {
        let map = localOf ?? Self.localIDs(g.account, accountCount: accountCount)
        var accs: [Int32] = []
        for (a, l) in map.enumerated() where l >= 0 { accs.append(Int32(a)) }
        self.init(sweep, accounts: accs, local: g.account.map { map[Int($0)] }, time: g.time, groupStart: g.start,
                  isOrigin: sweep.pairing == .withOrigin ? g.isOrigin : nil)
    }

    /// Indexes actions given in group order: `local` account ids (`accounts` maps them back),
    /// times, and for `withOrigin` pairing which actions are origins.
    ///
    /// Only actions with a partner of another account within reach (the window and the partner cap,
    /// or the origin's window) are indexed: in sparse traces (co-tweet, fast retweet) most actions
    /// have none, and one sequential pass over the groups finds them, where the per-account sweep
    /// would reach each of them at a random place.
    init(_ sweep: WindowSweep, accounts: [Int32], local L: [Int32], time T: [Int64], groupStart: [Int32], isOrigin: [Bool]?) {
        window = sweep.window
        maxPartners = sweep.maxPartners
        pairing = sweep.pairing
        self.accounts = accounts
        local = L
        time = T
        self.groupStart = groupStart
        let groups = groupStart.count - 1
        let w = window, m = maxPartners
        var origins = [Int32](repeating: -1, count: pairing == .withOrigin ? groups : 0)
        var active = [Bool](repeating: false, count: L.count)
        var firsts = [Int32](repeating: 0, count: accounts.count + 1)
        for k in 0..<groups {
            let lo = Int(groupStart[k]), hi = Int(groupStart[k + 1])
            switch pairing {
            case .anyActors:
                for p in lo..<hi {
                    let tp = T[p], a = L[p]
                    var q = p - 1, found = false
                    while !found && q >= max(lo, p - m) && tp - T[q] <= w { found = L[q] != a; q -= 1 }
                    q = p + 1
                    while !found && q <= min(hi - 1, p + m) && T[q] - tp <= w { found = L[q] != a; q += 1 }
                    if found { active[p] = true; firsts[Int(a) + 1] += 1 }
                }
            case .withOrigin:
                guard let o = (lo..<hi).first(where: { isOrigin![$0] }) else { continue }
                origins[k] = Int32(o)
                let to = T[o], ao = L[o]
                for p in lo..<hi where p != o && L[p] != ao && abs(T[p] - to) <= w {
                    active[p] = true
                    firsts[Int(L[p]) + 1] += 1
                    if !active[o] { active[o] = true; firsts[Int(ao) + 1] += 1 }
                }
            }
        }
        for x in 0..<accounts.count { firsts[x + 1] += firsts[x] }
        var fill = firsts
        var packed = [UInt64](repeating: 0, count: Int(firsts[accounts.count]))
        for k in 0..<groups {
            for i in Int(groupStart[k])..<Int(groupStart[k + 1]) where active[i] {
                let l = Int(L[i])
                packed[Int(fill[l])] = UInt64(k) << 32 | UInt64(i)
                fill[l] += 1
            }
        }
        first = firsts
        entries = packed
        origin = origins
    }

    /// Local id per global account id (-1 for accounts without actions).
    static func localIDs(_ account: [Int32], accountCount: Int) -> [Int32] {
        var map = [Int32](repeating: -1, count: accountCount)
        for a in account { map[Int(a)] = 0 }
        var next: Int32 = 0
        for a in 0..<accountCount where map[a] == 0 { map[a] = next; next += 1 }
        return map
    }

    /// Splits the local accounts into about `parts` ranges of similar action counts.
    func accountRanges(_ parts: Int) -> [Range<Int>] {
        let n = accountCount
        guard n > 0 else { return [] }
        let p = max(1, min(parts, n))
        let total = Int(first[n])
        var out: [Range<Int>] = []
        var lo = 0
        for k in 1...p {
            var hi = lo
            while hi < n && (k == p || Int(first[hi]) * p < total * k) { hi += 1 }
            if hi > lo { out.append(lo..<hi) }
            lo = hi
        }
        return out
    }

    /// One worker's working arrays for ``partners(of:_:wants:_:)``, indexed by local account.
    final class Scratch {
        /// The run (account and group) that last touched each partner.
        let stamp: ScratchArray<Int32>
        /// Per touched partner, the order key of its first co-action in the run.
        let best: ScratchArray<UInt64>
        let touched: ScratchArray<Int32>
        var run: Int32 = 0

        init(accounts n: Int) {
            stamp = ScratchArray(n, -1)
            best = ScratchArray(n, 0)
            touched = ScratchArray(n, 0)
        }
    }

    /// For local account `x`: every partner `b > x` for which `wants(b)`, once per group in which
    /// the pair co-acts, with the co-action `(i, j)` (earlier, later action index) chosen as the type
    /// comment says. Groups come in ascending order.
    @inline(__always)
    func partners(of x: Int, _ s: Scratch, wants: (Int32) -> Bool,
                  _ body: (_ group: Int, _ b: Int32, _ i: Int, _ j: Int) -> Void) {
        let lo = Int(first[x]), hi = Int(first[x + 1])
        if lo == hi { return }
        let me = Int32(x)
        let w = window, m = maxPartners
        let stamp = s.stamp.p, best = s.best.p, touched = s.touched.p
        var touchedCount = 0
        var run = s.run
        var group = -1
        local.withUnsafeBufferPointer { L in
        time.withUnsafeBufferPointer { T in
        entries.withUnsafeBufferPointer { E in
            // `order`: rank of a visit in a time-ordered sweep of the item (lower comes first).
            @inline(__always) func note(_ b: Int32, _ order: UInt64) {
                if stamp[Int(b)] != run {
                    stamp[Int(b)] = run
                    best[Int(b)] = order
                    touched[touchedCount] = b
                    touchedCount += 1
                } else if order < best[Int(b)] {
                    best[Int(b)] = order
                }
            }
            @inline(__always) func flush() {
                for t in 0..<touchedCount {
                    let b = touched[t]
                    let o = best[Int(b)]
                    let j = Int(o >> 32)
                    if pairing == .anyActors {
                        // (j, nearest i): the low half holds ~i.
                        body(group, b, Int(~UInt32(truncatingIfNeeded: o)), j)
                    } else {
                        // j is the non-origin action; the origin comes first unless j came strictly before it.
                        let o = Int(origin[group])
                        if T[j] >= T[o] { body(group, b, o, j) } else { body(group, b, j, o) }
                    }
                }
                touchedCount = 0
            }
            for idx in lo..<hi {
                let entry = E[idx]
                let p = Int(entry & 0xFFFF_FFFF), k = Int(entry >> 32)
                if k != group {
                    flush()
                    group = k
                    run &+= 1
                }
                let gLo = Int(groupStart[k]), gHi = Int(groupStart[k + 1])
                let tp = T[p]
                switch pairing {
                case .anyActors:
                    var q = p - 1
                    let qMin = max(gLo, p - m)
                    while q >= qMin && tp - T[q] <= w {
                        let b = L[q]
                        if b > me && wants(b) { note(b, UInt64(p) << 32 | UInt64(~UInt32(q))) }
                        q -= 1
                    }
                    q = p + 1
                    let qMax = min(gHi - 1, p + m)
                    while q <= qMax && T[q] - tp <= w {
                        let b = L[q]
                        if b > me && wants(b) { note(b, UInt64(q) << 32 | UInt64(~UInt32(p))) }
                        q += 1
                    }
                case .withOrigin:
                    let o = Int(origin[k])
                    if o < 0 { continue }
                    if p == o {
                        var q = o - 1
                        while q >= gLo && tp - T[q] <= w {
                            let b = L[q]
                            if b > me && wants(b) { note(b, UInt64(q) << 32) }
                            q -= 1
                        }
                        q = o + 1
                        while q < gHi && T[q] - tp <= w {
                            let b = L[q]
                            if b > me && wants(b) { note(b, UInt64(q) << 32) }
                            q += 1
                        }
                    } else {
                        let b = L[o]
                        let d = tp - T[o]
                        if b > me && (d >= 0 ? d : -d) <= w && wants(b) { note(b, UInt64(p) << 32) }
                    }
                }
            }
            flush()
        }
        }
        }
        s.run = run
    }
}

/// A fixed-size array of one worker's scratch values, read and written through a raw pointer: the
/// sweep's inner loops touch it once per visit, where array copy-on-write and exclusivity checks
/// would cost more than the work.
final class ScratchArray<T> {
    let p: UnsafeMutablePointer<T>
    let count: Int

    init(_ n: Int, _ value: T) {
        count = n
        p = UnsafeMutablePointer<T>.allocate(capacity: max(1, n))
        p.initialize(repeating: value, count: n)
    }

    deinit {
        p.deinitialize(count: count)
        p.deallocate()
    }
}

/// Co-action figures of account pairs, from ``AccountSweep``: every pair is counted, and those
/// reaching `minWeight` (the only ones that can become edges) are kept, sorted by pair key.
package struct CoActionPairs: Sendable {
    /// Pairs with at least one co-action.
    package var pairCount = 0
    package var keys: [UInt64] = []
    /// Distinct items both acted on within the window.
    package var weight: [Int32] = []
    /// Items where the lower account id acted first / the higher id acted first / both at once.
    package var lowLeads: [Int32] = []
    package var highLeads: [Int32] = []
    package var ties: [Int32] = []
    package var lagSum: [Int64] = []
    /// Moment of the first and last co-action (the later action's time).
    package var first: [Int64] = []
    package var last: [Int64] = []

    package init() {}

    package var count: Int { keys.count }

    struct Figures {
        var weight: Int32 = 0, lowLeads: Int32 = 0, highLeads: Int32 = 0, ties: Int32 = 0
        var lagSum: Int64 = 0, first = Int64.max, last = Int64.min
    }

    /// One worker's arrays, indexed by local account: the figures of the current account's pairs
    /// and which account last touched each entry (so nothing is cleared between accounts).
    final class Work {
        let scratch: AccountSweep.Scratch
        let figures: ScratchArray<Figures>
        let owner: ScratchArray<Int32>
        let partners: ScratchArray<Int32>

        init(accounts n: Int) {
            scratch = AccountSweep.Scratch(accounts: n)
            figures = ScratchArray(n, Figures())
            owner = ScratchArray(n, -1)
            partners = ScratchArray(n, 0)
        }
    }

    /// Sweeps every account of `s` on up to `threads` threads.
    static func observe(_ s: AccountSweep, minWeight: Int, threads: Int) -> CoActionPairs {
        let ranges = s.accountRanges(threads * 8)
        let parts: [CoActionPairs] = Parallel.map(ranges.count, threads: threads, state: { Work(accounts: s.accountCount) }) { work, r in
            observe(s, accounts: ranges[r], minWeight: minWeight, work)
        }
        var out = CoActionPairs()
        for p in parts {
            out.pairCount += p.pairCount
            out.keys += p.keys; out.weight += p.weight
            out.lowLeads += p.lowLeads; out.highLeads += p.highLeads; out.ties += p.ties
            out.lagSum += p.lagSum; out.first += p.first; out.last += p.last
        }
        return out
    }

    /// The pairs whose lower account is in `accounts`.
    static func observe(_ s: AccountSweep, accounts: Range<Int>, minWeight: Int, _ work: Work) -> CoActionPairs {
        let figures = work.figures.p, owner = work.owner.p, partners = work.partners.p
        var out = CoActionPairs()
        s.time.withUnsafeBufferPointer { time in
        s.local.withUnsafeBufferPointer { local in
            for x in accounts {
                var n = 0
                s.partners(of: x, work.scratch, wants: { _ in true }) { _, b, i, j in
                    let f = figures + Int(b)
                    if owner[Int(b)] != Int32(x) {
                        owner[Int(b)] = Int32(x)
                        f.pointee = Figures()
                        partners[n] = b
                        n += 1
                    }
                    let dt = time[j] - time[i]
                    let tj = time[j]
                    f.pointee.weight += 1
                    if dt == 0 { f.pointee.ties += 1 } else if local[i] < local[j] { f.pointee.lowLeads += 1 } else { f.pointee.highLeads += 1 }
                    f.pointee.lagSum += dt
                    if tj < f.pointee.first { f.pointee.first = tj }
                    if tj > f.pointee.last { f.pointee.last = tj }
                }
                out.pairCount += n
                var mine = UnsafeMutableBufferPointer(start: partners, count: n)
                mine.sort()
                let a = s.accounts[x]
                for b in mine {
                    let f = figures[Int(b)]
                    guard Int(f.weight) >= minWeight else { continue }
                    out.keys.append(PairTable.key(a, s.accounts[Int(b)]))
                    out.weight.append(f.weight)
                    out.lowLeads.append(f.lowLeads); out.highLeads.append(f.highLeads); out.ties.append(f.ties)
                    out.lagSum.append(f.lagSum); out.first.append(f.first); out.last.append(f.last)
                }
            }
        }
        }
        return out
    }
}
