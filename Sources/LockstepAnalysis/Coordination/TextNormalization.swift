/// Normalises post text so that copies differing only in non-semantic ways compare equal (co-tweet).
///
/// Steps, in order: drop a leading `RT @handle:`; lowercase (ASCII in place, other scripts through
/// `String.lowercased()`); drop tokens that are URLs (`http://`, `https://`, `www.`) or mentions
/// (start with `@`); collapse whitespace to single spaces; drop trailing punctuation and ellipses.
package struct TextNormalizer: Sendable {
    private var lowered: [UInt8] = []

    package init() {}

    /// Writes the normalised bytes of `text` into `out` (cleared first).
    package mutating func normalize(_ text: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        lowered.removeAll(keepingCapacity: true)
        var ascii = true
        for c in text where c >= 0x80 { ascii = false; break }
        if ascii {
            lowered.reserveCapacity(text.count)
            for c in text { lowered.append(c >= 65 && c <= 90 ? c + 32 : c) }
        } else {
            Self.lowercase(text, into: &lowered)
        }
        lowered.withUnsafeBufferPointer { b in
            let n = b.count
            var i = 0
            @inline(__always) func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 || c == 11 || c == 12 }
            while i < n && isSpace(b[i]) { i += 1 }
            // "rt @handle:" prefix of old-style retweets.
            if i + 3 < n && b[i] == 114 && b[i + 1] == 116 && isSpace(b[i + 2]) {
                var j = i + 2
                while j < n && isSpace(b[j]) { j += 1 }
                if j < n && b[j] == 64 {
                    while j < n && !isSpace(b[j]) { j += 1 }
                    i = j
                }
            }
            while i < n {
                while i < n && isSpace(b[i]) { i += 1 }
                if i >= n { break }
                var end = i
                while end < n && !isSpace(b[end]) { end += 1 }
                if !Self.isDropped(b, i, end) {
                    if !out.isEmpty { out.append(32) }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<end]))
                }
                i = end
            }
        }
        Self.trimTrailingPunctuation(&out)
    }

    /// `String(decoding: text, as: UTF8.self).lowercased()`, without building the string: that
    /// method maps scalar by scalar (`Unicode.Scalar.Properties.lowercaseMapping`), and looking the
    /// mapping up is most of the cost of normalising Chinese or emoji-laden posts, so scalars of
    /// blocks without case (``caseless(_:)``) are copied as they are. Invalid UTF-8 takes the
    /// string's own path, which replaces it.
    static func lowercase(_ text: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        let start = out.count
        var bytes = text.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        while true {
            switch parser.parseScalar(from: &bytes) {
            case .valid(let encoded):
                let v = Unicode.UTF8.decode(encoded)
                if v.value < 0x80 {
                    let c = UInt8(v.value)
                    out.append(c >= 65 && c <= 90 ? c + 32 : c)
                } else if caseless(v.value) {
                    out.append(contentsOf: encoded)
                } else {
                    out.append(contentsOf: v.properties.lowercaseMapping.utf8)
                }
            case .emptyInput:
                return
            case .error:
                out.removeSubrange(start...)
                out.append(contentsOf: String(decoding: text, as: UTF8.self).lowercased().utf8)
                return
            }
        }
    }

    /// Scalars of blocks with no case, whose lowercase mapping is themselves (checked exhaustively
    /// in the tests): CJK ideographs, kana, Hangul, CJK and general punctuation, fullwidth
    /// punctuation, variation selectors, symbols, dingbats and emoji.
    @inline(__always) static func caseless(_ v: UInt32) -> Bool {
        switch v {
        case 0x2000...0x206F, 0x20A0...0x20CF, 0x2190...0x23FF, 0x2500...0x27BF, 0x3000...0x30FF, 0x3400...0x4DBF,
             0x4E00...0x9FFF, 0xAC00...0xD7A3, 0xFE00...0xFE0F, 0xFF01...0xFF20, 0xFF3B...0xFF40, 0xFF5B...0xFFEF,
             0x1F300...0x1FAFF:
            return true
        default:
            return false
        }
    }

    static func isDropped(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        if b[start] == 64 { return true }  // @mention
        func has(_ prefix: StaticString) -> Bool {
            let p = prefix.utf8Start
            let k = prefix.utf8CodeUnitCount
            guard end - start >= k else { return false }
            for t in 0..<k where b[start + t] != p[t] { return false }
            return true
        }
        return has("http://") || has("https://") || has("www.")
    }

    static func trimTrailingPunctuation(_ out: inout [UInt8]) {
        while let last = out.last {
            switch last {
            case 32, 33, 34, 39, 41, 44, 46, 58, 59, 63, 93, 125:  // space ! " ' ) , . : ; ? ] }
                out.removeLast()
            case 0xA6 where out.count >= 3 && out[out.count - 2] == 0x80 && out[out.count - 3] == 0xE2:  // U+2026 …
                out.removeLast(3)
            default:
                return
            }
        }
    }

    /// The normalised form of a string (allocates: for tests and reports).
    package static func normalize(_ s: String) -> String {
        var n = TextNormalizer()
        var out: [UInt8] = []
        var copy = s
        copy.withUTF8 { n.normalize(UnsafeRawBufferPointer($0), into: &out) }
        return String(decoding: out, as: UTF8.self)
    }
}
