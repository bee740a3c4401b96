import Foundation
import LockstepCore
import Testing
@testable import LockstepIngest

/// The entities ``TextEntities`` finds in `text`, as `#tag`, `@handle` and link strings in text order.
private func entities(_ text: String) -> [String] {
    var out: [String] = []
    var t = text
    t.withUTF8 { buf in
        TextEntities.scan(UnsafeRawBufferPointer(buf),
                          hashtag: { out.append("#" + String(decoding: $0, as: UTF8.self)) },
                          mention: { out.append("@" + String(decoding: $0, as: UTF8.self)) },
                          url: { out.append(String(decoding: $0, as: UTF8.self)) })
    }
    return out
}

private func identity(_ text: String, source: String = "") -> UInt64? {
    var t = text, s = source
    return t.withUTF8 { tb in s.withUTF8 { sb in RetweetIdentity.ofRetweet(UnsafeRawBufferPointer(tb), source: UnsafeRawBufferPointer(sb)) } }
}

@Suite struct TextEntitiesTests {
    @Test(arguments: [
        // plain hashtags, mentions and a link, in text order
        ("Hi @Anna, see #News http://example.com/a", ["@Anna", "#News", "http://example.com/a"]),
        // Chinese and Japanese: a tag after a space, a full-width ＃, stopping at CJK punctuation
        ("今天 #天气 很好", ["#天气"]),
        ("日本語 ＃ハッシュタグ、テスト", ["#ハッシュタグ"]),
        // a tag glued to a preceding letter is no tag (twitter-text), CJK included
        ("今天#天气", []),
        ("a#b", []),
        // all digits is no tag; digits with a letter are
        ("On the #123 bus, #1a and #_x", ["#1a", "#_x"]),
        // trailing punctuation stops the tag; an apostrophe too
        ("#Trump! #MAGA. #tcot's", ["#Trump", "#MAGA", "#tcot"]),
        // tags running into another sign or a scheme are not tags; an HTML entity is not a tag
        ("#a#b #c://x &#39;", []),
        // an accented letter belongs to the tag
        ("#café #Зенит", ["#café", "#Зенит"]),
        // emails are not mentions; a handle longer than 15 is not one; RT@x is
        ("mail me: john.doe@example.com, x@y", []),
        ("@abcdefghijklmnop @abcdefghijklmno", ["@abcdefghijklmno"]),
        ("RT@foo: hi", ["@foo"]),
        ("RT @a: RT @b: text", ["@a", "@b"]),
        // a mention followed by an accented letter or another @ is not a handle
        ("@josé @a@b", []),
        // full-width ＠ and a mention after CJK text
        ("你好＠weibo_user 和@x", ["@weibo_user", "@x"]),
        // trailing punctuation leaves the link; balanced parentheses stay
        ("see https://en.wikipedia.org/wiki/Foo_(bar). (http://a.co/x)", ["https://en.wikipedia.org/wiki/Foo_(bar)", "http://a.co/x"]),
        // bare t.co links count; bare other domains do not
        ("via t.co/AbC123 and example.com", ["t.co/AbC123"]),
        // a link cut by the truncation ellipsis is dropped
        ("long text http://t.co/abc…", []),
        // a link stops at CJK text; Cyrillic in a path stays
        ("看http://t.co/xyz这里 http://ru.wikipedia.org/wiki/Москва", ["http://t.co/xyz", "http://ru.wikipedia.org/wiki/Москва"]),
        // no host, no link
        ("http:// https://x", []),
    ])
    func extracts(text: String, expected: [String]) {
        #expect(entities(text) == expected)
    }

    @Test func malformedUTF8NeverTraps() {
        let bytes: [UInt8] = [0x23, 0xFF, 0xE2, 0x80, 0x40, 0xEF, 0xBC, 0x23, 0xF0, 0x9F, 0x68, 0x74, 0x74, 0x70, 0x3A, 0x2F]
        for cut in 0...bytes.count {
            bytes[0..<cut].withUnsafeBytes { TextEntities.scan($0, hashtag: { _ in }, mention: { _ in }, url: { _ in }) }
        }
        var rng = SeededGenerator(seed: 14)
        for _ in 0..<2000 {
            let alphabet: [UInt8] = [0x23, 0x40, 0x68, 0x74, 0x2E, 0x2F, 0x3A, 0x61, 0x20, 0xEF, 0xBC, 0x83, 0xA0, 0xE2, 0x80, 0xA6, 0xD0, 0x97]
            let s = (0..<Int.random(in: 0...24, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            s.withUnsafeBytes { b in
                TextEntities.scan(b, hashtag: { #expect(!$0.isEmpty) }, mention: { #expect(!$0.isEmpty && $0.count <= 15) }, url: { #expect($0.count >= 6) })
                _ = RetweetIdentity.ofRetweet(b)
            }
        }
    }

    @Test func retweetIdentityMergesCopiesOfOneOriginal() {
        // The prefix names the source; whitespace, t.co links and a truncated last word do not count.
        #expect(identity("RT @Foo: Big  news\ntoday http://t.co/abc") == identity("Big news today https://t.co/xyz", source: "foo"))
        #expect(identity("RT @foo: Big news today, more to come…") == identity("RT @foo: Big news today, more to co…"))
        // A different source, a different text or another case keeps them apart.
        #expect(identity("RT @foo: Big news today") != identity("RT @bar: Big news today"))
        #expect(identity("Big news today") != identity("RT @foo: Big news today"))
        #expect(identity("Big news today") != identity("big news today"))
        // RT @a: RT @b: — the item is a's post, whose text is b's retweet.
        var body = "RT @b: text", a = "a"
        let original = body.withUTF8 { b in a.withUTF8 { RetweetIdentity.hash(source: UnsafeRawBufferPointer($0), body: UnsafeRawBufferPointer(b)) } }
        #expect(identity("RT @a: RT @b: text") == original)
        #expect(identity("RT @a: RT @b: text") != identity("RT @b: text"))
        // A picture-only text keeps its link; an empty one has no identity.
        #expect(identity("http://t.co/aaa") != identity("http://t.co/bbb"))
        #expect(identity("   ") == nil && identity("") == nil)
    }

    @Test func derivedKeysReadBack() {
        let v: UInt64 = 0x0123_4567_89ab_cdef
        let back = RetweetIdentity.withKey(v) { RetweetIdentity.identity(ofKey: $0) }
        #expect(back == v)
        #expect(RetweetIdentity.withKey(v) { String(decoding: $0, as: UTF8.self) } == "rt-text:0123456789abcdef")
        var b = DatasetBuilder()
        let a = b.account(id: "1")
        _ = b.addPost(key: FieldParse.empty, account: a, time: 0, kind: .retweet, text: FieldParse.empty, language: FieldParse.empty, client: FieldParse.empty)
        RetweetIdentity.withKey(v) { b.setRetweet(post: $0, account: noID) }
        let d = b.finish(accounting: IngestAccounting())
        #expect(d.postKeys.derivedIdentity(d.posts.retweetOf[0]) == v)
    }
}
