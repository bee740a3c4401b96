import Foundation
import LockstepCore

// A byte-level RFC 4180 scanner, written by hand because speed is a feature here: the Swift CSV
// packages on this machine parse at 7–18 MB/s, while a scanner over raw bytes that unescapes
// quoted fields in place and finds quotes with `memchr` reaches hundreds of MB/s per core.
// Fields are byte ranges into the block buffer; nothing is allocated per row.

/// The fields of one CSV row, as byte ranges into the block being parsed.
public struct CSVRow {
    @usableFromInline let base: UnsafeMutablePointer<UInt8>
    @usableFromInline let starts: UnsafeMutablePointer<Int>
    @usableFromInline let ends: UnsafeMutablePointer<Int>
    /// Number of fields.
    public let count: Int
    @usableFromInline let lines: UnsafeMutablePointer<LineCounter>
    let rowStart: Int

    /// Line where the row starts (relative to its chunk until the driver shifts it). Counted only
    /// when asked — rejections are rare — so the scanner never counts line breaks field by field.
    public var line: Int { lines.pointee.lines(upTo: rowStart) }

    /// The bytes of field `i` (quotes removed, doubled quotes unescaped).
    @inlinable public subscript(i: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + starts[i], count: ends[i] - starts[i])
    }

    /// 1-based byte column of field `i` within the row's first line, for error messages.
    public func column(_ i: Int) -> Int { starts[i] - rowStart + 1 }

    public func string(_ i: Int) -> String { String(decoding: self[i], as: UTF8.self) }
}

/// Counts line breaks lazily and monotonically through a chunk (rows are visited in order).
public struct LineCounter {
    let base: UnsafePointer<UInt8>
    var position: Int
    var count = 0

    init(base: UnsafePointer<UInt8>, start: Int) {
        self.base = base
        position = start
    }

    /// Line breaks between the chunk start and `offset` (which never goes backwards).
    mutating func lines(upTo offset: Int) -> Int {
        if offset > position {
            count += CSVScan.countByte(base + position, offset - position, 10)
            position = offset
        }
        return count
    }
}

/// What a format does with each row: check it, and add it to the dataset or reject it.
public protocol CSVRowHandler: Sendable {
    /// Fields every row must have (the header's count).
    var fieldCount: Int { get }
    /// Adds the row to `builder`; returns false after rejecting it through `log`.
    mutating func row(_ row: CSVRow, builder: inout DatasetBuilder, log: inout RejectionLog) throws -> Bool
    /// Called with the next row while `row` is not yet called for it: starts loading what adding
    /// it will look up (see ``DatasetBuilder/prefetchAccount(id:)``). A hint only; may do nothing.
    func prefetch(_ row: CSVRow, builder: borrowing DatasetBuilder)
}

extension CSVRowHandler {
    public func prefetch(_ row: CSVRow, builder: borrowing DatasetBuilder) {}
}

/// Growable scratch arrays of field boundaries, reused across rows.
struct FieldBuffer {
    var starts: UnsafeMutablePointer<Int>
    var ends: UnsafeMutablePointer<Int>
    var capacity: Int
    var count = 0

    init(capacity: Int = 64) {
        self.capacity = capacity
        starts = .allocate(capacity: capacity)
        ends = .allocate(capacity: capacity)
    }

    func free() { starts.deallocate(); ends.deallocate() }

    @inline(__always) mutating func append(_ s: Int, _ e: Int) {
        if count == capacity { grow() }
        starts[count] = s
        ends[count] = e
        count += 1
    }

    mutating func grow() {
        let n = capacity * 2
        let s2 = UnsafeMutablePointer<Int>.allocate(capacity: n), e2 = UnsafeMutablePointer<Int>.allocate(capacity: n)
        s2.update(from: starts, count: count)
        e2.update(from: ends, count: count)
        starts.deallocate(); ends.deallocate()
        starts = s2; ends = e2; capacity = n
    }
}

