import Foundation
import LockstepCore
import Testing
@testable import LockstepAnalysis

@Suite struct CoordinationTests {
    static func run(_ ds: Dataset, _ options: [String: String] = [:], context: AnalysisContext = AnalysisContext()) throws -> Coordination.Result {
        try Coordination(options: AnalysisOptions(options)).run(on: ds, context: context)
    }

    @Test func plantedFactoryIsOneClusterWithRolesAndOrganicUsersAreNot() throws {
        let f = TrollFactory()
        let ds = f.build()
        let r = try Self.run(ds)
        let keys = ds.accounts.key.index()
        let coreIDs = (0..<f.core).map { keys[f.coreID($0)]! }
        let ampIDs = (0..<f.amplifiers).map { keys[f.amplifierID($0)]! }
        let clusterOfCore = r.accountCluster[Int(coreIDs[0])]
        #expect(clusterOfCore > 0)
        let planted = coreIDs + ampIDs
        #expect(planted.allSatisfy { r.accountCluster[Int($0)] == clusterOfCore })
        let organicClustered = (0..<f.organic).filter { r.accountCluster[Int(keys[f.organicID($0)]!)] >= 0 }.count
        #expect(organicClustered == 0)
        let celebClustered = (0..<f.celebrities).filter { r.accountCluster[Int(keys["celeb\($0)"]!)] >= 0 }.count
        #expect(celebClustered == 0)
        let right = coreIDs.filter { r.accountRole[Int($0)] == .core }.count + ampIDs.filter { r.accountRole[Int($0)] == .amplifier }.count
        #expect(Double(right) >= 0.95 * Double(planted.count))
        // Amplifiers follow core accounts: every fast-retweet edge is led by its core account.
        let fast = r.edgeList.filter { $0.trace == "fast_retweet" }
        #expect(!fast.isEmpty)
        for e in fast {
            let coreSide = coreIDs.contains(e.a) ? e.a : e.b
            #expect(coreSide == e.a ? e.aLeads == e.weight - e.simultaneous : e.bLeads == e.weight - e.simultaneous)
        }
        #expect(r.clusters.count == 1)
        #expect(r.clusters[0].core == f.core)
        // Reasons name the traces that tie an account to its cluster.
        let reasons = r.accountReasons(ds)
        #expect(reasons[ampIDs[0]]?.contains("coretweet_cluster") == true)
        #expect(r.clusters[0].amplifiers == f.amplifiers)
        #expect(reasons[coreIDs[0]]?.contains("fast_retweet_cluster") == true)
        let columns = r.accountColumns(ds)
        #expect(columns.map(\.name) == ["cluster", "role"])
        #expect(columns[1].values[Int(coreIDs[0])] == "core")
    }

    @Test func edgesCarrySignificanceAndExamples() throws {
        let ds = TrollFactory(organic: 50).build()
        let r = try Self.run(ds, ["coordination.traces": "co_retweet"])
        let e = try #require(r.edgeList.first)
        #expect(e.pValue.map { $0 <= 0.01 } == true)
        #expect((e.zScore ?? 0) > 2)
        #expect(e.examples.count == 5)
        #expect(e.examples.allSatisfy { abs($0.timeA - $0.timeB) <= 60 && !$0.item.isEmpty })
        #expect(r.traces.map(\.trace) == ["co_retweet"])
    }

    @Test func organicFansOfViralPostsAreNotEdges() throws {
        // No factory: only celebrities and fans retweeting at random delays.
        let ds = TrollFactory(core: 0, amplifiers: 0, organic: 400, viralPosts: 20).build()
        let r = try Self.run(ds)
        #expect(r.clusters.isEmpty)
        // Among ~80,000 fan pairs a few chance meetings pass p ≤ 0.01 (no multiple-testing
        // correction); they stay isolated edges, which the two-tie rule keeps out of clusters.
        let coRetweets = r.edgeList.filter { $0.trace == "co_retweet" }
        #expect(coRetweets.count <= 2)
        #expect(coRetweets.allSatisfy { $0.weight <= 3 })
    }

    @Test func resultsDoNotDependOnThreadCount() throws {
        let ds = TrollFactory(organic: 80).build()
        let one = try Self.run(ds, ["coordination.threads": "1"])
        let four = try Self.run(ds, ["coordination.threads": "4"])
        #expect(one.edgeList == four.edgeList)
        #expect(one.accountCluster == four.accountCluster)
        #expect(one.clusters == four.clusters)
    }

