import LockstepCore

/// An activist campaign: organisers, and supporters in Hong Kong and Taipei (UTC+8, like the PRC
/// office) and abroad, who retweet the organisers within minutes and post from a shared toolkit of
/// pre-written tweets on action days. Modelled on the 2019 Hong Kong protest movement's online
/// campaigns ("Twitter storms" aimed at foreign lawmakers).
enum ActivistCampaign {
    static let organiserNames = ["HK Civil Front", "Stand With HK", "Hong Kong Democracy Council", "Taiwan Solidarity HK",
                                 "HK Students Voice", "Lennon Wall Network"]
    static let organiserHandles = ["HKCivilFront", "Stand_with_HK", "HKDemoCouncil", "TWxHKSolidarity", "HKStudentsVoice",
                                   "LennonWallNet"]
    static let local = (places: ["Hong Kong", "香港", "Kowloon", "Taipei", "台北", "Taiwan", ""], languages: ["zh-tw", "zh-tw", "en", "zh-cn"])
    static let diaspora: [(offset: Double, places: [String])] = [
        (0, ["London, England", "Manchester", ""]), (-5, ["Toronto", "New York, NY", ""]), (-8, ["Vancouver, BC", "San Francisco"]),
        (10, ["Sydney, NSW", "Melbourne"]), (1, ["Berlin", "Paris, France"]),
    ]

