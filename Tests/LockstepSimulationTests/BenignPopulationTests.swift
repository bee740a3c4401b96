import Foundation
import LockstepCore
import Testing
@testable import LockstepSimulation

extension Worlds {
    static let hard = Simulation.generate(Scenario.preset("hard", seed: 11, scale: 0.1)!)
}

/// Each benign coordinated population (issue #15) shows its planted phenomenon, scales, and lives an
/// ordinary life besides; and the scenarios that had none are unchanged by their arrival.
@Suite struct BenignPopulationTests {
    let w = Worlds.hard

    func quantile(_ values: [Int64], _ f: Double) -> Int64 {
        let s = values.sorted()
        return s[Int(f * Double(s.count - 1))]
    }

    func text(_ p: PostRecord) -> (text: String, tags: [String], urls: [String]) {
        let composer = TextComposer(scenario: w.scenario, stateMediaHandles: [])
        var text: [UInt8] = [], tags: [String] = [], urls: [String] = []
        composer.compose(p, text: &text, tags: &tags, urls: &urls)
        return (String(decoding: text, as: UTF8.self), tags, urls)
    }

    @Test func fansRetweetIdolPostsWithinSecondsWithALongTail() {
        var delays: [Int64] = []
        var retweetsPerPost: [Int32: Int] = [:]
        for p in w.posts where p.kind == .retweet && w.population(ofPost: p) == .benignFans {
            let source = w.posts[Int(p.ref)]
            guard source.topic == .idol else { continue }
            delays.append(p.time - source.time)
            retweetsPerPost[p.ref, default: 0] += 1
        }
        #expect(retweetsPerPost.count > 50, "idol posts streamed")
        #expect(delays.allSatisfy { $0 > 0 })
        #expect(quantile(delays, 0.5) < 60, "median streaming delay \(quantile(delays, 0.5)) s")
        #expect(quantile(delays, 0.95) > 20 * 60, "fans who were away or asleep retweet later")
        // A streaming party: most streamed posts have several fans retweeting within the first minute.
        var quick: [Int32: Set<Int32>] = [:]
        for p in w.posts where p.kind == .retweet && w.population(ofPost: p) == .benignFans && p.time - w.posts[Int(p.ref)].time < 60 {
            quick[p.ref, default: []].insert(p.account)
        }
        #expect(quick.values.filter { $0.count >= 3 }.count > retweetsPerPost.count / 2)
    }

    @Test func fansPostTheVoteTemplateAtTheAnnouncedMinute() {
        let p = w.scenario.benign!.fans
        var days = 0
        for date in p.voteDays {
            let opens = Int64(Scenario.day(date)) * 86_400 + Int64(p.voteHourUTC * 3600)
            let votes = w.posts.filter { $0.topic == .fanVote && abs($0.time - opens) < 6 * 3600 }
            guard !votes.isEmpty else { continue }
            days += 1
            #expect(votes.allSatisfy { $0.time >= opens }, "no vote before it opens")
            #expect(Set(votes.map { $0.textSeed & OrdinaryLife.textMask }).count == 1, "one template per vote")
            let first = Dictionary(grouping: votes, by: \.account).values.map { $0.map(\.time).min()! - opens }
            #expect(first.count >= 10)
            #expect(quantile(first, 0.5) < 90, "half the fans vote within a minute and a half")
            // Small personal edits on a shared template: several distinct texts, the same hashtags.
            let texts = votes.map { text($0) }
            #expect(Set(texts.map(\.text)).count > 1)
            #expect(Set(texts.map(\.tags)).count == 1)
        }
        #expect(days == p.voteDays.count)
    }

    @Test func newsSitesPostTheWireHeadlineAndLinkWithinSecondsInBusinessHours() {
        var byStory: [UInt64: [PostRecord]] = [:]
        // Originals only: ordinary users retweet the stories too.
        for p in w.posts where p.topic == .wire && p.kind == .original { byStory[p.textSeed & OrdinaryLife.textMask, default: []].append(p) }
        #expect(byStory.count > 500)
        var withinMinute = 0, copies = 0
        for (_, posts) in byStory {
            let release = posts.map(\.time).min()!
            let texts = posts.map { text($0) }
            // The headline is the wire's; the link is one canonical URL with each site's tracking parameters.
            let headlines = Set(texts.map { $0.text.components(separatedBy: " https://")[0] })
            #expect(headlines.count == 1)
            let canonical = Set(texts.flatMap(\.urls).map { $0.components(separatedBy: "?")[0] })
            #expect(canonical.count == 1)
            #expect(Set(texts.flatMap(\.urls)).count == posts.count, "every site's link carries its own tracking")
            let local = w.local(release, offsetHours: -5)
            #expect(local.hour >= 7 && local.hour < 19, "released in business hours")
            copies += posts.count - 1
            withinMinute += posts.filter { $0.time - release < 60 }.count - 1
        }
        #expect(Double(withinMinute) > 0.6 * Double(copies), "most copies come seconds after the release")
        let tools: Set<Client> = [.buffer, .hootsuite, .socialFlow]
        let sitePosts = w.posts.filter { $0.topic == .wire && $0.kind == .original && w.accounts[Int($0.account)].handle != "ContinentalWire" }
        #expect(Double(sitePosts.filter { tools.contains($0.client) }.count) > 0.7 * Double(sitePosts.count))
    }

