import Foundation
import LockstepCore

/// A further office run as its own operation (preset `two-offices`): its own accounts (core and
/// amplifiers), calendar, narrative and language, boosting the diplomats and another operation's posts.
/// Modelled on the Russian-linked accounts that amplified Chinese diplomats in 2020 (simulator.md).
public struct OfficeParameters: Codable, Sendable, Equatable {
    /// Short id in truth.csv's `operation` column and in scenario.json.
    public var id = "ru"
    /// Language of the office's accounts and posts other than English: `ru`, `zh` or `en`.
    public var language = "ru"
    /// The office's offset, hours, holidays, campaign start, pivot and hashtags.
    public var operation = OfficeParameters.moscowCalendar()
    /// The office's own accounts; `accounts` is at scale 1 (floor 10).
    public var core = OfficeParameters.defaultCore()
    /// Accounts that retweet the office's core posts (floor 20).
    public var amplifiers = OfficeParameters.defaultAmplifiers()
    /// Ids of operations whose core originals this office's amplifiers and core accounts also retweet.
    public var boosts = ["prc"]
    /// Probability that one core original of a boosted operation is retweeted by a burst of this office's amplifiers.
    public var boostProbability = 0.03
    /// Share of the core accounts' retweets aimed at a boosted operation's originals (the rest: own and watch-listed).
    public var coreBoostShare = 0.1
    /// Probability that one diplomat post is retweeted by a burst of this office's amplifiers.
    public var diplomatBoostProbability = 0.08
    /// Stealthier tradecraft for this office; nil: the clumsy factory.
    public var stealth: StealthParameters?

    /// A Russian-language office with its defaults.
    public init() {}

    /// A Moscow office week: UTC+3, 10:00-19:00, Russia's public holidays of 2019-2020, its own narrative.
    public static func moscowCalendar() -> OperationParameters {
        var op = OperationParameters()
        op.id = "ru"
        op.utcOffsetHours = 3
        op.workStartHour = 10
        op.workEndHour = 19
        op.lunchStartHour = 13
        op.lunchEndHour = 14
        op.holidays = [
            DateRange(start: "2019-11-04", end: "2019-11-04", name: "Unity Day"),
            DateRange(start: "2019-12-31", end: "2020-01-08", name: "New Year holidays"),
            DateRange(start: "2020-02-24", end: "2020-02-24", name: "Defender of the Fatherland Day"),
            DateRange(start: "2020-03-09", end: "2020-03-09", name: "Women's Day (moved)"),
            DateRange(start: "2020-05-01", end: "2020-05-05", name: "Spring and Labour Day"),
            DateRange(start: "2020-05-09", end: "2020-05-11", name: "Victory Day"),
        ]
        op.makeupWorkdays = []
        op.campaignStart = "2019-09-02"
        op.pivotDate = "2020-01-27"
        op.hashtagsBefore = ["ЦветнаяРеволюция", "Гонконг", "HongKongRiots", "WesternHypocrisy"]
        op.hashtagsAfter = ["коронавирус", "БиолабораторииСША", "ChinaHelpsItaly", "ВместеПротивВируса"]
        return op
    }

    static func defaultCore() -> CoreParameters {
        var c = CoreParameters()
        c.accounts = 40
        c.scriptsPerDay = 2
        c.englishShare = 0.25
        c.watchlistTargetShare = 0.55
        return c
    }

    static func defaultAmplifiers() -> AmplifierParameters {
        var a = AmplifierParameters()
        a.accounts = 120
        a.creationBursts = 2
        return a
    }
}

