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
        #expect(r.edgeList.filter { $0.trace == "co_retweet" }.isEmpty)
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
        var visits = 0
        sweep.sweep(groups) { _, _, _ in visits += 1 }
        // At most maxPartners partners per action, whatever the burst.
        #expect(visits <= n * 32)
        #expect(visits > n * 30)
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
        let table = PairTable.observe(groups, WindowSweep(window: 60, maxPartners: 32, pairing: .anyActors))
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
        let r = try Self.run(ds, ["coordination.mode": "whole_period", "coordination.traces": "co_retweet"])
        let keys = ds.accounts.key.index()
        let amps = (0..<40).map { keys["amp\($0)"]! }
        #expect(!r.edgeList.isEmpty)
        #expect(r.edgeList.allSatisfy { ($0.similarity ?? 0) >= 0.5 })
        let clustered = amps.filter { r.accountCluster[Int($0)] > 0 }.count
        #expect(clustered == amps.count)
    }

    @Test(arguments: [
        // posts a day apart: x and y act on the same items at the same moments → significant
        (Int64(86_400), true),
        // all posts within seconds: any shuffle of their own times still co-acts → explained by activity
        (Int64(1), false),
    ])
    func nullModelSeparatesAlignmentFromBusyMoments(_ spacing: Int64, _ kept: Bool) throws {
        var w = PostWriter()
        for i in 0..<6 {
            let t = Int64(i) * spacing
            w.post("o\(i)", by: "src", at: t)
            w.post("x\(i)", by: "x", at: t + 10, kind: .retweet, retweetOf: ("o\(i)", "src"))
            w.post("y\(i)", by: "y", at: t + 20, kind: .retweet, retweetOf: ("o\(i)", "src"))
        }
        let r = try Self.run(w.finish(), ["coordination.traces": "co_retweet", "coordination.null_rounds": "20"])
        #expect(r.traces[0].candidates == 1)
        #expect(r.edgeList.isEmpty == !kept)
    }

    @Test func percentileKeepsTheHeaviestEdges() throws {
        let ds = TrollFactory(organic: 30).build()
        let all = try Self.run(ds, ["coordination.traces": "co_retweet"])
        let top = try Self.run(ds, ["coordination.traces": "co_retweet", "coordination.percentile": "90"])
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

    @Test func wholePeriodCosineCountsItemsOnlyOneAccountActedOn() throws {
        var w = PostWriter()
        // x and y share two items; y also acted alone on eight more, so their cosine is low.
        for i in 0..<2 {
            w.post("o\(i)", by: "src", at: Int64(i) * 1000)
            for a in ["x", "y"] { w.post("\(a)\(i)", by: a, at: Int64(i) * 1000 + 5, kind: .retweet, retweetOf: ("o\(i)", "src")) }
        }
        for i in 2..<10 {
            w.post("o\(i)", by: "src", at: Int64(i) * 1000)
            w.post("y\(i)", by: "y", at: Int64(i) * 1000 + 5, kind: .retweet, retweetOf: ("o\(i)", "src"))
        }
        // A third account makes the shared items' IDF positive.
        w.post("z", by: "z", at: 50_000, kind: .retweet, retweetOf: ("o9", "src"))
        let ds = w.finish()
        let loose = try Self.run(ds, ["coordination.mode": "whole_period", "coordination.traces": "co_retweet",
                                      "coordination.min_weight": "1", "coordination.min_similarity": "0"])
        let keys = ds.accounts.key.index()
        let xy = try #require(loose.edgeList.first { $0.a == min(keys["x"]!, keys["y"]!) && $0.b == max(keys["x"]!, keys["y"]!) })
        #expect(xy.weight == 2)
        #expect((xy.similarity ?? 1) < 0.6)
    }

    @Test func watchlistLabelsShareOfAmplification() throws {
        var w = PostWriter()
        // Three amplifiers retweet a state-media account together, many times.
        for i in 0..<20 {
            let t = Int64(i) * 10_000
            w.post("sm\(i)", by: "statemedia", at: t, text: "official line \(i)", urls: ["https://www.state.example/news/\(i)?utm_source=x"])
            for (k, a) in ["x", "y", "z"].enumerated() {
                w.post("rt\(i)\(a)", by: a, at: t + 2 + Int64(k), kind: .retweet, retweetOf: ("sm\(i)", "statemedia"),
                       urls: ["https://state.example/news/\(i)"])
            }
        }
        let ds = w.finish()
        var ctx = AnalysisContext()
        ctx.watchlist = Watchlist([.init(kind: .handle, value: "@StateMedia", label: "state media"),
                                   .init(kind: .domain, value: "state.example", label: "state media")])
        let r = try Self.run(ds, ["coordination.min_cluster_size": "3"], context: ctx)
        let c = try #require(r.clusters.first)
        #expect(c.amplification.accounts.first?.handle == "statemedia")
        #expect(c.amplification.accounts.first?.label == "state media")
        #expect(c.amplification.domains.first?.target == "state.example")
        #expect(c.amplification.watchlistShares["state media"] == 1)
    }
}
