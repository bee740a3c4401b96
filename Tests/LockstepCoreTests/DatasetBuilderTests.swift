import Testing
@testable import LockstepCore

/// Adds a post with string fields (test convenience).
func addPost(_ b: inout DatasetBuilder, key: String, account: String, time: Int64, kind: PostKind = .original,
             text: String = "", lang: String = "en", client: String = "Twitter Web App",
             retweetOf: (post: String, account: String)? = nil, hashtags: [String] = [], handle: String? = nil) {
    let a = b.account(id: account)
    if let handle { var h = handle; h.withUTF8 { b.setHandleIfMissing(a, UnsafeRawBufferPointer($0)) } }
    var k = key, t = text, l = lang, c = client
    k.withUTF8 { kb in t.withUTF8 { tb in l.withUTF8 { lb in c.withUTF8 { cb in
        _ = b.addPost(key: UnsafeRawBufferPointer(kb), account: a, time: time, kind: kind, text: UnsafeRawBufferPointer(tb),
                      language: UnsafeRawBufferPointer(lb), client: UnsafeRawBufferPointer(cb))
    } } } }
    if let r = retweetOf {
        let ra = b.account(id: r.account)
        var p = r.post
        p.withUTF8 { b.setRetweet(post: UnsafeRawBufferPointer($0), account: ra) }
    }
    for h in hashtags { var s = h; s.withUTF8 { b.addHashtag(UnsafeRawBufferPointer($0)) } }
}

/// A comparable digest of a dataset: every post's fields as strings, in order.
func digest(_ d: Dataset) -> [String] {
    (0..<d.posts.count).map { p in
        let tags = d.posts.hashtags[p].map { d.hashtags[$0] }.joined(separator: "|")
        let rt = d.posts.retweetAccount[p] == noID ? "-" : d.accountID(of: d.posts.retweetAccount[p])
        return "\(d.postKeys[d.posts.key[p]]) \(d.accountID(of: d.posts.account[p])) \(d.posts.time[p]) \(d.posts.kind[p].name) \(d.text(ofPost: p)) \(d.languages[d.posts.language[p]]) \(rt) \(tags)"
    }
}

@Suite struct DatasetBuilderTests {
    func rows(_ range: Range<Int>, into b: inout DatasetBuilder) {
        for i in range {
            addPost(&b, key: "t\(i)", account: "u\(i % 7)", time: Int64(1000 + i), kind: i % 3 == 0 ? .retweet : .original,
                    text: "post \(i)", lang: i % 2 == 0 ? "zh" : "en", retweetOf: i % 3 == 0 ? ("t\(i / 2)", "u\(i % 5)") : nil,
                    hashtags: i % 4 == 0 ? ["HongKong", "#香港"] : [])
        }
    }

    @Test func absorbingChunksEqualsOneBuilder() {
        var whole = DatasetBuilder()
        rows(0..<100, into: &whole)
        var first = DatasetBuilder(), second = DatasetBuilder(), third = DatasetBuilder()
        rows(0..<33, into: &first)
        rows(33..<70, into: &second)
        rows(70..<100, into: &third)
        first.absorb(second)
        first.absorb(third)
        let a = whole.finish(accounting: IngestAccounting())
        let b = first.finish(accounting: IngestAccounting())
        #expect(digest(a) == digest(b))
        #expect(a.accounts.count == b.accounts.count)
        #expect(a.hashtags.strings == b.hashtags.strings)
    }

    /// Each post keeps the line its row was read from, made absolute when its chunk is absorbed,
    /// so that a duplicate found after reading can be located; a discarded post drops its line.
    @Test func postLinesSurviveAbsorbingChunks() {
        var target = DatasetBuilder(), chunk = DatasetBuilder()
        target.rowLine = 2
        addPost(&target, key: "1", account: "a", time: 1)
        for (k, line) in [(2, 0), (3, 4)] {
            chunk.rowLine = line
            addPost(&chunk, key: String(k), account: "a", time: 1)
        }
        chunk.rowLine = 5
        addPost(&chunk, key: "9", account: "a", time: 1)
        chunk.discardOpenPost()
        target.absorb(chunk, lineShift: 10)
        #expect(target.takePostLines() == [2, 10, 14])
    }

