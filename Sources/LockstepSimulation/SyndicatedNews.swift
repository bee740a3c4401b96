import LockstepCore

/// Syndicated news: a wire service and local news sites that run its stories through scheduling
/// tools, so the same headline and link (with each site's tracking parameters) appear seconds apart
/// in business hours. Modelled on local newspapers syndicating AP and Reuters copy, and on chains
/// whose sites share one social-media desk.
enum SyndicatedNews {
    static let towns = ["Riverton", "Lakeside", "Cedar Falls", "Millbrook", "Harbor City", "Pine Ridge", "Fairview", "Oak Hill",
                        "Westport", "Granite Bay", "Brookfield", "Maple Grove", "Clearwater", "Red Bluff", "Springdale", "Elmwood"]
    static let mastheads = ["Gazette", "Courier", "Herald", "Tribune", "Daily News", "Sentinel", "Post", "Observer"]
    // US zones of the sites: Eastern, Central, Mountain, Pacific.
    static let offsets: [(hours: Double, weight: Double, state: String)] = [(-5, 0.45, "NY"), (-6, 0.3, "IL"), (-7, 0.1, "CO"), (-8, 0.15, "CA")]
    static let tools: [Client] = [.buffer, .hootsuite, .socialFlow, .buffer, .hootsuite]

    static func generate(into w: inout World, _ p: SyndicatedNewsParameters, _ root: SeededGenerator) {
        let n = w.scenario.scaled(p.outlets, floor: 8)
        guard n > 0 else { return }
        var g = root
        let wireOffset = -5 * 3600
        let wire = w.addAccount(SimAccount(
            userID: 0, created: OrdinaryLife.created(&g, from: 2008, to: 2010, before: w.windowStart), handle: "ContinentalWire",
            displayName: "Continental Wire", location: "New York, NY", description: "Breaking news and wire stories from Continental Wire.",
            url: "https://www.continentalwire.example", followers: Int(g.lognormal(median: 1_200_000, sigma: 0.4)),
            following: 300 + g.below(500), accountLanguage: "en", population: .benignNews, utcOffset: wireOffset, client: .socialFlow))
        let zones = WeightedPicker(offsets.map(\.weight))
        var outlets: [Int32] = []
        for i in 0..<n {
            var og = root.fork(UInt64(i))
            let town = og.pick(towns), masthead = og.pick(mastheads)
            let zone = offsets[zones.pick(&og)]
            let a = w.addAccount(SimAccount(
                userID: 0, created: OrdinaryLife.created(&og, from: 2009, to: 2013, before: w.windowStart),
                handle: (town + masthead).filter { $0.isLetter }, displayName: "The \(town) \(masthead)",
                location: "\(town), \(zone.state)", description: "News for \(town) and the valley since 18\(60 + og.below(40)). Tips: DM us.",
                url: "https://www.\(town.lowercased().filter { $0.isLetter })\(masthead.lowercased().filter { $0.isLetter }).example",
                followers: Int(og.lognormal(median: 15_000, sigma: 1)), following: Int(og.lognormal(median: 900, sigma: 0.7)),
                accountLanguage: "en", population: .benignNews, utcOffset: Int(zone.hours * 3600), client: tools[i % tools.count]))
            outlets.append(a)
            // Their own life: local stories at newsroom hours, scheduled by the same tool.
            let acc = w.accounts[Int(a)]
            for day in w.scenario.windowStartDay...w.scenario.windowEndDay {
                for _ in 0..<og.poisson(p.localPostsPerDay) {
                    let t = Int64(day) * 86_400 + Int64(DailyRhythm.newsroom.secondOfDay(&og)) - Int64(acc.utcOffset)
                    guard t >= w.windowStart, t < w.windowEnd, t > acc.created else { continue }
                    w.addPost(time: t, account: a, kind: .original, client: og.chance(0.8) ? acc.client : .webApp, language: .en,
                              topic: .localNews, textSeed: og.next() & OrdinaryLife.textMask)
                }
            }
        }

        // The wire's stories, released in its business hours; each site's tool posts a copy seconds later.
        var sg = root.fork(0x5703_1E5)
        for day in w.scenario.windowStartDay...w.scenario.windowEndDay {
            let weekend = CivilTime.weekday(dayNumber: day) >= 5
            for _ in 0..<sg.poisson(weekend ? p.storiesPerWeekendDay : p.storiesPerWeekday) {
                let release = Profiles.utc(day: day, localHour: sg.uniform(p.releaseStartHour, p.releaseEndHour), offset: wireOffset)
                let story = sg.next() & OrdinaryLife.textMask
                guard release >= w.windowStart, release < w.windowEnd else { continue }
                w.addPost(time: release, account: wire, kind: .original, client: .socialFlow, language: .en, topic: .wire, textSeed: story)
                for (k, outlet) in outlets.enumerated() where sg.chance(p.pickupProbability) {
                    let acc = w.accounts[Int(outlet)]
                    let scheduled = sg.chance(p.scheduledShare)
                    let t = release + (scheduled ? Int64(sg.exponential(mean: p.scheduledDelayMeanSeconds))
                                                 : Int64(60 * sg.lognormal(median: p.manualDelayMedianMinutes, sigma: 1.2)))
                    guard t < w.windowEnd, t > acc.created else { continue }
                    // The top bits carry the site's tracking parameters: the headline is the wire's, the link its own.
                    let site = UInt64(1 + k % 15) << 60
                    w.addPost(time: t, account: outlet, kind: .original, client: scheduled ? acc.client : .webApp, language: .en,
                              topic: .wire, textSeed: story | site)
                }
            }
        }
    }
}
