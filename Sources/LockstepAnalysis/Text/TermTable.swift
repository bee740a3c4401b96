import LockstepCore

/// Term strings by dense `Int32` id, found by a 64-bit hash of their (lowercased) bytes.
///
/// Identity is the hash alone: one probe of one 16-byte slot per token, no byte comparison.
/// With a million distinct terms the chance that two share a 64-bit hash is below 1e-7; the
/// counts of two such terms would merge, which no narrative figure would notice.
public struct TermTable: Sendable {
    private struct Slot { var key: UInt64; var id: Int32; var pad: Int32 }
    /// Counting state per term id: the period it was last counted in, its row in that period's counts, its total.
    private struct Count { var period: Int32; var row: Int32; var total: Int32 }
    private var slots = [Slot](repeating: Slot(key: 0, id: -1, pad: 0), count: 1 << 12)
    /// A small direct-mapped cache of recent terms: frequent terms are found without touching the
    /// big table, and ids are given in first-seen order, so `counts` of frequent terms stay in cache too.
    private var front = [Slot](repeating: Slot(key: 0, id: -1, pad: 0), count: 1 << 12)
    private var counts: [Count] = []
    private var arena = ByteArena()
    private var refs: [StrRef] = []

    /// An empty table.
    public init() {}

    /// How many distinct terms.
    public var count: Int { refs.count }

    /// The string of a term id.
    public subscript(id: Int32) -> String { arena.string(refs[Int(id)]) }

    /// The bytes of a term.
    public func withBytes<R>(_ id: Int32, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try arena.withBytes(refs[Int(id)], body)
    }

    /// Mixes 8-byte words; `fold` ORs 0x20 into every byte, which lowercases ASCII letters and keeps digits.
    @inline(__always)
    static func hash(_ b: UnsafeRawBufferPointer, fold: Bool) -> UInt64 {
        let n = b.count
        let mask: UInt64 = fold ? 0x2020_2020_2020_2020 : 0
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
        var i = 0
        while i + 8 <= n {
            let w = b.loadUnaligned(fromByteOffset: i, as: UInt64.self) | mask
            h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            i += 8
        }
        if i < n {
            var tail: UInt64 = 0, shift: UInt64 = 0
            while i < n { tail |= UInt64(b[i]) << shift; shift += 8; i += 1 }
            h = (h ^ (tail | (mask >> (64 - shift)))) &* 0x94D0_49BB_1331_11EB
        }
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 32
        return h == 0 ? 1 : h
    }

    /// The id of a term, added (its bytes lowercased with `fold`) if new.
    @inline(__always)
    /// The id of a term (bytes lowercased first with `fold`), added if new.
    public mutating func intern(_ b: UnsafeRawBufferPointer, fold: Bool) -> Int32 {
        let h = Self.hash(b, fold: fold)
        let f = Int(truncatingIfNeeded: h >> 40) & (front.count - 1)
        if front[f].key == h { return front[f].id }
        let id = find(h, b, fold: fold)
        front[f] = Slot(key: h, id: id, pad: 0)
        return id
    }

    /// Counts one use of term `id` in `period`: a new row of `items`/`counts` the first time in the
    /// period, else one more on its row.
    @inline(__always) mutating func count(_ id: Int32, period: Int32, items: inout [Int32], counts rowCounts: inout [Int32]) {
        let i = Int(id)
        counts[i].total &+= 1
        if counts[i].period == period {
            rowCounts[Int(counts[i].row)] += 1
        } else {
            counts[i].period = period
            counts[i].row = Int32(items.count)
            items.append(id)
            rowCounts.append(1)
        }
    }

    /// Uses counted so far, by term id.
    public func totals() -> [Int] { counts.map { Int($0.total) } }

    private mutating func find(_ h: UInt64, _ b: UnsafeRawBufferPointer, fold: Bool) -> Int32 {
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let k = slots[s].key
            if k == h { return slots[s].id }
            if k == 0 { break }
            s = (s + 1) & mask
        }
        let id = Int32(refs.count)
        if fold {
            var copy = [UInt8](b)
            for i in copy.indices where copy[i] >= 65 && copy[i] <= 90 { copy[i] += 32 }
            refs.append(copy.withUnsafeBytes { arena.append($0) })
        } else {
            refs.append(arena.append(b))
        }
        counts.append(Count(period: -1, row: 0, total: 0))
        slots[s] = Slot(key: h, id: id, pad: 0)
        if refs.count * 2 > slots.count { grow() }
        return id
    }

    /// The id of a term given as a string, added if new.
    public mutating func intern(_ s: String) -> Int32 {
        var c = s
        return c.withUTF8 { intern(UnsafeRawBufferPointer($0), fold: false) }
    }

    private mutating func grow() {
        let size = slots.count * 2
        var fresh = [Slot](repeating: Slot(key: 0, id: -1, pad: 0), count: size)
        let mask = size - 1
        for slot in slots where slot.key != 0 {
            var s = Int(truncatingIfNeeded: slot.key) & mask
            while fresh[s].key != 0 { s = (s + 1) & mask }
            fresh[s] = slot
        }
        slots = fresh
    }
}
