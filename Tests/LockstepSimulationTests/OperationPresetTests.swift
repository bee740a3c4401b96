import Foundation
import LockstepCore
import Testing
@testable import LockstepSimulation

extension Worlds {
    static let stealthy = Simulation.generate(Scenario.preset("stealthy", seed: 23, scale: 0.08)!)
    static let twoOffices = Simulation.generate(Scenario.preset("two-offices", seed: 29, scale: 0.08)!)
}

/// The stealthy factory and the two-office world (issue #15 items 3 and 4) plant what they claim.
@Suite struct OperationPresetTests {
    func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }

    func compose(_ w: World, _ p: PostRecord) -> (text: String, tags: [String], urls: [String]) {
        let composer = TextComposer(scenario: w.scenario, stateMediaHandles: [], accountOperations: w.accounts.map(\.operation))
        var text: [UInt8] = [], tags: [String] = [], urls: [String] = []
        composer.compose(p, text: &text, tags: &tags, urls: &urls)
        return (String(decoding: text, as: UTF8.self), tags, urls)
    }

    func isOperationTopic(_ p: PostRecord) -> Bool { p.topic == .operationBefore || p.topic == .operationAfter }

    // MARK: Stealthy

    @Test func stealthyCoreAccountsAreBoughtAgedWithFollowersProfilesAndOlderHistories() {
        let w = Worlds.stealthy
        let campaign = CivilTime.parseISO(w.scenario.operation.campaignStart)!
        let core = w.accounts(of: .core)
        #expect(core.count >= 10)
        let st = w.scenario.stealth!
        for a in core {
            let age = Double(campaign - w.accounts[Int(a)].created) / (365 * 86_400)
            #expect(age >= st.agedYearsMin - 0.01 && age <= st.agedYearsMax + 0.01, "core account aged \(age) years")
        }
        #expect(median(core.map { Double(w.accounts[Int($0)].followers) }) > 50, "real-looking follower counts")
        #expect(core.filter { !w.accounts[Int($0)].description.isEmpty }.count * 10 >= core.count * 7, "filled profiles")
        // Some were sold with a history of their own, in another language than the operation's.
        let history = Set(w.posts.filter { $0.topic == .genuine && $0.time < campaign && w.population(ofPost: $0) == .core }.map(\.account))
        #expect(history.count * 5 >= core.count, "\(history.count) of \(core.count) bought accounts have an older history")
        #expect(w.posts.filter { $0.topic == .genuine && history.contains($0.account) }.allSatisfy { $0.language != .zh })
    }

    @Test func stealthyOperationPostsComeMostlyFromPhones() {
        let w = Worlds.stealthy
        let posts = w.posts.filter { w.population(ofPost: $0) == .core && isOperationTopic($0) }
        let phones = posts.filter { $0.client == .iPhone || $0.client == .android }.count
        #expect(posts.count > 500)
        #expect(Double(phones) / Double(posts.count) >= 0.7, "\(phones) of \(posts.count) from phones")
    }

    @Test func stealthyCoreWorksTwoShiftsSixDaysAWeek() {
        let w = Worlds.stealthy
        let op = w.scenario.operation, st = w.scenario.stealth!
        var byWeekday = [Int](repeating: 0, count: 7), early = 0, late = 0
        for p in w.posts where w.population(ofPost: p) == .core && isOperationTopic(p) && p.time >= CivilTime.parseISO(op.campaignStart)! {
            let (day, hour) = w.local(p.time, offsetHours: op.utcOffsetHours)
            #expect(!op.holidays.contains { $0.contains(day: day) }, "no work on a holiday")
            #expect(hour >= 8 && hour < 22.5, "post at local hour \(hour) outside both shifts")
            // China's make-up working days around holidays are worked whatever their weekday.
            if !op.makeupWorkdays.map(Scenario.day).contains(day) { byWeekday[CivilTime.weekday(dayNumber: day)] += 1 }
            if hour < 15 { early += 1 } else { late += 1 }
        }
        let total = byWeekday.reduce(0, +)
        #expect(byWeekday[st.restWeekday] == 0, "the rest day is not worked")
        // Saturday is a working day like the others, unlike an office week.
        #expect(Double(byWeekday[5]) >= 0.1 * Double(total), "Saturday: \(byWeekday[5]) of \(total)")
        #expect(early * 4 >= total && late * 4 >= total, "both shifts post: \(early) early, \(late) late")
    }

    @Test func stealthyScriptsAreParaphrasedNotIdentical() {
        let w = Worlds.stealthy
        var groups: [UInt64: [PostRecord]] = [:]
        for p in w.posts where w.population(ofPost: p) == .core && p.kind == .original && isOperationTopic(p) {
            groups[p.textSeed & OrdinaryLife.textMask, default: []].append(p)
        }
        var pairs = 0, identical = 0, sharedWords = 0.0
        for copies in groups.values where copies.count >= 2 {
            let texts = copies.map { compose(w, $0) }
            // Same narrative: the same hashtags and links in every copy.
            #expect(Set(texts.map { Set($0.tags) }).count == 1 && Set(texts.map(\.urls)).count == 1)
            for i in 1..<texts.count {
                pairs += 1
                if texts[i].text == texts[0].text { identical += 1 }
                let a = Set(texts[0].text.split(separator: " ")), b = Set(texts[i].text.split(separator: " "))
                sharedWords += Double(a.intersection(b).count) / Double(max(1, a.union(b).count))
            }
        }
        #expect(pairs > 100)
        #expect(Double(identical) < 0.05 * Double(pairs), "\(identical) of \(pairs) copies identical")
        // Reworded, not rewritten: many words in common on average (only same-language copies can share many).
        #expect(sharedWords / Double(pairs) > 0.15)
    }

    @Test func stealthyAmplificationComesMinutesToHoursLater() {
        let w = Worlds.stealthy
        var delays: [Double] = []
        for p in w.posts where p.kind == .retweet && w.population(ofPost: p) == .amplifier {
            let source = w.posts[Int(p.ref)]
            guard w.population(ofPost: source) == .core else { continue }
            delays.append(Double(p.time - source.time) / 60)
        }
        #expect(delays.count > 200)
        #expect(median(delays) >= 30, "median delay \(median(delays)) minutes")
        #expect(delays.filter { $0 < 1 }.count * 50 < delays.count, "hardly any within the minute")
        #expect(delays.filter { $0 > 180 }.count * 10 > delays.count, "some hours later")
    }

    @Test func stealthyAmplifiersPostMostlyFiller() {
        let w = Worlds.stealthy
        var own = [Int32: Int](), all = [Int32: Int]()
        for p in w.posts where w.population(ofPost: p) == .amplifier {
            all[p.account, default: 0] += 1
            let operation = isOperationTopic(p) || (p.ref >= 0 && w.accounts[Int(w.posts[Int(p.ref)].account)].operation >= 0)
            if operation { own[p.account, default: 0] += 1 }
        }
        let active = own.keys.filter { own[$0]! > 0 }
        #expect(active.count >= 20)
        let under = active.filter { Double(own[$0]!) < 0.5 * Double(all[$0]!) }
        #expect(under.count * 10 >= active.count * 9, "\(under.count) of \(active.count) amplifiers have under half operation posts")
    }

    @Test func theClumsyFactoryIsUnchangedByTheStealthKnobsExistence() {
        // The stealthy preset keeps benign populations (like hard) and differs from hard only in stealth.
        var s = Scenario.preset("stealthy", seed: 2)!
        s.stealth = nil
        s.name = "hard"
        #expect(s == Scenario.preset("hard", seed: 2))
    }

    // MARK: Two offices

    @Test func twoOfficesHaveTheirOwnAccountsOffsetsCalendarsAndLanguage() throws {
        let w = Worlds.twoOffices
        let ru = try #require(w.scenario.offices?.first)
        let ruAccounts = w.accounts.filter { $0.operation == 1 }
        #expect(ruAccounts.contains { $0.population == .core } && ruAccounts.contains { $0.population == .amplifier })
        #expect(ruAccounts.filter { $0.population == .core }.allSatisfy { $0.utcOffset == 3 * 3600 })
        #expect(w.accounts.filter { $0.operation == 0 && $0.population == .core }.allSatisfy { $0.utcOffset == 8 * 3600 })
        let calendar = TrollFactory.Calendar(ru.operation)
        var posts = 0, russian = 0
        for p in w.posts where w.accounts[Int(p.account)].operation == 1 && w.population(ofPost: p) == .core && p.kind == .original {
            let (day, hour) = w.local(p.time, offsetHours: 3)
            #expect(hour >= ru.operation.workStartHour && hour < ru.operation.workEndHour, "ru core post at \(hour)")
            #expect(calendar.isWorkday(day), "ru core post on \(CivilTime.isoDate(dayNumber: day))")
            posts += 1
            if p.language == .ru { russian += 1 }
            let tags = Set(compose(w, p).tags)
            #expect(tags.isSubset(of: Set(ru.operation.hashtagsBefore + ru.operation.hashtagsAfter)), "ru narrative: \(tags)")
        }
        #expect(posts > 100 && russian * 2 > posts, "\(russian) of \(posts) in Russian")
    }

    @Test func theSecondOfficeBoostsTheFirstAndTheDiplomatsAsScenarioJSONCounts() throws {
        let dir = tempDir()
        _ = try Simulation.run(Scenario.preset("two-offices", seed: 31, scale: 0.05)!, to: dir)
        let truth = try SimpleCSV.read(dir.appendingPathComponent("truth.csv"))
        #expect(truth.header == ["account_id", "population", "operation"])
        var byOperation: [String: Set<String>] = [:]
        for r in truth.rows { byOperation[r[2], default: []].insert(r[1]) }
        #expect(byOperation["prc"] == ["core", "amplifier", "hijacked"])
        #expect(byOperation["ru"] == ["core", "amplifier"])
        #expect(byOperation[""]?.contains("organic") == true && byOperation[""]?.contains("benign_fans") == true)
        #expect(byOperation[""]?.contains("core") == false)

        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("scenario.json"))) as? [String: Any])
        let operations = try #require(json["operations"] as? [[String: Any]])
        #expect(operations.map { $0["id"] as? String } == ["prc", "ru"])
        #expect(operations.map { ($0["utcOffsetHours"] as? NSNumber)?.intValue } == [8, 3])
        #expect((operations[1]["holidays"] as? [Any])?.count == 6 && operations[1]["language"] as? String == "ru")
        let ruAmplifies = try #require(operations[1]["amplifies"] as? [[String: Any]])
        let ofPRC = try #require(ruAmplifies.first { $0["operation"] as? String == "prc" })
        let ofDiplomats = try #require(ruAmplifies.first { $0["label"] as? String == "diplomat" })

        // The counts are the retweets in tweets.csv by ru accounts of prc accounts' posts.
        let tweets = try SimpleCSV.read(dir.appendingPathComponent("tweets.csv"))
        let operation = Dictionary(uniqueKeysWithValues: truth.rows.map { ($0[0], $0[2]) })
        let watchlist = try SimpleCSV.read(dir.appendingPathComponent("watchlist.csv"))
        let diplomats = Set(watchlist.rows.filter { $0[1] == "diplomat" }.map { $0[0] })
        let user = tweets.column("userid")!, isRT = tweets.column("is_retweet")!, rtUser = tweets.column("retweet_userid")!
        var prc = 0, diplomat = 0
        for r in tweets.rows where r[isRT] == "True" && operation[r[user]] == "ru" {
            if operation[r[rtUser]] == "prc" { prc += 1 }
            if diplomats.contains(r[rtUser]) { diplomat += 1 }
        }
        #expect(prc > 20 && (ofPRC["reposts"] as? NSNumber)?.intValue == prc)
        #expect(diplomat > 5 && (ofDiplomats["reposts"] as? NSNumber)?.intValue == diplomat)
        // The first office boosts the diplomats too and nobody else's operation.
        let prcAmplifies = try #require(operations[0]["amplifies"] as? [[String: Any]])
        #expect(prcAmplifies.contains { $0["label"] as? String == "diplomat" && (($0["reposts"] as? NSNumber)?.intValue ?? 0) > 0 })
        #expect(!prcAmplifies.contains { $0["operation"] != nil })
    }

    @Test func aSecondOfficeLeavesEveryOtherAccountAndOwnPostAsItWas() {
        let hard = Simulation.generate(Scenario.preset("hard", seed: 9, scale: 0.03)!)
        let two = Simulation.generate(Scenario.preset("two-offices", seed: 9, scale: 0.03)!)
        let others = two.accounts.filter { $0.operation != 1 }
        #expect(others.map(\.userID) == hard.accounts.map(\.userID) && others.map(\.handle) == hard.accounts.map(\.handle))
        // Originals are generated before the reactions, which are drawn last over every post.
        let originals = { (w: World) in w.posts.filter { $0.kind == .original && w.accounts[Int($0.account)].operation != 1 }.map(\.id) }
        #expect(originals(two) == originals(hard))
    }

    @Test(arguments: [(-5, nil as String?), (3, nil), (5, "ru"), (0, "ru")])
    func officeOffsetIsAKnob(hours: Int, id: String?) throws {
        var s = Scenario.preset("two-offices", seed: 41, scale: 0.03)!
        let changed = s.setOfficeOffset(hours, operation: id)
        #expect(changed)
        let w = Simulation.generate(s)
        let index: Int8 = id == "ru" ? 1 : 0
        let op = id == "ru" ? s.offices![0].operation : s.operation
        var n = 0
        for p in w.posts where w.accounts[Int(p.account)].operation == index && w.population(ofPost: p) == .core
            && p.time >= CivilTime.parseISO(op.campaignStart)! {
            let hour = w.local(p.time, offsetHours: Double(hours)).hour
            #expect(hour >= op.workStartHour && hour < op.workEndHour)
            n += 1
        }
        #expect(n > 50)
        let unknown = s.setOfficeOffset(1, operation: "nowhere")
        #expect(!unknown)
    }

    @Test func aScenarioJSONRunsAgainAsAScenarioFile() throws {
        let dir = tempDir()
        var s = Scenario.preset("two-offices", seed: 5, scale: 0.02)!
        s.offices![0].stealth = StealthParameters()
        _ = try Simulation.run(s, to: dir)
        #expect(try Scenario.load(from: dir.appendingPathComponent("scenario.json")) == s)
        write(#"{"name": "x", "seed": 1}"#, "partial.json", in: dir)
        #expect(throws: SimulationError.self) { try Scenario.load(from: dir.appendingPathComponent("partial.json")) }
        #expect(throws: SimulationError.self) { try Scenario.load(from: dir.appendingPathComponent("absent.json")) }
    }
}
