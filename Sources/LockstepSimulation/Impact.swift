import Foundation
import LockstepCore

/// Impact plants (#16): bought likes on core posts, organic influencers paid to post the core's
/// copy for a while, hashtags state media launch and the operation adopts a day later. Organic
/// engagement with the operation is already there (organic reactions reach core posts); its
/// truth is counted when the files are written. Nil in every preset, so their files do not change.
public struct ImpactParameters: Codable, Sendable, Equatable {
    /// Share of core accounts whose originals get bought likes.
    public var boughtAccountShare = 0.2
    /// Probability that one original of such an account gets bought likes.
    public var boughtPostProbability = 0.25
    /// Bought likes on one post, log-uniform between the bounds.
    public var boughtLikesMin = 60
    /// Upper bound of bought likes on one post.
    public var boughtLikesMax = 600
    /// Organic accounts paid to post the core's copy (not scaled).
    public var influencers = 4
    /// Fewest followers of an influencer (the largest organic accounts are taken when too few have as many).
    public var influencerMinFollowers = 1_500
    /// Years an influencer's account existed before the campaign.
    public var influencerMinAgeYears = 2.0
    /// Days an influencer posts the copy.
    public var influencerDays = 30
    /// Probability that an influencer posts one script of those days.
    public var influencerCopyProbability = 0.5
    /// Median minutes from a script's first copy to the influencer's; lognormal sigma 0.6, at least an hour.
    public var influencerDelayMedianMinutes = 180.0
    /// Hashtags state media launch (#Trumpandemic, #TrumpVirus in 2020).
    public var stateMediaHashtags = ["TrumpVirus", "Trumpandemic"]
    /// The day state media start using them (UTC).
    public var hashtagStart = "2020-03-16"
    /// Days after which the operation takes them up.
    public var adoptionLagDays = 1.0
    /// Posts per day of all state-media accounts together carrying one of the hashtags, from the start on.
    public var stateMediaHashtagPostsPerDay = 3.0
    /// Share of core originals carrying one of the hashtags once adopted.
    public var operationHashtagShare = 0.3

    /// Every plant with its defaults.
    public init() {}
}

/// What the impact plants put into a world, for truth_impact.csv.
struct ImpactTruth {
    var boughtPosts: [Int32] = []
    var influencers: [(account: Int32, copies: Int)] = []
    /// Hashtag, first state-media use, first operation use (UTC seconds).
    var hashtags: [(tag: String, stateMedia: Int64, operation: Int64)] = []
}

