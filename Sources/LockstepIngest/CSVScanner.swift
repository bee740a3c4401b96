import Foundation
import LockstepCore

// A byte-level RFC 4180 scanner, written by hand because speed is a feature here: the Swift CSV
// packages on this machine parse at 7–18 MB/s, while a scanner over raw bytes that unescapes
// quoted fields in place and finds quotes with `memchr` reaches hundreds of MB/s per core.
// Fields are byte ranges into the block buffer; nothing is allocated per row.

/// The fields of one CSV row, as byte ranges into the block being parsed.
package struct CSVRow {
    @usableFromInline let base: UnsafeMutablePointer<UInt8>
    @usableFromInline let starts: UnsafeMutablePointer<Int>
    @usableFromInline let ends: UnsafeMutablePointer<Int>
    /// Number of fields.
    package let count: Int
    @usableFromInline let lines: UnsafeMutablePointer<LineCounter>
    let rowStart: Int

    /// Line where the row starts (relative to its chunk until the driver shifts it). Counted only
    /// when asked — rejections are rare — so the scanner never counts line breaks field by field.
    package var line: Int { lines.pointee.lines(upTo: rowStart) }

    /// The bytes of field `i` (quotes removed, doubled quotes unescaped).
    @inlinable package subscript(i: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + starts[i], count: ends[i] - starts[i])
    }

    /// 1-based byte column of field `i` within the row's first line, for error messages.
    package func column(_ i: Int) -> Int { starts[i] - rowStart + 1 }

    package func string(_ i: Int) -> String { String(decoding: self[i], as: UTF8.self) }
}