/// Stealthier tradecraft (preset `stealthy`, or `stealth` on any office): bought aged accounts, phones,
/// two shifts six days a week, paraphrased copy, slow amplification, amplifiers with filler lives.
/// Modelled on the 2020-2023 "Spamouflage" and bought-account operations described in simulator.md.
public struct StealthParameters: Codable, Sendable, Equatable {
    /// Bought core accounts were created this many years before the campaign (uniform between bounds).
    public var agedYearsMin = 2.0
    /// Upper bound of the core accounts' age at the campaign start, years.
    public var agedYearsMax = 9.0
    /// Median followers of a bought account; lognormal sigma 1.
    public var followersMedian = 220.0
    /// Share of bought accounts with a filled profile (location and description).
    public var filledProfileShare = 0.9
    /// Share of bought accounts with an older history of their own, in another language, before the sale.
    public var priorHistoryShare = 0.5
    /// Median posts of that history; lognormal sigma 0.8.
    public var priorPostsMedian = 80.0
    /// Share of core and amplifier posts from phone clients.
    public var mobileShare = 0.85
    /// The office's shifts, local hours `[start, end]`; each worker keeps one.
    public var shifts: [[Double]] = [[8, 15], [15, 22]]
    /// The weekday the office rests (0 Monday ... 6 Sunday); the other six are worked.
    public var restWeekday = 6
    /// Median minutes from a core post to the first amplifier retweet; lognormal sigma 1.
    public var amplifyDelayMedianMinutes = 90.0
    /// Mean minutes between successive amplifier retweets of one post (exponential).
    public var amplifyGapMinutes = 25.0
    /// Target share of an amplifier's posts that are the operation's; the rest is filler of its own.
    public var amplifierOperationShare = 0.4
    /// Years after which amplifier accounts were bought (created uniformly this many years before the campaign).
    public var amplifierAgedYearsMax = 6.0

    /// Every stealth knob with its default.
    public init() {}
}

extension Scenario {
    /// Sets the office offset (whole hours) of the operation with this id (nil or `prc`: the first one).
    /// False when no operation has the id.
    public mutating func setOfficeOffset(_ hours: Int, operation id: String? = nil) -> Bool {
        if id == nil || id == operationID {
            operation.utcOffsetHours = Double(hours)
            return true
        }
        guard let k = offices?.firstIndex(where: { $0.id == id }) else { return false }
        offices![k].operation.utcOffsetHours = Double(hours)
        return true
    }

    /// Id of the first operation.
    public var operationID: String { operation.id ?? "prc" }

    /// Every office in generation order: the first operation, then ``offices``.
    var allOffices: [Office] {
        var list = [Office(index: 0, id: operationID, op: operation, core: core, amplifiers: amplifiers, stealth: stealth,
                           native: .zh, boosts: [], boostProbability: 0, coreBoostShare: 0, diplomatBoostProbability: 0)]
        for o in offices ?? [] {
            let native: Language = o.language == "ru" ? .ru : o.language.hasPrefix("zh") ? .zh : .en
            var op = o.operation
            op.id = o.id
            list.append(Office(index: Int8(list.count), id: o.id, op: op, core: o.core, amplifiers: o.amplifiers,
                               stealth: o.stealth, native: native, boosts: [], boostProbability: o.boostProbability,
                               coreBoostShare: o.coreBoostShare, diplomatBoostProbability: o.diplomatBoostProbability))
        }
        for (k, o) in (offices ?? []).enumerated() {
            list[k + 1].boosts = o.boosts.compactMap { id in list.first { $0.id == id && $0.id != o.id }?.index }
        }
        return list
    }
}

/// One office while generating: its parameters and its index in truth (``SimAccount/operation``).
struct Office {
    var index: Int8
    var id: String
    var op: OperationParameters
    var core: CoreParameters
    var amplifiers: AmplifierParameters
    var stealth: StealthParameters?
    /// The language the office posts in besides English.
    var native: Language
    /// Indices of the offices whose originals it boosts.
    var boosts: [Int8]
    var boostProbability: Double
    var coreBoostShare: Double
    var diplomatBoostProbability: Double

    /// Account language of a non-English account of this office.
    func nativeAccountLanguage(_ g: inout SeededGenerator) -> String {
        switch native {
        case .zh: g.chance(0.9) ? "zh-cn" : "zh-tw"
        case .ru: "ru"
        default: "en"
        }
    }

    /// A name in the style of the account language.
    static func name(language: String, _ g: inout SeededGenerator) -> (display: String, handle: String) {
        guard language == "ru" else { return Profiles.name(language: language, &g) }
        let first = g.below(Vocabulary.firstRU.count), last = g.below(Vocabulary.lastRU.count)
        let display = Vocabulary.firstRU[first] + " " + Vocabulary.lastRU[last]
        let latin = Vocabulary.firstRULatin[first].lowercased() + (g.chance(0.5) ? "_" : "") + Vocabulary.lastRULatin[last].lowercased()
        return (display, g.chance(0.5) ? latin + String(g.below(100)) : latin)
    }
}

