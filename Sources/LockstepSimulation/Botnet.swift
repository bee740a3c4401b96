import LockstepCore

/// Automated accounts: a fixed period with a little jitter, day and night, an automation client;
/// bots of a group post the same feed item within the hour and retweet each other.
enum Botnet {
    static func generate(into w: inout World, _ root: SeededGenerator) {
        let p = w.scenario.bots
        let n = w.scenario.scaled(p.accounts, floor: 10)
        guard n > 0 else { return }
        let groupSize = max(1, p.groupSize)
        let groups = (n + groupSize - 1) / groupSize
        let span = Double(w.windowEnd - w.windowStart)
        for group in 0..<groups {
            var gg = root.fork(UInt64(group))
            let client = gg.pick(Client.automation)
            let feed = gg.next()
            let batch = w.windowStart - Int64(gg.uniform(10, 400) * 86_400)
            let groupStart = w.windowStart + Int64(gg.unit() * span * 0.6)
            var members: [Int32] = []
            for m in 0..<min(groupSize, n - group * groupSize) {
                var g = gg.fork(UInt64(m))
                let (display, _) = Profiles.name(language: "en", &g)
                let handle = g.pick(["news", "daily", "info", "feed", "alert", "world"]) + Profiles.randomHandle(&g, length: 6)
                members.append(w.addAccount(SimAccount(
                    userID: 0, created: batch + Int64(g.below(4 * 3600)), handle: handle, displayName: display,
                    location: g.chance(0.3) ? g.pick(Vocabulary.fakeLocations) : "", description: g.chance(0.5) ? "News 24/7" : "",
                    followers: g.below(50), following: g.below(100), accountLanguage: "en", population: .bot,
                    utcOffset: 0, client: client)))
            }
            for (m, a) in members.enumerated() {
                var g = gg.fork(0x100 + UInt64(m))
                let period = 60 * g.uniform(p.periodMinMinutes, p.periodMaxMinutes)
                let start = groupStart + Int64(g.unit() * period)
                let end = min(w.windowEnd, start + Int64(g.uniform(p.activeDaysMin, p.activeDaysMax) * 86_400))
                var t = Double(start)
                while Int64(t) < end {
                    let time = Int64(t)
                    // The group's feed item of the hour: group members post the same text.
                    var item = SeededGenerator(seed: feed ^ UInt64(time / 3600))
                    let post = w.addPost(time: time, account: a, kind: .original, client: client, language: .en, topic: .botFeed,
                                         textSeed: item.next() & 0x0FFF_FFFF_FFFF_FFFF)
                    if members.count > 1, g.chance(p.groupRetweetProbability) {
                        var other = members[g.below(members.count)]
                        if other == a { other = members[(Int(a - members[0]) + 1) % members.count] }
                        let rt = time + 30 + Int64(g.exponential(mean: 180))
                        if rt < w.windowEnd {
                            w.addPost(time: rt, account: other, kind: .retweet, ref: post, client: client, language: .en,
                                      topic: .botFeed, textSeed: w.posts[Int(post)].textSeed)
                        }
                    }
                    t += period + g.normal() * p.jitterSeconds
                }
            }
        }
    }
}
