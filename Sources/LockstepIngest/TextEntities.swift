import LockstepCore

/// Hashtags, mentions and links read from post text, for inputs that carry them nowhere else
/// (FiveThirtyEight's IRA release; a mapped CSV without those columns). docs/ingest.md states the rules.
///
/// The rules follow those of Twitter's text parser (twitter-text), re-stated here, on bytes: the
/// scan runs on every row of millions, so it neither allocates nor builds Strings, and decodes a
/// scalar only next to a `#`, `@`, full-width sign or link.
package enum TextEntities {
    /// Calls `hashtag` (without its sign), `mention` (the handle, without `@`) and `url` (as
    /// written) for each entity of `text`, in text order.
    @inline(__always)
    package static func scan(_ b: UnsafeRawBufferPointer,
                             hashtag: (UnsafeRawBufferPointer) -> Void,
                             mention: (UnsafeRawBufferPointer) -> Void,
                             url: (UnsafeRawBufferPointer) -> Void) {
        let n = b.count
        // ASCII bytes that may start an entity, as bits of two masks: `#` (35) below 64; `@` (64),
        // `H` (72), `T` (84), `h` (104), `t` (116) above.
        let low: UInt64 = 1 << 35
        let high: UInt64 = 1 << 0 | 1 << 8 | 1 << 20 | 1 << 40 | 1 << 52
        var i = 0
        while i < n {
            let c = b[i]
            // Most bytes start nothing: one mask test skips them (0xEF leads the full-width signs).
            if c < 128 ? ((c < 64 ? low : high) >> UInt64(c & 63)) & 1 == 0 : c != 0xEF {
                i += 1
                continue
            }
            var end = -1
            switch c {
            case 35:  // #
                end = hashtagEnd(b, sign: i, signLength: 1, hashtag)
            case 64:  // @
                end = mentionEnd(b, sign: i, signLength: 1, mention)
            case 0xEF where i + 2 < n && b[i + 1] == 0xBC:
                // Full-width ＃ (U+FF03) and ＠ (U+FF20).
                if b[i + 2] == 0x83 { end = hashtagEnd(b, sign: i, signLength: 3, hashtag) }
                else if b[i + 2] == 0xA0 { end = mentionEnd(b, sign: i, signLength: 3, mention) }
            case 104, 72, 116, 84:  // h H t T
                // Only `ht…` and `t.…` can start a link: most letters h and t are ruled out here, uncalled.
                if i + 1 < n, b[i + 1] | 32 == 116 || b[i + 1] == 46 { end = urlEnd(b, at: i, url) }
            default:
                break
            }
            i = end > i ? end : i + 1
        }
    }

    /// The scalar ending just before byte `i` (0 at the start of the text).
    @inline(__always)
    static func scalar(before i: Int, _ b: UnsafeRawBufferPointer) -> UInt32 {
        guard i > 0 else { return 0 }
        var s = i - 1
        while s > 0 && b[s] & 0xC0 == 0x80 && i - s < 4 { s -= 1 }
        return decode(b, s).scalar
    }

    /// The scalar starting at byte `i` and its length in bytes; a malformed byte reads as U+FFFD, length 1.
    @inline(__always)
    static func decode(_ b: UnsafeRawBufferPointer, _ i: Int) -> (scalar: UInt32, length: Int) {
        let c0 = UInt32(b[i])
        if c0 < 0x80 { return (c0, 1) }
        @inline(__always) func cont(_ k: Int) -> UInt32? {
            guard i + k < b.count, b[i + k] & 0xC0 == 0x80 else { return nil }
            return UInt32(b[i + k] & 0x3F)
        }
        if c0 >= 0xC2 && c0 < 0xE0, let c1 = cont(1) { return ((c0 & 0x1F) << 6 | c1, 2) }
        if c0 >= 0xE0 && c0 < 0xF0, let c1 = cont(1), let c2 = cont(2) { return ((c0 & 0x0F) << 12 | c1 << 6 | c2, 3) }
        if c0 >= 0xF0 && c0 < 0xF5, let c1 = cont(1), let c2 = cont(2), let c3 = cont(3) {
            return ((c0 & 0x07) << 18 | c1 << 12 | c2 << 6 | c3, 4)
        }
        return (0xFFFD, 1)
    }

    /// What a scalar is to a hashtag: a letter or mark, a numeral (digits, `_` and joiners), or neither.
    enum TagClass { case letter, numeral, other }

    @inline(__always)
    static func tagClass(_ v: UInt32) -> TagClass {
        if v < 0x80 {
            if (v | 32) >= 97 && (v | 32) <= 122 { return .letter }
            return (v >= 48 && v <= 57) || v == 95 ? .numeral : .other
        }
        switch v {
        // Joiners and the marks twitter-text lets into hashtags (Hebrew geresh, Japanese middle
        // dot and iteration marks, Tibetan tsheg, Latin middle dot, wave dashes).
        case 0x200C, 0x200D, 0xA67E, 0x05BE, 0x05F3, 0x05F4, 0xFF5E, 0x301C, 0x309B, 0x309C, 0x30A0, 0x30FB, 0x3003,
             0x0F0B, 0x0F0C, 0x00B7:
            return .numeral
        default:
            break
        }
        guard let s = Unicode.Scalar(v) else { return .other }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark:
            return .letter
        case .decimalNumber:
            return .numeral
        default:
            return .other
        }
    }

    /// A hashtag whose sign is at `sign`: reported, and its end returned; else -1.
    @inline(__always)
    static func hashtagEnd(_ b: UnsafeRawBufferPointer, sign: Int, signLength: Int,
                           _ report: (UnsafeRawBufferPointer) -> Void) -> Int {
        let before = scalar(before: sign, b)
        // Variation selectors may end an emoji right before a tag; `&` starts `&#39;`-style entities.
        if sign > 0 && before != 0xFE0E && before != 0xFE0F && (before == 38 || tagClass(before) != .other) { return -1 }
        let start = sign + signLength
        var i = start, hasLetter = false
        while i < b.count {
            let (v, l) = decode(b, i)
            let k = tagClass(v)
            if k == .other { break }
            if k == .letter { hasLetter = true }
            i += l
        }
        guard hasLetter else { return -1 }
        // A tag running into another sign or a scheme (`#a#b`, `#http://`) is no tag.
        if i < b.count {
            if b[i] == 35 { return -1 }
            if i + 2 < b.count && b[i] == 0xEF && b[i + 1] == 0xBC && b[i + 2] == 0x83 { return -1 }
            if i + 2 < b.count && b[i] == 58 && b[i + 1] == 47 && b[i + 2] == 47 { return -1 }
        }
        report(UnsafeRawBufferPointer(rebasing: b[start..<i]))
        return i
    }

    @inline(__always) static func isAlnum(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c | 32 >= 97 && c | 32 <= 122) }
    @inline(__always) static func isWord(_ c: UInt8) -> Bool { isAlnum(c) || c == 95 }

    /// A mention whose `@` is at `sign`: reported, and its end returned; else -1.
    @inline(__always)
    static func mentionEnd(_ b: UnsafeRawBufferPointer, sign: Int, signLength: Int,
                           _ report: (UnsafeRawBufferPointer) -> Void) -> Int {
        if sign > 0 {
            let p = b[sign - 1]
            // An email's local part or another sign right before: `a@b.com`, `!@x`, `@@x`.
            // `RT@x` (old manual retweets) is a mention when the RT stands alone.
            let rt = sign >= 2 && b[sign - 1] | 32 == 116 && b[sign - 2] | 32 == 114
                && (sign == 2 || !(isWord(b[sign - 3]) || b[sign - 3] == 43 || b[sign - 3] == 126 || b[sign - 3] == 46 || b[sign - 3] == 45))
            if !rt && (isWord(p) || p == 33 || p == 35 || p == 36 || p == 37 || p == 38 || p == 42 || p == 64) { return -1 }
            if !rt && sign >= 3 && b[sign - 3] == 0xEF && b[sign - 2] == 0xBC && b[sign - 1] == 0xA0 { return -1 }
        }
        let start = sign + signLength
        var i = start
        while i < b.count && isWord(b[i]) { i += 1 }
        guard i > start, i - start <= 15 else { return -1 }
        if i < b.count {
            let c = b[i]
            if c == 64 || (i + 2 < b.count && c == 0xEF && b[i + 1] == 0xBC && b[i + 2] == 0xA0) { return -1 }
            if i + 2 < b.count && c == 58 && b[i + 1] == 47 && b[i + 2] == 47 { return -1 }
            // A Latin letter with an accent continues the name (`@josé`): not a valid handle.
            let (v, _) = decode(b, i)
            if v >= 0xC0 && v <= 0x24F && v != 0xD7 && v != 0xF7 { return -1 }
        }
        report(UnsafeRawBufferPointer(rebasing: b[start..<i]))
        return i
    }

    /// Whether byte `c` can be part of a link: ASCII letters, digits and the URL punctuation, and
    /// lead or continuation bytes of Latin and Cyrillic letters (U+00C0–U+052F), found in paths.
    @inline(__always)
    static func isURLByte(_ b: UnsafeRawBufferPointer, _ i: Int) -> Int {
        let c = b[i]
        if c < 0x80 {
            if isWord(c) { return 1 }
            switch c {
            case 45, 46, 126, 58, 47, 63, 35, 91, 93, 64, 33, 36, 38, 39, 40, 41, 42, 43, 44, 59, 61, 37, 124: return 1
            default: return 0
            }
        }
        let (v, l) = decode(b, i)
        return v >= 0xC0 && v <= 0x52F && v != 0xD7 && v != 0xF7 ? l : 0
    }

    /// A link starting at `i` (`http://`, `https://` or bare `t.co/`): reported, and its end returned; else -1.
    @inline(__always)
    static func urlEnd(_ b: UnsafeRawBufferPointer, at i: Int, _ report: (UnsafeRawBufferPointer) -> Void) -> Int {
        let n = b.count
        if i > 0 {
            let p = b[i - 1]
            // Inside a word, a handle, a hashtag or a cashtag: no link starts here.
            if isWord(p) || p == 64 || p == 35 || p == 36 { return -1 }
            if i >= 3 && b[i - 3] == 0xEF && b[i - 2] == 0xBC && (b[i - 1] == 0x83 || b[i - 1] == 0xA0) { return -1 }
        }
        var j = i
        @inline(__always) func lit(_ s: StaticString) -> Bool {
            let m = s.utf8CodeUnitCount
            guard j + m <= n else { return false }
            for k in 0..<m where b[j + k] | 32 != s.utf8Start[k] { return false }
            j += m
            return true
        }
        let bare: Bool
        if lit("http") {
            _ = lit("s")
            guard lit("://") else { return -1 }
            bare = false
        } else {
            // Bare links only for t.co, whose shape is fixed; `example.com` in prose is too ambiguous.
            guard lit("t.co/"), j < n, isAlnum(b[j]) else { return -1 }
            if i > 0 && (b[i - 1] == 46 || b[i - 1] == 47) { return -1 }
            bare = true
        }
        let hostStart = j
        var e = j
        var opens = 0, closes = 0
        while e < n {
            let l = isURLByte(b, e)
            if l == 0 { break }
            if b[e] == 40 { opens += 1 } else if b[e] == 41 { closes += 1 }
            e += l
        }
        // Punctuation ending a sentence or a bracket around the link is not part of it.
        while e > hostStart {
            let c = b[e - 1]
            if c == 46 || c == 44 || c == 58 || c == 59 || c == 33 || c == 63 || c == 39 || c == 42 {
                e -= 1
            } else if c == 41 && closes > opens {
                closes -= 1
                e -= 1
            } else if c == 93 {
                e -= 1
            } else {
                break
            }
        }
        // A host with a dot; a link cut by a truncation ellipsis points nowhere.
        var dot = false, h = hostStart
        while h < e && b[h] != 47 && b[h] != 63 && b[h] != 35 {
            if b[h] == 46 && h > hostStart { dot = true }
            h += 1
        }
        guard dot || bare else { return -1 }
        if e + 2 < n && b[e] == 0xE2 && b[e + 1] == 0x80 && b[e + 2] == 0xA6 { return e + 3 }
        report(UnsafeRawBufferPointer(rebasing: b[i..<e]))
        return e
    }
}