/// Aged accounts bought for a stealthy office: created years ago, followers and a filled profile of
/// their own, some with an older history in another language before they were sold.
enum BoughtAccounts {
    static let personas: [(language: String, tweet: Language, offsets: [Double])] = [
        ("en", .en, [0, -5, -8, 10, 8]), ("es", .es, [-5, -6, -3]), ("pt", .pt, [-3]), ("id", .id, [7]), ("tr", .tr, [3]),
        ("en", .en, [5.5, 1]),
    ]

    /// Makes one bought account of `population` created `years` (uniform) before `campaign`, with its
    /// history; `followersMedian` sets its audience.
    static func make(into w: inout World, population: Population, office: Office, stealth st: StealthParameters,
                     yearsMin: Double, yearsMax: Double, followersMedian: Double, _ g: inout SeededGenerator) -> Int32 {
        let campaign = CivilTime.parseISO(office.op.campaignStart) ?? w.windowStart
        let persona = g.pick(personas)
        let offsetHours = g.pick(persona.offsets)
        let created = campaign - Int64(g.uniform(yearsMin, yearsMax) * 365 * 86_400) - Int64(g.below(86_400))
        let (display, handle) = Profiles.name(language: persona.language, &g)
        let filled = g.chance(st.filledProfileShare)
        let places = Vocabulary.zones.first { $0.offset == offsetHours }?.places.filter { !$0.isEmpty } ?? []
        let a = w.addAccount(SimAccount(
            userID: 0, created: created, handle: handle, displayName: display,
            location: filled && !places.isEmpty ? g.pick(places) : "",
            description: filled ? g.pick(Vocabulary.descriptionsEN) : "",
            followers: Int(g.lognormal(median: followersMedian, sigma: 1)), following: Int(g.lognormal(median: 320, sigma: 0.8)),
            accountLanguage: persona.language, population: population, utcOffset: Int(offsetHours * 3600),
            client: g.chance(st.mobileShare) ? (g.chance(0.55) ? .iPhone : .android) : .webApp, operation: office.index))
        guard g.chance(st.priorHistoryShare) else { return a }
        // The seller's own posts, on the seller's clock, ending months before the sale.
        let start = max(created, CivilTime.seconds(year: 2011, month: 1, day: 1)) + Int64(g.uniform(5, 90) * 86_400)
        let end = campaign - Int64(g.uniform(0.3, 1.5) * 365 * 86_400)
        guard end > start else { return a }
        let count = Int(g.lognormal(median: st.priorPostsMedian, sigma: 0.8).rounded())
        let offset = Int(offsetHours * 3600)
        let client = w.accounts[Int(a)].client
        for _ in 0..<count {
            let day = CivilTime.dayNumber(start + Int64(g.unit() * Double(end - start)))
            let t = Int64(day) * 86_400 + Int64(DailyRhythm.organic.secondOfDay(&g)) - Int64(offset)
            guard t > created, t < end else { continue }
            w.addPost(time: t, account: a, kind: .original, client: client, language: persona.tweet, topic: .genuine,
                      textSeed: g.next() & ~0x10)
        }
        return a
    }
}

/// One planted operation as scenario.json states it, so that `evaluate` can score it.
public struct PlantedOperation: Codable, Sendable, Equatable {
    /// The id in truth.csv's `operation` column.
    public var id: String
    /// Where its originators work: the office's UTC offset, hours.
    public var utcOffsetHours: Double
    /// Whether the office uses the stealthy tradecraft.
    public var stealthy: Bool
    /// Language of its non-English posts.
    public var language: String
    /// Days it does not work, local.
    public var holidays: [DateRange]
    /// Weekend days it works.
    public var makeupWorkdays: [String]
    /// Its first working day.
    public var campaignStart: String
    /// The day its narrative changes.
    public var pivotDate: String
    /// Its hashtags before the pivot.
    public var hashtagsBefore: [String]
    /// Its hashtags from the pivot on.
    public var hashtagsAfter: [String]
    /// Its accounts per truth population.
    public var accounts: [String: Int]
    /// Posts of its accounts (including hijacked accounts' histories and amplifiers' filler).
    public var posts: Int
    /// Retweets by its accounts of other operations' and of watch-listed accounts' posts, as generated.
    public var amplifies: [PlantedAmplification]