    @Test func activistsLiveOnHongKongEveningsAndWeekendsAndRetweetOrganisersWithinMinutes() {
        let members = w.accounts(of: .benignActivists)
        let atUTC8 = members.filter { w.accounts[Int($0)].utcOffset == 8 * 3600 }
        #expect(Double(atUTC8.count) > 0.6 * Double(members.count))
        #expect(atUTC8.count < members.count, "some diaspora in other zones")
        let local = Set(atUTC8)
        var evening = 0, weekend = 0, own = 0
        for p in w.posts where local.contains(p.account) && (p.topic == .chatter || p.topic == .news) && p.kind == .original {
            let (day, hour) = w.local(p.time, offsetHours: 8)
            own += 1
            if hour >= 18 || hour < 1 { evening += 1 }
            if CivilTime.weekday(dayNumber: day) >= 5 { weekend += 1 }
        }
        #expect(own > 500)
        #expect(Double(evening) > 0.4 * Double(own), "evenings: \(evening) of \(own)")
        #expect(Double(weekend) > 0.36 * Double(own), "weekends: \(weekend) of \(own), more than 2/7")
        let delays = w.posts.filter { $0.kind == .retweet && $0.topic == .organiser && w.population(ofPost: $0) == .benignActivists }
            .map { $0.time - w.posts[Int($0.ref)].time }
        #expect(delays.count > 200)
        #expect(quantile(delays, 0.5) > 60 && quantile(delays, 0.5) < 15 * 60, "within minutes, not seconds")
        // Toolkit tweets: one action day's texts posted by many accounts from the announced hour on.
        let toolkit = w.posts.filter { $0.topic == .toolkit && $0.kind == .original }
        let actionHour = w.scenario.benign!.activists.actionHour
        #expect(toolkit.allSatisfy { w.local($0.time, offsetHours: 8).hour >= actionHour || w.local($0.time, offsetHours: 8).hour < 4 })
        let shared = Dictionary(grouping: toolkit) { $0.textSeed & OrdinaryLife.textMask }.values.filter { Set($0.map(\.account)).count >= 5 }
        #expect(shared.count >= 20)
    }

    @Test func theLiveEventIsConcentratedInAFewHoursOfOneDay() {
        let p = w.scenario.benign!.liveEvent
        let start = Profiles.utc(day: Scenario.day(p.day), localHour: p.startHour, offset: Int(p.utcOffsetHours * 3600))
        let end = start + Int64(p.hours * 3600)
        let tagged = w.posts.filter { $0.topic == .eventCrowd || $0.topic == .eventOfficial }
        let near = tagged.filter { $0.time >= start - 3600 && $0.time <= end + 3600 }
        #expect(Double(near.count) > 0.9 * Double(tagged.count))
        #expect(tagged.allSatisfy { text($0).tags == [p.hashtag] })
        let crowd = w.accounts(of: .benignLiveEvent).count
        #expect(near.filter { $0.topic == .eventCrowd }.count > 2 * crowd)
        let retweetDelays = tagged.filter { $0.kind == .retweet && $0.time >= start }.map { $0.time - w.posts[Int($0.ref)].time }
        #expect(quantile(retweetDelays, 0.5) < 10 * 60)
    }

    @Test func everyBenignPopulationAlsoLivesAnOrdinaryLife() {
        let coordinated: Set<Topic> = [.idol, .fanVote, .organiser, .toolkit, .wire, .eventOfficial, .eventCrowd]
        for population in [Population.benignFans, .benignActivists, .benignLiveEvent] {
            var ordinary = Set<Int32>(), total = 0, inStep = 0
            for p in w.posts where w.population(ofPost: p) == population {
                total += 1
                if coordinated.contains(p.topic) { inStep += 1 } else { ordinary.insert(p.account) }
            }
            let members = w.accounts(of: population).count
            #expect(Double(ordinary.count) > 0.8 * Double(members), "\(population): \(ordinary.count) of \(members) post ordinarily")
            #expect(Double(inStep) < 0.8 * Double(total), "\(population): \(inStep) of \(total) posts in step")
        }
        // News sites run their own local stories besides the wire's.
        let local = Set(w.posts.filter { $0.topic == .localNews }.map(\.account))
        #expect(local.count >= w.accounts(of: .benignNews).count - 1)
        // Aged accounts with filled profiles and followers, unlike a troll factory's.
        for a in w.accounts where a.population.isBenign {
            #expect(a.created < w.windowStart)
            #expect(!a.displayName.isEmpty)
        }
        let benign = w.accounts.filter { $0.population.isBenign }
        #expect(benign.filter { $0.followers > 0 }.count > benign.count * 9 / 10)
    }

