import CMemoryHints
import Foundation

/// A reference to a run of bytes inside a ``ByteArena``: a packed offset and length.
///
/// Packed into one word so that a column of a million strings costs 8 MB, not a million
/// `String` allocations: 38 bits of offset (256 GiB) and 26 bits of length (64 MiB).
public struct StrRef: Hashable, Sendable {
    public var packed: UInt64

    /// The longest single field a dataset can hold; readers reject longer ones.
    public static let maxLength = (1 << 26) - 1
    public static let empty = StrRef(offset: 0, count: 0)

    @inlinable public init(offset: Int, count: Int) {
        packed = UInt64(truncatingIfNeeded: offset) << 26 | UInt64(truncatingIfNeeded: count)
    }
    @inlinable public var offset: Int { Int(truncatingIfNeeded: packed >> 26) }
    @inlinable public var count: Int { Int(truncatingIfNeeded: packed & ((1 << 26) - 1)) }
    @inlinable public var isEmpty: Bool { count == 0 }
}

/// An append-only byte buffer that owns the bytes of many strings.
///
/// Its own storage rather than `[UInt8]`: readers append a post's text and an account's five
/// profile fields per row, and `Array.append(contentsOf:)` costs a few hundred instructions per
/// call in generic sequence handling before its copy (callgrind: a tenth of all reading). Here an
/// append is a capacity check and a `memcpy`, and growth goes through `realloc`, which moves large
/// blocks by remapping pages instead of copying them. Copy-on-write keeps value semantics.
public struct ByteArena: @unchecked Sendable {
    @usableFromInline final class Storage {
        // Unchecked: the struct's copy-on-write already guarantees a writer is the only owner, and
        // dynamic exclusivity checks on these fields cost more than the copies they guard.
        @exclusivity(unchecked) @usableFromInline var base: UnsafeMutableRawPointer?
        @exclusivity(unchecked) @usableFromInline var count = 0
        @exclusivity(unchecked) var capacity = 0

        init() {}

        deinit { free(base) }

        func reserve(_ n: Int) {
            guard n > capacity else { return }
            guard let p = realloc(base, n) else { fatalError("out of memory reserving \(n) bytes of text") }
            base = p
            capacity = n
        }

        func copy() -> Storage {
            let s = Storage()
            s.reserve(Swift.max(count, 1))
            if count > 0 { memcpy(s.base!, base!, count) }
            s.count = count
            return s
        }
    }

    @usableFromInline var storage = Storage()

    package init() {}

    private mutating func uniqueStorage() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return storage
    }

    /// Appends bytes and returns their reference.
    @discardableResult
    package mutating func append(_ source: UnsafeRawBufferPointer) -> StrRef {
        let n = source.count
        if n == 0 { return .empty }
        let s = uniqueStorage()
        let start = s.count
        if start + n > s.capacity { s.reserve(Swift.max(start + n, s.capacity * 2, 4096)) }
        memcpy(s.base! + start, source.baseAddress!, n)
        s.count = start + n
        return StrRef(offset: start, count: n)
    }

    /// Appends the UTF-8 bytes of a string.
    @discardableResult
    package mutating func append(_ string: String) -> StrRef {
        var copy = string
        return copy.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    package mutating func reserveCapacity(_ n: Int) { uniqueStorage().reserve(n) }

    /// Appends another arena's bytes wholesale; returns the shift to add to its references.
    package mutating func appendArena(_ other: ByteArena) -> Int {
        let shift = byteCount
        other.withUnsafeBytes { _ = append($0) }
        return shift
    }

    @inlinable public func string(_ ref: StrRef) -> String {
        if ref.isEmpty { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: storage.base! + ref.offset, count: ref.count), as: UTF8.self)
    }

    // No lifetime fences needed below: `self` is borrowed for the whole call, so its storage
    // outlives the pointer handed to `body`.
    @inlinable public func withBytes<R>(_ ref: StrRef, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        if ref.isEmpty { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeRawBufferPointer(start: storage.base! + ref.offset, count: ref.count))
    }

    /// All the bytes, for passes over many references at once.
    @inlinable public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: storage.base, count: storage.count))
    }

    public var byteCount: Int { storage.count }

    /// The start of the arena's storage, for writers that fill its reserved capacity directly
    /// (see ``TextWindow``). Valid until the arena next grows.
    package mutating func reservedBase() -> UnsafeMutableRawPointer? {
        _ = uniqueStorage()
        return storage.base
    }

    /// Bytes reserved beyond the current end that writers may fill directly.
    package var spareCapacity: Int { storage.capacity - storage.count }

    /// Counts the bytes up to `end` as used (they were written through ``reservedBase()``).
    package mutating func extend(to end: Int) {
        let s = uniqueStorage()
        precondition(end <= s.capacity, "text window beyond the reserved arena")
        if end > s.count { s.count = end }
    }
}

