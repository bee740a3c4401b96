import LockstepAnalysis
import Testing

@Suite struct TokenizerTests {
    @Test(arguments: [
        // Chinese: overlapping character bigrams of each Han run.
        ("香港警察暴力", ["香港", "港警", "警察", "察暴", "暴力"]),
        // Chinese stop bigram 我们 dropped; punctuation splits runs; a lone character gives nothing.
        ("我们支持香港。好", ["们支", "支持", "持香", "香港"]),
        // Japanese: bigrams over kana and kanji, but not of two hiragana (しま, ます).
        ("東京オリンピックを開催します", ["東京", "京オ", "オリ", "リン", "ンピ", "ピッ", "ック", "クを", "を開", "開催", "催し"]),
        // Russian: lowercased words, stop word и and numbers dropped.
        ("Путин и Россия: ВЫБОРЫ 2018", ["путин", "россия", "выборы"]),
        // English: RT prefix, mention, URL, hashtag and entity skipped; stop words dropped.
        ("RT @user: The Fake News media is at it again! https://t.co/abc #MAGA &amp; more", ["fake", "news", "media", "again"]),
        // Spanish accents lowercased and kept.
        ("Última hora: Elecciones en España", ["última", "hora", "elecciones", "españa"]),
        // Mixed scripts in one post.
        ("Hong Kong 香港 protest", ["hong", "kong", "香港", "protest"]),
        // www. links and mentions with underscores vanish entirely.
        ("www.example.com @some_body", []),
    ])
    func tokens(text: String, expected: [String]) {
        #expect(Tokenizer.terms(text) == expected)
    }

    @Test func stopWordsAreInternedFirst() {
        let t = Tokenizer()
        #expect(t.stopWordCount > 300)
        #expect(Tokenizer.terms("the and of") == [])
    }
}
