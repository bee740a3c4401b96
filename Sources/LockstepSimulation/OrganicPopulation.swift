import LockstepCore

/// Ordinary users: their own posts, and the retweet, reply and quote cascades that all users make.
enum OrganicPopulation {
    /// Per-account state that the cascades need after the accounts are made.
    struct Traits {
        var reactionWeight: [Double] = []
        var shift: [Double] = []
    }

    static func generate(into w: inout World, _ root: SeededGenerator) -> Traits {
        let p = w.scenario.organic
        let n = w.scenario.scaled(p.accounts, floor: 50)
        var traits = Traits()
        let zonePicker = WeightedPicker(Vocabulary.zones.map(\.weight))
        let startDay = w.scenario.windowStartDay, endDay = w.scenario.windowEndDay
        for i in 0..<n {
            var g = root.fork(UInt64(i))
            let zone = Vocabulary.zones[zonePicker.pick(&g)]
            let accountLanguage = g.pick(zone.languages)
            let (display, handle) = Profiles.name(language: accountLanguage, &g)
            let created = Profiles.organicCreation(&g, before: w.windowEnd - 86_400)
            var description = ""
            if g.chance(0.5) { description = g.pick(Vocabulary.descriptionsEN) }
            let webClient = g.chance(p.webClientShare)
            let client: Client = webClient ? (g.chance(0.7) ? .webApp : .tweetDeck)
                : g.chance(0.55) ? .iPhone : g.chance(0.06) ? .iPad : .android
            let language = tweetLanguage(accountLanguage, &g)
            let a = w.addAccount(SimAccount(
                userID: 0, created: created, handle: handle, displayName: display, location: g.pick(zone.places),
                description: description, url: g.chance(0.08) ? "https://t.co/\(Profiles.randomHandle(&g, length: 10))" : "",
                followers: Profiles.followers(median: p.followersMedian, sigma: p.followersSigma, zeroShare: p.zeroFollowerShare, &g),
                following: Int(g.lognormal(median: 180, sigma: 1.1)), accountLanguage: accountLanguage,
                population: .organic, utcOffset: Int(zone.offset * 3600), client: client))
            w.organicAccounts.append(a)

            let shift = g.normal() * p.chronotypeSigmaHours
            let own = min(Int(g.lognormal(median: p.postsMedian, sigma: p.postsSigma).rounded()), p.postsMax)
            traits.shift.append(shift)
            traits.reactionWeight.append((Double(own) + 0.5) * g.lognormal(median: 1, sigma: 1))

            // Activity span: half the users are around all window long, the others for a stretch.
            var first = max(startDay, CivilTime.dayNumber(created) + 1)
            var last = endDay
            if first > last { continue }
            if g.chance(0.5) {
                let length = max(3, Int(g.lognormal(median: 60, sigma: 1)))
                first = first + g.below(max(1, last - first + 1))
                last = min(last, first + length)
            }
            let newsInterest = g.unit() * 0.7
            let offset = w.accounts[Int(a)].utcOffset
            var made = 0
            while made < own {
                let sessionSize = min(g.geometric(mean: 1.6), own - made)
                var day = first + g.below(last - first + 1)
                // Weekends are busier: reject weekdays in proportion.
                for _ in 0..<4 where CivilTime.weekday(dayNumber: day) < 5 && !g.chance(1 / p.weekendFactor) {
                    day = first + g.below(last - first + 1)
                }
                let weekendLater = CivilTime.weekday(dayNumber: day) >= 5 ? 0.8 : 0
                var t = Int64(day) * 86_400 + Int64(DailyRhythm.organic.secondOfDay(&g, shift: shift + weekendLater)) - Int64(offset)
                for _ in 0..<sessionSize {
                    made += 1
                    guard t >= w.windowStart, t < w.windowEnd, t > created else { continue }
                    var seed = g.next() & ~0x10
                    var topic: Topic = g.chance(newsInterest) ? .news : .chatter
                    if g.chance(p.operationHashtagShare) { topic = .news; seed |= 0x10 }
                    // News lines exist in English and Chinese only; other users share news in English.
                    let lang: Language = (topic == .news && language != .zh) || (language != .en && g.chance(0.1)) ? .en : language
                    w.addPost(time: t, account: a, kind: .original, client: client, language: lang, topic: topic, textSeed: seed)
                    t += Int64(g.lognormal(median: 240, sigma: 1))
                }
            }
        }
        return traits
    }

