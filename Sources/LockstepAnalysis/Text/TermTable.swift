import LockstepCore

/// Term strings by dense `Int32` id, found by a 64-bit hash of their (lowercased) bytes.
///
/// Identity is the hash alone: one probe of one 16-byte slot per token, no byte comparison.
/// With a million distinct terms the chance that two share a 64-bit hash is below 1e-7; the
/// counts of two such terms would merge, which no narrative figure would notice.
public struct TermTable: Sendable {
    /// Counting state lives in the slot itself, so counting a token touches one cache line: the
    /// period the term was last counted in, its row in that period's counts, and its total.
    private struct Slot { var key: UInt64; var id: Int32; var period: Int32; var row: Int32; var total: Int32 }
    private static let empty = Slot(key: 0, id: -1, period: -1, row: 0, total: 0)
    private var slots = [Slot](repeating: TermTable.empty, count: 1 << 12)
    private var slotOf: [Int32] = []
    private var arena = ByteArena()
    private var refs: [StrRef] = []

    public init() {}

    /// How many distinct terms.
    public var count: Int { refs.count }

    public subscript(id: Int32) -> String { arena.string(refs[Int(id)]) }

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
    public mutating func intern(_ b: UnsafeRawBufferPointer, fold: Bool) -> Int32 {
        slots[slot(b, fold: fold)].id
    }

    /// The id of the term in a slot.
    @inline(__always) func id(atSlot s: Int) -> Int32 { slots[s].id }

    /// Counts one use of the term in slot `s` in `period`: a new row of `items`/`counts` the first
    /// time in the period, else one more on its row.
    @inline(__always) mutating func count(slot s: Int, period: Int32, items: inout [Int32], counts: inout [Int32]) {
        slots[s].total &+= 1
        if slots[s].period == period {
            counts[Int(slots[s].row)] += 1
        } else {
            slots[s].period = period
            slots[s].row = Int32(items.count)
            items.append(slots[s].id)
            counts.append(1)
        }
    }

    /// Uses counted so far, by term id.
    public func totals() -> [Int] {
        var out = [Int](repeating: 0, count: refs.count)
        for slot in slots where slot.key != 0 { out[Int(slot.id)] = Int(slot.total) }
        return out
    }

    /// The slot of a term, added if new (slots move only when the table grows, inside this call).
    @inline(__always)
    mutating func slot(_ b: UnsafeRawBufferPointer, fold: Bool) -> Int {
        let h = Self.hash(b, fold: fold)
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let k = slots[s].key
            if k == h { return s }
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
        slots[s] = Slot(key: h, id: id, period: -1, row: 0, total: 0)
        slotOf.append(Int32(s))
        if refs.count * 2 > slots.count {
            grow()
            return Int(slotOf[Int(id)])
        }
        return s
    }

    public mutating func intern(_ s: String) -> Int32 {
        var c = s
        return c.withUTF8 { intern(UnsafeRawBufferPointer($0), fold: false) }
    }

    private mutating func grow() {
        let size = slots.count * 2
        var fresh = [Slot](repeating: Self.empty, count: size)
        let mask = size - 1
        for slot in slots where slot.key != 0 {
            var s = Int(truncatingIfNeeded: slot.key) & mask
            while fresh[s].key != 0 { s = (s + 1) & mask }
            fresh[s] = slot
            slotOf[Int(slot.id)] = Int32(s)
        }
        slots = fresh
    }
}