enum RowStatus {
    case ok
    case unbalancedQuote(column: Int)
    case junkAfterQuote(column: Int, found: UInt8)
}

/// The field delimiter as a type, so that the comma path, specialised with a constant, compiles to
/// the same scanner as before delimiters became configurable (measured: a runtime delimiter
/// parameter slowed the comma path's row loop by about 15%).
protocol FieldSeparator {
    var byte: UInt8 { get }
}

/// `,`, known at compile time.
struct CommaSeparator: FieldSeparator {
    @inline(__always) var byte: UInt8 { 44 }
}

/// Any other single-byte delimiter (`\t`, `;`, `|`), known at run time.
struct ByteSeparator: FieldSeparator {
    let byte: UInt8
}

enum CSVScan {
    /// Counts one byte value 32 bytes at a time: lane-wise compares accumulate into byte counters
    /// (a matching lane is all ones, so subtracting it adds one), folded into the total every 255
    /// steps before a lane can wrap. On the baseline x86-64 target this compiles to SSE2 compares
    /// and subtractions, about three times the speed of the eight-byte SWAR loop it replaced.
    @inline(__always)
    static func countByte(_ p: UnsafePointer<UInt8>, _ n: Int, _ byte: UInt8) -> Int {
        var c = 0
        var i = 0
        let pattern = SIMD32<UInt8>(repeating: byte)
        let raw = UnsafeRawPointer(p)
        while i + 32 <= n {
            var lanes = SIMD32<UInt8>()
            var k = 0
            while k < 255 && i + 32 <= n {
                let v = raw.loadUnaligned(fromByteOffset: i, as: SIMD32<UInt8>.self)
                lanes &-= unsafeBitCast(v .== pattern, to: SIMD32<UInt8>.self)
                i += 32
                k += 1
            }
            c += Int(SIMD32<UInt16>(truncatingIfNeeded: lanes).wrappedSum())
        }
        while i < n { if p[i] == byte { c += 1 }; i += 1 }
        return c
    }