/// Which entities a reader takes from post text: those its format has no column for.
package struct EntitiesFromText: Sendable, Equatable {
    package var hashtags = true
    package var mentions = true
    package var urls = true
    /// A retweet without a retweeted-post id gets its text identity (``RetweetIdentity``).
    package var retweetIdentity = true

    package init(hashtags: Bool = true, mentions: Bool = true, urls: Bool = true, retweetIdentity: Bool = true) {
        (self.hashtags, self.mentions, self.urls, self.retweetIdentity) = (hashtags, mentions, urls, retweetIdentity)
    }

    package static let none = EntitiesFromText(hashtags: false, mentions: false, urls: false, retweetIdentity: false)

    package var any: Bool { hashtags || mentions || urls }

    /// Adds the entities of `text` to the open post.
    @inline(__always)
    package func add(_ text: UnsafeRawBufferPointer, to builder: inout DatasetBuilder) {
        guard any, !text.isEmpty else { return }
        let (h, m, u) = (hashtags, mentions, urls)
        TextEntities.scan(text,
                          hashtag: { if h { builder.addHashtag($0) } },
                          mention: { if m { builder.addMention(builder.account(handle: $0)) } },
                          url: { if u { builder.addURL($0) } })
    }

    /// Makes the open post (a retweet without a retweeted-post id) retweet the original its text
    /// identifies; `account` is the retweeted account when known, `source` its handle.
    @inline(__always)
    package func setRetweet(text: UnsafeRawBufferPointer, source: UnsafeRawBufferPointer, account: Int32,
                            to builder: inout DatasetBuilder) -> Bool {
        guard retweetIdentity, let id = RetweetIdentity.ofRetweet(text, source: source) else { return false }
        RetweetIdentity.withKey(id) { builder.setRetweet(post: $0, account: account) }
        return true
    }
}
