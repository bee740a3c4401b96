import LockstepCore

/// The sweep settings a trace's pair figures were computed with. Figures computed with other
/// settings than the run's are not used: the window, the partner cap and `min_weight` (which
/// decides the eligible accounts, hence the actions' ranks under the cap) all change them.
package struct SweepSettings: Sendable, Hashable, Codable {
    package var window: Int64
    package var maxPartners: Int
    package var minWeight: Int

    package init(window: Int64, maxPartners: Int, minWeight: Int) {
        self.window = window
        self.maxPartners = maxPartners
        self.minWeight = minWeight
    }
}

/// One account pair's figures on one trace, as another engine computed them (``WindowSweep``'s
/// definition): `a` and `b` in any order, `aLeads` counting the items where `a` acted first.
package struct PairFigures: Sendable, Equatable {
    package var a: Int32
    package var b: Int32
    package var weight: Int32
    package var aLeads: Int32
    package var bLeads: Int32
    package var ties: Int32
    package var lagSum: Int64
    package var first: Int64
    package var last: Int64

    package init(a: Int32, b: Int32, weight: Int32, aLeads: Int32, bLeads: Int32, ties: Int32, lagSum: Int64, first: Int64, last: Int64) {
        (self.a, self.b, self.weight, self.aLeads, self.bLeads, self.ties) = (a, b, weight, aLeads, bLeads, ties)
        (self.lagSum, self.first, self.last) = (lagSum, first, last)
    }
}

/// Co-action pair figures computed outside the embedded sweep (``LockstepSpark``), per trace.
/// Coordination uses a trace's figures in place of its own sweep when the settings match; the null
/// model, examples, clustering and everything after run on them unchanged.
package protocol CoActionPairSource: Sendable {
    /// The figures of `trace` computed with `settings`, or nil (the embedded sweep then runs).
    func pairs(trace: String, settings: SweepSettings) -> CoActionPairs?
}

extension CoActionPairs {
    /// Pairs of distinct accounts reaching `minWeight`, oriented low id → high id and sorted by pair
    /// key as the embedded sweep leaves them; `pairCount` counts every pair with a co-action,
    /// including those under `minWeight` (the other engine counts them without shipping them).
    package init(figures: [PairFigures], pairCount: Int, minWeight: Int) {
        self.init()
        self.pairCount = pairCount
        var kept = figures.filter { $0.a != $0.b && Int($0.weight) >= minWeight }
        kept.sort { PairTable.key($0.a, $0.b) < PairTable.key($1.a, $1.b) }
        for f in kept {
            let swap = f.a > f.b
            keys.append(PairTable.key(f.a, f.b))
            weight.append(f.weight)
            lowLeads.append(swap ? f.bLeads : f.aLeads)
            highLeads.append(swap ? f.aLeads : f.bLeads)
            ties.append(f.ties)
            lagSum.append(f.lagSum)
            first.append(f.first)
            last.append(f.last)
        }
    }
}

extension Coordination {
    /// The traces a run computes, in table order.
    package var selectedTraces: [TraceDefinition] {
        mode == .wholePeriod ? CoActionTrace.all.filter { $0.key == .periodProfile } : traces
    }

    /// The sweep settings of each windowed trace this run sweeps, by name, as ``run(on:context:)``
    /// resolves them (an `auto` window is estimated from the co-retweets of `ds`).
    package func sweepSettings(_ ds: Dataset) -> [String: SweepSettings] {
        let windowed = selectedTraces.filter { $0.key != .periodProfile }
        guard !windowed.isEmpty else { return [:] }
        let global: Int64
        if let window { global = window } else {
            let features = PostFeatures(ds, traces: [CoActionTrace.named("co_retweet")!], minHash: minHash, threads: threads)
            let rt = TraceActions.groups(ds, CoActionTrace.named("co_retweet")!, features)
            global = WindowEstimate.estimate(rt, trace: "co_retweet").map { max(1, $0.seconds) } ?? 60
        }
        var out: [String: SweepSettings] = [:]
        for t in windowed {
            out[t.name] = SweepSettings(window: traceWindows[t.name] ?? t.defaultWindow ?? global, maxPartners: maxPartners,
                                        minWeight: filter.minWeight)
        }
        return out
    }
}
