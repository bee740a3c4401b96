import LockstepCore

/// Accounts created in bursts that mostly retweet core posts, several of them minutes apart. A
/// stealthy office buys aged accounts instead, amplifies minutes to hours later, and gives each
/// amplifier an everyday life of its own so that most of what it posts is filler.
enum Amplifiers {
    static func generate(into w: inout World, office: Office, originals coreOriginals: [Int32], _ root: SeededGenerator) {
        let p = office.amplifiers
        let n = w.scenario.scaled(p.accounts, floor: 20)
        guard n > 0, !coreOriginals.isEmpty else { return }
        var g = root
        let stealth = office.stealth
        let campaign = CivilTime.parseISO(office.op.campaignStart) ?? w.windowStart
        let bursts = (0..<max(1, p.creationBursts)).map { _ in campaign - 200 * 86_400 + Int64(g.below(290 * 86_400)) }.sorted()
        var amplifiers: [Int32] = []
        for i in 0..<n {
            if let stealth {
                amplifiers.append(BoughtAccounts.make(into: &w, population: .amplifier, office: office, stealth: stealth,
                                                      yearsMin: 0.5, yearsMax: max(0.6, stealth.amplifierAgedYearsMax),
                                                      followersMedian: stealth.followersMedian / 2, &g))
                continue
            }
            let created = bursts[i * bursts.count / n] + Int64(g.exponential(mean: 3 * 3600))
            let language = g.chance(0.6) ? (office.native == .zh ? "zh-cn" : office.nativeAccountLanguage(&g)) : "en"
            var (display, handle) = Office.name(language: language, &g)
            if g.chance(0.6) { handle = Profiles.randomHandle(&g, length: 8 + g.below(8)) }
            let a = w.addAccount(SimAccount(
                userID: 0, created: created, handle: handle, displayName: display,
                location: g.chance(0.15) ? g.pick(Vocabulary.fakeLocations) : "", description: "",
                followers: g.chance(0.5) ? 0 : g.geometric(mean: 4), following: g.geometric(mean: 40),
                accountLanguage: language, population: .amplifier, utcOffset: 0,
                client: g.chance(0.5) ? .android : .webApp, operation: office.index))
            amplifiers.append(a)
        }
        // Amplify in time order so a burst never picks an account created after the post.
        let originals = coreOriginals.sorted { w.posts[Int($0)].id < w.posts[Int($1)].id }
        var lastUsed = [Int32](repeating: -1, count: n)
        let firstDelay = stealth.map { ($0.amplifyDelayMedianMinutes, 1.0) } ?? (p.firstDelayMedianMinutes, 0.7)
        let gap = stealth?.amplifyGapMinutes ?? p.gapMinutes
        var operationPosts = [Int](repeating: 0, count: n)
        /// A burst of amplifier retweets (or pasted copies) of `post`; `k` keeps an account from repeating itself.
        func amplify(_ post: Int32, _ k: Int32, mayPaste: Bool, _ g: inout SeededGenerator) {
            let source = w.posts[Int(post)]
            var t = source.time + Int64(60 * g.lognormal(median: firstDelay.0, sigma: firstDelay.1))
            let size = g.geometric(mean: p.meanBurstSize)
            for _ in 0..<size {
                var chosen = -1
                for _ in 0..<6 {
                    let j = g.below(n)
                    if lastUsed[j] != k, w.accounts[Int(amplifiers[j])].created < t { chosen = j; break }
                }
                guard chosen >= 0, t < w.windowEnd else { continue }
                lastUsed[chosen] = k
                operationPosts[chosen] += 1
                let a = amplifiers[chosen]
                let client = w.accounts[Int(a)].client
                if mayPaste && g.chance(p.originalShare) {
                    // A pasted copy of the core text rather than a retweet; a stealthy office rewords it.
                    var seed = source.textSeed
                    if stealth != nil {
                        let reworded = (source.textSeed >> 60 + UInt64(1 + g.below(15))) % 16
                        seed = source.textSeed & OrdinaryLife.textMask | reworded << 60
                    }
                    w.addPost(time: t, account: a, kind: .original, client: client, language: source.language,
                              topic: source.topic, textSeed: seed)
                } else {
                    w.addPost(time: t, account: a, kind: .retweet, ref: post, client: client, language: source.language,
                              topic: source.topic, textSeed: source.textSeed)
                }
                t += Int64(60 * g.exponential(mean: gap)) + 5
            }
        }
        for (k, post) in originals.enumerated() where g.chance(p.amplifyProbability) {
            amplify(post, Int32(k), mayPaste: true, &g)
        }
        // Another office's posts and the diplomats', each on its own stream so the office's own bursts stay as they were.
        if !office.boosts.isEmpty || office.diplomatBoostProbability > 0 {
            var bg = root.fork(0xB0_0057)
            let boosted = office.boosts.flatMap { w.officeOriginals.indices.contains(Int($0)) ? w.officeOriginals[Int($0)] : [] }
            let diplomats = Set(w.diplomats)
            let diplomatPosts = w.watchlistOriginals.filter { diplomats.contains(w.posts[Int($0)].account) }
            var k = Int32(originals.count)
            let campaignStart = Int64(Scenario.day(office.op.campaignStart)) * 86_400
            for post in boosted where w.posts[Int(post)].time >= campaignStart && bg.chance(office.boostProbability) {
                amplify(post, k, mayPaste: false, &bg)
                k += 1
            }
            for post in diplomatPosts where w.posts[Int(post)].time >= campaignStart && bg.chance(office.diplomatBoostProbability) {
                amplify(post, k, mayPaste: false, &bg)
                k += 1
            }
        }
        guard let stealth else { return }
        // Filler: an ordinary life on the seller's clock, sized so the operation's posts are under half of the account's.
        var fg = root.fork(0xF1_11E5)
        let share = min(max(stealth.amplifierOperationShare, 0.05), 1)
        for (j, a) in amplifiers.enumerated() {
            let own = Double(operationPosts[j]) * (1 - share) / share
            let language = OrganicPopulation.tweetLanguage(w.accounts[Int(a)].accountLanguage, &fg)
            let habits = OrdinaryLife.Habits(posts: Int((own * fg.uniform(1, 1.4)).rounded(.up)) + 2, shift: fg.normal(),
                                             newsShare: 0.3, language: language)
            OrdinaryLife.live(&w, account: a, habits, &fg)
        }
    }
}
