import LockstepCore

/// Splits post text into terms for narrative counts, without a dictionary and without `String`s.
///
/// - Latin and Cyrillic letters (English, Spanish, Russian, ...) form words, lowercased; a word
///   needs two characters and at least one letter.
/// - Han runs (Chinese) become overlapping character bigrams; runs that contain kana (Japanese)
///   become bigrams too, except bigrams of two hiragana, which are almost always grammar.
/// - URLs (`http://`, `https://`, `www.`), mentions (`@name`), hashtags (`#tag`, counted from the
///   post's hashtag column instead), HTML entities (`&amp;`) and a leading `RT` are skipped.
/// - Stop words (``StopWords``) are dropped: they are interned first, so a term is a stop word
///   exactly when its id is below ``stopWordCount``, which costs no extra lookup.
package struct Tokenizer: Sendable {
    /// Every term seen so far; ids below ``stopWordCount`` are stop words.
    package private(set) var terms = TermTable()
    /// How many ids are stop words.
    package let stopWordCount: Int32
    private var scratch: [UInt8] = []

    /// A tokenizer with the stop words interned first.
    package init() {
        for w in StopWords.all { _ = terms.intern(w) }
        stopWordCount = Int32(terms.count)
        scratch.reserveCapacity(64)
    }

    /// The terms of one text, in order (allocates: for tests and reports, not hot paths).
    package static func terms(_ text: String) -> [String] {
        var t = Tokenizer()
        var ids: [Int32] = []
        var s = text
        s.withUTF8 { t.termIDs(UnsafeRawBufferPointer($0), into: &ids) }
        return ids.map { t.terms[$0] }
    }

    /// The string of a term id.
    package func term(_ id: Int32) -> String { terms[id] }

    /// How many distinct terms (stop words included) have been seen.
    package var termCount: Int { terms.count }

    /// Appends the term ids of `text` (stop words dropped) to `out`.
    package mutating func termIDs(_ b: UnsafeRawBufferPointer, into out: inout [Int32]) {
        var s = scratch
        scratch = []
        let stop = stopWordCount
        Self.scan(b, scratch: &s) { bytes, fold in
            let id = terms.intern(bytes, fold: fold)
            if id >= stop { out.append(id) }
        }
        scratch = s
    }

    private enum Kind { case other, word, han, hiragana, katakana }

    /// Decodes the scalar at `i`; returns its kind, byte length and (for word letters) the lowercase scalar.
    @inline(__always)
    private static func classify(_ b: UnsafeRawBufferPointer, _ i: Int) -> (Kind, Int, UInt32) {
        let c0 = b[i]
        if c0 < 0x80 {
            if c0 >= 97 && c0 <= 122 || c0 >= 48 && c0 <= 57 { return (.word, 1, UInt32(c0)) }
            if c0 >= 65 && c0 <= 90 { return (.word, 1, UInt32(c0 + 32)) }
            return (.other, 1, 0)
        }
        let n = b.count
        if c0 & 0xE0 == 0xC0 {
            guard i + 1 < n else { return (.other, 1, 0) }
            let u = UInt32(c0 & 0x1F) << 6 | UInt32(b[i + 1] & 0x3F)
            switch u {
            case 0xC0...0xDE where u != 0xD7: return (.word, 2, u + 0x20)
            case 0xDF...0xFF where u != 0xF7: return (.word, 2, u)
            case 0x100...0x17F: return (.word, 2, u)  // Latin Extended-A: case kept as written.
            case 0x400...0x40F: return (.word, 2, u + 0x50)
            case 0x410...0x42F: return (.word, 2, u + 0x20)
            case 0x430...0x4FF: return (.word, 2, u)
            default: return (.other, 2, 0)
            }
        }
        if c0 & 0xF0 == 0xE0 {
            guard i + 2 < n else { return (.other, 1, 0) }
            let u = UInt32(c0 & 0x0F) << 12 | UInt32(b[i + 1] & 0x3F) << 6 | UInt32(b[i + 2] & 0x3F)
            switch u {
            case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0xF900...0xFAFF: return (.han, 3, u)
            case 0x3041...0x309F: return (.hiragana, 3, u)
            case 0x30A0...0x30FF: return (.katakana, 3, u)
            default: return (.other, 3, 0)
            }
        }
        if c0 & 0xF8 == 0xF0 { return (.other, min(4, n - i), 0) }
        return (.other, 1, 0)
    }

    @inline(__always)
    private static func hasPrefix(_ b: UnsafeRawBufferPointer, _ i: Int, _ p: StaticString) -> Bool {
        let n = p.utf8CodeUnitCount
        guard i + n <= b.count else { return false }
        let s = p.utf8Start
        for k in 0..<n {
            var c = b[i + k]
            if c >= 65 && c <= 90 { c += 32 }
            if c != s[k] { return false }
        }
        return true
    }

    /// Calls `emit(bytes, fold)` for every term of `text` in order, stop words included: `bytes`
    /// are the term's bytes, to be lowercased (ASCII only) first when `fold` is set. Lowercased
    /// non-ASCII words are built in `scratch`. The one definition of what a term is.
    @inline(__always)
    static func scan(_ b: UnsafeRawBufferPointer, scratch: inout [UInt8], _ emit: (UnsafeRawBufferPointer, Bool) -> Void) {
        let n = b.count
        var i = 0
        // A retweet's "RT @name:" prefix is not the author's language.
        if Self.hasPrefix(b, 0, "rt @") { i = 3 }
        while i < n {
            let c = b[i]
            // Skips: URLs, mentions, hashtags, entities. All end at whitespace or a non-word byte.
            if c == 64 || c == 35 {  // @ #
                i += 1
                while i < n {
                    let (k, len, _) = Self.classify(b, i)
                    if k == .other && b[i] != 95 { break }
                    i += len
                }
                continue
            }
            if c == 38 {  // &amp; &lt; ...
                var j = i + 1
                while j < n && j - i < 8 && (b[j] >= 97 && b[j] <= 122 || b[j] == 35 || b[j] >= 48 && b[j] <= 57) { j += 1 }
                i = j < n && b[j] == 59 ? j + 1 : i + 1
                continue
            }
            if (c == 104 || c == 72 || c == 119 || c == 87) && (Self.hasPrefix(b, i, "http://") || Self.hasPrefix(b, i, "https://") || Self.hasPrefix(b, i, "www.")) {
                while i < n && b[i] > 32 { i += 1 }
                continue
            }
            if c < 0x80 {
                // ASCII fast path: a run of letters and digits not followed by a non-ASCII letter.
                var j = i, letters = 0
                while j < n {
                    let x = b[j]
                    let l = x | 0x20
                    if l &- 97 < 26 { letters += 1 } else if x &- 48 >= 10 { break }
                    j += 1
                }
                if j == i { i += 1; continue }
                if j == n || b[j] < 0x80 || Self.classify(b, j).0 != .word {
                    if j - i >= 2 && letters > 0 && j - i <= 60 {
                        emit(UnsafeRawBufferPointer(rebasing: b[i..<j]), true)
                    }
                    i = j
                    continue
                }
            }
            let (kind, len, scalar) = Self.classify(b, i)
            switch kind {
            case .other:
                i += len
            case .word:
                let start = i
                var lower = true, letters = 0, chars = 0
                var j = i
                var s = scalar, l = len
                while true {
                    chars += 1
                    if s >= 97 { letters += 1 }
                    if !Self.lowerMatches(b, j, l, s) { lower = false }
                    j += l
                    guard j < n else { break }
                    let (k2, l2, s2) = Self.classify(b, j)
                    if k2 != .word { break }
                    s = s2; l = l2
                }
                i = j
                guard chars >= 2, letters > 0, j - start <= 60 else { continue }
                // A word glued to a URL or mention ("see:http") is rare; treat it as a word.
                if lower {
                    emit(UnsafeRawBufferPointer(rebasing: b[start..<j]), false)
                } else {
                    scratch.removeAll(keepingCapacity: true)
                    var p = start
                    while p < j {
                        let (_, lp, sp) = Self.classify(b, p)
                        Self.appendUTF8(sp, to: &scratch)
                        p += lp
                    }
                    scratch.withUnsafeBytes { emit($0, false) }
                }
            case .han, .hiragana, .katakana:
                // Collect the run's character starts (every CJK scalar here is 3 bytes long).
                let start = i
                var j = i
                var hasKana = false
                while j < n {
                    let (k2, l2, _) = Self.classify(b, j)
                    if k2 == .han || k2 == .hiragana || k2 == .katakana {
                        if k2 != .han { hasKana = true }
                        j += l2
                    } else { break }
                }
                i = j
                var p = start
                while p + 6 <= j {
                    if hasKana && Self.isHiragana(b, p) && Self.isHiragana(b, p + 3) { p += 3; continue }
                    emit(UnsafeRawBufferPointer(rebasing: b[p..<(p + 6)]), false)
                    p += 3
                }
            }
        }
    }

    @inline(__always)
    private static func isHiragana(_ b: UnsafeRawBufferPointer, _ p: Int) -> Bool {
        // U+3041...U+309F is E3 81 81 ... E3 82 9F.
        b[p] == 0xE3 && (b[p + 1] == 0x81 || b[p + 1] == 0x82 && b[p + 2] <= 0x9F)
    }

    /// Whether the bytes at `i` already are the lowercase scalar `s`.
    @inline(__always)
    private static func lowerMatches(_ b: UnsafeRawBufferPointer, _ i: Int, _ len: Int, _ s: UInt32) -> Bool {
        if len == 1 { return UInt32(b[i]) == s }
        let u = UInt32(b[i] & 0x1F) << 6 | UInt32(b[i + 1] & 0x3F)
        return u == s
    }

    @inline(__always)
    private static func appendUTF8(_ u: UInt32, to out: inout [UInt8]) {
        if u < 0x80 { out.append(UInt8(u)) }
        else if u < 0x800 { out.append(UInt8(0xC0 | u >> 6)); out.append(UInt8(0x80 | u & 0x3F)) }
        else { out.append(UInt8(0xE0 | u >> 12)); out.append(UInt8(0x80 | u >> 6 & 0x3F)); out.append(UInt8(0x80 | u & 0x3F)) }
    }
}
