import LockstepCore

/// One trace's actions grouped by item: group `g` holds actions `start[g]..<start[g+1]`, sorted by
/// time, ties in post order. Items with fewer than two actions are dropped (nothing to pair).
struct ActionGroups: Sendable {
    var start: [Int32] = [0]
    /// Item id of each group.
    var item: [Int32] = []
    var time: [Int64] = []
    var account: [Int32] = []
    var post: [Int32] = []
    /// Whether the action is the item's origin (the original post, for `withOrigin` pairing).
    var isOrigin: [Bool] = []
    /// Per group: the item's moment of origin (the original post's time when the item is a post in
    /// the data and earlier than its first action, otherwise the first action's time), which the
    /// delay null model measures delays from. Kept by `restricted`.
    var origin: [Int64] = []
    /// Per group: whether `origin` is the item's own moment (an original in the data), not its first action.
    var ownMoment: [Bool] = []

    var groupCount: Int { item.count }
    var actionCount: Int { time.count }
    @inline(__always) func range(_ g: Int) -> Range<Int> { Int(start[g])..<Int(start[g + 1]) }

    /// Groups raw actions by a counting sort on item, then sorts each group by time, ties kept in
    /// input order (``sortGroups(_:start:time:)``).
    /// `itemOrigin`, when given, holds each item's own moment (``noTime`` when unknown).
    init(items: [Int32], itemCount: Int, time t: [Int64], account a: [Int32], post p: [Int32], origin o: [Bool],
         itemOrigin: [Int64]? = nil, minGroup: Int = 2) {
        var counts = [Int32](repeating: 0, count: itemCount + 1)
        for i in items { counts[Int(i) + 1] += 1 }
        var keptStart = [Int32](repeating: 0, count: itemCount + 1)
        var total: Int32 = 0
        for i in 0..<itemCount {
            keptStart[i] = total
            if counts[i + 1] >= Int32(minGroup) { total += counts[i + 1] }
        }
        keptStart[itemCount] = total
        var fill = keptStart
        var order = [Int32](repeating: 0, count: Int(total))
        for (k, i) in items.enumerated() where counts[Int(i) + 1] >= Int32(minGroup) {
            order[Int(fill[Int(i)])] = Int32(k)
            fill[Int(i)] += 1
        }
        for i in 0..<itemCount where counts[i + 1] >= Int32(minGroup) {
            item.append(Int32(i))
            start.append(keptStart[i] + counts[i + 1])
        }
        Self.sortGroups(&order, start: start, time: t)
        time = order.map { t[Int($0)] }
        account = order.map { a[Int($0)] }
        post = order.map { p[Int($0)] }
        isOrigin = order.map { o[Int($0)] }
        origin = (0..<item.count).map { g in
            let first = time[Int(start[g])]
            guard let io = itemOrigin, io[Int(item[g])] != noTime else { return first }
            return min(first, io[Int(item[g])])
        }
        ownMoment = item.map { i in itemOrigin.map { $0[Int(i)] != noTime } ?? false }
    }

    private init() {}

    /// Sorts each group's action indices by time, ties kept in their current order.
    ///
    /// Small groups by insertion; larger ones by a stable least-significant-digit radix sort on the
    /// time offset within the group, over only the bits the group's time span needs. The null model
    /// re-sorts every group once per round, so this runs ten times per trace.
    static func sortGroups(_ order: inout [Int32], start: [Int32], time t: [Int64]) {
        var keys: [UInt64] = [], keyScratch: [UInt64] = [], valScratch: [Int32] = []
        var counts = [Int](repeating: 0, count: 1 << radixDigit)
        t.withUnsafeBufferPointer { T in
        order.withUnsafeMutableBufferPointer { O in
            for g in 0..<(start.count - 1) {
                let lo = Int(start[g]), hi = Int(start[g + 1])
                let m = hi - lo
                if m < 2 { continue }
                if m <= 32 {
                    for i in (lo + 1)..<hi {
                        let v = O[i], tv = T[Int(v)]
                        var j = i - 1
                        while j >= lo && T[Int(O[j])] > tv { O[j + 1] = O[j]; j -= 1 }
                        O[j + 1] = v
                    }
                    continue
                }
                var t0 = Int64.max, t1 = Int64.min
                for i in lo..<hi { let x = T[Int(O[i])]; t0 = min(t0, x); t1 = max(t1, x) }
                if t1 == t0 { continue }
                keys.removeAll(keepingCapacity: true)
                for i in lo..<hi { keys.append(UInt64(bitPattern: T[Int(O[i])] &- t0)) }
                let bits = 64 - UInt64(bitPattern: t1 &- t0).leadingZeroBitCount
                keys.withUnsafeMutableBufferPointer { K in
                    Self.radixSort(K, UnsafeMutableBufferPointer(rebasing: O[lo..<hi]), bits: bits,
                                   keyScratch: &keyScratch, valScratch: &valScratch, counts: &counts)
                }
            }
        }
        }
    }

    /// Bits sorted per radix pass.
    static let radixDigit = 11

