import LockstepCore

/// Builds small datasets post by post from strings, for tests.
struct PostWriter {
    var builder = DatasetBuilder()

    mutating func account(_ id: String, handle: String? = nil) -> Int32 {
        let a = builder.account(id: id)
        var h = handle ?? id
        h.withUTF8 { builder.setHandleIfMissing(a, UnsafeRawBufferPointer($0)) }
        return a
    }

    /// Adds a post; `retweetOf`/`replyTo` are (post id, author id).
    mutating func post(_ id: String, by author: String, at time: Int64, kind: PostKind = .original, text: String = "",
                       retweetOf: (String, String)? = nil, replyTo: (String, String)? = nil,
                       hashtags: [String] = [], urls: [String] = [], mentions: [String] = []) {
        let a = account(author)
        var key = id, body = text
        _ = key.withUTF8 { k in
            body.withUTF8 { t in
                builder.addPost(key: UnsafeRawBufferPointer(k), account: a, time: time, kind: kind,
                                text: UnsafeRawBufferPointer(t), language: UnsafeRawBufferPointer(start: nil, count: 0),
                                client: UnsafeRawBufferPointer(start: nil, count: 0))
            }
        }
        if let (p, u) = retweetOf {
            let ra = account(u)
            var pp = p
            pp.withUTF8 { builder.setRetweet(post: UnsafeRawBufferPointer($0), account: ra) }
        }
        if let (p, u) = replyTo {
            let ra = account(u)
            var pp = p
            pp.withUTF8 { builder.setReply(post: UnsafeRawBufferPointer($0), account: ra) }
        }
        for var h in hashtags { h.withUTF8 { builder.addHashtag(UnsafeRawBufferPointer($0)) } }
        for var u in urls { u.withUTF8 { builder.addURL(UnsafeRawBufferPointer($0)) } }
        for m in mentions {
            let ma = account(m)
            builder.addMention(ma)
        }
    }

    consuming func finish() -> Dataset { builder.finish(accounting: IngestAccounting()) }
}

/// A seeded troll factory: core accounts post, amplifiers retweet them together (half the posts within
/// seconds, the others in a burst minutes later), organic users post and retweet celebrities' viral
/// posts at random delays (minutes to hours).
struct TrollFactory {
    var seed: UInt64 = 7
    var core = 10
    var amplifiers = 40
    var organic = 300
    var celebrities = 5
    var corePosts = 30
    var viralPosts = 8
    var days = 10

    let start: Int64 = CivilTime.seconds(year: 2024, month: 3, day: 1)

    func coreID(_ i: Int) -> String { "core\(i)" }
    func amplifierID(_ i: Int) -> String { "amp\(i)" }
    func organicID(_ i: Int) -> String { "org\(i)" }

    func build() -> Dataset {
        var g = SeededGenerator(seed: seed)
        var w = PostWriter()
        var n = 0
        func nextID() -> String { n += 1; return "p\(n)" }
        let span = Int64(days) * 86_400
        for c in 0..<core {
            for k in 0..<corePosts {
                let t = start + Int64(g.unit() * Double(span))
                let pid = nextID()
                w.post(pid, by: coreID(c), at: t, text: "Core message \(c)-\(k) about the campaign", hashtags: ["campaign\(k % 3)"])
                // Half the posts are amplified at once, the others after a lag shared by the burst
                // (minutes): the amplifiers act together, not merely fast.
                let lag = g.unit() < 0.5 ? 0 : Int64(g.unit() * 1800)
                for a in 0..<amplifiers where g.unit() < 0.7 {
                    let delay = lag + 1 + Int64(g.unit() * 20)
                    w.post(nextID(), by: amplifierID(a), at: t + delay, kind: .retweet, retweetOf: (pid, coreID(c)))
                }
                for o in 0..<organic where g.unit() < 0.01 {
                    let delay = 60 + Int64(-log(max(g.unit(), 1e-9)) * 3600)
                    w.post(nextID(), by: organicID(o), at: t + delay, kind: .retweet, retweetOf: (pid, coreID(c)))
                }
            }
        }
        for c in 0..<celebrities {
            for k in 0..<viralPosts {
                let t = start + Int64(g.unit() * Double(span))
                let pid = nextID()
                w.post(pid, by: "celeb\(c)", at: t, text: "Celebrity news \(c)-\(k)")
                for o in 0..<organic where g.unit() < 0.1 {
                    // Fans retweet a viral post minutes to hours later.
                    let delay = 5 + Int64(-log(max(g.unit(), 1e-9)) * 1800)
                    w.post(nextID(), by: organicID(o), at: t + delay, kind: .retweet, retweetOf: (pid, "celeb\(c)"))
                }
            }
        }
        for o in 0..<organic {
            for k in 0..<5 {
                let t = start + Int64(g.unit() * Double(span))
                w.post(nextID(), by: organicID(o), at: t, text: "my own thoughts \(o) number \(k)", hashtags: k == 0 ? ["news"] : [])
            }
        }
        return w.finish()
    }
}

import Foundation
