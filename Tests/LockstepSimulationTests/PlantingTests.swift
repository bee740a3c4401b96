import Foundation
import LockstepCore
import Testing
@testable import LockstepSimulation

/// The planted patterns really are in the generated data.
@Suite struct PlantingTests {
    let w = Worlds.trollFactory

    @Test func corePostsFallInOfficeHoursOnWorkdaysAndNeverOnHolidays() {
        let op = w.scenario.operation
        let calendar = TrollFactory.Calendar(op)
        var posts = 0
        var days = Set<Int>()
        for p in w.posts where w.population(ofPost: p) == .core {
            let (day, hour) = w.local(p.time, offsetHours: op.utcOffsetHours)
            #expect(hour >= op.workStartHour && hour < op.workEndHour, "core post at local hour \(hour)")
            #expect(!(hour >= op.lunchStartHour && hour < op.lunchEndHour), "core post during lunch at \(hour)")
            #expect(calendar.isWorkday(day), "core post on a day off: \(CivilTime.isoDate(dayNumber: day))")
            #expect(!op.holidays.contains { $0.contains(day: day) })
            posts += 1
            days.insert(day)
        }
        // Nearly every working day of the campaign has core posts (a worker may be absent, not all of them).
        let campaign = Scenario.day(op.campaignStart)...w.scenario.windowEndDay
        let workdays = campaign.filter { calendar.isWorkday($0) }
        #expect(posts > 1000)
        #expect(Double(days.count) >= 0.95 * Double(workdays.count))
        // Make-up Saturdays and Sundays are worked.
        #expect(op.makeupWorkdays.map(Scenario.day).allSatisfy { days.contains($0) })
    }

    @Test func coreGapsAreHumanNotPeriodic() {
        // Per-account gaps within a day: bursts of a few minutes and long idle stretches.
        var byAccount: [Int32: [Int64]] = [:]
        for p in w.posts where w.population(ofPost: p) == .core { byAccount[p.account, default: []].append(p.time) }
        var gaps: [Int64] = []
        for (_, times) in byAccount {
            let t = times.sorted()
            for i in 1..<t.count where t[i] - t[i - 1] < 8 * 3600 { gaps.append(t[i] - t[i - 1]) }
        }
        gaps.sort()
        let q = { (f: Double) in gaps[Int(f * Double(gaps.count - 1))] }
        #expect(q(0.1) < 10 * 60, "short bursts exist")
        #expect(q(0.9) > 60 * 60, "long idle gaps exist")
    }

    @Test func narrativePivotsOnThePlantedDate() {
        let op = w.scenario.operation
        let composer = TextComposer(scenario: w.scenario, stateMediaHandles: [])
        let pivot = Scenario.day(op.pivotDate)
        var before = 0, after = 0
        var text: [UInt8] = [], tags: [String] = [], urls: [String] = []
        for p in w.posts where w.population(ofPost: p) == .core && p.kind == .original {
            text.removeAll(); tags.removeAll(); urls.removeAll()
            composer.compose(p, text: &text, tags: &tags, urls: &urls)
            let day = w.local(p.time, offsetHours: op.utcOffsetHours).day
            let expected = Set(day >= pivot ? op.hashtagsAfter : op.hashtagsBefore)
            #expect(!tags.isEmpty && tags.allSatisfy { expected.contains($0) })
            if day >= pivot { after += 1 } else { before += 1 }
        }
        #expect(before > 100 && after > 100)
    }

    @Test func scriptsArePastedBySeveralAccountsWithinMinutes() {
        var copies: [UInt64: [(Int32, Int64)]] = [:]
        for p in w.posts where w.population(ofPost: p) == .core && p.kind == .original {
            copies[p.textSeed & 0x0FFF_FFFF_FFFF_FFFF, default: []].append((p.account, p.time))
        }
        let bursts = copies.values.filter { c in
            Set(c.map(\.0)).count >= 3 && (c.map(\.1).max()! - c.map(\.1).min()!) < 30 * 60
        }
        #expect(bursts.count > 50)
    }

    @Test func hijackedAccountsPostGenuinelyThenFallSilentThenCampaign() {
        let takeoverFloor = CivilTime.parseISO(w.scenario.operation.campaignStart)!
        for a in w.accounts(of: .hijacked) {
            let posts = w.posts.filter { $0.account == a }.sorted { $0.time < $1.time }
            let genuine = posts.filter { $0.time < takeoverFloor }
            let campaign = posts.filter { $0.time >= takeoverFloor }
            #expect(genuine.count > 20, "years of genuine posts")
            #expect(genuine.allSatisfy { $0.language != .zh && ($0.client == .iPhone || $0.client == .android) && $0.kind == .original })
            #expect(!campaign.isEmpty)
            #expect(campaign.allSatisfy { $0.client == .webApp || $0.client == .webClient })
            if let last = genuine.last, let first = campaign.first {
                #expect(first.time - last.time > 365 * 86_400, "a silence of more than a year")
            }
        }
    }