    /// Stable LSD radix sort of `vals` by `keys` (both reordered), over the low `bits` bits of the keys.
    /// `counts` (one entry per digit value) is the caller's, so that a sort per group per null round
    /// allocates nothing; each pass clears it.
    static func radixSort(_ keys: UnsafeMutableBufferPointer<UInt64>, _ vals: UnsafeMutableBufferPointer<Int32>, bits: Int,
                          keyScratch: inout [UInt64], valScratch: inout [Int32], counts: inout [Int]) {
        let n = keys.count
        let digit = radixDigit, mask = UInt64((1 << radixDigit) - 1)
        let passes = (bits + digit - 1) / digit
        if keyScratch.count < n {
            keyScratch = Array(repeating: 0, count: n)
            valScratch = Array(repeating: 0, count: n)
        }
        keyScratch.withUnsafeMutableBufferPointer { KS in
        valScratch.withUnsafeMutableBufferPointer { VS in
        counts.withUnsafeMutableBufferPointer { C in
            var srcK = keys.baseAddress!, srcV = vals.baseAddress!, dstK = KS.baseAddress!, dstV = VS.baseAddress!
            for pass in 0..<passes {
                let shift = UInt64(pass * digit)
                for b in 0..<C.count { C[b] = 0 }
                for i in 0..<n { C[Int((srcK[i] >> shift) & mask)] += 1 }
                var sum = 0
                for b in 0..<C.count { let c = C[b]; C[b] = sum; sum += c }
                for i in 0..<n {
                    let b = Int((srcK[i] >> shift) & mask)
                    let d = C[b]
                    dstK[d] = srcK[i]
                    dstV[d] = srcV[i]
                    C[b] = d + 1
                }
                swap(&srcK, &dstK)
                swap(&srcV, &dstV)
            }
            if srcV != vals.baseAddress! {
                vals.baseAddress!.update(from: srcV, count: n)
                keys.baseAddress!.update(from: srcK, count: n)
            }
        }
        }
        }
    }

    /// Only the actions of accounts for which `keep` is true, in groups that still have two or more
    /// (and, with `groups`, only the groups for which it is true).
    func restricted(to keep: [Bool], groups: [Bool]? = nil) -> ActionGroups {
        var g = ActionGroups()
        for k in 0..<groupCount where groups?[k] ?? true {
            let r = range(k)
            var n = 0
            for i in r where keep[Int(account[i])] { n += 1 }
            if n < 2 { continue }
            for i in r where keep[Int(account[i])] {
                g.time.append(time[i]); g.account.append(account[i]); g.post.append(post[i]); g.isOrigin.append(isOrigin[i])
            }
            g.item.append(item[k])
            g.origin.append(origin[k])
            g.ownMoment.append(ownMoment[k])
            g.start.append(Int32(g.time.count))
        }
        return g
    }
}

/// The parameters of the co-action window: how far apart two actions on one item may be, and a
/// cap on partners per action (``AccountSweep`` applies them).
///
/// Each action pairs with the actions of *other* accounts that precede it by at most `window`
/// seconds, but only within the `maxPartners` actions nearest it on the item (its own account's
/// actions count towards the cap). The cap keeps the work linear: an item
/// with n actions costs at most n × maxPartners pair visits however bursty it is, so one post with
/// 200,000 retweets in an hour costs at most 200,000 × 32 visits instead of 2 × 10^10 pairs. The price:
/// in a burst denser than the cap, two accounts more than `maxPartners` actions apart are not paired
/// on that item (they still pair on the other items where they act closer together).
struct WindowSweep: Sendable {
    var window: Int64
    var maxPartners: Int
    var pairing: TracePairing
}

/// A count per unordered account pair (whole-period mode's shared items, the fusion's pairs).
///
/// An open-addressing hash from the packed pair (low id << 32 | high id) to a dense index. The
/// window sweep does not use it: see ``AccountSweep``.
struct PairTable: Sendable {
    private var slots: [Int32]
    private var mask: Int
    private(set) var keys: [UInt64] = []
    var weight: [Int32] = []

    init(capacity: Int = 1024) {
        var size = 1024
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: -1, count: size)
        mask = size - 1
    }

    var count: Int { keys.count }

    @inline(__always) static func key(_ a: Int32, _ b: Int32) -> UInt64 {
        a < b ? UInt64(UInt32(a)) << 32 | UInt64(UInt32(b)) : UInt64(UInt32(b)) << 32 | UInt64(UInt32(a))
    }
    @inline(__always) static func low(_ k: UInt64) -> Int32 { Int32(truncatingIfNeeded: k >> 32) }
    @inline(__always) static func high(_ k: UInt64) -> Int32 { Int32(truncatingIfNeeded: k & 0xFFFF_FFFF) }

    @inline(__always) static func hash(_ k: UInt64) -> Int {
        var z = k &* 0x9E37_79B9_7F4A_7C15
        z ^= z >> 29
        return Int(truncatingIfNeeded: z)
    }

    /// The edge index of a pair, added with zero figures if new.
    @inline(__always) mutating func insert(_ k: UInt64) -> Int {
        var s = Self.hash(k) & mask
        while true {
            let e = slots[s]
            if e < 0 { break }
            if keys[Int(e)] == k { return Int(e) }
            s = (s + 1) & mask
        }
        let e = keys.count
        slots[s] = Int32(e)
        keys.append(k)
        weight.append(0)
        if keys.count * 2 > slots.count { grow() }
        return e
    }

    private mutating func grow() {
        let size = slots.count * 2
        var fresh = [Int32](repeating: -1, count: size)
        let m = size - 1
        for (e, k) in keys.enumerated() {
            var s = Self.hash(k) & m
            while fresh[s] >= 0 { s = (s + 1) & m }
            fresh[s] = Int32(e)
        }
        slots = fresh
        mask = m
    }
}
