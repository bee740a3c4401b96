import Foundation
import LockstepCore
import Testing
@testable import LockstepSimulation

/// The written files: layout, references, truth coverage, determinism.
@Suite struct OutputFileTests {
    static let names = ["tweets.csv", "users.csv", "followers.csv", "truth.csv", "scenario.json", "watchlist.csv"]

    func simulate(_ preset: String, seed: UInt64, scale: Double = 0.03) throws -> URL {
        let dir = tempDir()
        _ = try Simulation.run(Scenario.preset(preset, seed: seed, scale: scale)!, to: dir)
        return dir
    }

    @Test func sameSeedGivesIdenticalBytesAndDifferentSeedsDiffer() throws {
        let a = try simulate("troll-factory", seed: 5), b = try simulate("troll-factory", seed: 5)
        let c = try simulate("troll-factory", seed: 6)
        for name in Self.names {
            let da = try Data(contentsOf: a.appendingPathComponent(name))
            #expect(!da.isEmpty)
            #expect(da == (try Data(contentsOf: b.appendingPathComponent(name))), "\(name) differs between runs of one seed")
        }
        for name in ["tweets.csv", "users.csv", "followers.csv", "truth.csv"] {
            #expect(try Data(contentsOf: a.appendingPathComponent(name)) != Data(contentsOf: c.appendingPathComponent(name)),
                    "\(name) is the same for two seeds")
        }
    }

    @Test(arguments: ["troll-factory", "botnet", "organic-only"])
    func filesAreInTheArchiveLayoutAndTruthCoversEveryAccount(preset: String) throws {
        let dir = try simulate(preset, seed: 21)
        let tweets = try SimpleCSV.read(dir.appendingPathComponent("tweets.csv"))
        let users = try SimpleCSV.read(dir.appendingPathComponent("users.csv"))
        let followers = try SimpleCSV.read(dir.appendingPathComponent("followers.csv"))
        let truth = try SimpleCSV.read(dir.appendingPathComponent("truth.csv"))
        #expect(tweets.header == SimulationWriter.tweetsHeader)
        #expect(users.header == Array(SimulationWriter.tweetsHeader[1...10]))
        #expect(truth.header == ["account_id", "population", "operation"])
        #expect(followers.header == ["target", "follower_id", "follower_created_at", "position"])
        // Every field of tweets.csv is quoted, as in the archive.
        let raw = try String(contentsOf: dir.appendingPathComponent("tweets.csv"), encoding: .utf8)
        #expect(raw.hasPrefix("\"tweetid\",\"userid\","))

        let population = Dictionary(uniqueKeysWithValues: truth.rows.map { ($0[0], $0[1]) })
        let known = Set(Population.allCases.map(\.rawValue))
        #expect(population.values.allSatisfy { known.contains($0) })
        #expect(Set(users.rows.map { $0[0] }) == Set(population.keys), "users.csv and truth.csv list the same accounts")
        for r in followers.rows { #expect(population[r[0]] != nil && population[r[1]] != nil) }

        let col = { (n: String) in tweets.column(n)! }
        let handles = Dictionary(uniqueKeysWithValues: users.rows.map { ($0[0], $0[2]) })
        var seen = Set<String>()
        var retweets = 0
        for r in tweets.rows {
            #expect(r.count == 30)
            #expect(population[r[col("userid")]] != nil)
            let time = Array(r[col("tweet_time")].utf8)
            #expect(time.count == 16 && time[4] == 45 && time[10] == 32 && time[13] == 58)
            #expect(r[col("account_creation_date")].count == 10)
            #expect(["True", "False"].contains(r[col("is_retweet")]))
            for list in ["hashtags", "urls", "user_mentions"] {
                #expect(r[col(list)].hasPrefix("[") && r[col(list)].hasSuffix("]"))
            }
            if r[col("is_retweet")] == "True" {
                retweets += 1
                let source = r[col("retweet_userid")]
                #expect(r[col("tweet_text")].hasPrefix("RT @\(handles[source] ?? "?"): "))
                #expect(seen.contains(r[col("retweet_tweetid")]), "the retweeted post is earlier in the data")
            }
            if !r[col("in_reply_to_userid")].isEmpty {
                #expect(population[r[col("in_reply_to_userid")]] != nil)
                #expect(seen.contains(r[col("in_reply_to_tweetid")]))
            }
            seen.insert(r[col("tweetid")])
        }
        #expect(seen.count == tweets.rows.count, "tweet ids are unique")
        #expect(retweets > 0)

        let watchlist = try SimpleCSV.read(dir.appendingPathComponent("watchlist.csv"))
        #expect(watchlist.header == ["account", "label"])
        #expect(Set(watchlist.rows.map { $0[1] }) == ["state media", "diplomat"])
        #expect(watchlist.rows.allSatisfy { population[$0[0]] == "organic" })
    }

    @Test func scenarioJSONStatesThePlantedFacts() throws {
        let dir = try simulate("troll-factory", seed: 2)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("scenario.json"))) as? [String: Any])
        #expect((json["operationUtcOffsetHours"] as? NSNumber)?.doubleValue == 8)
        #expect(json["pivotDate"] as? String == "2020-01-13")
        #expect((json["hashtagsBefore"] as? [String])?.isEmpty == false && (json["hashtagsAfter"] as? [String])?.isEmpty == false)
        #expect((json["holidaySilences"] as? [[String: Any]])?.count == 4)
        let surges = try #require(json["followerSurges"] as? [[String: Any]])
        #expect(surges.count == 2 && surges.allSatisfy { $0["target"] is String && $0["start"] is String && $0["size"] is NSNumber })
        #expect((json["seed"] as? NSNumber)?.intValue == 2 && (json["scale"] as? NSNumber)?.doubleValue == 0.03)
        #expect((json["parameters"] as? [String: Any])?["core"] != nil)
        #expect((json["watchlist"] as? [[String: Any]])?.count == 13)

        let organicOnly = try simulate("organic-only", seed: 2)
        let o = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: organicOnly.appendingPathComponent("scenario.json"))) as? [String: Any])
        #expect(o["operationUtcOffsetHours"] == nil && (o["followerSurges"] as? [Any])?.isEmpty == true)
    }

    /// The committed example is what the generator makes today (regenerate it when this fails; see simulator.md).
    @Test func committedExampleMatchesTheGenerator() throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let example = repo.appendingPathComponent("Examples/troll-factory")
        try #require(FileManager.default.fileExists(atPath: example.appendingPathComponent("truth.csv").path))
        let dir = try simulate("troll-factory", seed: 7, scale: 0.15)
        for name in ["users.csv", "followers.csv", "truth.csv", "scenario.json", "watchlist.csv"] {
            #expect(try Data(contentsOf: dir.appendingPathComponent(name)) == Data(contentsOf: example.appendingPathComponent(name)),
                    "Examples/troll-factory/\(name) is stale")
        }
    }

    @Test func collidingTweetIDsAreMadeUnique() {
        var w = World(scenario: Scenario(name: "t", seed: 1))
        for i in 0..<4 {
            w.addPost(time: 1_600_000_000 + Int64(i / 2), account: 0, kind: .original, client: .iPhone, language: .en,
                      topic: .chatter, textSeed: 0)
        }
        w.posts[1].id = w.posts[0].id
        w.posts[3].id = w.posts[2].id
        w.makeIDsUnique()
        let ids = w.timeOrder().map { w.posts[Int($0)].id }
        #expect(Set(ids).count == 4 && ids == ids.sorted())
    }
}