    @Test func viralPostWith200kRetweetersStaysBounded() throws {
        var w = PostWriter()
        let t0 = CivilTime.seconds(year: 2024, month: 1, day: 1)
        w.post("viral", by: "star", at: t0, text: "big news")
        var g = SeededGenerator(seed: 3)
        let n = 200_000
        for i in 0..<n {
            w.post("r\(i)", by: "u\(i)", at: t0 + Int64(g.unit() * 3600), kind: .retweet, retweetOf: ("viral", "star"))
        }
        let ds = w.finish()
        let trace = CoActionTrace.named("co_retweet")!
        let groups = TraceActions.groups(ds, trace, PostFeatures(ds, traces: [trace], minHash: MinHashGrouper(), threads: 1))
        #expect(groups.actionCount == n)
        let sweep = WindowSweep(window: 60, maxPartners: 32, pairing: .anyActors)
        // One item and one retweet per account: every co-action is a pair of its own.
        let pairs = CoActionPairs.observe(AccountSweep(groups, sweep, accountCount: ds.accounts.count), minWeight: 1, threads: 2)
        // At most maxPartners partners per action, whatever the burst.
        #expect(pairs.pairCount <= n * 32)
        #expect(pairs.pairCount > n * 30)
        let r = try Self.run(ds, ["coordination.traces": "co_retweet"])
        // One-off retweeters cannot reach min_weight: dropped before the sweep.
        #expect(r.traces[0].pairs == 0)
        #expect(r.edgeList.isEmpty)
    }

    @Test func windowSweepPairsOnlyWithinTheWindow() throws {
        var w = PostWriter()
        w.post("o", by: "src", at: 0)
        // a, b 30 s apart; c 200 s after b.
        w.post("1", by: "a", at: 100, kind: .retweet, retweetOf: ("o", "src"))
        w.post("2", by: "b", at: 130, kind: .retweet, retweetOf: ("o", "src"))
        w.post("3", by: "c", at: 330, kind: .retweet, retweetOf: ("o", "src"))
        let ds = w.finish()
        let trace = CoActionTrace.named("co_retweet")!
        let groups = TraceActions.groups(ds, trace, PostFeatures(ds, traces: [trace], minHash: MinHashGrouper(), threads: 1))
        let sweep = WindowSweep(window: 60, maxPartners: 32, pairing: .anyActors)
        let table = CoActionPairs.observe(AccountSweep(groups, sweep, accountCount: ds.accounts.count), minWeight: 1, threads: 1)
        #expect(table.count == 1)
        let keys = ds.accounts.key.index()
        #expect(table.keys[0] == PairTable.key(keys["a"]!, keys["b"]!))
        // a acted first.
        let aIsLow = keys["a"]! < keys["b"]!
        #expect((aIsLow ? table.lowLeads[0] : table.highLeads[0]) == 1)
        #expect(table.lagSum[0] == 30)
    }

    @Test func windowEstimateFollowsQuickestItems() throws {
        var w = PostWriter()
        // 20 items whose shares come 5 s apart, 180 items whose shares come an hour apart.
        for i in 0..<200 {
            let gap: Int64 = i < 20 ? 5 : 3600
            w.post("o\(i)", by: "src", at: Int64(i) * 100_000)
            for k in 0..<4 {
                w.post("r\(i)-\(k)", by: "u\(k)", at: Int64(i) * 100_000 + 10 + Int64(k) * gap, kind: .retweet, retweetOf: ("o\(i)", "src"))
            }
        }
        let r = try Self.run(w.finish(), ["coordination.window": "auto", "coordination.traces": "co_retweet"])
        let e = try #require(r.windowEstimate)
        #expect(e.seconds == 10)
        #expect(e.quickestItems == 20)
        #expect(r.windowSeconds == 10)
    }

    @Test(arguments: [
        // bad trace name
        ["coordination.traces": "co_nothing"],
        // p-value above 1
        ["coordination.max_p": "2"],
        // not a duration
        ["coordination.window": "soon"],
        // unknown mode
        ["coordination.mode": "psychic"],
    ])
    func badOptionsAreRejected(_ options: [String: String]) {
        #expect(throws: OptionError.self) { try Coordination(options: AnalysisOptions(options)) }
    }

    @Test func perTraceWindowOverridesTheDefault() throws {
        let ds = TrollFactory(organic: 20).build()
        let r = try Self.run(ds, ["coordination.window": "2m", "coordination.window.co_retweet": "30s", "coordination.traces": "co_retweet,co_tweet,fast_retweet"])
        #expect(r.traces.map(\.windowSeconds) == [30, 120, 10])
    }