    static func tweetLanguage(_ accountLanguage: String, _ g: inout SeededGenerator) -> Language {
        fixedTweetLanguage(accountLanguage) ?? (g.chance(0.35) ? .en : .zh)
    }

    /// The tweet language of an account language, or nil for Chinese users, who tweet in Chinese or English.
    static func fixedTweetLanguage(_ accountLanguage: String) -> Language? {
        switch accountLanguage {
        case "zh-cn", "zh-tw": nil
        case "es": .es
        case "pt": .pt
        case "id": .id
        case "ja": .ja
        case "fr": .fr
        case "de": .de
        case "tr": .tr
        case "ru": .ru
        case "ko": .und
        default: .en
        }
    }

    /// Organic users react to posts: counts heavy-tailed by the author's reach, delays heavy-tailed,
    /// so popular posts collect many retweets within minutes of each other.
    static func react(into w: inout World, traits: Traits, _ root: SeededGenerator) {
        let p = w.scenario.organic
        guard !w.organicAccounts.isEmpty else { return }
        // Benign accounts react like ordinary users too; without them these are the organic lists alone.
        let reactorAccounts = w.organicAccounts + w.benignReactors.map(\.account)
        let reactors = WeightedPicker(traits.reactionWeight + w.benignReactors.map(\.weight))
        let shifts = traits.shift + w.benignReactors.map(\.shift)
        var g = root
        var candidates: [Int32] = []
        var weights: [Double] = []
        var organicOriginals = 0
        // Plain columns, so the loops below copy no account structs (and retain no strings).
        let followers = w.accounts.map(\.followers), isAuthentic = w.accounts.map { !$0.population.isOperation }
        let created = w.accounts.map(\.created), offsets = w.accounts.map(\.utcOffset), clients = w.accounts.map(\.client)
        let languages = w.accounts.map { fixedTweetLanguage($0.accountLanguage) }
        for i in 0..<w.posts.count where w.posts[i].kind == .original {
            let author = Int(w.posts[i].account)
            var weight = Double(followers[author] + 10).squareRoot().squareRoot() * g.lognormal(median: 1, sigma: 1.2)
            if isAuthentic[author] { organicOriginals += 1 } else { weight *= p.engagementWithOperation }
            candidates.append(Int32(i))
            weights.append(weight)
        }
        let total = weights.reduce(0, +)
        guard total > 0 else { return }
        let budget = p.reactionsPerOriginal * Double(organicOriginals)
        // Remembers the last post each user reacted to, so nobody retweets a post twice.
        var lastReacted = [Int32](repeating: -1, count: w.accounts.count)
        let maxHour = 2.1
        let kinds = [(PostKind.retweet, p.retweetShare), (.reply, p.replyShare), (.quote, p.quoteShare)]
        for (c, post) in candidates.enumerated() {
            let lambda = weights[c] / total * budget
            let original = w.posts[Int(post)]
            for (kind, share) in kinds {
                let count = g.poisson(lambda * share)
                for _ in 0..<count {
                    var placed = false
                    for _ in 0..<4 where !placed {
                        let k = reactors.pick(&g)
                        let r = reactorAccounts[k]
                        guard r != original.account, lastReacted[Int(r)] != post else { continue }
                        let delay = Int64(60 * g.lognormal(median: p.reactionDelayMedianMinutes, sigma: p.reactionDelaySigma))
                        let t = original.time + 30 + delay
                        guard t < w.windowEnd, t > created[Int(r)] else { continue }
                        // Users react when they are awake: accept by their own daily rhythm.
                        let local = t + Int64(offsets[Int(r)])
                        var hour = Int((local - Int64(CivilTime.dayNumber(local)) * 86_400) / 3600) - Int(shifts[k].rounded())
                        hour = ((hour % 24) + 24) % 24
                        guard g.unit() * maxHour < DailyRhythm.organicWeights[hour] else { continue }
                        lastReacted[Int(r)] = post
                        let client = clients[Int(r)]
                        if kind == .retweet {
                            w.addPost(time: t, account: r, kind: .retweet, ref: post, client: client,
                                      language: original.language, topic: original.topic, textSeed: original.textSeed)
                        } else {
                            let lang = languages[Int(r)] ?? (g.chance(0.35) ? .en : .zh)
                            w.addPost(time: t, account: r, kind: kind, ref: post, client: client, language: lang,
                                      topic: .chatter, textSeed: g.next() & ~0x10)
                        }
                        placed = true
                    }
                }
            }
        }
    }
}
