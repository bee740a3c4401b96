import LockstepCore

/// Aged accounts bought or stolen by the operation: years of genuine posting in another language
/// from a phone, years of silence, then campaign posts on the office schedule (see ``TrollFactory``).
enum HijackedAccounts {
    static let personas: [(language: String, tweet: Language, offsets: [Double])] = [
        ("es", .es, [-5, -6, -3, 1]), ("pt", .pt, [-3]), ("id", .id, [7, 8]), ("en", .en, [0, -5, -8, 10]), ("tr", .tr, [3]),
    ]

    /// Creates the accounts and their genuine history; returns each account with its takeover time.
    static func generate(into w: inout World, _ root: SeededGenerator) -> [(account: Int32, takeover: Int64)] {
        let p = w.scenario.hijacked
        let n = w.scenario.scaled(p.accounts, floor: 3)
        let campaignStart = CivilTime.parseISO(w.scenario.operation.campaignStart) ?? w.windowStart
        var result: [(Int32, Int64)] = []
        for i in 0..<n {
            var g = root.fork(UInt64(i))
            let persona = g.pick(personas)
            let offset = Int(g.pick(persona.offsets) * 3600)
            let created = CivilTime.seconds(year: 2009 + g.below(6), month: 1 + g.below(12), day: 1 + g.below(28)) + Int64(g.below(86_400))
            let (display, handle) = Profiles.name(language: persona.language, &g)
            let client: Client = g.chance(0.5) ? .iPhone : .android
            let a = w.addAccount(SimAccount(
                userID: 0, created: created, handle: handle, displayName: display,
                location: g.chance(0.5) ? "" : g.pick(Vocabulary.zones.first { $0.offset == Double(offset) / 3600 }?.places ?? [""]),
                description: g.chance(0.4) ? g.pick(Vocabulary.descriptionsEN) : "",
                followers: Int(g.lognormal(median: 250, sigma: 1)), following: Int(g.lognormal(median: 300, sigma: 0.8)),
                accountLanguage: persona.language, population: .hijacked, utcOffset: offset, client: client))
            // Genuine era, ending at least a year before the campaign so a silence of years follows.
            let takeover = campaignStart + Int64(g.uniform(0, p.takeoverSpreadDays) * 86_400)
            let years = g.uniform(p.genuineYearsMin, p.genuineYearsMax)
            // Tweets before 2011 would predate time-based tweet ids; such accounts start posting later.
            let genuineStart = max(created, CivilTime.seconds(year: 2011, month: 1, day: 1)) + Int64(g.uniform(1, 60) * 86_400)
            let genuineEnd = min(genuineStart + Int64(years * 365 * 86_400), campaignStart - Int64(g.uniform(1.2, 3) * 365 * 86_400))
            let rate = g.lognormal(median: p.genuinePostsPerWeek, sigma: 0.5)
            var week = genuineStart
            while week < genuineEnd {
                for _ in 0..<g.poisson(rate) {
                    let day = CivilTime.dayNumber(week + Int64(offset)) + g.below(7)
                    let t = Int64(day) * 86_400 + Int64(DailyRhythm.organic.secondOfDay(&g)) - Int64(offset)
                    guard t > created, t < genuineEnd else { continue }
                    w.addPost(time: t, account: a, kind: .original, client: client, language: persona.tweet, topic: .genuine,
                              textSeed: g.next() & ~0x10)
                }
                week += 7 * 86_400
            }
            result.append((a, takeover))
        }
        return result
    }
}
