import LockstepCore

/// The everyday posting of a benign account, so that its coordinated acts are only part of what it does:
/// sessions of originals on its own clock, weekends weighted, and a place among the users who react
/// to other people's posts (``OrganicPopulation/react(into:traits:_:)``).
enum OrdinaryLife {
    struct Habits {
        /// Own posts over the window.
        var posts: Int
        /// Personal shift of the daily rhythm, hours.
        var shift: Double
        var rhythm = DailyRhythm.organic
        /// Posting on a Saturday or Sunday relative to a weekday.
        var weekendFactor = 1.25
        /// Share of own posts about the news (the rest is chatter).
        var newsShare = 0.2
        var language: Language
    }

    /// A profile's creation time uniform between two years (inclusive), before `end`.
    static func created(_ g: inout SeededGenerator, from first: Int, to last: Int, before end: Int64) -> Int64 {
        let start = CivilTime.seconds(year: first, month: 1, day: 1)
        let stop = min(CivilTime.seconds(year: last + 1, month: 1, day: 1), end)
        return start + Int64(g.unit() * Double(stop - start))
    }

    /// Writes the account's own posts and enrols it as a reactor.
    static func live(_ w: inout World, account a: Int32, _ h: Habits, _ g: inout SeededGenerator) {
        let acc = w.accounts[Int(a)]
        w.benignReactors.append((a, (Double(h.posts) + 0.5) * g.lognormal(median: 1, sigma: 1), h.shift))
        let first = max(w.scenario.windowStartDay, CivilTime.dayNumber(acc.created) + 1), last = w.scenario.windowEndDay
        guard first <= last else { return }
        var made = 0
        while made < h.posts {
            let session = min(g.geometric(mean: 1.6), h.posts - made)
            var day = first + g.below(last - first + 1)
            for _ in 0..<4 where CivilTime.weekday(dayNumber: day) < 5 && !g.chance(1 / h.weekendFactor) {
                day = first + g.below(last - first + 1)
            }
            let later = CivilTime.weekday(dayNumber: day) >= 5 ? 0.8 : 0
            var t = Int64(day) * 86_400 + Int64(h.rhythm.secondOfDay(&g, shift: h.shift + later)) - Int64(acc.utcOffset)
            for _ in 0..<session {
                made += 1
                guard t >= w.windowStart, t < w.windowEnd, t > acc.created else { continue }
                let topic: Topic = g.chance(h.newsShare) ? .news : .chatter
                let language: Language = topic == .news && h.language != .zh ? .en : h.language
                w.addPost(time: t, account: a, kind: .original, client: acc.client, language: language, topic: topic,
                          textSeed: g.next() & ~0x10)
                t += Int64(g.lognormal(median: 240, sigma: 1))
            }
        }
    }

    /// Whether a UTC time falls in the small hours (02:00-07:00) of an account's own clock.
    static func asleep(_ t: Int64, offset: Int) -> Bool {
        let local = t + Int64(offset)
        let hour = (local - Int64(CivilTime.dayNumber(local)) * 86_400) / 3600
        return hour >= 2 && hour < 7
    }

    /// Seconds from `t` to the next local 07:00 of an account's clock.
    static func untilMorning(_ t: Int64, offset: Int) -> Int64 {
        let local = t + Int64(offset)
        let sod = local - Int64(CivilTime.dayNumber(local)) * 86_400
        return sod < 7 * 3600 ? 7 * 3600 - sod : 31 * 3600 - sod
    }

    /// A random edit number 1...15 carried in a text seed's top bits.
    static func edit(_ g: inout SeededGenerator) -> UInt64 { UInt64(1 + g.below(15)) << 60 }

    static let textMask: UInt64 = 0x0FFF_FFFF_FFFF_FFFF
}
