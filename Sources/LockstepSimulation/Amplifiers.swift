import LockstepCore

/// Accounts created in bursts that mostly retweet core posts, several of them minutes apart.
enum Amplifiers {
    static func generate(into w: inout World, _ root: SeededGenerator) {
        let p = w.scenario.amplifiers
        let n = w.scenario.scaled(p.accounts, floor: 20)
        guard n > 0, !w.coreOriginals.isEmpty else { return }
        var g = root
        let campaign = CivilTime.parseISO(w.scenario.operation.campaignStart) ?? w.windowStart
        let bursts = (0..<max(1, p.creationBursts)).map { _ in campaign - 200 * 86_400 + Int64(g.below(290 * 86_400)) }.sorted()
        var amplifiers: [Int32] = []
        for i in 0..<n {
            let created = bursts[i * bursts.count / n] + Int64(g.exponential(mean: 3 * 3600))
            let language = g.chance(0.6) ? "zh-cn" : "en"
            var (display, handle) = Profiles.name(language: language, &g)
            if g.chance(0.6) { handle = Profiles.randomHandle(&g, length: 8 + g.below(8)) }
            let a = w.addAccount(SimAccount(
                userID: 0, created: created, handle: handle, displayName: display,
                location: g.chance(0.15) ? g.pick(Vocabulary.fakeLocations) : "", description: "",
                followers: g.chance(0.5) ? 0 : g.geometric(mean: 4), following: g.geometric(mean: 40),
                accountLanguage: language, population: .amplifier, utcOffset: 0,
                client: g.chance(0.5) ? .android : .webApp))
            amplifiers.append(a)
        }
        // Amplify in time order so a burst never picks an account created after the post.
        let originals = w.coreOriginals.sorted { w.posts[Int($0)].id < w.posts[Int($1)].id }
        var lastUsed = [Int32](repeating: -1, count: n)
        for (k, post) in originals.enumerated() where g.chance(p.amplifyProbability) {
            let source = w.posts[Int(post)]
            var t = source.time + Int64(60 * g.lognormal(median: p.firstDelayMedianMinutes, sigma: 0.7))
            let size = g.geometric(mean: p.meanBurstSize)
            for _ in 0..<size {
                var chosen = -1
                for _ in 0..<6 {
                    let j = g.below(n)
                    if lastUsed[j] != Int32(k), w.accounts[Int(amplifiers[j])].created < t { chosen = j; break }
                }
                guard chosen >= 0, t < w.windowEnd else { continue }
                lastUsed[chosen] = Int32(k)
                let a = amplifiers[chosen]
                let client = w.accounts[Int(a)].client
                if g.chance(p.originalShare) {
                    // A pasted copy of the core text rather than a retweet.
                    w.addPost(time: t, account: a, kind: .original, client: client, language: source.language,
                              topic: source.topic, textSeed: source.textSeed)
                } else {
                    w.addPost(time: t, account: a, kind: .retweet, ref: post, client: client, language: source.language,
                              topic: source.topic, textSeed: source.textSeed)
                }
                t += Int64(60 * g.exponential(mean: p.gapMinutes)) + 5
            }
        }
    }
}
