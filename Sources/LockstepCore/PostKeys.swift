import CMemoryHints

/// Post ids, interned to dense `Int32` ids.
///
/// Platform post ids are almost always decimal numbers (up to 19 digits); those are kept as
/// 64-bit integers in an integer hash table, so interning one costs a multiply and a probe, not a
/// byte hash, a string copy and a `memcmp` — and every row interns at least two ids. Anything
/// else (hashes, ids with leading zeros, letters) is kept as bytes. Both read back exactly as given.
package struct PostKeyTable: Sendable {
    /// Per id: the numeric value, or `UInt64.max` when the id is kept as bytes.
    var numeric: [UInt64] = []
    /// Per id: index into `strings`, or -1 for numeric ids.
    var stringIndex: [Int32] = []
    var strings = StringTable()

    package init() {}

    package var count: Int { numeric.count }

    /// The id exactly as given.
    package subscript(id: Int32) -> String {
        let n = numeric[Int(id)]
        return n == .max ? strings[stringIndex[Int(id)]] : String(n)
    }
}

/// Interns post ids into a ``PostKeyTable``.
package struct PostKeyInterner: Sendable {
    package private(set) var table = PostKeyTable()
    /// Open addressing; a slot is 0 (empty) or the top 32 bits of the id's hash above `id + 1`,
    /// so that a probe rejects other ids without reading `table.numeric` — a second cache miss
    /// per lookup once the table outgrows the cache (merging a million posts' ids).
    private var slots: [UInt64] = Array(repeating: 0, count: 1024)
    private var bytes = ByteInterner()
    /// For ids kept as bytes: byte-interner id → post key id.
    private var byteToKey: [Int32] = []

    /// Set on a parsing worker's interner: ids are recorded in order, repeats included, and
    /// interned once, when the worker's part is merged. Interning in the worker too was a second
    /// hash lookup per id for nothing (the merge looks every id up again anyway).
    private var recordOnly = false

    package init() {}

    /// An interner that records ids without looking them up (see `recordOnly`); its table may
    /// hold an id more than once, and is meant only to be absorbed into another interner.
    package static func recording() -> PostKeyInterner {
        var i = PostKeyInterner()
        i.recordOnly = true
        i.slots = []
        return i
    }

    package var count: Int { table.count }

    /// The value of a canonical decimal (no sign, no leading zero, at most 19 digits), else nil.
    @inline(__always)
    static func number(_ b: UnsafeRawBufferPointer) -> UInt64? {
        let n = b.count
        guard n > 0, n <= 19, b[0] != 48 || n == 1 else { return nil }
        var v: UInt64 = 0
        for i in 0..<n {
            let d = b[i] &- 48
            if d > 9 { return nil }
            v = v &* 10 &+ UInt64(d)
        }
        return v
    }

    @inline(__always)
    static func hash(_ v: UInt64) -> Int {
        var z = v &* 0x9E37_79B9_7F4A_7C15
        z ^= z >> 31
        return Int(truncatingIfNeeded: z)
    }

    package mutating func intern(_ b: UnsafeRawBufferPointer) -> Int32 {
        if let v = Self.number(b) { return intern(number: v) }
        if recordOnly {
            let id = Int32(table.numeric.count)
            table.numeric.append(.max)
            table.stringIndex.append(table.strings.append(b))
            return id
        }
        let s = bytes.intern(b)
        if Int(s) == byteToKey.count {
            let id = Int32(table.numeric.count)
            table.numeric.append(.max)
            let si = table.strings.append(b)
            table.stringIndex.append(si)
            byteToKey.append(id)
        }
        return byteToKey[Int(s)]
    }

    package mutating func intern(number v: UInt64) -> Int32 {
        if recordOnly {
            table.numeric.append(v)
            table.stringIndex.append(-1)
            return Int32(table.numeric.count - 1)
        }
        let mask = slots.count - 1
        let h = Self.hash(v)
        let tag = UInt64(truncatingIfNeeded: h) & 0xFFFF_FFFF_0000_0000
        var s = h & mask
        while true {
            let slot = slots[s]
            if slot == 0 { break }
            if slot & 0xFFFF_FFFF_0000_0000 == tag {
                let id = Int32(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1
                if table.numeric[Int(id)] == v { return id }
            }
            s = (s + 1) & mask
        }
        let id = Int32(table.numeric.count)
        table.numeric.append(v)
        table.stringIndex.append(-1)
        slots[s] = tag | UInt64(UInt32(id) + 1)
        if table.numeric.count * 2 > slots.count { grow() }
        return id
    }

    /// Sizes the index for `n` ids, so that filling it never rehashes.
    package mutating func reserve(_ n: Int) {
        if recordOnly {
            table.numeric.reserveCapacity(n)
            table.stringIndex.reserveCapacity(n)
            return
        }
        var size = slots.count
        while n * 2 > size { size *= 2 }
        guard size > slots.count else { return }
        table.numeric.reserveCapacity(n)
        table.stringIndex.reserveCapacity(n)
        rehash(size)
    }

    /// Interns every id of another table; returns the map from its ids to this one's.
    package mutating func absorb(_ other: PostKeyTable) -> [Int32] {
        var map = [Int32](repeating: noID, count: other.count)
        let ahead = 8
        for i in 0..<other.count {
            if i + ahead < other.count, other.numeric[i + ahead] != .max { prefetch(other.numeric[i + ahead]) }
            let v = other.numeric[i]
            if v != .max {
                map[i] = intern(number: v)
            } else {
                map[i] = other.strings.withBytes(other.stringIndex[i]) { intern($0) }
            }
        }
        return map
    }

    /// Starts loading the slot where `v` would be, for a lookup a few steps later.
    @inline(__always)
    private func prefetch(_ v: UInt64) {
        slots.withUnsafeBufferPointer { lockstep_prefetch($0.baseAddress! + (Self.hash(v) & ($0.count - 1))) }
    }

    private mutating func grow() { rehash(slots.count * 2) }

    private mutating func rehash(_ size: Int) {
        var fresh = [UInt64](repeating: 0, count: size)
        let mask = size - 1
        for (id, v) in table.numeric.enumerated() where v != .max {
            let h = Self.hash(v)
            var s = h & mask
            while fresh[s] != 0 { s = (s + 1) & mask }
            fresh[s] = UInt64(truncatingIfNeeded: h) & 0xFFFF_FFFF_0000_0000 | UInt64(UInt32(id) + 1)
        }
        slots = fresh
    }
}
