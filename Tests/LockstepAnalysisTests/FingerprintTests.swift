import Foundation
import LockstepCore
import Testing
@testable import LockstepAnalysis

@Suite struct CadenceTests {
    let sc = Scenario.shared

    @Test func botsAreRegularAndOfficeIsBurstyHuman() throws {
        let r = try Cadence(options: AnalysisOptions()).run(on: sc.dataset, context: AnalysisContext())
        for a in sc.bots { #expect(r.stats(of: a)?.label == .regular) }
        for a in sc.office { #expect(r.stats(of: a)?.label == .burstyHuman) }
        #expect(r.labels["regular"] == sc.bots.count)
        #expect(r.stats(of: sc.office[0])?.resolution == 60)
        #expect(r.stats(of: sc.bots[0])?.resolution == 1)
        #expect(r.accountReasons(sc.dataset)[sc.bots[0]] == ["cadence_regular"])
        let cv = try #require(r.accountColumns(sc.dataset).first { $0.name == "gap_cv" })
        #expect(Double(cv.values[Int(sc.bots[0])])! < 0.1)
    }

    /// Posts at the given minute offsets, minute-resolution.
    func stats(minutes: [Int], options: [String: String] = [:]) throws -> Cadence.Stats {
        var s = Synth(seed: 3)
        let a = s.account("a")
        let base = CivilTime.seconds(year: 2020, month: 1, day: 1)
        for m in minutes { s.post(a, at: base + Int64(m) * 60) }
        let ds = s.finish()
        var scratch: [Int64] = [], bins = [Int](repeating: 0, count: 64)
        return try Cadence(options: AnalysisOptions(options)).measure(a, in: ds, scratch: &scratch, bins: &bins)
    }

    @Test func tiesCountAsAThirdOfTheResolution() throws {
        // Pairs of posts in the same minute, pairs 61 minutes apart.
        let minutes = (0..<30).flatMap { [$0 * 61, $0 * 61] }
        let s = try stats(minutes: minutes)
        #expect(s.resolution == 60)
        #expect(s.ties == 30)
        #expect(s.gaps == 59)
        #expect(s.median == 20)
        #expect(s.label == .burstyHuman)
    }

    @Test func quarterHourSchedulerIsRegularDespiteNightGaps() throws {
        // Every 15 minutes from 08:00 to 22:45, for 10 days: CV is large (night gaps) but quartiles are tight.
        let minutes = (0..<10).flatMap { d in (0..<60).map { d * 1440 + 480 + $0 * 15 } }
        let s = try stats(minutes: minutes)
        #expect(s.cv > 0.5)
        #expect(s.quartileDispersion == 0)
        #expect(s.label == .regular)
    }

    @Test func periodicPostsSplitByRetweetsAreRegular() throws {
        // Every 4 hours ± 1 minute, a 20-day pause, and one post in three followed by a retweet
        // 3–40 minutes later: CV and quartiles are spoiled, the band around the median is not.
        var g = SeededGenerator(seed: 13)
        var minutes: [Int] = []
        var t = 0
        for k in 0..<200 {
            minutes.append(t + Int(g.next() % 3) - 1)
            if g.next() % 3 == 0 { minutes.append(t + 3 + Int(g.next() % 38)) }
            t += k == 100 ? 20 * 1440 : 240
        }
        let s = try stats(minutes: minutes.sorted())
        #expect(s.cv > 0.5)
        #expect(s.quartileDispersion > 0.1)
        #expect(s.nearMedianShare >= 0.4)
        #expect(s.label == .regular)
    }

    @Test func roundMultiplesMakeRegular() throws {
        // Gaps of 5, 10, 15, ..., 60 minutes cycling: varied but always on the 5-minute grid.
        var t = 0
        var minutes: [Int] = []
        for k in 0..<40 { minutes.append(t); t += 5 * (1 + (k * 7) % 12) }
        let s = try stats(minutes: minutes)
        #expect(s.roundShare == 1)
        #expect(s.quartileDispersion > 0.1)
        #expect(s.label == .regular)
    }

    @Test func fewGapsAreInsufficient() throws {
        #expect(try stats(minutes: Array(0..<10)).label == .insufficient)
        #expect(try stats(minutes: Array(0..<10), options: ["cadence.min_gaps": "5"]).label == .regular)
    }
}

@Suite struct ClientTests {
    @Test(arguments: [
        ("Twitter for iPhone", ClientCategory.officialMobile),  // table
        ("twitter web client", .officialWeb),  // case-insensitive
        ("TweetDeck", .professional),  // professional tool
        ("Hootsuite Inc.", .professional),  // professional tool
        ("IFTTT", .automation),  // table
        ("dlvr.it", .automation),  // table
        ("Buffer", .automation),  // table
        ("my_newsbot", .automation),  // rule: word ending in "bot"
        ("twittbot.net", .automation),  // table (and the rule)
        ("Daily RSS poster", .automation),  // rule: rss
        ("Tweetbot for iOS", .thirdParty),  // table beats the "bot" rule
        ("Twitter for Android Beta", .officialMobile),  // prefix rule
        ("Some Custom App", .unknown),  // nothing matches
    ] as [(String, ClientCategory)])
    func categories(name: String, expected: ClientCategory) {
        #expect(ClientCategories.category(of: name) == expected)
    }

    @Test func dominantClientAndSwitches() throws {
        var s = Synth(seed: 4)
        let a = s.account("a"), b = s.account("b")
        let t0 = CivilTime.seconds(year: 2020, month: 1, day: 1)
        // a: web, web, iPhone, web, IFTTT, IFTTT, IFTTT, IFTTT — switches 3, halves web → IFTTT.
        for (k, c) in ["Twitter Web Client", "Twitter Web Client", "Twitter for iPhone", "Twitter Web Client",
                       "IFTTT", "IFTTT", "IFTTT", "IFTTT"].enumerated() {
            s.post(a, at: t0 + Int64(k) * 600, client: c)
        }
        for k in 0..<3 { s.post(b, at: t0 + Int64(k) * 600, client: "Twitter for iPhone") }
        let ds = s.finish()
        let r = try Clients(options: AnalysisOptions()).run(on: ds, context: AnalysisContext())
        #expect(r.dominantClient(of: a)?.name == "IFTTT")
        #expect(r.dominantClient(of: a)?.category == .automation)
        let cols = Dictionary(uniqueKeysWithValues: r.accountColumns(ds).map { ($0.name, $0.values) })
        #expect(cols["client_switches"]?[Int(a)] == "3")
        #expect(cols["client_category"]?[Int(b)] == "official_mobile")
        #expect(r.accountsChangingClient == 1)
        #expect(r.topTransitions == [Clients.Transition(from: "Twitter Web Client", to: "IFTTT", accounts: 1)])
        #expect(r.accountReasons(ds) == [a: ["client_automation"]])
        #expect(r.top.first?.client == "Twitter for iPhone" || r.top.first?.client == "IFTTT")
    }

    @Test func noClientFieldMeansNotAvailable() throws {
        var s = Synth(seed: 5)
        let a = s.account("a")
        s.post(a, at: 0)
        let ds = s.finish()
        let r = try Clients(options: AnalysisOptions()).run(on: ds, context: AnalysisContext())
        #expect(!r.available)
        #expect(r.accountColumns(ds).isEmpty)
    }
}

@Suite struct PersonaTests {
    @Test(arguments: [
        ("JohnSmith", Personas.HandleKind.ordinary),  // a name
        ("maria_lopez84", .ordinary),  // a name and a year
        ("JohnSmi58204713", .nameDigits),  // platform-suggested default
        ("anna12345", .nameDigits),  // five trailing digits
        ("x8k2m9q4z", .random),  // letters and digits interleaved
        ("abc123def", .ordinary),  // only two digit runs... one run: not random
        ("3Qx0Y7n1sZq8d8N0+VjUuBf0Yqfq9LBS6gP8LYcP8Sw=", .anonymized),  // archive hash, longer than a handle
        ("", .missing),  // none
    ] as [(String, Personas.HandleKind)])
    func handles(handle: String, expected: Personas.HandleKind) {
        var h = handle
        let kind = h.withUTF8 { Personas.handleKind(UnsafeRawBufferPointer($0)) }
        #expect(kind == expected)
    }

    @Test(arguments: [
        ("john_smith", "John Smith", false as Bool?),  // same name
        ("jsmith1990", "John Smith", false),  // shares "smi"
        ("patriot_voice", "Mary Jones", true),  // unrelated
        ("wang_li", "王丽", nil),  // no Latin letters in the name
        ("ab", "Abigail", nil),  // too short to compare
    ] as [(String, String, Bool?)])
    func names(handle: String, name: String, unrelated: Bool?) {
        var h = handle, n = name
        var hl: [UInt8] = [], nl: [UInt8] = []
        let r = h.withUTF8 { hb in n.withUTF8 { nb in
            Personas.nameUnrelated(handle: UnsafeRawBufferPointer(hb), name: UnsafeRawBufferPointer(nb), handleLetters: &hl, nameLetters: &nl)
        } }
        #expect(r == unrelated)
    }

    @Test func figuresOnASmallTable() throws {
        var s = Synth(seed: 6)
        let created = CivilTime.seconds(year: 2020, month: 1, day: 1)
        let a = s.account("1", handle: "anna12345", name: "Anna", created: created, followers: 0, following: 10)
        let b = s.account("2", handle: "bob", name: "Bob", description: "hi", created: created, followers: 50, following: 10)
        let c = s.account("3", handle: "carol", name: "Carol", location: "Paris", followers: 0, following: 0)
        s.post(a, at: created + 3 * 86_400)
        let ds = s.finish()
        let r = try Personas(options: AnalysisOptions()).run(on: ds, context: AnalysisContext())
        #expect(r.zeroFollowers == 2)
        #expect(r.withFollowerCount == 3)
        #expect(r.emptyDescription == 2)
        #expect(r.emptyLocation == 2)
        #expect(r.emptyURL == nil)  // no account has a URL: the field is absent
        #expect(r.emptyProfile == 1)
        #expect(r.defaultHandles == 1)
        #expect(r.medianFollowerRatio == 2.5)
        #expect(r.ageAtFirstPost?.medianDays == 3)
        let reasons = r.accountReasons(ds)
        #expect(reasons[a] == ["zero_followers", "empty_profile", "default_handle"])
        #expect(reasons[b] == nil)
        #expect(reasons[c] == ["zero_followers"])
    }
}

@Suite struct CohortTests {
    @Test func sameDayBurstIsACohort() throws {
        var s = Synth(seed: 7)
        let first = CivilTime.days(year: 2012, month: 1, day: 1), last = CivilTime.days(year: 2019, month: 12, day: 31)
        for k in 0..<2000 {
            let d = first + s.uniform(last - first + 1)
            s.account("u\(k)", created: Int64(d) * 86_400)
        }
        let day = CivilTime.days(year: 2017, month: 9, day: 3)
        var planted: [Int32] = []
        for k in 0..<40 { planted.append(s.account("c\(k)", created: Int64(day) * 86_400)) }
        let ds = s.finish()
        let r = try CreationCohorts(options: AnalysisOptions()).run(on: ds, context: AnalysisContext())
        #expect(r.cohorts.count == 1)
        let c = try #require(r.cohorts.first)
        #expect(c.date == "2017-09-03")
        #expect(c.size >= 40)
        #expect(Set(planted.map { ds.accounts.key[$0] }).isSubset(of: Set(c.members)))
        #expect(c.log10P < r.log10Threshold!)
        #expect(!r.hourResolution)
        #expect(r.accountReasons(ds)[planted[0]] == ["creation_cohort:2017-09-03"])
        #expect(r.accountColumns(ds)[0].values[Int(planted[5])] == "2017-09-03")
    }

    @Test func uniformCreationHasNoCohort() throws {
        var s = Synth(seed: 8)
        let first = CivilTime.days(year: 2015, month: 1, day: 1)
        for k in 0..<3000 { s.account("u\(k)", created: Int64(first + s.uniform(1000)) * 86_400 + Int64(s.uniform(86_400))) }
        let ds = s.finish()
        let r = try CreationCohorts(options: AnalysisOptions()).run(on: ds, context: AnalysisContext())
        #expect(r.hourResolution)
        #expect(r.cohorts.isEmpty)
    }

    @Test(arguments: [
        (5, 0.1, -7.115),  // P(X ≥ 5 | 0.1) ≈ 7.7e-8
        (40, 1.0, -48.335),  // far tail: about 1/(e · 40!)
        (1, 2.0, 0.0),  // at or below the mean: no evidence
    ] as [(Int, Double, Double)])
    func poissonTail(k: Int, mean: Double, expected: Double) {
        #expect(abs(CreationCohorts.log10PoissonTail(k, mean: mean) - expected) < 0.01)
    }
}

@Suite struct LanguageTests {
    @Test(arguments: [
        ("zh-cn", "zh" as String?),  // region dropped
        ("zh-CN", "zh"),  // case folded
        ("en-gb", "en"),  // region dropped
        ("English", "en"),  // IRA-style names
        ("und", nil),  // undetermined
        ("LANGUAGE UNDEFINED", nil),  // IRA's undetermined
        ("fil", "tl"),  // one code for Filipino
        ("Farsi (Persian)", "fa"),  // IRA name with a gloss
        ("Simplified Chinese", "zh"),  // script names fold into the language
    ] as [(String, String?)])
    func normalize(raw: String, expected: String?) {
        #expect(Languages.normalize(raw) == expected)
    }

    @Test func mismatchNeedsEnoughPostsAndAClearMajority() throws {
        var s = Synth(seed: 9)
        let a = s.account("a", language: "en"), b = s.account("b", language: "en"), c = s.account("c", language: "zh-cn")
        let d = s.account("d", language: "en")
        for k in 0..<6 { s.post(a, at: Int64(k), language: "zh") }
        for k in 0..<3 { s.post(b, at: Int64(k), language: "zh") }  // too few
        for k in 0..<6 { s.post(c, at: Int64(k), language: "zh") }  // matches after normalising
        for k in 0..<6 { s.post(d, at: Int64(k), language: k < 3 ? "en" : "ru") }  // no majority over its own
        let ds = s.finish()
        let r = try Languages(options: AnalysisOptions()).run(on: ds, context: AnalysisContext())
        #expect(r.mismatch(of: a) == "en_to_zh")
        #expect(r.mismatch(of: b) == nil)
        #expect(r.mismatch(of: c) == nil)
        #expect(r.mismatch(of: d) == nil)
        #expect(r.mismatches == 1)
        #expect(r.accountsCompared == 3)
        #expect(r.accountReasons(ds) == [a: ["language_mismatch:en_to_zh"]])
        #expect(r.postLanguages.first == Languages.LanguageCount(language: "zh", count: 15, share: 0.714))
        #expect(r.accountsByLanguageCount["2"] == 1)
    }
}

@Suite struct FingerprintDeterminismTests {
    static let names = ["schedule", "cadence", "clients", "personas", "cohorts", "languages"]

    func runAll() throws -> (Data, [String: [String]], [Int32: [String]]) {
        let ds = Scenario.shared.dataset
        let run = try AnalysisRun.run(try AnalysisCatalogue.resolve(Self.names), on: ds, options: AnalysisOptions())
        #expect(run.order == ["overview"] + Self.names)
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        var data = Data()
        var cols: [String: [String]] = [:]
        var reasons: [Int32: [String]] = [:]
        for name in run.order {
            let r = try #require(run.result(named: name))
            data += try enc.encode(r)
            for c in r.accountColumns(ds) { cols[c.name] = c.values }
            for (a, codes) in r.accountReasons(ds) { reasons[a, default: []] += codes }
        }
        return (data, cols, reasons)
    }

    @Test func twoRunsAreIdentical() throws {
        let a = try runAll(), b = try runAll()
        #expect(a.0 == b.0)
        #expect(a.1 == b.1)
        #expect(a.2 == b.2)
        for c in ["utc_offset_hours", "workhours_share", "cadence", "gap_cv", "dominant_client", "client_category",
                  "zero_followers", "cohort", "language_mismatch"] {
            #expect(a.1[c] != nil, "missing column \(c)")
        }
    }
}

@Suite struct NumberTests {
    @Test(arguments: [
        ([3.0], 3.0 as Double?),  // one value
        ([5, 1, 4, 2, 3], 3),  // odd count
        ([4, 1, 3, 2], 2.5),  // even count: mean of the middle two
        ([2, 2, 2, 1, 2, 2], 2),  // ties
        ([], nil),  // empty
    ] as [([Double], Double?)])
    func median(values: [Double], expected: Double?) {
        var v = values
        #expect(Median.of(&v) == expected)
    }

    @Test func medianMatchesSorting() {
        var g = SeededGenerator(seed: 12)
        for n in [1, 2, 7, 100, 1001] {
            var v = (0..<n).map { _ in Double(g.next() % 50) }
            let s = v.sorted()
            let expected = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
            #expect(Median.of(&v) == expected)
        }
    }
}