/// A range of another arena that one parsing worker fills directly, so that a post's text is
/// copied once, from the input block to its final place: each chunk of a file owns the part of
/// the dataset's text arena that matches its own byte range in the file (a post's text is never
/// longer than its row), and merging then moves no text at all. The parts of each range that text
/// does not fill are never written, so they cost address space, not memory.
package struct TextWindow: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    /// Offset of the window's first byte in the arena it belongs to.
    package let offset: Int
    package let capacity: Int
    package internal(set) var used = 0

    package init(base: UnsafeMutableRawPointer, offset: Int, capacity: Int) {
        self.base = base
        self.offset = offset
        self.capacity = capacity
    }

    /// The part of this window from `at` for `count` bytes, nil if it does not fit. Parts given
    /// to different workers must not overlap.
    package func slice(at: Int, count: Int) -> TextWindow? {
        guard at >= 0, count > 0, at + count <= capacity else { return nil }
        return TextWindow(base: base + at, offset: offset + at, capacity: count)
    }

    /// Copies bytes in and returns their reference in the target arena; nil when full.
    @inline(__always)
    mutating func append(_ b: UnsafeRawBufferPointer) -> StrRef? {
        let n = b.count
        if n == 0 { return .empty }
        guard used + n <= capacity else { return nil }
        memcpy(base + used, b.baseAddress!, n)
        defer { used += n }
        return StrRef(offset: offset + used, count: n)
    }
}

/// A table of distinct strings addressed by dense `Int32` ids (languages, clients, hashtags, ids).
public struct StringTable: Sendable {
    @usableFromInline package private(set) var arena = ByteArena()
    @usableFromInline package private(set) var refs: [StrRef] = []

    public init() {}
    public init(_ strings: [String]) { for s in strings { append(s) } }

    public var count: Int { refs.count }
    @inlinable public subscript(id: Int32) -> String { arena.string(refs[Int(id)]) }
    @inlinable public subscript(id: Int) -> String { arena.string(refs[id]) }

    @discardableResult
    package mutating func append(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        refs.append(arena.append(bytes))
        return Int32(refs.count - 1)
    }
    @discardableResult
    package mutating func append(_ s: String) -> Int32 {
        refs.append(arena.append(s))
        return Int32(refs.count - 1)
    }

    public func withBytes<R>(_ id: Int32, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try arena.withBytes(refs[Int(id)], body)
    }

    /// Every string, in id order (allocates: for reports, not hot paths).
    public var strings: [String] { refs.map { arena.string($0) } }

    /// A dictionary from string to id, for lookups by analyses that need them.
    public func index() -> [String: Int32] {
        var d = [String: Int32](minimumCapacity: count)
        for i in 0..<count { d[self[i]] = Int32(i) }
        return d
    }
}