    /// The operations of a generated world, counted from its accounts and posts.
    static func all(in w: World) -> [PlantedOperation] {
        let offices = w.scenario.allOffices
        var accounts = [[String: Int]](repeating: [:], count: offices.count)
        var posts = [Int](repeating: 0, count: offices.count)
        for a in w.accounts where a.operation >= 0 && Int(a.operation) < offices.count {
            accounts[Int(a.operation)][a.population.rawValue, default: 0] += 1
        }
        // Reposts per (amplifying office, target); targets: another office's id or a watchlist label.
        var reposts: [Int: [String: (operation: Bool, count: Int, accounts: Set<Int32>)]] = [:]
        for r in w.posts {
            let op = Int(w.accounts[Int(r.account)].operation)
            guard op >= 0, op < offices.count else { continue }
            posts[op] += 1
            guard r.kind == .retweet, r.ref >= 0 else { continue }
            let target = w.accounts[Int(w.posts[Int(r.ref)].account)]
            let key: String, isOperation: Bool
            if target.operation >= 0, Int(target.operation) != op, Int(target.operation) < offices.count {
                key = offices[Int(target.operation)].id; isOperation = true
            } else if target.operation < 0, let label = target.label {
                key = label; isOperation = false
            } else {
                continue
            }
            var entry = reposts[op, default: [:]][key] ?? (isOperation, 0, [])
            entry.count += 1
            entry.accounts.insert(r.account)
            reposts[op, default: [:]][key] = entry
        }
        return offices.indices.compactMap { k in
            guard !accounts[k].isEmpty else { return nil }
            let o = offices[k]
            let amplifies = (reposts[k] ?? [:]).sorted { $0.key < $1.key }.map { key, v in
                PlantedAmplification(operation: v.operation ? key : nil, label: v.operation ? nil : key, reposts: v.count,
                                     accounts: v.accounts.count)
            }
            return PlantedOperation(
                id: o.id, utcOffsetHours: o.op.utcOffsetHours, stealthy: o.stealth != nil, language: o.native.code,
                holidays: o.op.holidays, makeupWorkdays: o.op.makeupWorkdays, campaignStart: o.op.campaignStart,
                pivotDate: o.op.pivotDate, hashtagsBefore: o.op.hashtagsBefore, hashtagsAfter: o.op.hashtagsAfter,
                accounts: accounts[k], posts: posts[k], amplifies: amplifies)
        }
    }
}

/// Reposts by one operation's accounts of another operation's posts (`operation`) or of watch-listed
/// accounts' posts (`label`: `diplomat`, `state media`).
public struct PlantedAmplification: Codable, Sendable, Equatable {
    /// Id of the amplified operation; nil for a watch-listed target.
    public var operation: String?
    /// Label of the amplified watch-listed accounts; nil for an operation.
    public var label: String?
    /// Retweets.
    public var reposts: Int
    /// Distinct accounts that retweeted.
    public var accounts: Int
}

extension Scenario {
    /// A scenario read from JSON: the `parameters` object of a scenario.json, or a whole scenario.json.
    public static func load(from url: URL) throws -> Scenario {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw SimulationError(message: "cannot read \(url.path)")
        }
        let decoder = JSONDecoder()
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let parameters = object["parameters"] {
            let inner = try JSONSerialization.data(withJSONObject: parameters)
            return try decode(inner, decoder, url)
        }
        return try decode(data, decoder, url)
    }

    private static func decode(_ data: Data, _ decoder: JSONDecoder, _ url: URL) throws -> Scenario {
        do {
            return try decoder.decode(Scenario.self, from: data)
        } catch DecodingError.keyNotFound(let key, let context) {
            let path = (context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: ".")
            throw SimulationError(message: "\(url.lastPathComponent) has no \(path): start from the parameters of a scenario.json that `lockstep simulate` wrote")
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            throw SimulationError(message: "\(url.lastPathComponent): \(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type (\(context.debugDescription))")
        } catch {
            throw SimulationError(message: "\(url.lastPathComponent) is not a scenario (JSON): \(error)")
        }
    }
}
