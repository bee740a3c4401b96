import LockstepAnalysis
import LockstepCore
import Testing

@Suite struct HijackedAccountsTests {
    static let spanish = ["el", "gobierno", "anuncia", "nuevas", "medidas", "fútbol", "partido", "madrid", "barcelona", "música",
                          "concierto", "verano", "playa", "familia", "trabajo", "noticias", "ciudad", "comida", "fiesta", "amigos"]
    static let chinese = ["香港", "暴徒", "破坏", "法治", "支持", "警察", "维护", "稳定", "祖国", "统一", "乱港", "分子", "外国", "势力"]
    static let english = ["coffee", "morning", "running", "weekend", "garden", "books", "reading", "movie", "music", "friends",
                          "dinner", "cooking", "travel", "photos", "weather", "city", "walk", "park", "family", "work"]

    /// One hijacked account, one merely quiet organic account, and steady organic accounts.
    static func dataset(seed: UInt64) -> Dataset {
        var g = SeededGenerator(seed: seed)
        var b = DatasetBuilder()
        let hijacked = b.account(id: "hijacked")
        b.profile(hijacked, created: at(2012, 5, 1), language: "es")
        // Three years of Spanish posts from a phone, Spanish evenings (19-23 UTC).
        for _ in 0..<150 {
            let t = at(2013, 1, 1) + Int64(g.int(0..<(3 * 365))) * 86_400 + Int64(g.int(19..<23)) * 3600 + Int64(g.int(0..<3600))
            let text = (0..<8).map { _ in g.pick(spanish) }.joined(separator: " ")
            b.post(hijacked, t, text, language: "es", client: "Twitter for Android")
        }
        // Three silent years, then a test post and Chinese posts from the web at Beijing office hours (01-09 UTC).
        b.post(hijacked, at(2019, 3, 1, 2), "测试", language: "zh", client: "Twitter Web Client")
        for _ in 0..<60 {
            let t = at(2019, 3, 2) + Int64(g.int(0..<60)) * 86_400 + Int64(g.int(1..<9)) * 3600 + Int64(g.int(0..<3600))
            let text = (0..<12).map { _ in g.pick(chinese) }.joined()
            b.post(hijacked, t, text, language: "zh", client: "Twitter Web Client", hashtags: ["香港"])
        }
        // Quiet: posts in English from an iPhone, falls silent for 18 months, comes back the same.
        let quiet = b.account(id: "quiet")
        b.profile(quiet, created: at(2013, 2, 1), language: "en")
        for (from, days) in [(at(2014, 1, 1), 700), (at(2017, 6, 1), 300)] {
            for _ in 0..<80 {
                let t = from + Int64(g.int(0..<days)) * 86_400 + Int64(g.int(14..<22)) * 3600
                b.post(quiet, t, (0..<8).map { _ in g.pick(english) }.joined(separator: " "), language: "en", client: "Twitter for iPhone")
            }
        }
        for k in 0..<20 {
            let a = b.account(id: "organic\(k)")
            b.profile(a, created: at(2011, 1, 1), language: "en")
            for _ in 0..<100 {
                let t = at(2014, 1, 1) + Int64(g.int(0..<2000)) * 86_400 + Int64(g.int(0..<86_400))
                b.post(a, t, (0..<8).map { _ in g.pick(english) }.joined(separator: " "), language: "en", client: g.pick(["Twitter for iPhone", "Twitter Web Client"]))
            }
        }
        return b.finish(accounting: IngestAccounting())
    }

    @Test func flagsHijackedAccountWithReasons() throws {
        let ds = Self.dataset(seed: 7)
        let r = try HijackedAccounts(options: AnalysisOptions()).run(on: ds, context: AnalysisContext())
        let keys = ds.accounts.key.index()
        let hijacked = keys["hijacked"]!, quiet = keys["quiet"]!
        let reasons = r.accountReasons(ds)[hijacked] ?? []
        #expect(reasons.contains("dormant_2015_2019"))
        #expect(reasons.contains("language_es_to_zh"))
        #expect(reasons.contains("client_mobile_to_web"))
        #expect(reasons.contains("test_post_after_gap"))
        #expect(reasons.contains { $0.hasPrefix("schedule_") && $0.hasSuffix("h_utc") })
        #expect(r.accountReasons(ds)[quiet] == nil)
        let columns = Dictionary(uniqueKeysWithValues: r.accountColumns(ds).map { ($0.name, $0.values) })
        #expect(columns["hijack_suspect"]?[Int(hijacked)] == "true")
        #expect(columns["hijack_suspect"]?[Int(quiet)] == "")
        #expect(columns["dormant_to"]?[Int(hijacked)] == "2019-03-01")
        // The quiet account's gap is recorded, but nothing changed across it.
        #expect(columns["dormant_from"]?[Int(quiet)].hasPrefix("2015") == true)
        #expect(r.suspects == 1)
        let first = try #require(r.accounts.first)
        #expect(first.account == "hijacked" && first.before.language == "es" && first.after.language == "zh")
        #expect(first.testPost == "测试")
    }