    @Test func wholePeriodModeFindsTheFactoryByCosine() throws {
        let ds = TrollFactory(organic: 60).build()
        // The amplifiers are nearly all the retweeting there is: under the popularity null they explain
        // each other (see the methodology page), so this checks the cosine alone.
        let r = try Self.run(ds, ["coordination.mode": "whole_period", "coordination.period_items": "retweeted_post", "coordination.max_p": "1"])
        let keys = ds.accounts.key.index()
        let amps = (0..<40).map { keys["amp\($0)"]! }
        #expect(!r.edgeList.isEmpty)
        #expect(r.edgeList.allSatisfy { $0.trace == "whole_period" && ($0.similarity ?? 0) >= 0.5 })
        let clustered = amps.filter { r.accountCluster[Int($0)] > 0 }.count
        #expect(clustered == amps.count)
    }

    @Test(arguments: [
        // x reacts after minutes to hours, y within 10 s of x: aligned beyond their speeds → significant
        ("aligned", Int64(86_400), true),
        // both always react 10 s and 20 s after the original: explained by their reaction speed (fast_retweet's evidence)
        ("speed", Int64(86_400), false),
        // all posts within seconds: any shuffle of their own delays still co-acts → explained by activity
        ("busy", Int64(1), false),
    ])
    func nullModelSeparatesAlignmentFromSpeedAndBusyMoments(_ pattern: String, _ spacing: Int64, _ kept: Bool) throws {
        var w = PostWriter()
        var g = SeededGenerator(seed: 11)
        for i in 0..<6 {
            let t = Int64(i) * spacing
            let x = pattern == "aligned" ? 60 + Int64(g.unit() * 20_000) : 10
            w.post("o\(i)", by: "src", at: t)
            w.post("x\(i)", by: "x", at: t + x, kind: .retweet, retweetOf: ("o\(i)", "src"))
            w.post("y\(i)", by: "y", at: t + x + 10, kind: .retweet, retweetOf: ("o\(i)", "src"))
        }
        let r = try Self.run(w.finish(), ["coordination.traces": "co_retweet", "coordination.null_rounds": "20"])
        #expect(r.traces[0].candidates == 1)
        #expect(r.edgeList.isEmpty == !kept)
    }

    @Test func retweetsOfOriginalsNotInTheDataAreTestedByTheirTimes() throws {
        // The originals are not in the data (as in the IRA release): the delays would run from x's
        // retweet, x's are all 0 and y's all 10 s, and the delay null would explain every co-retweet.
        // Their times are shuffled instead, a day apart, and the alignment is significant.
        var w = PostWriter()
        for i in 0..<6 {
            let t = Int64(i) * 86_400 + Int64(i * 977)
            w.post("x\(i)", by: "x", at: t, kind: .retweet, retweetOf: ("absent\(i)", "src"))
            w.post("y\(i)", by: "y", at: t + 10, kind: .retweet, retweetOf: ("absent\(i)", "src"))
        }
        let r = try Self.run(w.finish(), ["coordination.traces": "co_retweet", "coordination.null_rounds": "20"])
        #expect(r.traces[0].candidates == 1)
        #expect(r.edgeList.count == 1)
        #expect((r.edgeList.first?.pValue ?? 1) < 0.01)
    }

    @Test func nullModelOfTextTracesShufflesTimes() throws {
        // Same texts posted 10 s apart by x and y, a day apart from each other: no delay to keep, so the
        // times are shuffled and the alignment is significant.
        var w = PostWriter()
        for i in 0..<6 {
            let t = Int64(i) * 86_400 + Int64(i * 977)
            w.post("x\(i)", by: "x", at: t, text: "scripted line number \(i) for today")
            w.post("y\(i)", by: "y", at: t + 10, text: "scripted line number \(i) for today")
        }
        let r = try Self.run(w.finish(), ["coordination.traces": "co_tweet", "coordination.null_rounds": "20"])
        #expect(CoActionTrace.named("co_tweet")?.null == .accountTimes)
        #expect(r.edgeList.count == 1)
    }

    @Test func percentileKeepsTheHeaviestEdges() throws {
        let ds = TrollFactory(organic: 30).build()
        let all = try Self.run(ds, ["coordination.traces": "fast_retweet"])
        let top = try Self.run(ds, ["coordination.traces": "fast_retweet", "coordination.percentile": "90"])
        #expect(top.edgeList.count < all.edgeList.count)
        #expect(top.edgeList.count >= all.edgeList.count / 10)
        let cut = top.edgeList.map(\.weight).min()!
        #expect(all.edgeList.filter { $0.weight > cut }.count <= top.edgeList.count)
    }