/// Interns byte strings into a ``StringTable`` with an open-addressing hash index.
///
/// Hand-written rather than `Dictionary<String, Int32>` because the readers intern several
/// fields per row at hundreds of MB/s: hashing raw bytes and comparing them with `memcmp`
/// avoids creating a `String` per field.
package struct ByteInterner: Sendable {
    package private(set) var table = StringTable()
    /// Open addressing; a slot is 0 (empty) or the top 32 bits of the string's hash above
    /// `id + 1`, so that a probe rejects other strings without reading their hash or bytes —
    /// each a cache miss once the table outgrows the cache (a merge into 300,000 accounts).
    private var slots: [UInt64] = Array(repeating: 0, count: 64)
    private var hashes: [UInt64] = []

    package init() {}

    package var count: Int { table.count }

    @inline(__always)
    static func hash(_ b: UnsafeRawBufferPointer) -> UInt64 {
        // FNV-1a over 8-byte words, then a final avalanche; fast enough and good for short ids.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(b.count)
        var i = 0
        let n = b.count
        while i + 8 <= n {
            let w = b.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ w) &* 0x0000_0100_0000_01b3
            h ^= h >> 29
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(b[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 32
        return h
    }

    /// The id of these bytes, adding them if new.
    @inline(__always)
    package mutating func intern(_ b: UnsafeRawBufferPointer) -> Int32 {
        intern(b, hash: Self.hash(b))
    }

    @inline(__always)
    static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        a.count == b.count && (a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
    }

    /// Interns bytes whose hash is already known (merging another interner reuses its hashes).
    @inline(__always)
    package mutating func intern(_ b: UnsafeRawBufferPointer, hash h: UInt64) -> Int32 {
        let mask = slots.count - 1
        let tag = h & 0xFFFF_FFFF_0000_0000
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let slot = slots[s]
            if slot == 0 { break }
            if slot & 0xFFFF_FFFF_0000_0000 == tag {
                let id = Int32(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1
                if table.withBytes(id, { Self.equal($0, b) }) { return id }
            }
            s = (s + 1) & mask
        }
        let id = table.append(b)
        hashes.append(h)
        slots[s] = tag | UInt64(UInt32(id) + 1)
        if table.count * 2 > slots.count { grow() }
        return id
    }

    /// Starts loading the slot where bytes with hash `h` would be, for a lookup a few steps later.
    @inline(__always)
    package func prefetch(hash h: UInt64) {
        slots.withUnsafeBufferPointer { lockstep_prefetch($0.baseAddress! + (Int(truncatingIfNeeded: h) & ($0.count - 1))) }
    }

    /// Sizes the index for `n` strings, so that filling it never rehashes.
    package mutating func reserve(_ n: Int) {
        var size = slots.count
        while n * 2 > size { size *= 2 }
        guard size > slots.count else { return }
        hashes.reserveCapacity(n)
        rehash(size)
    }

    /// The stored hash of an id, so a merge need not hash the bytes again.
    package func hash(of id: Int32) -> UInt64 { hashes[Int(id)] }

    package mutating func intern(_ s: String) -> Int32 {
        var copy = s
        return copy.withUTF8 { intern(UnsafeRawBufferPointer($0)) }
    }

    /// The id of these bytes if present.
    package func lookup(_ b: UnsafeRawBufferPointer) -> Int32? {
        let h = Self.hash(b)
        let mask = slots.count - 1
        let tag = h & 0xFFFF_FFFF_0000_0000
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let slot = slots[s]
            if slot == 0 { return nil }
            if slot & 0xFFFF_FFFF_0000_0000 == tag {
                let id = Int32(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1
                if table.withBytes(id, { Self.equal($0, b) }) { return id }
            }
            s = (s + 1) & mask
        }
    }

    package func lookup(_ s: String) -> Int32? {
        var copy = s
        return copy.withUTF8 { lookup(UnsafeRawBufferPointer($0)) }
    }

    private mutating func grow() { rehash(slots.count * 2) }

    private mutating func rehash(_ size: Int) {
        var fresh = [UInt64](repeating: 0, count: size)
        let mask = size - 1
        for (id, h) in hashes.enumerated() {
            var s = Int(truncatingIfNeeded: h) & mask
            while fresh[s] != 0 { s = (s + 1) & mask }
            fresh[s] = h & 0xFFFF_FFFF_0000_0000 | UInt64(UInt32(id) + 1)
        }
        slots = fresh
    }
}