enum Impact {
    static func generate(into w: inout World, _ p: ImpactParameters, _ root: SeededGenerator) {
        var truth = ImpactTruth()
        let core = w.accounts(of: .core)
        let coreSet = Set(core)
        var g = root.fork(1)

        // Bought likes.
        // At least one buyer whenever there is a core and a share, so small worlds plant it too.
        var pool = core
        var buyers = Set<Int32>()
        let wanted = p.boughtAccountShare > 0 ? max(1, Int((Double(core.count) * p.boughtAccountShare).rounded())) : 0
        while buyers.count < wanted && !pool.isEmpty { buyers.insert(pool.remove(at: g.below(pool.count))) }
        if !buyers.isEmpty {
            let lo = log(Double(max(1, p.boughtLikesMin))), hi = log(Double(max(p.boughtLikesMin, p.boughtLikesMax)))
            for i in w.posts.indices where w.posts[i].kind == .original && buyers.contains(w.posts[i].account) {
                guard g.chance(p.boughtPostProbability) else { continue }
                w.posts[i].boughtLikes = UInt32(exp(g.uniform(lo, hi)).rounded())
                truth.boughtPosts.append(Int32(i))
            }
        }

        // Influencers: established organic accounts with a history, posting the day's scripts an hour or more later.
        var ig = root.fork(2)
        let campaign = Int64(Scenario.day(w.scenario.operation.campaignStart)) * 86_400
        let oldEnough = campaign - Int64(p.influencerMinAgeYears * 365 * 86_400)
        var ownPosts = [Int](repeating: 0, count: w.accounts.count)
        for r in w.posts where r.kind == .original { ownPosts[Int(r.account)] += 1 }
        let organic = w.accounts(of: .organic).filter { w.accounts[Int($0)].created <= oldEnough && ownPosts[Int($0)] >= 10 }
        var candidates = organic.filter { w.accounts[Int($0)].followers >= p.influencerMinFollowers }
        if candidates.count < p.influencers {
            candidates = Array(organic.sorted { w.accounts[Int($0)].followers > w.accounts[Int($1)].followers }.prefix(p.influencers))
        }
        var chosen: [Int32] = []
        while chosen.count < p.influencers && !candidates.isEmpty { chosen.append(candidates.remove(at: ig.below(candidates.count))) }
        // Scripts: core originals sharing a text seed (variants differ in the top bits), first copy first.
        var scripts: [UInt64: Int32] = [:]
        var copies: [UInt64: Int] = [:]
        for (i, r) in w.posts.enumerated() where r.kind == .original && coreSet.contains(r.account) && r.topic != .test {
            let key = r.textSeed & 0x0FFF_FFFF_FFFF_FFFF
            copies[key, default: 0] += 1
            if let first = scripts[key], w.posts[Int(first)].time <= r.time { continue }
            scripts[key] = Int32(i)
        }
        let firstCopies = scripts.filter { copies[$0.key]! >= 2 }.map(\.value).sorted { w.posts[Int($0)].time < w.posts[Int($1)].time }
        let lastStart = max(Int64(w.scenario.windowEndDay - p.influencerDays) * 86_400, campaign)
        for a in chosen {
            let start = campaign + Int64(ig.below(Int(max(1, (lastStart - campaign) / 86_400)))) * 86_400
            let end = start + Int64(p.influencerDays) * 86_400
            var n = 0
            for s in firstCopies {
                let script = w.posts[Int(s)]
                guard script.time >= start && script.time < end, ig.chance(p.influencerCopyProbability) else { continue }
                let delay = max(60, ig.lognormal(median: p.influencerDelayMedianMinutes, sigma: 0.6))
                let t = script.time + Int64(delay * 60)
                guard t < w.windowEnd else { continue }
                w.addPost(time: t, account: a, kind: .original, client: w.accounts[Int(a)].client, language: script.language,
                          topic: script.topic, textSeed: script.textSeed & 0x0FFF_FFFF_FFFF_FFFF)
                n += 1
            }
            truth.influencers.append((a, n))
        }

        // Hashtags: state media first, the operation a day later.
        var hg = root.fork(3)
        let tags = p.stateMediaHashtags
        if !tags.isEmpty && !w.stateMedia.isEmpty {
            let startDay = Scenario.day(p.hashtagStart)
            var firstState = [Int64](repeating: .max, count: tags.count)
            for day in startDay...w.scenario.windowEndDay {
                for _ in 0..<hg.poisson(p.stateMediaHashtagPostsPerDay) {
                    let a = hg.pick(w.stateMedia)
                    let t = Int64(day) * 86_400 + Int64(hg.below(86_400))
                    let k = day == startDay && firstState.allSatisfy({ $0 == .max }) ? 0 : hg.below(tags.count)
                    let i = w.addPost(time: t, account: a, kind: .original, client: w.accounts[Int(a)].client, language: .en,
                                      topic: .stateMedia, textSeed: hg.next() & 0x0FFF_FFFF_FFFF_FFFF)
                    w.extraTags[i] = tags[k]
                    firstState[k] = min(firstState[k], t)
                }
            }
            var firstOp = [Int64](repeating: .max, count: tags.count)
            for k in tags.indices where firstState[k] != .max {
                let adopt = firstState[k] + Int64(p.adoptionLagDays * 86_400)
                for (i, r) in w.posts.enumerated() where r.kind == .original && coreSet.contains(r.account) && r.time >= adopt
                    && w.extraTags[Int32(i)] == nil && hg.chance(p.operationHashtagShare / Double(tags.count)) {
                    w.extraTags[Int32(i)] = tags[k]
                    firstOp[k] = min(firstOp[k], r.time)
                }
            }
            for k in tags.indices where firstState[k] != .max && firstOp[k] != .max {
                truth.hashtags.append((tags[k], firstState[k], firstOp[k]))
            }
        }
        w.impact = truth
    }

    /// truth_impact.csv: `kind,id,value,detail` rows — bought posts and accounts, influencers, the
    /// hashtag leads and the operation's organic engagement (the breakout truth).
    static func writeTruth(_ w: World, to url: URL) throws -> Int {
        guard let truth = w.impact else { return 0 }
        var out = "kind,id,value,detail\n"
        var buyers: [Int32: Int] = [:]
        for i in truth.boughtPosts {
            let r = w.posts[Int(i)]
            out += "bought_post,\(r.id),\(r.boughtLikes),\(w.accounts[Int(r.account)].userID)\n"
            buyers[r.account, default: 0] += 1
        }
        for (a, n) in buyers.sorted(by: { $0.key < $1.key }) { out += "bought_account,\(w.accounts[Int(a)].userID),\(n),\n" }
        for (a, n) in truth.influencers { out += "influencer,\(w.accounts[Int(a)].userID),\(n),\(w.accounts[Int(a)].handle)\n" }
        for h in truth.hashtags {
            out += "hashtag_lead,\(h.tag.lowercased()),\(Double(h.operation - h.stateMedia) / 3600),\(CivilTime.iso8601(h.stateMedia)) \(CivilTime.iso8601(h.operation))\n"
        }
        // Organic engagement: retweets, replies and quotes of operation posts by accounts outside the operation.
        var engaged = 0, total = 0
        for r in w.posts where r.ref >= 0 && r.kind != .original {
            guard w.accounts[Int(w.posts[Int(r.ref)].account)].population.isOperation else { continue }
            total += 1
            if !w.accounts[Int(r.account)].population.isOperation { engaged += 1 }
        }
        out += "breakout,operation,\(engaged),\(total)\n"
        let data = Data(out.utf8)
        try data.write(to: url)
        return data.count
    }
}
