import LockstepCore

/// A live-event crowd: for one evening, an audience posts on the event's hashtag, all at once at
/// its big moments, and retweets the official account within minutes; the rest of the window it
/// lives an ordinary online life. Modelled on televised finals and award shows.
enum LiveEventCrowd {
    static let homePlaces = ["London, England", "Manchester", "Birmingham, UK", "Leeds", "Glasgow", "Cardiff", ""]

    static func generate(into w: inout World, _ p: LiveEventParameters, _ root: SeededGenerator) {
        let n = w.scenario.scaled(p.accounts, floor: 30)
        guard n > 0 else { return }
        var g = root
        let offset = Int(p.utcOffsetHours * 3600)
        let day = Scenario.day(p.day)
        let start = Profiles.utc(day: day, localHour: p.startHour, offset: offset)
        let end = start + Int64(p.hours * 3600)
        let official = w.addAccount(SimAccount(
            userID: 0, created: OrdinaryLife.created(&g, from: 2011, to: 2013, before: w.windowStart), handle: "GrandFinalLive",
            displayName: "The Grand Final", location: "London", description: "Official account of The Grand Final. #\(p.hashtag)",
            url: "https://www.grandfinal.example", followers: Int(g.lognormal(median: 800_000, sigma: 0.5)), following: 150 + g.below(200),
            accountLanguage: "en", population: .benignLiveEvent, utcOffset: offset, client: .mediaStudio))
        let remoteZones = WeightedPicker(Vocabulary.zones.map(\.weight))
        var crowd: [Int32] = []
        for i in 0..<n {
            var cg = root.fork(UInt64(i))
            let remote = cg.chance(p.remoteShare)
            let zone = Vocabulary.zones[remoteZones.pick(&cg)]
            let accountLanguage = remote ? cg.pick(zone.languages) : "en"
            let (display, handle) = Profiles.name(language: accountLanguage, &cg)
            let a = w.addAccount(SimAccount(
                userID: 0, created: OrdinaryLife.created(&cg, from: 2009, to: 2019, before: w.windowStart), handle: handle,
                displayName: display, location: remote ? cg.pick(zone.places) : cg.pick(homePlaces),
                description: cg.chance(0.6) ? cg.pick(Vocabulary.descriptionsEN) : "",
                followers: Profiles.followers(median: 200, sigma: 1.5, zeroShare: 0.03, &cg),
                following: Int(cg.lognormal(median: 250, sigma: 1)), accountLanguage: accountLanguage, population: .benignLiveEvent,
                utcOffset: remote ? Int(zone.offset * 3600) : offset, client: cg.chance(0.55) ? .iPhone : cg.chance(0.9) ? .android : .webApp))
            crowd.append(a)
            let habits = OrdinaryLife.Habits(posts: Int(cg.lognormal(median: p.postsMedian, sigma: 1.2).rounded()),
                                             shift: cg.normal() * 1.2, language: OrganicPopulation.tweetLanguage(accountLanguage, &cg))
            OrdinaryLife.live(&w, account: a, habits, &cg)
        }
        guard start >= w.windowStart, end < w.windowEnd else { return }

        // The official account: a few trailers in the fortnight before, then a running commentary.
        var og = root.fork(0x0FF1_C1A1)
        var officialPosts: [Int32] = []
        for d in 1...14 where og.chance(0.5) {
            let t = start - Int64(d) * 86_400 + Int64(og.uniform(-6, 2) * 3600)
            officialPosts.append(w.addPost(time: t, account: official, kind: .original, client: .mediaStudio, language: .en,
                                           topic: .eventOfficial, textSeed: og.next() & OrdinaryLife.textMask))
        }
        var t = start - 1800
        while true {
            t += Int64(og.exponential(mean: 3600 / max(p.officialPostsPerHour, 0.1)))
            guard t < end + 1800 else { break }
            officialPosts.append(w.addPost(time: t, account: official, kind: .original, client: .mediaStudio, language: .en,
                                           topic: .eventOfficial, textSeed: og.next() & OrdinaryLife.textMask))
        }
        let moments = (0..<max(0, p.moments)).map { _ in start + Int64(og.uniform(0.2, 1) * Double(end - start)) }

        var eg = root.fork(0xE7E7)
        for a in crowd {
            let acc = w.accounts[Int(a)]
            guard acc.created < start - 3600 else { continue }
            var times = (0..<eg.geometric(mean: p.postsPerMember)).map { _ in start - 1800 + Int64(eg.unit() * Double(end - start + 3600)) }
            // At a big moment half the crowd posts within a minute or two.
            for m in moments where eg.chance(0.5) { times.append(m + 5 + Int64(eg.lognormal(median: 50, sigma: 0.8))) }
            for time in times where time < w.windowEnd {
                w.addPost(time: time, account: a, kind: .original, client: acc.client, language: .en, topic: .eventCrowd,
                          textSeed: eg.next() & OrdinaryLife.textMask)
            }
        }
        for post in officialPosts {
            let source = w.posts[Int(post)]
            let during = source.time >= start - 1800
            for a in crowd where eg.chance(during ? p.retweetProbability : p.retweetProbability / 4) {
                let acc = w.accounts[Int(a)]
                let rt = source.time + 10 + Int64(60 * eg.lognormal(median: p.retweetDelayMedianMinutes, sigma: 1))
                guard rt < w.windowEnd, rt > acc.created else { continue }
                w.addPost(time: rt, account: a, kind: .retweet, ref: post, client: acc.client, language: .en, topic: .eventOfficial,
                          textSeed: source.textSeed)
            }
        }
    }
}