    /// Each population alone, in an empty world, at two scales above its floor.
    static func alone(scale: Double) -> World {
        let s = Scenario.preset("hard", seed: 4, scale: scale)!
        var w = World(scenario: s)
        let root = SeededGenerator(seed: 4)
        FanBase.generate(into: &w, s.benign!.fans, root.fork(9))
        ActivistCampaign.generate(into: &w, s.benign!.activists, root.fork(10))
        SyndicatedNews.generate(into: &w, s.benign!.news, root.fork(11))
        LiveEventCrowd.generate(into: &w, s.benign!.liveEvent, root.fork(12))
        return w
    }

    @Test func benignCountsScale() {
        let small = Self.alone(scale: 0.25), large = Self.alone(scale: 0.5)
        for population in Population.allCases where population.isBenign {
            let a = small.accounts(of: population).count, b = large.accounts(of: population).count
            #expect(a > 0)
            // Hub accounts (idols, organisers, the wire, the official account) are not scaled.
            let ratio = Double(b) / Double(a)
            #expect(ratio > 1.7 && ratio < 2.05, "\(population): \(a) → \(b)")
        }
        #expect(Double(large.posts.count) > 1.7 * Double(small.posts.count))
    }

    @Test func benignFlagAddsOnlyTheNamedPopulations() throws {
        let base = Scenario.preset("botnet", seed: 2, scale: 0.05)!
        #expect(base.benign == nil)
        let news = try #require(base.addingBenign(["news"]))
        #expect(news.benign?.news.outlets ?? 0 > 0)
        #expect(news.benign?.fans.accounts == 0 && news.benign?.activists.accounts == 0 && news.benign?.liveEvent.accounts == 0)
        let w = Simulation.generate(news)
        #expect(!w.accounts(of: .benignNews).isEmpty && w.accounts(of: .benignFans).isEmpty)
        #expect(base.addingBenign(["crowds"]) == nil)
        var all = try #require(Scenario.preset("troll-factory", seed: 2)!.addingBenign(["all"]))
        all.name = "hard"
        #expect(all == Scenario.preset("hard", seed: 2))
    }

    @Test func truthAndFactsNameTheBenignPopulations() throws {
        let dir = tempDir()
        _ = try Simulation.run(Scenario.preset("hard", seed: 8, scale: 0.03)!, to: dir)
        let truth = try SimpleCSV.read(dir.appendingPathComponent("truth.csv"))
        let names = Set(truth.rows.map { $0[1] })
        for p in Population.allCases where p.isBenign { #expect(names.contains(p.rawValue)) }
        let facts = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("scenario.json"))) as? [String: Any]
        let sizes = facts?["populationSizes"] as? [String: Int] ?? [:]
        #expect((sizes["benign_fans"] ?? 0) > 0)
        #expect((facts?["parameters"] as? [String: Any])?["benign"] != nil)
    }

    /// FNV-1a, 64 bits, as the golden tests use.
    static func fingerprint(_ data: Data) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in data { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return String(h, radix: 16)
    }

    // Recorded with the simulator before the benign populations existed (commit f134744,
    // `lockstep simulate --scenario NAME --seed 3 --scale 0.03`): they must not move a byte. truth.csv and
    // troll-factory's scenario.json were re-recorded when they gained the `operation` column and the
    // `operations` list (issue #15); the generated accounts and posts are still those of f134744.
    static let recorded: [(preset: String, file: String, bytes: Int, fingerprint: String)] = [
        ("troll-factory", "followers.csv", 15363, "d87999be635a4ed"),
        ("troll-factory", "scenario.json", 8123, "6355ac79f9d54935"),
        ("troll-factory", "truth.csv", 9448, "c14df3cc0054b9c"),
        ("troll-factory", "tweets.csv", 9038800, "2d7f6fad19e932c0"),
        ("troll-factory", "users.csv", 35720, "82e2816be146196e"),
        ("troll-factory", "watchlist.csv", 322, "290d3de5c0d59098"),
        ("botnet", "scenario.json", 5647, "700e73234ff5510"),
        ("botnet", "truth.csv", 7218, "5b5ce26d18095102"),
        ("botnet", "tweets.csv", 6521396, "5397257025aced2d"),
        ("organic-only", "scenario.json", 5487, "4fd5f81bde4e1da5"),
        ("organic-only", "tweets.csv", 2405444, "513a45e74e445c0b"),
        ("organic-only", "users.csv", 25657, "eb0040ba9310322"),
    ]

    @Test(arguments: ["troll-factory", "botnet", "organic-only"])
    func scenariosWithoutBenignPopulationsAreUnchanged(preset: String) throws {
        let dir = tempDir()
        _ = try Simulation.run(Scenario.preset(preset, seed: 3, scale: 0.03)!, to: dir)
        for r in Self.recorded where r.preset == preset {
            let data = try Data(contentsOf: dir.appendingPathComponent(r.file))
            #expect(data.count == r.bytes && Self.fingerprint(data) == r.fingerprint, "\(preset)/\(r.file) changed")
        }
    }
}