    @Test func emptyDatasetGivesAnEmptyResult() throws {
        let r = try Self.run(PostWriter().finish())
        #expect(r.edgeList.isEmpty)
        #expect(r.clusters.isEmpty)
        #expect(r.windowEstimate == nil)
        #expect(r.traces.count == CoActionTrace.all.count)
    }

    @Test func wholePeriodCosineCountsItemsOthersActedOnToo() throws {
        var w = PostWriter()
        // x and y share two items; y also acted on eight more, four of them with z, so their cosine is
        // low; four more items only y acted on leave it unchanged (they can never be shared).
        for i in 0..<2 {
            w.post("o\(i)", by: "src", at: Int64(i) * 1000)
            for a in ["x", "y"] { w.post("\(a)\(i)", by: a, at: Int64(i) * 1000 + 5, kind: .retweet, retweetOf: ("o\(i)", "src")) }
        }
        for i in 2..<14 {
            w.post("o\(i)", by: "src", at: Int64(i) * 1000)
            w.post("y\(i)", by: "y", at: Int64(i) * 1000 + 5, kind: .retweet, retweetOf: ("o\(i)", "src"))
            if i < 10 { w.post("z\(i)", by: "z", at: Int64(i) * 1000 + 9, kind: .retweet, retweetOf: ("o\(i)", "src")) }
        }
        let ds = w.finish()
        let loose = try Self.run(ds, ["coordination.mode": "whole_period", "coordination.period_items": "retweeted_post",
                                      "coordination.min_weight": "1", "coordination.min_similarity": "0", "coordination.max_p": "1",
                                      "coordination.period_min_items": "1"])
        let keys = ds.accounts.key.index()
        let xy = try #require(loose.edgeList.first { $0.a == min(keys["x"]!, keys["y"]!) && $0.b == max(keys["x"]!, keys["y"]!) })
        #expect(xy.weight == 2)
        // Each of y's ten items weighs ln(3/2); x's two are y's: cosine 2 / (√2 · √10).
        #expect(abs((xy.similarity ?? 1) - 2 / (2.0.squareRoot() * 10.0.squareRoot())) < 1e-12)
    }

    @Test func watchlistLabelsShareOfAmplification() throws {
        var w = PostWriter()
        var g = SeededGenerator(seed: 4)
        // Three amplifiers retweet a state-media account together, minutes to hours after each post;
        // twenty ordinary followers retweet it too, each at their own moment.
        for i in 0..<20 {
            let t = Int64(i) * 100_000
            w.post("sm\(i)", by: "statemedia", at: t, text: "official line \(i)", urls: ["https://www.state.example/news/\(i)?utm_source=x"])
            let lag = 60 + Int64(g.unit() * 20_000)
            for (k, a) in ["x", "y", "z"].enumerated() {
                w.post("rt\(i)\(a)", by: a, at: t + lag + Int64(k), kind: .retweet, retweetOf: ("sm\(i)", "statemedia"),
                       urls: ["https://state.example/news/\(i)"])
            }
            for f in 0..<20 where g.unit() < 0.5 {
                w.post("f\(i)-\(f)", by: "fan\(f)", at: t + 30 + Int64(g.unit() * 80_000), kind: .retweet, retweetOf: ("sm\(i)", "statemedia"))
            }
        }
        let ds = w.finish()
        var ctx = AnalysisContext()
        ctx.watchlist = Watchlist([.init(kind: .handle, value: "@StateMedia", label: "state media"),
                                   .init(kind: .domain, value: "state.example", label: "state media")])
        let r = try Self.run(ds, ["coordination.min_cluster_size": "3"], context: ctx)
        let c = try #require(r.clusters.first)
        #expect(r.clusters.count == 1)
        #expect(c.size == 3)
        #expect(c.amplification.accounts.first?.handle == "statemedia")
        #expect(c.amplification.accounts.first?.label == "state media")
        #expect(c.amplification.domains.first?.target == "state.example")
        #expect(c.amplification.watchlistShares["state media"] == 1)
    }

