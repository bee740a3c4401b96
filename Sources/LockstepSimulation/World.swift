import LockstepCore

/// Ground-truth class of a simulated account.
public enum Population: String, Codable, Sendable, CaseIterable {
    case organic, core, amplifier, hijacked, bot
    case surgeFollower = "surge_follower"
    case benignFans = "benign_fans"
    case benignActivists = "benign_activists"
    case benignNews = "benign_news"
    case benignLiveEvent = "benign_live_event"

    /// True for every population the operation controls (the positives of `evaluate`).
    public var isOperation: Bool { self != .organic && !isBenign }

    /// True for authentic coordinated populations: negatives of `evaluate`, reported apart from organic.
    public var isBenign: Bool { Population.isBenign(rawValue) }

    /// Whether a truth population name is benign: every `benign_*` name is, known to the simulator or not.
    public static func isBenign(_ name: String) -> Bool { name.hasPrefix("benign_") }
}

/// What a post's text is about; the text itself is composed when it is written.
enum Topic: UInt8 {
    case chatter, news, stateMedia, diplomat, operationBefore, operationAfter, genuine, test, botFeed
    case idol, fanVote, organiser, toolkit, wire, localNews, eventOfficial, eventCrowd
}

/// Posting clients, by index into ``Clients/names``.
enum Client: UInt8 {
    case iPhone, android, webClient, webApp, iPad, tweetDeck, ifttt, dlvrit, twittbot, hootsuite
    case buffer, socialFlow, mediaStudio

    static let names = ["Twitter for iPhone", "Twitter for Android", "Twitter Web Client", "Twitter Web App",
                        "Twitter for iPad", "TweetDeck", "IFTTT", "dlvr.it", "twittbot.net", "Hootsuite Inc.",
                        "Buffer", "SocialFlow", "Twitter Media Studio"]
    var name: String { Client.names[Int(rawValue)] }

    static let automation: [Client] = [.ifttt, .dlvrit, .twittbot, .hootsuite]
}

/// Tweet languages, by index.
enum Language: UInt8 {
    case en, zh, es, pt, id, ja, fr, de, tr, ru, und

    static let codes = ["en", "zh", "es", "pt", "in", "ja", "fr", "de", "tr", "ru", "und"]
    var code: String { Language.codes[Int(rawValue)] }
}

/// One simulated account: profile columns plus what the generator needs to know about it.
struct SimAccount {
    var userID: UInt64
    /// UTC seconds.
    var created: Int64
    var handle: String
    var displayName: String
    var location = ""
    var description = ""
    var url = ""
    var followers = 0
    var following = 0
    var accountLanguage = "en"
    var population: Population
    /// The account's own clock, seconds east of UTC.
    var utcOffset = 0
    /// The client it usually posts from.
    var client: Client = .iPhone
    /// Index of the office (``Scenario/allOffices``) running the account, or -1 for none.
    var operation: Int8 = -1
    /// `state media` or `diplomat` for watchlist accounts.
    var label: String?
}

/// One simulated post; 48 bytes so ten million fit in half a gigabyte.
struct PostRecord {
    /// UTC seconds.
    var time: Int64
    var id: Int64
    /// Seeds the text composer; copies of one script share it.
    var textSeed: UInt64
    var account: Int32
    /// Index of the retweeted, replied-to or quoted record, or -1.
    var ref: Int32
    var retweets: UInt32 = 0
    var replies: UInt16 = 0
    var quotes: UInt16 = 0
    var kind: PostKind
    var client: Client
    var language: Language
    var topic: Topic
}

/// The accounts and posts of one simulation while it is being generated.
struct World {
    let scenario: Scenario
    var accounts: [SimAccount] = []
    var posts: [PostRecord] = []
    private var usedUserIDs = Set<UInt64>()
    private var usedHandles = Set<String>()
    private var postCounter: Int64 = 0
    var idRandom: SeededGenerator

    /// Index range of watchlist accounts, filled by ``WatchlistAccounts``.
    var stateMedia: [Int32] = []
    var diplomats: [Int32] = []
    /// Originals of watchlist accounts, in time order (targets for core retweets and replies).
    var watchlistOriginals: [Int32] = []
    /// Core originals in time order (targets for amplifiers).
    var coreOriginals: [Int32] = []
    /// Core originals of each office in time order, by office index (targets of other offices' boosts).
    var officeOriginals: [[Int32]] = []
    var organicAccounts: [Int32] = []
    /// Benign accounts that also retweet, reply to and quote ordinary posts, with their propensity and chronotype.
    var benignReactors: [(account: Int32, weight: Double, shift: Double)] = []
    /// Planted facts collected while generating, written to scenario.json.
    var surges: [PlantedSurge] = []
    var followerLists: [FollowerList] = []

    init(scenario: Scenario) {
        self.scenario = scenario
        idRandom = SeededGenerator(seed: scenario.seed).fork(0x1D)
    }

    var windowStart: Int64 { Int64(scenario.windowStartDay) * 86_400 }
    /// Exclusive end: midnight after the last day.
    var windowEnd: Int64 { Int64(scenario.windowEndDay + 1) * 86_400 }

    // MARK: Accounts