    /// Parses one row starting at `pos`, unescaping quoted fields in place.
    @inline(__always)
    /// `sep` is the field delimiter; inlined with the constant comma, the common path is unchanged.
    static func parseRow(_ p: UnsafeMutablePointer<UInt8>, _ pos: inout Int, _ end: Int,
                         _ fields: inout FieldBuffer, _ sep: UInt8 = 44) -> RowStatus {
        fields.count = 0
        let rowStart = pos
        var i = pos
        while true {
            if i < end && p[i] == 34 {
                // The field's content starts after the opening quote and stays where it is: only
                // a doubled quote makes the bytes after it move back (most fields have none, so
                // most rows are parsed without writing a byte).
                let fstart = i + 1
                var w = fstart
                var r = fstart
                while true {
                    // Most fields are short: look ahead eight bytes at a time (exact first-match
                    // zero-byte detection) before paying for a memchr call.
                    var q = r
                    let near = min(end, r + 64)
                    while q + 8 <= near {
                        let x = UnsafeRawPointer(p + q).loadUnaligned(as: UInt64.self) ^ 0x2222_2222_2222_2222
                        let hit = (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
                        if hit != 0 { q += hit.trailingZeroBitCount >> 3; break }
                        q += 8
                    }
                    if q + 8 > near { while q < near && p[q] != 34 { q += 1 } }
                    if q == near {
                        guard let hit = memchr(p + q, 34, end - q) else {
                            return .unbalancedQuote(column: fstart - rowStart)
                        }
                        q = p.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    }
                    if w != r { (p + w).update(from: p + r, count: q - r) }
                    w += q - r
                    if q + 1 < end && p[q + 1] == 34 {
                        p[w] = 34
                        w += 1
                        r = q + 2
                        continue
                    }
                    fields.append(fstart, w)
                    i = q + 1
                    break
                }
                if i >= end { pos = end; return .ok }
                let c = p[i]
                if c == sep { i += 1; continue }
                if c == 10 { pos = i + 1; return .ok }
                if c == 13 {
                    if i + 1 < end && p[i + 1] == 10 { pos = i + 2; return .ok }
                    if i + 1 >= end { pos = end; return .ok }
                }
                return .junkAfterQuote(column: i - rowStart + 1, found: c)
            } else {
                let fstart = i
                while i < end {
                    let c = p[i]
                    if c == sep || c == 10 || c == 13 { break }
                    i += 1
                }
                fields.append(fstart, i)
                if i >= end { pos = end; return .ok }
                let c = p[i]
                if c == sep { i += 1; continue }
                if c == 13 && i + 1 < end && p[i + 1] == 10 { i += 1 }
                pos = i + 1
                return .ok
            }
        }
    }

    /// Position after the first line break at or after `from` (resynchronisation after a bad row).
    static func nextLine(_ p: UnsafeMutablePointer<UInt8>, from: Int, end: Int) -> Int {
        guard from < end, let hit = memchr(p + from, 10, end - from) else { return end }
        return p.distance(to: hit.assumingMemoryBound(to: UInt8.self)) + 1
    }

    /// Whether `n` bytes are valid UTF-8 (Unicode table 3-7: no overlongs, no surrogates, nothing
    /// above U+10FFFF). One pass over a whole chunk, so that a clean chunk (the usual case) skips
    /// the per-field checks, which cost a tenth of reading: ASCII is skipped sixteen bytes at a
    /// time, and each multi-byte sequence is checked by ranges on its first two bytes instead of
    /// being decoded.
    static func isValidUTF8(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 16 <= n {
            let a = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let b = raw.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)
            if (a | b) & 0x8080_8080_8080_8080 == 0 { i += 16; continue }
            // Mixed text (Chinese with Latin, say): the next sixteen bytes character by character,
            // without testing for a pure ASCII word before each one.
            let stop = i + 16
            while i < stop {
                guard let next = validSequence(p, i, n) else { return false }
                i = next
            }
        }
        while i < n {
            guard let next = validSequence(p, i, n) else { return false }
            i = next
        }
        return true
    }

    /// The position after the valid character at `i`, or nil.
    @inline(__always)
    private static func validSequence(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Int? {
        let c = p[i]
        if c < 0x80 { return i + 1 }
        if c < 0xC2 { return nil }
        if c < 0xE0 {
            guard i + 1 < n, p[i + 1] & 0xC0 == 0x80 else { return nil }
            return i + 2
        }
        guard i + 1 < n else { return nil }
        let d = p[i + 1]
        if c < 0xF0 {
            let lo: UInt8 = c == 0xE0 ? 0xA0 : 0x80, hi: UInt8 = c == 0xED ? 0x9F : 0xBF
            guard d >= lo, d <= hi, i + 2 < n, p[i + 2] & 0xC0 == 0x80 else { return nil }
            return i + 3
        }
        if c > 0xF4 { return nil }
        let lo: UInt8 = c == 0xF0 ? 0x90 : 0x80, hi: UInt8 = c == 0xF4 ? 0x8F : 0xBF
        guard d >= lo, d <= hi, i + 3 < n, p[i + 2] & 0xC0 == 0x80, p[i + 3] & 0xC0 == 0x80 else { return nil }
        return i + 4
    }

    /// Index of the first byte that breaks UTF-8, or nil. ASCII runs are skipped a word at a time.
    static func firstInvalidUTF8(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
        var i = 0
        while i < n {
            if i + 8 <= n && UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
                continue
            }
            guard let next = validSequence(p, i, n) else { return i }
            i = next
        }
        return nil
    }
}

/// A raw pointer that may cross into worker threads; each worker touches only its own range.
struct SharedBytes: @unchecked Sendable {
    let p: UnsafeMutablePointer<UInt8>
}

/// A read-only pointer shared with worker threads that only read it.
struct SharedConstBytes: @unchecked Sendable {
    let p: UnsafePointer<UInt8>
}
