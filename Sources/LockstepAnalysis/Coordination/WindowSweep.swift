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
    /// delay null model measures delays from. Kept by `restricted` and `retimed`.
    var origin: [Int64] = []

    var groupCount: Int { item.count }
    var actionCount: Int { time.count }
    @inline(__always) func range(_ g: Int) -> Range<Int> { Int(start[g])..<Int(start[g + 1]) }

    /// Groups raw actions by a counting sort on item, then sorts each group by (time, account, post).
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
    }

    private init() {}

    /// Sorts each group's action indices by time, ties kept in their current order.
    ///
    /// Sorts packed (time offset << 24 | position) keys, without a comparison closure, whenever they
    /// fit in 64 bits; otherwise falls back to a comparison sort with the same order.
    static func sortGroups(_ order: inout [Int32], start: [Int32], time t: [Int64]) {
        var keys: [UInt64] = []
        var scratch: [Int32] = []
        for g in 0..<(start.count - 1) {
            let lo = Int(start[g]), hi = Int(start[g + 1])
            if hi - lo < 2 { continue }
            var t0 = Int64.max, t1 = Int64.min
            for i in lo..<hi { let x = t[Int(order[i])]; t0 = min(t0, x); t1 = max(t1, x) }
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: order[lo..<hi])
            if t1 - t0 < (1 << 39) && hi - lo < (1 << 24) {
                keys.removeAll(keepingCapacity: true)
                for (j, i) in scratch.enumerated() { keys.append(UInt64(t[Int(i)] - t0) << 24 | UInt64(j)) }
                keys.sort()
                for (j, key) in keys.enumerated() { order[lo + j] = scratch[Int(key & 0xFF_FFFF)] }
            } else {
                let sorted = scratch.indices.sorted { x, y in
                    let a = t[Int(scratch[x])], b = t[Int(scratch[y])]
                    return a != b ? a < b : x < y
                }
                for (j, x) in sorted.enumerated() { order[lo + j] = scratch[x] }
            }
        }
    }

    /// The same groups with each action's time replaced by `newTime[action]`, re-sorted per group
    /// (ties keep the groups' previous order, so the result is deterministic).
    func retimed(_ newTime: [Int64]) -> ActionGroups {
        var order = Array(Int32(0)..<Int32(actionCount))
        Self.sortGroups(&order, start: start, time: newTime)
        var g = ActionGroups()
        g.start = start
        g.item = item
        g.time = order.map { newTime[Int($0)] }
        g.account = order.map { account[Int($0)] }
        g.post = order.map { post[Int($0)] }
        g.isOrigin = order.map { isOrigin[Int($0)] }
        g.origin = origin
        return g
    }

    /// Only the actions of accounts for which `keep` is true, in groups that still have two or more.
    func restricted(to keep: [Bool]) -> ActionGroups {
        var g = ActionGroups()
        for k in 0..<groupCount {
            let r = range(k)
            var n = 0
            for i in r where keep[Int(account[i])] { n += 1 }
            if n < 2 { continue }
            for i in r where keep[Int(account[i])] {
                g.time.append(time[i]); g.account.append(account[i]); g.post.append(post[i]); g.isOrigin.append(isOrigin[i])
            }
            g.item.append(item[k])
            g.origin.append(origin[k])
            g.start.append(Int32(g.time.count))
        }
        return g
    }
}

/// The sliding window over one item's actions, with a cap on partners per action.
///
/// Each action pairs with the actions of *other* accounts that precede it by at most `window`
/// seconds, but only with the `maxPartners` nearest of them. The cap keeps the work linear: an item
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
