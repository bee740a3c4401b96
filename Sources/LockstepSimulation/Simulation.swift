import Foundation
import LockstepCore

/// Generates a scenario and writes tweets.csv, users.csv, followers.csv, truth.csv, scenario.json
/// and watchlist.csv into a directory.
public enum Simulation {
    /// What one run produced.
    public struct Report: Sendable {
        /// Posts written.
        public var posts: Int
        /// Accounts written.
        public var accounts: Int
        /// File name to size in bytes.
        public var fileBytes: [String: Int]
        /// Time spent generating.
        public var generateSeconds: Double
        /// Time spent writing the files.
        public var writeSeconds: Double
        /// Posts per second over generation and writing together.
        public var postsPerSecond: Double { Double(posts) / max(generateSeconds + writeSeconds, 1e-9) }
    }

    /// Generates the scenario and writes its files into `directory` (created if needed).
    public static func run(_ scenario: Scenario, to directory: URL) throws -> Report {
        let clock = ContinuousClock()
        let t0 = clock.now
        let world = generate(scenario)
        let t1 = clock.now
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let writer = SimulationWriter(world: world)
        let order = writer.accountOrder()
        var sizes: [String: Int] = [:]
        sizes["tweets.csv"] = try writer.writeTweets(to: directory.appendingPathComponent("tweets.csv"))
        sizes["users.csv"] = try writer.writeUsers(order: order, to: directory.appendingPathComponent("users.csv"))
        sizes["followers.csv"] = try writer.writeFollowers(to: directory.appendingPathComponent("followers.csv"))
        sizes["truth.csv"] = try writer.writeTruth(order: order, to: directory.appendingPathComponent("truth.csv"))
        sizes["watchlist.csv"] = try writer.writeWatchlist(to: directory.appendingPathComponent("watchlist.csv"))
        let facts = try ScenarioFacts(world: world).encoded()
        try facts.write(to: directory.appendingPathComponent("scenario.json"))
        sizes["scenario.json"] = facts.count
        let t2 = clock.now
        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
        return Report(posts: world.posts.count, accounts: world.accounts.count, fileBytes: sizes,
                      generateSeconds: seconds(t1 - t0), writeSeconds: seconds(t2 - t1))
    }

    /// Every population in a fixed order, each on its own random sub-stream.
    static func generate(_ scenario: Scenario) -> World {
        var w = World(scenario: scenario)
        let root = SeededGenerator(seed: scenario.seed)
        WatchlistAccounts.generate(into: &w, root.fork(1))
        let traits = OrganicPopulation.generate(into: &w, root.fork(2))
        let hijacked = HijackedAccounts.generate(into: &w, root.fork(3))
        let offices = scenario.allOffices
        w.officeOriginals = [TrollFactory.generate(into: &w, office: offices[0], hijacked: hijacked, root.fork(4))]
        w.coreOriginals = w.officeOriginals[0]
        Amplifiers.generate(into: &w, office: offices[0], originals: w.coreOriginals, root.fork(5))
        Botnet.generate(into: &w, root.fork(6))
        FollowerSurges.generate(into: &w, root.fork(7))
        // Benign populations come after every existing one and draw from their own streams, so a
        // scenario without them is the same, byte for byte, as before they existed.
        if let benign = scenario.benign {
            FanBase.generate(into: &w, benign.fans, root.fork(9))
            ActivistCampaign.generate(into: &w, benign.activists, root.fork(10))
            SyndicatedNews.generate(into: &w, benign.news, root.fork(11))
            LiveEventCrowd.generate(into: &w, benign.liveEvent, root.fork(12))
        }
        // Further offices follow on streams of their own, after the first operation's posts exist to be boosted.
        for office in offices.dropFirst() {
            let stream = root.fork(0x0FF1_CE00 | UInt64(office.index))
            w.officeOriginals.append(TrollFactory.generate(into: &w, office: office, hijacked: [], stream.fork(1)))
            Amplifiers.generate(into: &w, office: office, originals: w.officeOriginals[Int(office.index)], stream.fork(2))
        }
        OrganicPopulation.react(into: &w, traits: traits, root.fork(8))
        w.makeIDsUnique()
        return w
    }
}

/// The planted facts of a run, as written to scenario.json.
struct ScenarioFacts: Encodable {
    var formatVersion = 1
    var scenario: String
    var seed: UInt64
    var scale: Double
    var windowStart: String
    var windowEnd: String
    /// Absent when the scenario has no office-run operation.
    var operationUtcOffsetHours: Double?
    var pivotDate: String?
    var hashtagsBefore: [String]?
    var hashtagsAfter: [String]?
    var holidaySilences: [DateRange]?
    var makeupWorkdays: [String]?
    /// Every operation with its office and planted amplification; absent when there is none.
    var operations: [PlantedOperation]?
    var followerSurges: [PlantedSurge]
    var populationSizes: [String: Int]
    var postCounts: [String: Int]
    var watchlist: [WatchlistEntry]
    var parameters: Scenario

    struct WatchlistEntry: Encodable {
        var account: String
        var handle: String
        var label: String
    }

    init(world w: World) {
        let s = w.scenario
        scenario = s.name
        seed = s.seed
        scale = s.scale
        windowStart = s.windowStart
        windowEnd = s.windowEnd
        var sizes: [String: Int] = [:]
        // Benign populations are listed only where they exist, so older scenarios' files stay as they were.
        let listed = Population.allCases.filter { !$0.isBenign || s.benign != nil }
        for p in listed { sizes[p.rawValue] = 0 }
        for a in w.accounts { sizes[a.population.rawValue, default: 0] += 1 }
        var posts: [String: Int] = [:]
        for p in listed { posts[p.rawValue] = 0 }
        for r in w.posts { posts[w.accounts[Int(r.account)].population.rawValue, default: 0] += 1 }
        populationSizes = sizes
        postCounts = posts
        if (sizes["core"] ?? 0) + (sizes["hijacked"] ?? 0) > 0 {
            operationUtcOffsetHours = s.operation.utcOffsetHours
            pivotDate = s.operation.pivotDate
            hashtagsBefore = s.operation.hashtagsBefore
            hashtagsAfter = s.operation.hashtagsAfter
            holidaySilences = s.operation.holidays
            makeupWorkdays = s.operation.makeupWorkdays
        }
        let planted = PlantedOperation.all(in: w)
        operations = planted.isEmpty ? nil : planted
        followerSurges = w.surges
        watchlist = (w.stateMedia + w.diplomats).map {
            let a = w.accounts[Int($0)]
            return WatchlistEntry(account: String(a.userID), handle: a.handle, label: a.label ?? "")
        }
        parameters = s
    }

    func encoded() throws -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try enc.encode(self)
        data.append(0x0A)
        return data
    }
}