/// Counts line breaks lazily and monotonically through a chunk (rows are visited in order).
package struct LineCounter {
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
package protocol CSVRowHandler: Sendable {
    /// Fields every row must have (the header's count).
    var fieldCount: Int { get }
    /// Adds the row to `builder`; returns false after rejecting it through `log`.
    mutating func row(_ row: CSVRow, builder: inout DatasetBuilder, log: inout RejectionLog) throws -> Bool
    /// Called with the next row while `row` is not yet called for it: starts loading what adding
    /// it will look up (see ``DatasetBuilder/prefetchAccount(id:)``). A hint only; may do nothing.
    func prefetch(_ row: CSVRow, builder: borrowing DatasetBuilder)
}

extension CSVRowHandler {
    package func prefetch(_ row: CSVRow, builder: borrowing DatasetBuilder) {}
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
                    // Unescaping left a stale copy of the field's last bytes before the closing
                    // quote; blanked, so that a line break in it is not counted twice when the row's
                    // line number is worked out.
                    if w != q { (p + w).update(repeating: 32, count: q - w) }
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
                    if c == sep || c == 10 { break }
                    // A CR ends the row only before an LF (or at the end of the input); a bare CR
                    // is data, as the block cutter and line numbers see only LF as a line break.
                    if c == 13 && (i + 1 == end || p[i + 1] == 10) { break }
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

    /// Where byte `offset` of a row that starts at `rowStart` is: line breaks before it in the
    /// row, and its 1-based column on its own line. For rejections (rare), so byte by byte.
    static func position(_ p: UnsafePointer<UInt8>, rowStart: Int, offset: Int) -> (lines: Int, column: Int) {
        var lines = 0, lineStart = rowStart
        var i = rowStart
        while i < offset {
            if p[i] == 10 { lines += 1; lineStart = i + 1 }
            i += 1
        }
        return (lines, offset - lineStart + 1)
    }

    /// Position after the first line break at or after `from` (resynchronisation after a bad row).
    static func nextLine(_ p: UnsafeMutablePointer<UInt8>, from: Int, end: Int) -> Int {
        guard from < end, let hit = memchr(p + from, 10, end - from) else { return end }
        return p.distance(to: hit.assumingMemoryBound(to: UInt8.self)) + 1
    }

    /// Whether `n` bytes are valid UTF-8 (Unicode table 3-7: no overlongs, no surrogates, nothing
    /// above U+10FFFF). One pass over a whole chunk, so that a clean chunk (the usual case) skips
    /// the per-field checks.
    ///
    /// Sixteen bytes at a time, by comparisons only (no table lookups, which Swift's SIMD types
    /// cannot express), each byte checked against the three before it, loaded again at offsets
    /// -1, -2 and -3: a byte must be a continuation byte (10xxxxxx) exactly when a lead byte one,
    /// two or three places back asks for one (any lead, 3- and 4-byte leads, 4-byte leads); lead
    /// bytes C0, C1 and F5–FF never occur; and after E0, ED, F0 and F4 the next byte's range is
    /// narrowed (overlongs, surrogates, above U+10FFFF). Checking Chinese text character by
    /// character had cost a tenth of reading. The first bytes (no three before them) and the last
    /// (a sequence cut off at the end) are checked one character at a time.
    static func isValidUTF8(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        // Up to the first character boundary at or after byte 3, by characters.
        var i = 0
        while i < n && i < 3 {
            guard let next = validSequence(p, i, n) else { return false }
            i = next
        }
        let raw = UnsafeRawPointer(p)
        // Sixteen lanes, the machine's width: Swift compiles `&`, `|`, `^` on SIMD32<UInt8> (and
        // `==` of whole vectors) element by element, which made this twenty times slower than
        // checking character by character; on SIMD16 each is one instruction.
        typealias V = SIMD16<UInt8>
        @inline(__always) func isZero(_ v: V) -> Bool {
            let w = unsafeBitCast(v, to: SIMD2<UInt64>.self)
            return w[0] | w[1] == 0
        }
        @inline(__always) func eq(_ a: V, _ b: V) -> V { unsafeBitCast(a .== b, to: V.self) }
        let k80 = V(repeating: 0x80), kC0 = V(repeating: 0xC0), kE0 = V(repeating: 0xE0), kF0 = V(repeating: 0xF0)
        let kED = V(repeating: 0xED), kF4 = V(repeating: 0xF4), kFE = V(repeating: 0xFE)
        let kF5 = V(repeating: 0xF5), kF6 = V(repeating: 0xF6), kF7 = V(repeating: 0xF7), kF8 = V(repeating: 0xF8)
        let kA0 = V(repeating: 0xA0)
        var bad = V()
        while i + 16 <= n {
            let v0 = raw.loadUnaligned(fromByteOffset: i, as: V.self)
            let v3 = raw.loadUnaligned(fromByteOffset: i - 3, as: V.self)
            // Bytes i-3 ..< i+16 all ASCII: nothing to check (most of English text).
            if isZero((v0 | v3) & k80) {
                i += 16
                continue
            }
            let v1 = raw.loadUnaligned(fromByteOffset: i - 1, as: V.self)
            let v2 = raw.loadUnaligned(fromByteOffset: i - 2, as: V.self)
            let isContinuation = eq(v0 & kC0, k80)
            let wanted = eq(v1 & kC0, kC0) | eq(v2 & kE0, kE0) | eq(v3 & kF0, kF0)
            bad |= isContinuation ^ wanted
            // Never valid anywhere: C0, C1 (overlong 2-byte leads), F5–FF.
            bad |= eq(v0 & kFE, kC0) | eq(v0 & kF8, kF8) | eq(v0, kF5) | eq(v0, kF6) | eq(v0, kF7)
            // The second byte's narrower ranges (a byte that is no continuation is caught above):
            // after E0 not 80–9F, after ED not A0–BF, after F0 not 80–8F, after F4 only 80–8F.
            let top3 = v0 & kE0, top4 = v0 & kF0
            bad |= eq(v1, kE0) & eq(top3, k80)
            bad |= eq(v1, kED) & eq(top3, kA0)
            bad |= eq(v1, kF0) & eq(top4, k80)
            bad |= eq(v1, kF4) & ~eq(top4, k80)
            i += 16
        }
        if !isZero(bad) { return false }
        // The rest by characters, from the start of the character that holds byte `i - 3`: a
        // lead byte in the last three checked may begin a sequence that the end cuts off.
        i = max(i - 3, 0)
        while i > 0 && p[i] & 0xC0 == 0x80 { i -= 1 }
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
