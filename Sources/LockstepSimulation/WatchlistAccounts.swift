import LockstepCore

/// State-media and diplomat accounts: genuine, organic-looking accounts with many followers that
/// the operation retweets and replies to. They are `organic` in truth.csv and listed in watchlist.csv.
enum WatchlistAccounts {
    static let outlets = ["Global Dispatch", "Eastwind News", "Harmony Daily", "Silk Road Radio", "Pacific Herald"]
    static let outletHandles = ["GlobalDispatch", "EastwindNews", "HarmonyDaily", "SilkRoadRadio", "PacificHeraldCN"]
    static let diplomatTitles = ["Ambassador", "Consul General", "Spokesperson", "Counsellor", "Deputy Chief of Mission"]
    static let postings: [(place: String, offset: Double)] = [
        ("Islamabad", 5), ("Pretoria", 2), ("London", 0), ("Caracas", -4), ("Beijing", 8), ("Nairobi", 3),
        ("Paris", 1), ("Canberra", 10), ("Brasília", -3), ("Jakarta", 7), ("Ottawa", -5), ("Tehran", 3.5),
    ]

    static func generate(into w: inout World, _ root: SeededGenerator) {
        let p = w.scenario.watchlist
        let listTargets = min(w.scenario.followers.listTargets, p.diplomats)
        for i in 0..<p.stateMedia {
            var g = root.fork(UInt64(i))
            let k = i % outlets.count
            let suffix = i < outlets.count ? "" : " \(i / outlets.count + 1)"
            let created = CivilTime.seconds(year: 2011 + g.below(3), month: 1 + g.below(12), day: 1 + g.below(28), hour: g.below(24))
            let abroad = g.chance(0.3)
            let a = w.addAccount(SimAccount(
                userID: 0, created: created, handle: outletHandles[k] + (suffix.isEmpty ? "" : String(i)),
                displayName: outlets[k] + suffix, location: abroad ? "Washington, DC" : "Beijing",
                description: "News and views from \(outlets[k]). Follow us for the latest.",
                url: "https://www.\(Vocabulary.stateMediaDomains[k])",
                followers: Int(g.lognormal(median: 900_000, sigma: 0.9)), following: 20 + g.below(300),
                accountLanguage: "en", population: .organic, utcOffset: abroad ? -5 * 3600 : 8 * 3600,
                client: g.chance(0.5) ? .webApp : .tweetDeck, label: "state media"))
            w.stateMedia.append(a)
            post(w: &w, account: a, perDay: p.stateMediaPostsPerDay, topic: .stateMedia, &g)
        }
        for i in 0..<p.diplomats {
            var g = root.fork(0x1_0000 + UInt64(i))
            let (place, offset) = postings[i % postings.count]
            let name = g.pick(Vocabulary.surnameZH) + g.pick(Vocabulary.givenZH)
            let title = diplomatTitles[i % diplomatTitles.count]
            // List targets joined Twitter recently, as diplomats did in 2019; their follower lists are collected.
            let created = i < listTargets
                ? CivilTime.seconds(year: 2019, month: 3 + g.below(4), day: 1 + g.below(28), hour: g.below(24))
                : CivilTime.seconds(year: 2010 + g.below(9), month: 1 + g.below(12), day: 1 + g.below(28), hour: g.below(24))
            let a = w.addAccount(SimAccount(
                userID: 0, created: created, handle: "Amb" + Profiles.randomHandle(&g, length: 6), displayName: "\(title) \(name)",
                location: place, description: "\(title) in \(place). Building bridges of friendship.",
                followers: Int(g.lognormal(median: 40_000, sigma: 1)), following: 50 + g.below(500), accountLanguage: "en",
                population: .organic, utcOffset: Int(offset * 3600), client: g.chance(0.6) ? .iPhone : .webApp, label: "diplomat"))
            w.diplomats.append(a)
            post(w: &w, account: a, perDay: p.diplomatPostsPerDay, topic: .diplomat, &g)
        }
        w.watchlistOriginals.sort { w.posts[Int($0)].id < w.posts[Int($1)].id }
    }

    private static func post(w: inout World, account a: Int32, perDay: Double, topic: Topic, _ g: inout SeededGenerator) {
        let acc = w.accounts[Int(a)]
        // Below scale 1 the collection is smaller, and so is the share of these accounts' posts in it.
        let rate = perDay * min(1, w.scenario.scale)
        for day in w.scenario.windowStartDay...w.scenario.windowEndDay {
            for _ in 0..<g.poisson(rate) {
                let t = Int64(day) * 86_400 + Int64(DailyRhythm.newsroom.secondOfDay(&g)) - Int64(acc.utcOffset)
                guard t >= w.windowStart, t < w.windowEnd, t > acc.created else { continue }
                let lang: Language = g.chance(0.2) ? .zh : .en
                let p = w.addPost(time: t, account: a, kind: .original, client: acc.client, language: lang, topic: topic,
                                  textSeed: g.next() & ~0x10)
                w.watchlistOriginals.append(p)
            }
        }
    }
}
