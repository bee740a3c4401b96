import LockstepCore
import Testing
@testable import LockstepAnalysis

@Suite struct TextAndURLTests {
    @Test(arguments: [
        // case, whitespace and trailing punctuation
        ("Hello   World!!", "hello world"),
        // old-style retweet prefix and a mention
        ("RT @someone: Vote now @friend", "vote now"),
        // URLs dropped
        ("Read this https://t.co/abc www.example.com today.", "read this today"),
        // trailing ellipsis of a truncated text
        ("Breaking news about the…", "breaking news about the"),
        // non-ASCII lowercasing
        ("ПРИВЕТ Мир", "привет мир"),
        // Chinese text kept as is
        ("香港 加油！", "香港 加油！"),
    ])
    func normalizes(_ input: String, _ expected: String) {
        #expect(TextNormalizer.normalize(input) == expected)
    }

    @Test func caselessBlocksLowercaseToThemselves() {
        for v in UInt32(0x80)...0x10FFFF where TextNormalizer.caseless(v) {
            guard let s = Unicode.Scalar(v) else { continue }
            #expect(s.properties.lowercaseMapping == String(s), "U+\(String(v, radix: 16))")
        }
    }

    @Test func lowercasingMatchesTheStringMethod() {
        // Chinese, Japanese, emoji, Latin accents, Turkish dotted and dotless i, Cyrillic, Greek, fullwidth letters.
        let pieces = ["香港", "加油！", "いう", "カフェ", "🙌", "❤️", "ÀÉÎõü", "İstanbul", "ıIı", "ПРИВЕТ", "ΣΟΦΙΑ", "ＡＢＣｄ", "Ⓐ", "Ωhm", " ", "x"]
        var g = SeededGenerator(seed: 5)
        for _ in 0..<500 {
            let s = (0..<6).map { _ in pieces[Int(g.next() % UInt64(pieces.count))] }.joined()
            var out: [UInt8] = []
            var copy = s
            copy.withUTF8 { TextNormalizer.lowercase(UnsafeRawBufferPointer($0), into: &out) }
            #expect(String(decoding: out, as: UTF8.self) == s.lowercased())
        }
        // Invalid UTF-8 is replaced as the string would replace it.
        let bad: [UInt8] = [0x41, 0xE4, 0xB8, 0x41, 0xFF, 0xE9, 0xA6, 0x99]
        var out: [UInt8] = []
        bad.withUnsafeBytes { TextNormalizer.lowercase($0, into: &out) }
        #expect(out == Array(String(decoding: bad, as: UTF8.self).lowercased().utf8))
    }

    @Test(arguments: [
        // scheme, www, tracking parameters, fragment and trailing slash dropped
        ("https://www.Example.com/Path/?utm_source=tw&id=3#top", "example.com/Path?id=3"),
        // http and https are the same link
        ("http://example.com/a", "example.com/a"),
        // Twitter share suffix
        ("https://twitter.com/x/status/1?s=20", "twitter.com/x/status/1"),
        // default port
        ("https://example.com:443/", "example.com"),
    ])
    func canonicalURL(_ input: String, _ expected: String) {
        #expect(URLCanonical.canonical(input) == expected)
    }

    @Test func minHashGroupsNearDuplicatesAndSeparatesOthers() {
        let texts = [
            "the quick brown fox jumps over the lazy dog near the river bank today",
            "the quick brown fox jumps over the lazy dog near the river bank",     // near-duplicate of 0
            "completely different words about economics and the central bank rates",
            "香港的未来由香港人自己决定我们必须团结一致",
            "香港的未来由香港人自己决定我们必须团结一致！",                         // near-duplicate of 3
            "short",
        ].map(TextNormalizer.normalize)
        let groups = MinHashGrouper().groups(texts: StringTableView(texts), threads: 2)
        #expect(groups[0] == groups[1])
        #expect(groups[0] != groups[2])
        #expect(groups[3] == groups[4])
        #expect(groups[3] != groups[0])
        #expect(groups[5] == -1)
        #expect(MinHashGrouper().estimatedJaccard(texts[0], texts[2]) < 0.2)
    }

    @Test func poissonTail() {
        #expect(abs(Significance.poissonUpperTail(1, 0.5) - (1 - 0.60653)) < 1e-4)
        #expect(Significance.poissonUpperTail(0, 3) == 1)
        #expect(Significance.poissonUpperTail(30, 1) < 1e-20)
        #expect(abs(Significance.poissonUpperTail(3, 3) - 0.57681) < 1e-4)
    }
}
