import Foundation
import LockstepCore
import Testing
@testable import LockstepAnalysis

/// The whole-period trace (issue #14, item 3): profiles alike over weeks, never within a window.
@Suite struct PeriodSimilarityTests {
    static func run(_ ds: Dataset, _ options: [String: String] = [:]) throws -> Coordination.Result {
        try Coordination(options: AnalysisOptions(options)).run(on: ds, context: AnalysisContext())
    }

    /// Eight operation accounts posting once a day, hours apart, from a small set of hashtags and
    /// retweet sources; eighty organic accounts drawing on a few popular hashtags, many rare ones and
    /// forty accounts to retweet.
    static func slowOperation(seed: UInt64) -> Dataset {
        var w = PostWriter()
        var g = SeededGenerator(seed: seed)
        let day: Int64 = 86_400
        let opTags = (0..<12).map { "op\($0)" }
        var n = 0
        func id() -> String { n += 1; return "p\(n)" }
        for d in 0..<60 {
            for a in 0..<8 {
                // Hour a×3 plus up to two hours: never two operation posts within a minute of each other.
                let t = Int64(d) * day + Int64(a * 3) * 3600 + Int64(g.unit() * 7_000)
                if g.unit() < 0.5 {
                    w.post(id(), by: "op\(a)", at: t, hashtags: [g.pick(opTags), g.pick(opTags)])
                } else {
                    let src = "src\(g.int(0..<4))"
                    w.post(id(), by: "op\(a)", at: t, kind: .retweet, retweetOf: ("s\(d)-\(a)", src))
                }
            }
        }
        let popular = (0..<10).map { "news\($0)" }
        for o in 0..<80 {
            for _ in 0..<(5 + g.int(0..<25)) {
                let t = Int64(g.unit() * 60 * Double(day))
                if g.unit() < 0.6 {
                    // A popular tag (the first few most), and sometimes one of 300 rare ones.
                    let tag = popular[min(g.int(0..<10), g.int(0..<10))]
                    w.post(id(), by: "org\(o)", at: t, hashtags: g.unit() < 0.5 ? [tag, "tag\(g.int(0..<300))"] : [tag])
                } else {
                    w.post(id(), by: "org\(o)", at: t, kind: .retweet, retweetOf: (id(), "celeb\(g.int(0..<40))"))
                }
            }
        }
        return w.finish()
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func slowOperationIsLinkedByItsWholePeriodProfileAndNothingElse(seed: UInt64) throws {
        let ds = Self.slowOperation(seed: seed)
        let r = try Self.run(ds)
        let keys = ds.accounts.key.index()
        let ops = (0..<8).map { keys["op\($0)"]! }
        let cluster = r.accountCluster[Int(ops[0])]
        #expect(cluster > 0)
        #expect(ops.allSatisfy { r.accountCluster[Int($0)] == cluster })
        let organicClustered = (0..<80).filter { r.accountCluster[Int(keys["org\($0)"]!)] >= 0 }.count
        #expect(organicClustered == 0)
        let opSet = Set(ops)
        let inside = r.edgeList.filter { opSet.contains($0.a) && opSet.contains($0.b) }
        // Nothing happened within a window: the operation is linked by whole-period edges only.
        #expect(!inside.isEmpty && inside.allSatisfy { $0.trace == "whole_period" })
        for e in inside {
            #expect((e.pValue ?? 1) <= 0.01)
            #expect((e.similarity ?? 0) >= 0.5)
            // Evidence: the shared items that weigh most, each with both accounts' first post on it.
            #expect(!e.examples.isEmpty && e.examples.count <= 5)
            #expect(e.examples.allSatisfy { $0.item.hasPrefix("#op") || $0.item.hasPrefix("RT @src") })
            #expect(e.examples.allSatisfy { !$0.postA.isEmpty && !$0.postB.isEmpty })
            #expect(e.aLeads + e.bLeads + e.simultaneous == e.weight)
        }
        #expect(r.accountReasons(ds)[ops[0]]?.contains("whole_period_cluster") == true)
        let stats = try #require(r.traces.first { $0.trace == "whole_period" })
        #expect(stats.windowSeconds == nil && stats.edges == r.edgeList.filter { $0.trace == "whole_period" }.count)
    }

    @Test func popularItemsAreExplainedByTheNullAndRareOnesAreNot() throws {
        var w = PostWriter()
        var n = 0
        func id() -> String { n += 1; return "p\(n)" }
        // 60 accounts each use most of ten popular hashtags; "x" and "y" use all ten.
        var g = SeededGenerator(seed: 5)
        for a in 0..<60 { for t in 0..<10 where g.unit() < 0.8 { w.post(id(), by: "u\(a)", at: Int64(a * 1000 + t), hashtags: ["pop\(t)"]) } }
        for who in ["x", "y"] { for t in 0..<10 { w.post(id(), by: who, at: Int64(t) * 50_000, hashtags: ["pop\(t)"]) } }
        // "r" and "s" share six hashtags nobody else uses, and two popular ones.
        for who in ["r", "s"] {
            for t in 0..<6 {
                w.post(id(), by: who, at: Int64(t) * 90_000 + (who == "r" ? 0 : 40_000), hashtags: t < 2 ? ["rare\(t)", "pop\(t)"] : ["rare\(t)"])
            }
        }
        let ds = w.finish()
        let keys = ds.accounts.key.index()
        func edge(_ r: Coordination.Result, _ p: String, _ q: String) -> Coordination.Edge? {
            let a = keys[p]!, b = keys[q]!
            return r.edgeList.first { $0.a == min(a, b) && $0.b == max(a, b) && $0.trace == "whole_period" }
        }
        let base = ["coordination.traces": "whole_period", "coordination.min_similarity": "0", "coordination.period_min_items": "5"]
        let tested = try Self.run(ds, base)
        let untested = try Self.run(ds, base.merging(["coordination.max_p": "1"]) { $1 })
        // x and y share ten items, but two accounts with their activity would share about as many.
        let xy = try #require(edge(untested, "x", "y"))
        #expect(xy.weight == 10 && (xy.nullMean ?? 0) > 8)
        #expect(edge(tested, "x", "y") == nil)
        let rs = try #require(edge(tested, "r", "s"))
        #expect(rs.weight == 8 && (rs.pValue ?? 1) < 0.01)
        #expect(rs.examples.count == 5 && rs.examples.allSatisfy { $0.item.hasPrefix("#rare") })
    }

    /// Random profiles: every similarity, shared count and null expectation equals a direct
    /// all-pairs computation, at any thread count; the item cap only removes or lowers similarities.
    @Test(arguments: [UInt64(7), 8])
    func matchesAllPairsComputation(seed: UInt64) throws {
        var w = PostWriter()
        var g = SeededGenerator(seed: seed)
        var tags: [[String: Int]] = Array(repeating: [:], count: 30)
        for p in 0..<600 {
            let a = min(g.int(0..<30), g.int(0..<30))
            var set: [String] = []
            for _ in 0..<(1 + g.int(0..<3)) {
                let t = "t\(min(g.int(0..<40), g.int(0..<40), g.int(0..<40)))"
                if !set.contains(t) { set.append(t) }
            }
            for t in set { tags[a][t, default: 0] += 1 }
            w.post("p\(p)", by: "a\(a)", at: Int64(p) * 97, hashtags: set)
        }
        let ds = w.finish()
        let keys = ds.accounts.key.index()
        let opts = ["coordination.traces": "whole_period", "coordination.period_items": "hashtag", "coordination.min_weight": "1",
                    "coordination.period_min_items": "1", "coordination.min_similarity": "-1", "coordination.max_p": "1", "coordination.max_item_accounts": "1000"]
        let one = try Self.run(ds, opts.merging(["coordination.threads": "1"]) { $1 })
        let two = try Self.run(ds, opts.merging(["coordination.threads": "2"]) { $1 })
        #expect(one.edgeList == two.edgeList)

        // Profiles hold only items at least two accounts acted on.
        var df: [String: Int] = [:]
        for a in tags.indices { for t in tags[a].keys { df[t, default: 0] += 1 } }
        for a in tags.indices { tags[a] = tags[a].filter { df[$0.key]! >= 2 } }
        let active = tags.indices.filter { !tags[$0].isEmpty }
        let n = Double(active.count), total = Double(active.reduce(0) { $0 + tags[$1].count })
        func wgt(_ a: Int, _ t: String) -> Double { (1 + log(Double(tags[a][t]!))) * log(n / Double(df[t]!)) }
        func norm(_ a: Int) -> Double { tags[a].keys.reduce(0) { $0 + wgt(a, $1) * wgt(a, $1) }.squareRoot() }
        func expected(_ a: Int, _ b: Int) -> Double {
            let scale = max(Double(tags[b].count) / total, 1 / (n - 1))
            return tags[a].keys.filter { df[$0]! >= 2 && df[$0]! < active.count }.reduce(0) { $0 + min(1, scale * Double(df[$1]! - 1)) }
        }
        var checked = 0
        for x in active {
            for y in active where x < y {
                let shared = tags[x].keys.filter { tags[y][$0] != nil && df[$0]! < active.count }
                let a = keys["a\(x)"]!, b = keys["a\(y)"]!
                let e = one.edgeList.first { $0.a == min(a, b) && $0.b == max(a, b) }
                if shared.isEmpty { #expect(e == nil); continue }
                let edge = try #require(e)
                let cosine = shared.reduce(0) { $0 + wgt(x, $1) * wgt(y, $1) } / (norm(x) * norm(y))
                #expect(edge.weight == shared.count)
                #expect(abs((edge.similarity ?? 9) - cosine) < 1e-9)
                let mean = edge.nullMean ?? -1
                #expect(abs(mean - expected(x, y)) < 1e-9 || abs(mean - expected(y, x)) < 1e-9)
                checked += 1
            }
        }
        #expect(checked > 100)

        let capped = try Self.run(ds, opts.merging(["coordination.max_item_accounts": "8"]) { $1 })
        let full = Dictionary(uniqueKeysWithValues: one.edgeList.map { (PairTable.key($0.a, $0.b), $0) })
        #expect(capped.edgeList.count < one.edgeList.count)
        for e in capped.edgeList {
            let f = try #require(full[PairTable.key(e.a, e.b)])
            #expect((e.similarity ?? 9) <= (f.similarity ?? 0) + 1e-12 && e.weight <= f.weight)
        }
    }

    @Test(arguments: [
        (0, 10, 0.3),   // k = 0: certain
        (3, 10, 0.3),   // below the mean
        (7, 10, 0.3),   // above the mean
        (10, 10, 0.3),  // k = n
        (40, 200, 0.1), // deep upper tail
    ])
    func binomialTailMatchesDirectSum(_ k: Int, _ n: Int, _ q: Double) {
        func choose(_ n: Int, _ i: Int) -> Double { exp(lgamma(Double(n) + 1) - lgamma(Double(i) + 1) - lgamma(Double(n - i) + 1)) }
        let direct = (k...n).reduce(0.0) { $0 + choose(n, $1) * pow(q, Double($1)) * pow(1 - q, Double(n - $1)) }
        #expect(abs(PeriodSimilarity.binomialUpperTail(k, n, q) - direct) <= 1e-12 + 1e-9 * direct)
    }
}
