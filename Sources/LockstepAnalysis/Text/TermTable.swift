import LockstepCore

/// Term strings by dense `Int32` id, found by a 64-bit hash of their (lowercased) bytes.
///
/// Identity is the hash alone: one probe of one 16-byte slot per token, no byte comparison.
/// With a million distinct terms the chance that two share a 64-bit hash is below 1e-7; the
/// counts of two such terms would merge, which no narrative figure would notice.
package struct TermTable: Sendable {
    private struct Slot { var key: UInt64; var id: Int32; var pad: Int32 }
    private var slots = [Slot](repeating: Slot(key: 0, id: -1, pad: 0), count: 1 << 12)
    /// A small direct-mapped cache of recent terms: frequent terms are found without touching the
    /// big table, and ids are given in first-seen order, so `counts` of frequent terms stay in cache too.
    private var front = [Slot](repeating: Slot(key: 0, id: -1, pad: 0), count: 1 << 12)
    private var arena = ByteArena()
    private var refs: [StrRef] = []

    /// An empty table.
    package init() {}

    /// How many distinct terms.
    package var count: Int { refs.count }

    /// The string of a term id.
    package subscript(id: Int32) -> String { arena.string(refs[Int(id)]) }

    /// The bytes of a term.
    package func withBytes<R>(_ id: Int32, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
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

    @inline(__always)
    /// The id of a term (bytes lowercased first with `fold`), added if new.
    package mutating func intern(_ b: UnsafeRawBufferPointer, fold: Bool) -> Int32 {
        let h = Self.hash(b, fold: fold)
        let f = Int(truncatingIfNeeded: h >> 40) & (front.count - 1)
        if front[f].key == h { return front[f].id }
        let id = find(h, b, fold: fold)
        front[f] = Slot(key: h, id: id, pad: 0)
        return id
    }

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
        slots[s] = Slot(key: h, id: id, pad: 0)
        if refs.count * 2 > slots.count { grow() }
        return id
    }

    /// The id of a term given as a string, added if new.
    package mutating func intern(_ s: String) -> Int32 {
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

/// Term counts of one chunk of consecutive days, for ``Narratives``: local term ids in first-seen
/// order (stop words first, as in ``Tokenizer``), each day's and each ISO week's counts in
/// first-counted order, and each term's total.
///
/// Identity is the 64-bit hash of ``TermTable``, so chunks are merged by hash alone. A term's
/// counting state sits in its hash slot (32 bytes), so a token costs one probe of one cache line:
/// with hundreds of thousands of distinct terms per chunk, memory misses and not instructions set
/// the speed. (Reading all of a post's slots before counting overlapped those misses on generated
/// text with millions of terms, but cost more than it saved on simulated and real text.)
struct TermCounter {
    /// A term's hash, id, total, and the day and week it was last counted in with its row there.
    private struct Slot {
        var key: UInt64 = 0
        var id: Int32 = -1
        var total: Int32 = 0
        var day: Int32 = -1
        var dayRow: Int32 = 0
        var week: Int32 = -1
        var weekRow: Int32 = 0
    }
    private var slots: [Slot]
    /// Hash of each local id.
    private(set) var hashes: [UInt64] = []
    /// Total of each local id, filled by ``finish()``.
    private var totals: [Int32] = []
    /// Lowercased bytes of each local id: `bytes[starts[id]..<starts[id + 1]]`.
    private var bytes: [UInt8] = []
    private var starts: [Int] = [0]
    /// Ids below this are stop words, never counted.
    private(set) var stopCount: Int32 = 0
    /// Term rows of each day counted, and of each week.
    var days = Narratives.DayCounts()
    var weeks = Narratives.DayCounts()
    private var day: Int32 = 0, week: Int32 = 0
    private var dayUses = 0, weekUses = 0
    /// Bytes read ahead to warm the cache, kept so that the reads are not optimised away.
    var touched: UInt8 = 0

    /// An empty counter with the stop words interned; `expectedTerms` sizes the table.
    init(expectedTerms: Int) {
        var size = 1 << 12
        while size < expectedTerms * 2 { size <<= 1 }
        slots = [Slot](repeating: Slot(), count: size)
        for var w in StopWords.all {
            w.withUTF8 { b in _ = self.slot(TermTable.hash(UnsafeRawBufferPointer(b), fold: false), UnsafeRawBufferPointer(b), fold: false) }
        }
        stopCount = Int32(hashes.count)
    }

    /// How many distinct terms, stop words included.
    var count: Int { hashes.count }

    /// Uses of a term in the chunk (after ``finish()``).
    func total(_ id: Int) -> Int { Int(totals[id]) }

    /// The lowercased bytes of a term.
    func withBytes<R>(_ id: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[starts[id]..<starts[id + 1]])) }
    }

    /// Counts the terms of one text (stop words are dropped here).
    @inline(__always)
    mutating func add(text: UnsafeRawBufferPointer, scratch: inout [UInt8]) {
        Tokenizer.scan(text, scratch: &scratch) { b, fold in add(hash: TermTable.hash(b, fold: fold), b, fold: fold) }
    }

    @inline(__always)
    private mutating func add(hash: UInt64, _ b: UnsafeRawBufferPointer, fold: Bool) {
        let s = slot(hash, b, fold: fold)
        let (day, week) = (self.day, self.week)
        let counted: Bool = slots.withUnsafeMutableBufferPointer { t in
            if t[s].id < stopCount { return false }
            let id = t[s].id
            t[s].total &+= 1
            if t[s].day == day {
                days.counts[Int(t[s].dayRow)] &+= 1
            } else {
                t[s].day = day
                t[s].dayRow = Int32(days.items.count)
                days.items.append(id)
                days.counts.append(1)
            }
            if t[s].week == week {
                weeks.counts[Int(t[s].weekRow)] &+= 1
            } else {
                t[s].week = week
                t[s].weekRow = Int32(weeks.items.count)
                weeks.items.append(id)
                weeks.counts.append(1)
            }
            return true
        }
        if counted {
            dayUses += 1
            weekUses += 1
        }
    }

    /// Ends the current day's row.
    mutating func closeDay() {
        days.starts.append(Int32(days.items.count))
        days.totals.append(dayUses)
        dayUses = 0
        day += 1
    }

    /// Ends the current week's row.
    mutating func closeWeek() {
        weeks.starts.append(Int32(weeks.items.count))
        weeks.totals.append(weekUses)
        weekUses = 0
        week += 1
    }

    /// Collects the totals by id from the table, which is then no longer needed.
    mutating func finish() {
        totals = [Int32](repeating: 0, count: hashes.count)
        for slot in slots where slot.key != 0 { totals[Int(slot.id)] = slot.total }
        slots = []
    }

    /// The slot of a term, added if new.
    @inline(__always)
    private mutating func slot(_ h: UInt64, _ b: UnsafeRawBufferPointer, fold: Bool) -> Int {
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: h) & mask
        let found: Bool = slots.withUnsafeBufferPointer { t in
            while true {
                let k = t[s].key
                if k == h { return true }
                if k == 0 { return false }
                s = (s + 1) & mask
            }
        }
        return found ? s : insert(h, b, fold: fold, at: s)
    }

    private mutating func insert(_ h: UInt64, _ b: UnsafeRawBufferPointer, fold: Bool, at s: Int) -> Int {
        let id = Int32(hashes.count)
        hashes.append(h)
        let from = bytes.count
        bytes.append(contentsOf: b)
        if fold {
            for k in from..<bytes.count where bytes[k] &- 65 < 26 { bytes[k] += 32 }
        }
        starts.append(bytes.count)
        slots[s] = Slot(key: h, id: id)
        guard hashes.count * 2 > slots.count else { return s }
        let size = slots.count * 2
        var fresh = [Slot](repeating: Slot(), count: size)
        let mask = size - 1
        var moved = s
        for (old, slot) in slots.enumerated() where slot.key != 0 {
            var t = Int(truncatingIfNeeded: slot.key) & mask
            while fresh[t].key != 0 { t = (t + 1) & mask }
            fresh[t] = slot
            if old == s { moved = t }
        }
        slots = fresh
        return moved
    }
}
