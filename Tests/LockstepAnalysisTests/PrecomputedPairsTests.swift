import Foundation
import LockstepCore
import Testing
@testable import LockstepAnalysis

/// The seam `--engine spark` uses: coordination takes a trace's pair figures from a
/// ``CoActionPairSource`` instead of its own sweep, only when they were computed with its settings.
@Suite struct PrecomputedPairsTests {
    struct Source: CoActionPairSource {
        var settings: SweepSettings
        var pairs: CoActionPairs
        func pairs(trace: String, settings s: SweepSettings) -> CoActionPairs? { trace == "co_retweet" && s == settings ? pairs : nil }
    }

    /// The embedded co-retweet edges as a source's figures, each pair's leads swapped and given
    /// high id first, so that using them shows in the result.
    static func swapped(_ r: Coordination.Result) -> [PairFigures] {
        r.edgeList.filter { $0.trace == "co_retweet" }.map { e in
            PairFigures(a: e.b, b: e.a, weight: Int32(e.weight), aLeads: Int32(e.aLeads), bLeads: Int32(e.bLeads), ties: Int32(e.simultaneous),
                        lagSum: Int64((e.meanLagSeconds * Double(e.weight)).rounded()), first: e.firstCoaction!, last: e.lastCoaction!)
        }
    }

    @Test func aSourceWithTheRunsSettingsReplacesTheSweepAndOnlyThen() throws {
        let ds = TrollFactory().build()
        let options = AnalysisOptions(["coordination.traces": "co_retweet"])
        let embedded = try Coordination(options: options).run(on: ds, context: AnalysisContext())
        let edges = embedded.edgeList
        #expect(!edges.isEmpty)
        // Else swapping the leads would change nothing.
        #expect(edges.contains { $0.aLeads != $0.bLeads })
        let settings = try Coordination(options: options).sweepSettings(ds)["co_retweet"]!
        #expect(settings == SweepSettings(window: 60, maxPartners: 32, minWeight: 3))
        let figures = CoActionPairs(figures: Self.swapped(embedded), pairCount: 4242, minWeight: 3)

        var context = AnalysisContext()
        context.coActionPairs = Source(settings: settings, pairs: figures)
        let used = try Coordination(options: options).run(on: ds, context: context)
        #expect(used.traces.first { $0.trace == "co_retweet" }?.pairs == 4242)
        #expect(used.edgeList.count == edges.count)
        for (u, e) in zip(used.edgeList, edges) {
            #expect(u.a == e.a && u.b == e.b && u.weight == e.weight)
            // Given as (b, a), the figures are turned round: a's leads are the source's b leads.
            #expect(u.aLeads == e.bLeads && u.bLeads == e.aLeads)
        }

        var other = AnalysisContext()
        other.coActionPairs = Source(settings: SweepSettings(window: 30, maxPartners: 32, minWeight: 3), pairs: figures)
        let ignored = try Coordination(options: options).run(on: ds, context: other)
        #expect(ignored.edgeList == edges)
    }
}
