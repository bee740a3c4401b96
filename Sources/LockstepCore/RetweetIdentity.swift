/// The identity of a retweeted post known only by its text (a release without retweeted-post ids,
/// such as FiveThirtyEight's IRA tweets): a 64-bit hash of the source account's handle, where
/// known, and the original's text normalised so that every copy of one original hashes alike.
///
/// Normalisation (docs/methodology/coordination-traces.md says what it merges and splits):
/// the `RT @handle:` prefix is removed (the handle becomes the source); `t.co` links are removed,
/// since a truncated copy loses them and a client may re-shorten them; a last word cut by a
/// truncation ellipsis `…` is removed with the ellipsis, so all copies truncated at the same place
/// agree; runs of whitespace become one space. Case is kept.
///
/// Readers store the hash as a derived post key (``PostKeyTable/isDerived(_:)``), so the traces
/// treat it like any retweeted-post id; analyses recompute it for originals in the data to find
/// the original's time and author.
public enum RetweetIdentity {
    /// Prefix of a derived post key; 16 lowercase hex digits of the hash follow.
    public static let keyPrefix: StaticString = "rt-text:"

    /// The source handle from an `RT @handle:` prefix (1 to 15 word characters; the colon may be
    /// missing) and the text after the prefix, or nil when the text has no such prefix.
    @inline(__always)
    public static func retweetPrefix(_ text: UnsafeRawBufferPointer) -> (handle: UnsafeRawBufferPointer, body: UnsafeRawBufferPointer)? {
        guard text.count > 4, text[0] == 82, text[1] == 84, text[2] == 32, text[3] == 64 else { return nil }
        var e = 4
        while e < text.count && e - 4 <= 15 && isWord(text[e]) { e += 1 }
        guard e > 4, e - 4 <= 15 else { return nil }
        var s = e
        if s < text.count && text[s] == 58 { s += 1 }
        return (UnsafeRawBufferPointer(rebasing: text[4..<e]), UnsafeRawBufferPointer(rebasing: text[s...]))
    }

    /// The identity of the post a retweet with this text retweets; the source is the prefix's
    /// handle, or `source` (the reader's retweeted-account handle, if any) when there is no prefix.
    public static func ofRetweet(_ text: UnsafeRawBufferPointer, source: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)) -> UInt64? {
        if let p = retweetPrefix(text) { return hash(source: p.handle, body: p.body) }
        return hash(source: source, body: text)
    }

    /// The identity of an original by the account with handle `source` (empty: unknown) and text
    /// `body`, or nil when the body is empty. A body that is nothing but `t.co` links (a picture)
    /// keeps them: the link is then all that tells two originals apart.
    public static func hash(source: UnsafeRawBufferPointer, body b: UnsafeRawBufferPointer) -> UInt64? {
        hash(source: source, body: b, keepLinks: false) ?? hash(source: source, body: b, keepLinks: true)
    }

    static func hash(source: UnsafeRawBufferPointer, body b: UnsafeRawBufferPointer, keepLinks: Bool) -> UInt64? {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        @inline(__always) func add(_ c: UInt8) { h = (h ^ UInt64(c)) &* 0x0000_0100_0000_01b3 }
        for c in source { add(c >= 65 && c <= 90 ? c + 32 : c) }
        add(0)
        var end = b.count
        while end > 0 && isSpace(b[end - 1]) { end -= 1 }
        // A truncation ellipsis ends a word cut anywhere: drop the ellipsis and that word.
        if end >= 3 && b[end - 3] == 0xE2 && b[end - 2] == 0x80 && b[end - 1] == 0xA6 {
            end -= 3
            while end > 0 && !isSpace(b[end - 1]) { end -= 1 }
        }
        var i = 0, pendingSpace = false, emitted = false
        while i < end {
            let c = b[i]
            if isSpace(c) {
                pendingSpace = emitted
                i += 1
                continue
            }
            if !keepLinks, c == 104 || c == 72 || c == 116 || c == 84, i == 0 || !isWord(b[i - 1]) {
                let l = tcoLength(b, i, end)
                if l > 0 { i += l; continue }
            }
            if pendingSpace { add(32); pendingSpace = false }
            add(c)
            emitted = true
            i += 1
        }
        guard emitted else { return nil }
        // FNV-1a mixes the last bytes weakly; a finaliser spreads them over all 64 bits.
        h ^= h >> 33; h &*= 0xff51_afd7_ed55_8ccd; h ^= h >> 33; h &*= 0xc4ce_b9fe_1a85_ec53; h ^= h >> 33
        return h
    }

    /// Length of a `t.co` link (`http://t.co/…`, `https://t.co/…` or bare `t.co/…`, any case) at `i`, else 0.
    @inline(__always)
    static func tcoLength(_ b: UnsafeRawBufferPointer, _ i: Int, _ end: Int) -> Int {
        var j = i
        @inline(__always) func lit(_ s: StaticString) -> Bool {
            let n = s.utf8CodeUnitCount
            guard j + n <= end else { return false }
            for k in 0..<n where b[j + k] | 32 != s.utf8Start[k] | 32 { return false }
            j += n
            return true
        }
        if lit("http") {
            _ = lit("s")
            guard lit("://") else { return 0 }
        }
        guard lit("t.co/") else { return 0 }
        while j < end && isAlnum(b[j]) { j += 1 }
        return j - i
    }

    /// The derived post key's bytes for an identity: `rt-text:` and 16 hex digits.
    @inline(__always)
    public static func withKey<R>(_ identity: UInt64, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buf in
            let p = keyPrefix.utf8Start
            let n = keyPrefix.utf8CodeUnitCount
            for k in 0..<n { buf[k] = p[k] }
            for k in 0..<16 {
                let d = UInt8(truncatingIfNeeded: identity >> UInt64(60 - 4 * k)) & 15
                buf[n + k] = d < 10 ? 48 + d : 87 + d
            }
            return body(UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buf[0..<(n + 16)])))
        }
    }

    /// The identity a derived key's bytes hold, or nil for any other post id.
    public static func identity(ofKey b: UnsafeRawBufferPointer) -> UInt64? {
        let n = keyPrefix.utf8CodeUnitCount
        guard b.count == n + 16 else { return nil }
        for k in 0..<n where b[k] != keyPrefix.utf8Start[k] { return nil }
        var v: UInt64 = 0
        for k in n..<(n + 16) {
            let c = b[k]
            let d: UInt8 = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : 255
            if d == 255 { return nil }
            v = v << 4 | UInt64(d)
        }
        return v
    }

    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 32 || (c >= 9 && c <= 13) }
    @inline(__always) static func isAlnum(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c | 32 >= 97 && c | 32 <= 122) }
    @inline(__always) static func isWord(_ c: UInt8) -> Bool { isAlnum(c) || c == 95 }
}

extension PostKeyTable {
    /// Whether post key `id` is a retweeted post's text identity (``RetweetIdentity``), not an id from the input.
    package func isDerived(_ id: Int32) -> Bool { derivedIdentity(id) != nil }

    /// The ``RetweetIdentity`` a derived post key holds, or nil for an id from the input.
    package func derivedIdentity(_ id: Int32) -> UInt64? {
        guard numeric[Int(id)] == .max else { return nil }
        return strings.withBytes(stringIndex[Int(id)]) { RetweetIdentity.identity(ofKey: $0) }
    }
}