    @Test func organicUsersOverlapWithTheOperationsTraits() {
        let organic = w.accounts(of: .organic).filter { w.accounts[Int($0)].label == nil }
        let accs = organic.map { w.accounts[Int($0)] }
        #expect(accs.filter { $0.utcOffset == 8 * 3600 }.count > organic.count / 10, "UTC+8 organic users")
        #expect(accs.contains { $0.followers == 0 })
        #expect(accs.contains { $0.client == .webApp || $0.client == .tweetDeck })
        let organicPosts = w.posts.filter { w.population(ofPost: $0) == .organic }
        #expect(organicPosts.contains { $0.kind == .original && $0.textSeed & 0x10 != 0 }, "organic posts with the operation's hashtags")
        // A popular post retweeted by several organic users within ten minutes.
        var retweetTimes: [Int32: [Int64]] = [:]
        for p in organicPosts where p.kind == .retweet { retweetTimes[p.ref, default: []].append(p.time) }
        let viral = retweetTimes.values.contains { times in
            let t = times.sorted()
            return t.count >= 3 && (0..<(t.count - 2)).contains { t[$0 + 2] - t[$0] <= 600 }
        }
        #expect(viral)
        // Organic users post more at weekends, per day.
        var weekend = 0, weekday = 0
        for p in organicPosts where p.kind == .original {
            if CivilTime.weekday(dayNumber: CivilTime.dayNumber(p.time)) >= 5 { weekend += 1 } else { weekday += 1 }
        }
        #expect(Double(weekend) / 2 > Double(weekday) / 5)
    }

    @Test func amplifiersMostlyRetweetCorePostsInBursts() {
        let amp = w.posts.filter { w.population(ofPost: $0) == .amplifier }
        let retweets = amp.filter { $0.kind == .retweet }
        #expect(Double(retweets.count) > 0.85 * Double(amp.count))
        #expect(retweets.allSatisfy { [.core, .hijacked].contains(w.population(ofPost: w.posts[Int($0.ref)])) })
        #expect(retweets.allSatisfy { $0.time > w.posts[Int($0.ref)].time && $0.time > w.accounts[Int($0.account)].created })
    }

    @Test func botsPostAroundTheClockFromAutomationClients() {
        let b = Worlds.botnet
        let posts = b.posts.filter { b.population(ofPost: $0) == .bot }
        #expect(posts.count > 1000)
        #expect(posts.allSatisfy { Client.automation.contains($0.client) })
        let hours = Set(posts.map { Int(($0.time % 86_400) / 3600) })
        #expect(hours.count == 24)
        #expect(b.accounts(of: .core).isEmpty && b.accounts(of: .amplifier).isEmpty)
    }

    @Test func followerSurgeIsARunOfNewAccountsOnTheTarget() throws {
        #expect(w.surges.count == 2)
        for surge in w.surges {
            let list = try #require(w.followerLists.first { String(w.accounts[Int($0.target)].userID) == surge.target })
            let positions = list.followers.indices.filter { w.accounts[Int(list.followers[$0])].population == .surgeFollower }
            #expect(positions.count == surge.size)
            let span = positions.last! - positions.first! + 1
            #expect(Double(positions.count) >= 0.9 * Double(span), "surge accounts are contiguous in API order")
            let lead = Int64(w.scenario.followers.creationLeadDays) * 86_400
            let start = CivilTime.parseISO(surge.start)!, end = CivilTime.parseISO(surge.end)! + 86_400
            #expect(positions.allSatisfy { let c = w.accounts[Int(list.followers[$0])].created; return c >= start - lead && c < end })
            #expect(w.accounts[Int(list.target)].followers == list.followers.count)
        }
    }

    @Test(arguments: [
        // troll-factory at 5%: organic 8000 → 400 (+13 watchlist); core and amplifiers at their floors.
        ("troll-factory", 0.05, ["organic": 413, "core": 10, "amplifier": 20, "hijacked": 3, "bot": 0, "surge_follower": 80]),
        // troll-factory at 20%: every count scaled.
        ("troll-factory", 0.2, ["organic": 1613, "core": 20, "amplifier": 60, "hijacked": 4, "bot": 0, "surge_follower": 160]),
        // botnet: bots at their floor of 10, one surge.
        ("botnet", 0.05, ["organic": 413, "core": 0, "amplifier": 0, "hijacked": 0, "bot": 10, "surge_follower": 40]),
        // organic-only: nothing but organic accounts.
        ("organic-only", 0.05, ["organic": 413, "core": 0, "amplifier": 0, "hijacked": 0, "bot": 0, "surge_follower": 0]),
    ])
    func populationsHaveTheRequestedSizes(preset: String, scale: Double, sizes: [String: Int]) {
        let world = Simulation.generate(Scenario.preset(preset, seed: 3, scale: scale)!)
        var counts: [String: Int] = [:]
        for a in world.accounts { counts[a.population.rawValue, default: 0] += 1 }
        for (population, expected) in sizes { #expect((counts[population] ?? 0) == expected, "\(population)") }
    }
}