    @Test func scriptChangeStandsInForAMissingLanguageColumn() throws {
        var g = SeededGenerator(seed: 3)
        var b = DatasetBuilder()
        let a = b.account(id: "persona")
        // English lifestyle posts, a year of silence, then daily Russian news posts: no language column.
        for k in 0..<40 { b.post(a, at(2014, 1, 1) + Int64(k) * 9 * 86_400, (0..<8).map { _ in g.pick(Self.english) }.joined(separator: " ")) }
        for k in 0..<90 { b.post(a, at(2015, 12, 1) + Int64(k) * 8 * 3600, "Россия новости сегодня армия Путин заявил санкции") }
        let ds = b.finish(accounting: IngestAccounting())
        let r = try HijackedAccounts(options: AnalysisOptions()).run(on: ds, context: AnalysisContext())
        let reasons = r.accountReasons(ds)[0] ?? []
        #expect(reasons.contains("script_latin_to_cyrillic"), "\(reasons)")
        #expect(reasons.contains { $0.hasPrefix("rate_") })
    }

    @Test func profileSignalsFindOldAccountsInAnotherLanguage() throws {
        var b = DatasetBuilder()
        for k in 0..<50 { b.profile(b.account(id: "wave\(k)"), created: at(2017, 3, 1) + Int64(k) * 86_400, language: "zh-cn") }
        for k in 0..<5 { b.profile(b.account(id: "old_en\(k)"), created: at(2010, 6, 1), language: "en") }
        for k in 0..<3 { b.profile(b.account(id: "old_zh\(k)"), created: at(2010, 6, 1), language: "zh-CN") }
        // Created a year before the wave: not old enough at the default of two years.
        b.profile(b.account(id: "recent_ru"), created: at(2016, 6, 1), language: "ru")
        let ds = b.finish(accounting: IngestAccounting())
        let r = try HijackedAccounts(options: AnalysisOptions()).run(on: ds, context: AnalysisContext())
        let s = r.profileSignals
        #expect(s.mainCreationYear == 2017 && s.dominantLanguage == "zh" && s.dominantLanguageSource == "account_language")
        #expect(s.oldAccounts == 8 && s.oldOtherLanguage == 5)
        #expect(s.oldOtherLanguageByYear == ["2010": ["en": 5]])
        let reasons = r.accountReasons(ds)
        #expect(reasons.values.filter { $0 == ["old_account_2010_language_en"] }.count == 5)
    }

    @Test(arguments: [
        ("测试", true),  // the 2019 PRC takedown's new owners
        ("test", true),
        ("Testing!!", true),
        ("hello @friend https://t.co/x", true),
        ("这是一个测试，我们明天见", false),  // a sentence that mentions a test
        ("testing the new camera on the beach today", false),
    ])
    func testPosts(text: String, expected: Bool) {
        #expect(HijackedAccounts.isTestPost(text) == expected)
    }

    @Test(arguments: [
        ("Twitter for Android", "mobile"),
        ("Twitter Web Client", "web"),
        ("TweetDeck", "web"),
        ("IFTTT", "automation"),
        ("Some Custom Thing", "other"),
    ])
    func clientCategories(name: String, expected: String) {
        #expect(HijackedAccounts.clientCategory(name) == expected)
    }
}

/// Regression: an Indonesian account (`id`) posting in Twitter's legacy `in` was reported as a
/// language mismatch, and the hijack rule read language names (`Russian`) apart from codes (`ru`).
@Suite struct LanguageCodeTests {
    @Test(arguments: [
        ("in", "id"), ("iw", "he"), ("ji", "yi"),  // withdrawn ISO codes Twitter still writes
        ("zh-CN", "zh"), ("en_GB", "en"), ("Russian", "ru"), ("fil", "tl"),
        ("und", ""),                                 // undetermined
    ])
    func legacyAndNamedCodesMeetTheirCanonicalCode(raw: String, code: String) {
        #expect(HijackedAccounts.baseLanguage(raw) == code)
        #expect((Languages.normalize(raw) ?? "") == code)
    }
}