    /// Adds an account; its user id follows Twitter's scheme for its creation time.
    @discardableResult
    mutating func addAccount(_ a: SimAccount) -> Int32 {
        var a = a
        a.userID = uniqueUserID(created: a.created)
        a.handle = uniqueHandle(a.handle)
        accounts.append(a)
        return Int32(accounts.count - 1)
    }

    // Sequential ids until 2016, then 64-bit ids with the creation time in the high bits.
    private static let idAnchors: [(Int64, Double)] = [
        (CivilTime.seconds(year: 2006, month: 3, day: 21), 12),
        (CivilTime.seconds(year: 2008, month: 1, day: 1), 11_000_000),
        (CivilTime.seconds(year: 2009, month: 1, day: 1), 18_000_000),
        (CivilTime.seconds(year: 2010, month: 1, day: 1), 100_000_000),
        (CivilTime.seconds(year: 2011, month: 1, day: 1), 232_000_000),
        (CivilTime.seconds(year: 2012, month: 1, day: 1), 450_000_000),
        (CivilTime.seconds(year: 2013, month: 1, day: 1), 1_100_000_000),
        (CivilTime.seconds(year: 2014, month: 1, day: 1), 2_270_000_000),
        (CivilTime.seconds(year: 2015, month: 1, day: 1), 2_960_000_000),
        (CivilTime.seconds(year: 2016, month: 1, day: 1), 4_700_000_000),
        (CivilTime.seconds(year: 2016, month: 5, day: 1), 5_000_000_000),
    ]
    private static let twitterEpochMs: Int64 = 1_288_834_974_657

    private mutating func uniqueUserID(created: Int64) -> UInt64 {
        while true {
            var id: UInt64
            if let last = World.idAnchors.last, created >= last.0 {
                let ms = created * 1000 + Int64(idRandom.next() % 1000) - World.twitterEpochMs
                id = UInt64(ms) << 22 | (idRandom.next() & 0x3F_FFFF)
            } else {
                let anchors = World.idAnchors
                var i = 0
                while i + 2 < anchors.count && anchors[i + 1].0 <= created { i += 1 }
                let (t0, v0) = anchors[i], (t1, v1) = anchors[i + 1]
                let f = min(max(Double(created - t0) / Double(t1 - t0), 0), 1)
                id = UInt64(v0 + (v1 - v0) * f) + idRandom.next() % 50_000
            }
            if usedUserIDs.insert(id).inserted { return id }
        }
    }

    private mutating func uniqueHandle(_ base: String) -> String {
        var h = String(base.prefix(15))
        while !usedHandles.insert(h.lowercased()).inserted {
            h = String(base.prefix(11)) + String(idRandom.next() % 10_000)
        }
        return h
    }

    // MARK: Posts

    /// Adds a post and returns its index; the tweet id encodes the time like a Snowflake id.
    @discardableResult
    mutating func addPost(time: Int64, account: Int32, kind: PostKind, ref: Int32 = -1, client: Client,
                          language: Language, topic: Topic, textSeed: UInt64) -> Int32 {
        let ms = time * 1000 + Int64(idRandom.next() % 1000) - World.twitterEpochMs
        let id = ms << 22 | (postCounter & 0x3F_FFFF)
        postCounter += 1
        posts.append(PostRecord(time: time, id: id, textSeed: textSeed, account: account, ref: ref,
                                kind: kind, client: client, language: language, topic: topic))
        if ref >= 0 {
            switch kind {
            case .retweet: posts[Int(ref)].retweets &+= 1
            case .reply: posts[Int(ref)].replies &+= 1
            case .quote: posts[Int(ref)].quotes &+= 1
            case .original: break
            }
        }
        return Int32(posts.count - 1)
    }

    /// Makes tweet ids strictly increasing in id order, so two posts in the same millisecond whose
    /// counters agree modulo 2^22 (about one in a thousand runs of ten million posts) still differ.
    mutating func makeIDsUnique() {
        let order = timeOrder()
        for i in order.indices.dropFirst() where posts[Int(order[i])].id <= posts[Int(order[i - 1])].id {
            posts[Int(order[i])].id = posts[Int(order[i - 1])].id + 1
        }
    }

    /// Posts in time order (ties by id), as indices into ``posts``.
    func timeOrder() -> [Int32] {
        var order = Array(0..<Int32(posts.count))
        posts.withUnsafeBufferPointer { p in
            order.sort { p[Int($0)].id < p[Int($1)].id }
        }
        return order
    }

    /// Accounts of one population.
    func accounts(of population: Population) -> [Int32] {
        (0..<Int32(accounts.count)).filter { accounts[Int($0)].population == population }
    }
}

/// A planted follower surge, as written to scenario.json.
public struct PlantedSurge: Codable, Sendable, Equatable {
    /// User id of the followed account.
    public var target: String
    /// Handle of the followed account.
    public var targetHandle: String
    /// First and last day (UTC) of the surge's follows.
    public var start: String
    /// Last day of the follows.
    public var end: String
    /// Surge accounts that followed.
    public var size: Int
}

/// One collected follower list: followers newest first.
struct FollowerList {
    var target: Int32
    var followers: [Int32]
}