    /// Chunks writing their text into windows of the target's arena give the same dataset as
    /// chunks that keep their own text — including a chunk whose window is too small, whose
    /// overflow must wait until every window is absorbed, and a chunk given no window at all.
    @Test func textWrittenInPlaceEqualsCopiedText() {
        var whole = DatasetBuilder()
        rows(0..<100, into: &whole)
        var target = DatasetBuilder()
        target.reserve(posts: 100, textBytes: 4096)
        guard let window = target.openTextWindow(count: 3000) else {
            Issue.record("no window over reserved text")
            return
        }
        var a = DatasetBuilder(), b = DatasetBuilder(), c = DatasetBuilder(), d = DatasetBuilder()
        a.writeText(into: window.slice(at: 0, count: 1000))
        b.writeText(into: window.slice(at: 1000, count: 20))   // overflows after a couple of posts
        c.writeText(into: nil)
        d.writeText(into: window.slice(at: 2000, count: 1000))
        rows(0..<30, into: &a)
        rows(30..<60, into: &b)
        rows(60..<80, into: &c)
        rows(80..<100, into: &d)
        for chunk in [a, b, c, d] { target.absorb(chunk) }
        target.settleWindowText()
        let x = whole.finish(accounting: IngestAccounting())
        let y = target.finish(accounting: IngestAccounting())
        #expect(digest(x) == digest(y))
        #expect(window.slice(at: 2990, count: 20) == nil)
    }

    /// Workers that only record post ids (repeats included) merge into the same dataset, with
    /// the same id numbering, as workers that intern them.
    @Test func recordedPostIdsMergeLikeInternedOnes() {
        var whole = DatasetBuilder()
        rows(0..<100, into: &whole)
        addPost(&whole, key: "abc-not-a-number", account: "u1", time: 5, retweetOf: ("t3", "u2"))
        var target = DatasetBuilder()
        for range in [0..<40, 40..<100] {
            var chunk = DatasetBuilder()
            chunk.recordPostKeys()
            rows(range, into: &chunk)
            if range.lowerBound == 40 { addPost(&chunk, key: "abc-not-a-number", account: "u1", time: 5, retweetOf: ("t3", "u2")) }
            target.absorb(chunk)
        }
        let x = whole.finish(accounting: IngestAccounting())
        let y = target.finish(accounting: IngestAccounting())
        #expect(digest(x) == digest(y))
        #expect(x.posts.key == y.posts.key && x.posts.retweetOf == y.posts.retweetOf)
        #expect(x.postKeys.count == y.postKeys.count)
    }

    @Test func hashtagsAreLowercasedWithoutHash() {
        var b = DatasetBuilder()
        addPost(&b, key: "1", account: "a", time: 0, hashtags: ["#HongKong", "hongkong", "香港"])
        let d = b.finish(accounting: IngestAccounting())
        #expect(d.hashtags.strings == ["hongkong", "香港"])
        #expect(Array(d.posts.hashtags[0]) == [0, 0, 1])
    }

    @Test func handleOnlyReferencesResolveToAccountsInTheData() {
        var b = DatasetBuilder()
        // A retweet of @Alice, known only by handle, before Alice's own post appears.
        let r = b.account(id: "r1")
        var t = "RT @alice: hi"
        t.withUTF8 { tb in
            _ = b.addPost(key: UnsafeRawBufferPointer(start: nil, count: 0), account: r, time: 5, kind: .retweet,
                          text: UnsafeRawBufferPointer(tb), language: UnsafeRawBufferPointer(start: nil, count: 0),
                          client: UnsafeRawBufferPointer(start: nil, count: 0))
        }
        var h = "alice"
        let placeholder = h.withUTF8 { b.account(handle: UnsafeRawBufferPointer($0)) }
        b.setRetweet(post: UnsafeRawBufferPointer(start: nil, count: 0), account: placeholder)
        addPost(&b, key: "", account: "42", time: 9, handle: "Alice")
        let d = b.finish(accounting: IngestAccounting())
        #expect(d.accounts.count == 2)  // r1 and 42; the placeholder merged into 42
        #expect(d.accountID(of: d.posts.retweetAccount[0]) == "42")
        #expect(d.accounts.origin[Int(d.posts.retweetAccount[0])].contains(.referenced))
    }

    @Test func accountIndexListsPostsInTimeOrder() {
        var b = DatasetBuilder()
        for (i, t) in [50, 10, 30, 20].enumerated() { addPost(&b, key: "p\(i)", account: "a", time: Int64(t)) }
        addPost(&b, key: "q", account: "b", time: 1)
        let d = b.finish(accounting: IngestAccounting())
        let times = d.postRange(of: 0).map { d.posts.time[Int(d.postsByAccount[$0])] }
        #expect(times == [10, 20, 30, 50])
        #expect(d.postCount(of: 1) == 1)
    }
}
