import LockstepCore

/// A fan base: idol accounts, and fans who retweet every idol post within seconds of it ("streaming
/// parties") and post the fandom's pre-written vote template at the minute a vote opens. Modelled on
/// K-pop fandoms' organised streaming and award-show voting.
enum FanBase {
    static let idolNames = ["STARLIT SEVEN", "Starlit Seven Japan", "STARLIT SEVEN Official"]
    static let idolHandles = ["StarlitSeven", "StarlitSevenJP", "Starlit7Offcl"]
    // Fans cluster in East and South-East Asia and the Americas: weights on ``Vocabulary/zones``.
    static let zoneWeights: [Double] = [0.12, 0.16, 0.12, 0.06, 0.06, 0.02, 0.04, 0.14, 0.14, 0.12, 0.02]

    static func generate(into w: inout World, _ p: FanParameters, _ root: SeededGenerator) {
        let n = w.scenario.scaled(p.accounts, floor: 20)
        guard n > 0 else { return }
        var g = root
        var idols: [Int32] = []
        for i in 0..<max(1, p.idols) {
            let created = OrdinaryLife.created(&g, from: 2013, to: 2016, before: w.windowStart)
            idols.append(w.addAccount(SimAccount(
                userID: 0, created: created, handle: idolHandles[i % idolHandles.count], displayName: idolNames[i % idolNames.count],
                location: "Seoul", description: "Official Twitter of STARLIT SEVEN ✨ #StarlitSeven",
                url: "https://www.starlit7.example", followers: Int(g.lognormal(median: 2_500_000, sigma: 0.7)),
                following: 5 + g.below(30), accountLanguage: "en", population: .benignFans, utcOffset: 9 * 3600,
                client: g.chance(0.5) ? .iPhone : .mediaStudio)))
        }
        let zones = WeightedPicker(zoneWeights)
        var fans: [Int32] = []
        for i in 0..<n {
            var fg = root.fork(UInt64(i))
            let zone = Vocabulary.zones[zones.pick(&fg)]
            let accountLanguage = fg.pick(zone.languages)
            var (display, handle) = Profiles.name(language: accountLanguage, &fg)
            // Stan accounts name themselves after the group or a member.
            if fg.chance(0.6) { handle = fg.pick(fanHandleWords) + String(fg.below(1000)) }
            if fg.chance(0.4) { display += " " + fg.pick(["✨", "💫", "⁷", "🌙", "💜"]) }
            let a = w.addAccount(SimAccount(
                userID: 0, created: OrdinaryLife.created(&fg, from: 2013, to: 2019, before: w.windowStart),
                handle: handle, displayName: display, location: fg.pick(zone.places), description: fg.pick(fanDescriptions),
                followers: Int(fg.lognormal(median: 350, sigma: 1.2)), following: Int(fg.lognormal(median: 600, sigma: 0.8)),
                accountLanguage: accountLanguage, population: .benignFans, utcOffset: Int(zone.offset * 3600),
                client: fg.chance(0.55) ? .iPhone : .android))
            fans.append(a)
            // Young, late and busier at weekends.
            let habits = OrdinaryLife.Habits(
                posts: Int(fg.lognormal(median: p.postsMedian, sigma: 1).rounded()), shift: 0.7 + fg.normal(),
                weekendFactor: 1.4, newsShare: 0.05, language: OrganicPopulation.tweetLanguage(accountLanguage, &fg))
            OrdinaryLife.live(&w, account: a, habits, &fg)
        }

        // The idols post on a Seoul evening; each post sets off a streaming party.
        var idolPosts: [Int32] = []
        for idol in idols {
            var ig = root.fork(0x1D01 ^ UInt64(idol))
            let created = w.accounts[Int(idol)].created
            for day in w.scenario.windowStartDay...w.scenario.windowEndDay {
                for _ in 0..<ig.poisson(p.idolPostsPerWeek / 7) {
                    let t = Profiles.utc(day: day, localHour: ig.uniform(11, 23.5), offset: 9 * 3600)
                    guard t >= w.windowStart, t < w.windowEnd, t > created else { continue }
                    idolPosts.append(w.addPost(time: t, account: idol, kind: .original, client: w.accounts[Int(idol)].client,
                                               language: .en, topic: .idol, textSeed: ig.next() & OrdinaryLife.textMask))
                }
            }
        }
        var sg = root.fork(0x57_2EA4)
        for post in idolPosts {
            let source = w.posts[Int(post)]
            for fan in fans where sg.chance(p.streamProbability) {
                let acc = w.accounts[Int(fan)]
                var t = source.time
                if sg.chance(p.lateShare) {
                    t += Int64(60 * sg.lognormal(median: 40, sigma: 1.2))
                } else {
                    t += 2 + Int64(sg.lognormal(median: p.streamDelayMedianSeconds, sigma: p.streamDelaySigma))
                }
                // Fans asleep when the idol posts catch up in the morning, with everyone else who missed it.
                if OrdinaryLife.asleep(t, offset: acc.utcOffset) {
                    t += OrdinaryLife.untilMorning(t, offset: acc.utcOffset) + Int64(sg.exponential(mean: 5400))
                }
                guard t < w.windowEnd, t > acc.created else { continue }
                w.addPost(time: t, account: fan, kind: .retweet, ref: post, client: acc.client, language: source.language,
                          topic: source.topic, textSeed: source.textSeed)
            }
        }

        // Vote days: the template is announced, the vote opens at one minute, fans post it again and again.
        for date in p.voteDays {
            let day = Scenario.day(date)
            guard day >= w.scenario.windowStartDay, day <= w.scenario.windowEndDay else { continue }
            var vg = root.fork(0x707E_0000 | UInt64(day))
            let template = vg.next() & OrdinaryLife.textMask
            let opens = Int64(day) * 86_400 + Int64(p.voteHourUTC * 3600)
            for fan in fans where vg.chance(p.voteProbability) {
                let acc = w.accounts[Int(fan)]
                var t = opens + Int64(vg.exponential(mean: p.voteDelayMeanSeconds))
                for k in 0..<vg.geometric(mean: p.votesPerFan) {
                    // A repeated post needs an edit, or the platform refuses it as a duplicate.
                    let edit = k > 0 || vg.chance(p.votePersonalShare) ? OrdinaryLife.edit(&vg) : 0
                    if k > 0 { t += 20 + Int64(vg.exponential(mean: 120)) }
                    guard t < w.windowEnd, t > acc.created else { continue }
                    w.addPost(time: t, account: fan, kind: .original, client: acc.client, language: .en, topic: .fanVote,
                              textSeed: template | edit)
                }
            }
        }
    }

    static let fanHandleWords = ["starlit", "s7_", "starlight", "seven", "stan", "s7stream", "luv", "moonie"]
    static let fanDescriptions = [
        "STARLIT SEVEN stan account ✨ OT7", "streaming is my cardio 💫 | she/her", "fan account | not affiliated",
        "19 | Manila | 💫 forever", "S7 ⁷ | voting team", "just a fan 🌙 | fan account", "Starlight forever ✨ | any pronouns",
        "UNI student who stans S7", "S7 updates, translations and streaming goals", "💫 they/them | art acc",
    ]
}
