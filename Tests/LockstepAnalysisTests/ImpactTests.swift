import Foundation
import LockstepCore
import Testing
@testable import LockstepAnalysis

/// Engagement anomalies, breakout, influencer suspects and hashtag lead-lag (#16) on small seeded
/// datasets whose answers are known by construction.
@Suite struct ImpactTests {
    static let day0 = at(2020, 3, 2)

    /// Organic accounts whose posts draw engagement in proportion to their followers (likes about
    /// three times reposts), a few zero-follower accounts with bought likes, and one organic
    /// cascade: a small account's post with many likes *and* reposts.
    static func engagementWorld(seed: UInt64, counts: Bool = true) -> (Dataset, bought: Set<String>, cascade: String) {
        var b = DatasetBuilder()
        var g = SeededGenerator(seed: seed)
        var bought = Set<String>()
        func post(_ a: Int32, _ id: String, _ t: Int64, likes: Int32, reposts: Int32) {
            var key = id, text = "post \(id)"
            key.withUTF8 { k in text.withUTF8 { tx in
                _ = b.addPost(key: UnsafeRawBufferPointer(k), account: a, time: t, kind: .original, text: UnsafeRawBufferPointer(tx),
                              language: UnsafeRawBufferPointer(start: nil, count: 0), client: UnsafeRawBufferPointer(start: nil, count: 0))
            } }
            if counts { b.setEngagement(likes: likes, reposts: reposts, quotes: 0, replies: reposts / 4) }
        }
        var n = 0
        for i in 0..<300 {
            let id = "org\(i)"
            var k = id
            let a = k.withUTF8 { b.account(id: UnsafeRawBufferPointer($0)) }
            let followers = i % 10 == 0 ? Int32(0) : Int32(exp(g.unit() * 9))
            b.profile(a, created: at(2015, 1, 1), language: "en", followers: followers)
            for _ in 0..<10 {
                let base = Double(followers) / 40 * exp(g.normal() * 0.5)
                let reposts = Int32(base.rounded()), likes = Int32((base * 3).rounded()) + Int32(g.int(0..<3))
                post(a, "p\(n)", day0 + Int64(g.int(0..<86_400 * 20)), likes: likes, reposts: reposts)
                n += 1
            }
        }
        for i in 0..<5 {
            var k = "buyer\(i)"
            let a = k.withUTF8 { b.account(id: UnsafeRawBufferPointer($0)) }
            b.profile(a, created: at(2019, 12, 1), language: "en", followers: 0)
            for j in 0..<6 {
                let id = "b\(i)-\(j)"
                let buys = j % 2 == 0
                post(a, id, day0 + Int64(g.int(0..<86_400 * 20)), likes: buys ? Int32(60 + g.int(0..<300)) : 1, reposts: buys ? Int32(g.int(0..<3)) : 0)
                if buys { bought.insert(id) }
            }
        }
        var k = "viral"
        let v = k.withUTF8 { b.account(id: UnsafeRawBufferPointer($0)) }
        b.profile(v, created: at(2014, 1, 1), language: "en", followers: 20)
        post(v, "cascade", day0, likes: 240, reposts: 90)
        return (b.finish(accounting: IngestAccounting()), bought, "cascade")
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func boughtLikesAreFoundAndACascadeIsNot(seed: UInt64) throws {
        let (ds, bought, cascade) = Self.engagementWorld(seed: seed)
        let r = try Engagement(options: AnalysisOptions()).run(on: ds, context: AnalysisContext())
        #expect(r.hasCounts)
        let found = Set(r.allPosts.map(\.post.postID))
        #expect(found == bought, "missed \(bought.subtracting(found).sorted()), extra \(found.subtracting(bought).sorted())")
        #expect(!found.contains(cascade))
        #expect(r.beyondFollowers > r.anomalousPosts, "the cascade is beyond its follower base but explained by its reposts")
        // The column counts each buyer's anomalous posts; accounts without any get 0, not blank.
        let col = r.accountColumns(ds)[0]
        #expect(col.name == "engagement_anomalies")
        let key = ds.accounts.key.index()
        #expect(col.values[Int(key["buyer0"]!)] == "3")
        #expect(col.values[Int(key["org1"]!)] == "0")
        #expect(r.accountReasons(ds)[key["buyer0"]!] == ["engagement_anomaly", "zero_follower_engagement"])
        #expect(r.zeroFollowerAccountsOver == 5)
    }

    @Test func withoutCountsTheSectionSaysSo() throws {
        let (ds, _, _) = Self.engagementWorld(seed: 1, counts: false)
        #expect(!ds.posts.engagement.isPresent)
        let r = try Engagement(options: AnalysisOptions()).run(on: ds, context: AnalysisContext())
        #expect(!r.hasCounts && r.posts.isEmpty && r.model.isEmpty)
        #expect(r.note.hasPrefix("no engagement counts in this input"))
        #expect(r.accountColumns(ds)[0].values.allSatisfy { $0.isEmpty })
    }

    /// A group of five accounts posting one hashtag a day after a state-media account first did,
    /// an outsider who copies the group's texts hours later, and organic accounts that retweet it.
    static func groupWorld() -> (Dataset, [ImpactGroup], Watchlist) {
        var b = DatasetBuilder()
        func account(_ id: String, followers: Int32, created: Int64 = at(2015, 1, 1)) -> Int32 {
            var k = id
            let a = k.withUTF8 { b.account(id: UnsafeRawBufferPointer($0)) }
            var h = id
            h.withUTF8 { hb in
                var p = ProfileBytes()
                p.handle = UnsafeRawBufferPointer(hb)
                p.created = created
                p.followers = followers
                b.describe(a, p)
            }
            b.markOrigin(a, .listed)
            return a
        }
        var n = 0
        func post(_ a: Int32, _ t: Int64, _ text: String, kind: PostKind = .original, retweetOf: String? = nil, retweetAccount: Int32 = noID,
                  hashtags: [String] = []) {
            var key = "p\(n)", tx = text
            n += 1
            key.withUTF8 { k in tx.withUTF8 { x in
                _ = b.addPost(key: UnsafeRawBufferPointer(k), account: a, time: t, kind: kind, text: UnsafeRawBufferPointer(x),
                              language: UnsafeRawBufferPointer(start: nil, count: 0), client: UnsafeRawBufferPointer(start: nil, count: 0))
            } }
            if var r = retweetOf { r.withUTF8 { b.setRetweet(post: UnsafeRawBufferPointer($0), account: retweetAccount) } }
            for h in hashtags { var s = h; s.withUTF8 { b.addHashtag(UnsafeRawBufferPointer($0)) } }
        }
        let state = account("statemedia", followers: 900_000)
        let members = (0..<5).map { account("op\($0)", followers: 0, created: at(2019, 11, 1)) }
        let influencer = account("influencer", followers: 50_000)
        let fans = (0..<12).map { account("fan\($0)", followers: 100) }
        let bystander = account("bystander", followers: 60_000)
        // The state-media account launches #newtag on day 0 at noon; the group takes it up a day later.
        post(state, day0 + 12 * 3600, "our headline today", hashtags: ["NewTag"])
        post(state, day0 + 36 * 3600, "another headline", hashtags: ["NewTag"])
        for (k, m) in members.enumerated() {
            post(m, day0 + 36 * 3600 + Int64(k) * 600, "group line number \(k) with the tag", hashtags: ["NewTag"])
        }
        // Scripts: each pasted by two members, copied by the influencer two hours later.
        let scripts = ["the western media lies about everything we do here",
                       "our great nation fights the virus with courage and science",
                       "rioters destroy the city while foreign hands push them on",
                       "the people stand with the police and want peace again now"]
        for (k, s) in scripts.enumerated() {
            let t = day0 + Int64(k + 2) * 86_400
            post(members[k % 5], t, s)
            post(members[(k + 1) % 5], t + 120, s)
            post(influencer, t + 7200, s)
            // The bystander says something else entirely.
            post(bystander, t + 3600, "lovely weather for a walk in the park today \(k)")
        }
        for k in 0..<12 { post(influencer, day0 - Int64(k + 1) * 86_400, "my own thoughts on day \(k) about cooking and football") }
        for k in 0..<12 { post(bystander, day0 - Int64(k + 1) * 86_400, "bystander thoughts on day \(k)") }
        // Inside engagement: members retweet each other (three); outside: fans retweet members (twelve).
        for k in 0..<3 { post(members[(k + 1) % 5], day0 + 5 * 86_400 + Int64(k), "RT", kind: .retweet, retweetOf: "p2", retweetAccount: members[0]) }
        for (k, f) in fans.enumerated() { post(f, day0 + 5 * 86_400 + Int64(k) * 60, "RT", kind: .retweet, retweetOf: "p2", retweetAccount: members[0]) }
        let ds = b.finish(accounting: IngestAccounting())
        let key = ds.accounts.key.index()
        let group = ImpactGroup(id: 1, label: "cluster 1", members: (0..<5).map { key["op\($0)"]! })
        return (ds, [group], Watchlist([.init(kind: .handle, value: "statemedia", label: "state media")]))
    }

    @Test func stateMediaLedTheHashtagByADay() throws {
        let (ds, groups, watchlist) = Self.groupWorld()
        let r = try HashtagLeadLag(options: AnalysisOptions()).measure(ds, groups: groups, watchlist: watchlist)
        let pair = try #require(r.pairs.first { $0.hashtag == "newtag" })
        #expect(pair.leader == "watchlist")
        #expect(pair.leadHours == 24)
        #expect(pair.watchPosts == 2 && pair.groupPosts == 5)
        // Every group post came within a day of the second headline (posted at the same minute as the first member).
        #expect(pair.groupPostsInWindow == 5)
        #expect(pair.leads.first?.post.handle == "statemedia")
        let none = try HashtagLeadLag(options: AnalysisOptions()).measure(ds, groups: groups, watchlist: nil)
        #expect(!none.hasWatchlist && none.pairs.isEmpty && none.note.hasPrefix("no watchlist"))
    }

    @Test func theInfluencerIsListedAndTheBystanderIsNot() throws {
        let (ds, groups, _) = Self.groupWorld()
        let r = try Influencers(options: AnalysisOptions()).measure(ds, groups: groups)
        #expect(r.suspects.map(\.handle) == ["influencer"])
        let s = try #require(r.suspects.first)
        // Lag from the latest group post with the text (the second paste, two minutes after the first).
        #expect(s.copies == 4 && s.medianLagMinutes == 118)
        #expect(s.shared.allSatisfy { $0.kind == "text" && $0.groupPost.handle.hasPrefix("op") })
        let key = ds.accounts.key.index()
        #expect(r.accountColumns(ds)[0].values[Int(key["influencer"]!)] == "4")
        #expect(r.accountReasons(ds)[key["influencer"]!] == ["influencer_suspect"])
        // A young account copying the same way is not established: counted, not listed.
        let strict = try Influencers(options: AnalysisOptions(["influencers.min_age": "3650d"])).measure(ds, groups: groups)
        #expect(strict.suspects.isEmpty && strict.notEstablished == 1)
    }

    @Test func breakoutCountsOutsideEngagementOnly() throws {
        let (ds, groups, watchlist) = Self.groupWorld()
        let r = try Breakout(options: AnalysisOptions()).measure(ds, groups: groups, watchlist: watchlist)
        let g = try #require(r.groups.first)
        #expect(g.inside.retweets == 3 && g.outside.retweets == 12)
        #expect(g.outsideAccounts == 12 && g.outsideShare == 0.8)
        #expect(g.assessment.hasPrefix("breakout on this platform (category 2)"))
        #expect(g.topAmplifiers.first?.handle == "fan0")
    }
}