    static func generate(into w: inout World, _ p: ActivistParameters, _ root: SeededGenerator) {
        let n = w.scenario.scaled(p.accounts, floor: 20)
        guard n > 0 else { return }
        var g = root
        var organisers: [Int32] = []
        for i in 0..<max(1, p.organisers) {
            organisers.append(w.addAccount(SimAccount(
                userID: 0, created: OrdinaryLife.created(&g, from: 2011, to: 2016, before: w.windowStart),
                handle: organiserHandles[i % organiserHandles.count], displayName: organiserNames[i % organiserNames.count],
                location: i % 3 == 2 ? "Taipei" : "Hong Kong", description: "Non-violent civil campaign. 香港加油 Press: see link",
                url: "https://www.\(organiserHandles[i % organiserHandles.count].lowercased()).example",
                followers: Int(g.lognormal(median: 40_000, sigma: 1)), following: 200 + g.below(800), accountLanguage: "en",
                population: .benignActivists, utcOffset: 8 * 3600, client: g.chance(0.5) ? .tweetDeck : .iPhone)))
        }
        var activists: [Int32] = []
        for i in 0..<n {
            var ag = root.fork(UInt64(i))
            let home = ag.chance(p.localShare)
            let abroad = ag.pick(diaspora)
            let accountLanguage = home ? ag.pick(local.languages) : (ag.chance(0.6) ? "en" : "zh-tw")
            let (display, handle) = Profiles.name(language: accountLanguage, &ag)
            // Many joined Twitter in the summer of 2019 to reach a foreign audience; the rest are years old.
            let created = ag.chance(0.3) ? CivilTime.seconds(year: 2019, month: 6, day: 1) + Int64(ag.below(60 * 86_400))
                : OrdinaryLife.created(&ag, from: 2009, to: 2018, before: w.windowStart)
            let a = w.addAccount(SimAccount(
                userID: 0, created: created, handle: handle, displayName: display,
                location: home ? ag.pick(local.places) : ag.pick(abroad.places), description: ag.pick(descriptions),
                followers: Int(ag.lognormal(median: 180, sigma: 1.3)), following: Int(ag.lognormal(median: 300, sigma: 0.9)),
                accountLanguage: accountLanguage, population: .benignActivists,
                utcOffset: Int((home ? 8 : abroad.offset) * 3600),
                client: ag.chance(0.6) ? .iPhone : ag.chance(0.9) ? .android : .webApp))
            activists.append(a)
            // Students and workers: evenings and weekends, and much of what they post is the news.
            let habits = OrdinaryLife.Habits(
                posts: Int(ag.lognormal(median: p.postsMedian, sigma: 1).rounded()), shift: 0.8 + 0.8 * ag.normal(),
                weekendFactor: 1.8, newsShare: 0.45, language: OrganicPopulation.tweetLanguage(accountLanguage, &ag))
            OrdinaryLife.live(&w, account: a, habits, &ag)
        }

        // Organisers post announcements; supporters retweet them within minutes when awake.
        let quieter = Scenario.day("2020-01-01")
        var rg = root.fork(0x0_26A0)
        for organiser in organisers {
            let acc = w.accounts[Int(organiser)]
            for day in w.scenario.windowStartDay...w.scenario.windowEndDay {
                // The movement's online activity fell after the 2019 protests and the outbreak.
                let rate = p.organiserPostsPerDay * (day < quieter ? 1 : 0.4)
                for _ in 0..<rg.poisson(rate) {
                    let t = Int64(day) * 86_400 + Int64(DailyRhythm.organic.secondOfDay(&rg, shift: 0.5)) - Int64(acc.utcOffset)
                    guard t >= w.windowStart, t < w.windowEnd, t > acc.created else { continue }
                    let post = w.addPost(time: t, account: organiser, kind: .original, client: acc.client,
                                         language: rg.chance(0.6) ? .en : .zh, topic: .organiser, textSeed: rg.next() & OrdinaryLife.textMask)
                    for a in activists where rg.chance(p.retweetProbability) {
                        let fan = w.accounts[Int(a)]
                        let rt = t + 10 + Int64(60 * rg.lognormal(median: p.retweetDelayMedianMinutes, sigma: 1))
                        guard rt < w.windowEnd, rt > fan.created, !OrdinaryLife.asleep(rt, offset: fan.utcOffset) else { continue }
                        let source = w.posts[Int(post)]
                        w.addPost(time: rt, account: a, kind: .retweet, ref: post, client: fan.client, language: source.language,
                                  topic: .organiser, textSeed: source.textSeed)
                    }
                }
            }
        }

        // Action days: at the announced hour in Hong Kong, participants post the toolkit's tweets, diaspora included.
        for date in p.actionDays {
            let day = Scenario.day(date)
            guard day >= w.scenario.windowStartDay, day <= w.scenario.windowEndDay else { continue }
            var tg = root.fork(0xAC70_0000 | UInt64(day))
            let toolkit = (0..<max(1, p.toolkitSize)).map { _ in tg.next() & OrdinaryLife.textMask }
            let start = Profiles.utc(day: day, localHour: p.actionHour, offset: 8 * 3600)
            for a in activists where tg.chance(p.actionProbability) {
                let acc = w.accounts[Int(a)]
                let zh = acc.accountLanguage.hasPrefix("zh") && tg.chance(0.4)
                var t = start + Int64(tg.exponential(mean: 180))
                var unused = toolkit
                for k in 0..<min(tg.geometric(mean: p.toolkitPostsPerActivist), unused.count) {
                    if k > 0 { t += 15 + Int64(60 * tg.exponential(mean: p.toolkitGapMinutes)) }
                    let seed = unused.remove(at: tg.below(unused.count))
                    guard t < w.windowEnd, t > acc.created else { continue }
                    let edit = tg.chance(p.toolkitEditShare) ? OrdinaryLife.edit(&tg) : 0
                    w.addPost(time: t, account: a, kind: .original, client: acc.client, language: zh ? .zh : .en,
                              topic: .toolkit, textSeed: seed | edit)
                }
            }
        }
    }

    static let descriptions = [
        "香港人 | 光復香港", "Hongkonger. Freedom is not free.", "HK / London. Views my own.", "台灣 | 撐香港", "Student, HKU",
        "Nurse. Hongkonger. 🖤", "Photographer documenting the streets", "Overseas Hongkonger 🇬🇧", "自由 | 民主", "Teacher in Kowloon",
    ]
}