    @Test func amplifiersJoinTheCoreTheyAmplifyAndRolesFollowReposts() throws {
        // The core co-tweets scripts; amplifiers retweet the core in step with each other, at lags of
        // minutes, sharing no item with the core: only the repost links tie the two groups.
        var w = PostWriter()
        var g = SeededGenerator(seed: 9)
        let core = (0..<5).map { "core\($0)" }, amps = (0..<8).map { "amp\($0)" }
        for d in 0..<12 {
            let t = Int64(d) * 86_400
            for (k, c) in core.enumerated() {
                w.post("s\(d)-\(c)", by: c, at: t + Int64(k) * 5, text: "today's script number \(d) says this")
                let lag = 120 + Int64(g.unit() * 3600)
                for (j, a) in amps.enumerated() where g.unit() < 0.8 {
                    w.post("r\(d)-\(c)-\(a)", by: a, at: t + lag + Int64(j) * 3, kind: .retweet, retweetOf: ("s\(d)-\(c)", c))
                }
            }
        }
        // A sympathiser retweets the core as often, but alone, hours later.
        for d in 0..<12 { w.post("fan\(d)", by: "fan", at: Int64(d) * 86_400 + 30_000, kind: .retweet, retweetOf: ("s\(d)-core0", "core0")) }
        let ds = w.finish()
        let r = try Self.run(ds)
        let keys = ds.accounts.key.index()
        #expect(r.clusters.count == 1)
        let c = try #require(r.clusters.first)
        #expect(c.size == 13)
        #expect(c.communities == 2)
        #expect(core.allSatisfy { r.accountRole[Int(keys[$0]!)] == .core })
        #expect(amps.allSatisfy { r.accountRole[Int(keys[$0]!)] == .amplifier })
        #expect(r.accountCluster[Int(keys["fan"]!)] == -1)
        #expect(c.amplification.internalEvents > 0)
        #expect(c.amplification.accounts.allSatisfy { $0.target != "core0" })
    }

    @Test func aCoRetweetClusterGainsTheOriginatorsItAmplifies() throws {
        // Amplifiers retweet three originators in step; the originators co-act with nobody.
        var w = PostWriter()
        var g = SeededGenerator(seed: 2)
        let amps = (0..<6).map { "amp\($0)" }
        for i in 0..<30 {
            let src = "origin\(i % 3)", t = Int64(i) * 50_000
            w.post("o\(i)", by: src, at: t, text: "original \(i)")
            let lag = 300 + Int64(g.unit() * 5000)
            for (j, a) in amps.enumerated() where g.unit() < 0.8 {
                w.post("r\(i)\(a)", by: a, at: t + lag + Int64(j) * 4, kind: .retweet, retweetOf: ("o\(i)", src))
            }
        }
        let ds = w.finish()
        let r = try Self.run(ds)
        let keys = ds.accounts.key.index()
        let c = try #require(r.clusters.first)
        #expect(c.size == 9)
        for k in 0..<3 {
            let o = keys["origin\(k)"]!
            #expect(r.accountRole[Int(o)] == .core)
            #expect(r.accountReasons(ds)[o] == ["reposted_by_cluster"])
        }
        #expect(amps.allSatisfy { r.accountRole[Int(keys[$0]!)] == .amplifier })
    }

    @Test func oneChanceEdgeDoesNotMakeAMember() throws {
        // An outsider posts the factory's lines just before one factory account a few times; the
        // factory's accounts co-tweet with each other. The outsider has one tie and no repost link.
        var w = PostWriter()
        for d in 0..<10 {
            let t = Int64(d) * 86_400
            for k in 0..<4 { w.post("f\(d)-\(k)", by: "f\(k)", at: t + Int64(k) * 20, text: "line \(d) of the day") }
        }
        // 55 s before f0, 75 s and more before the others: within the window of f0 only.
        for d in 0..<4 { w.post("b\(d)", by: "busy", at: Int64(d) * 86_400 - 55, text: "line \(d) of the day") }
        let ds = w.finish()
        let keys = ds.accounts.key.index()
        let loose = try Self.run(ds, ["coordination.traces": "co_tweet", "coordination.min_ties": "1", "coordination.max_p": "1"])
        let strict = try Self.run(ds, ["coordination.traces": "co_tweet", "coordination.max_p": "1"])
        let busy = Int(keys["busy"]!)
        #expect(loose.edgeList.contains { $0.a == Int32(busy) || $0.b == Int32(busy) })
        #expect(loose.accountCluster[busy] > 0)
        #expect(strict.accountCluster[busy] == -1)
        #expect((0..<4).allSatisfy { strict.accountCluster[Int(keys["f\($0)"]!)] == 1 })
    }

    @Test func windowEstimateIsNeverBelowTheTimeResolution() throws {
        var w = PostWriter()
        // Times in whole minutes; every item's shares fall in the same minute.
        for i in 0..<20 {
            w.post("o\(i)", by: "src", at: Int64(i) * 6000)
            for k in 0..<3 { w.post("r\(i)-\(k)", by: "u\(k)", at: Int64(i) * 6000 + 60, kind: .retweet, retweetOf: ("o\(i)", "src")) }
        }
        let r = try Self.run(w.finish(), ["coordination.traces": "co_retweet"])
        let e = try #require(r.windowEstimate)
        #expect(e.resolutionSeconds == 60)
        #expect(e.seconds == 60)
    }
}
