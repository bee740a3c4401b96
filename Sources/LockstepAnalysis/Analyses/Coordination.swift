import LockstepCore

/// Coordinated behaviour: accounts that act on the same items at nearly the same moments, over
/// several co-action traces, tested against a null model, fused into one network, clustered with
/// Leiden, with core and amplifier roles and the accounts and domains each cluster amplifies.
public struct Coordination: Analysis {
    /// The `--analyses` name and `summary.json` section.
    public static let name = "coordination"
    /// One line for `lockstep analyses`.
    public static let summary = "Co-action networks (co-retweet, co-tweet, near-duplicate, co-URL, hashtags, co-reply, co-mention, fast retweet, whole-period profile similarity) with significance, Leiden clusters, core/amplifier roles and amplification targets"
    /// Cluster summaries carry the schedule offset when that analysis ran.
    public static let runsAfter = ["schedule"]
    /// Every option, with its default (documented in docs/methodology/coordination.md).
    public static let parameters: [ParameterSpec] = [
        ParameterSpec("traces", .list(CoActionTrace.names), default: "all", words: ["all"], "Traces to compute, comma-separated"),
        ParameterSpec("mode", .choice(Mode.allCases.map(\.rawValue)), default: "window", "window (the selected traces, windowed and whole-period) or whole_period (the whole_period trace alone)"),
        ParameterSpec("window", .duration(0...366 * 86_400), default: "60s", words: ["auto"], suffixes: CoActionTrace.windowedNames,
                      "Co-action window, or auto for the CooRnet-style estimate; window.<trace> (e.g. window.co_retweet=30s) overrides it for one trace. Precedence: window.<trace>, then the trace's own default (fast_retweet: 10 s), then window"),
        ParameterSpec("min_weight", .atLeast(1), default: "3", "Distinct co-action items an edge needs"),
        ParameterSpec("max_p", .number(0...1, lowerOpen: false), default: "0.01", "Largest null-model p-value kept (1 keeps all)"),
        ParameterSpec("percentile", .number(0...100, lowerOpen: false), default: "0", "Keep edges at or above this percentile (0-100) of their trace's weights among edges passing min_weight (whole_period: of the similarities of edges passing every other filter); 0 keeps all"),
        ParameterSpec("null_rounds", .integer(0...1000), default: "10", "Shuffles of the time null model per trace (the delay null of co-retweet and co-reply is computed exactly); 0 skips the test (then max_p is not applied)"),
        ParameterSpec("seed", .atLeast(0), default: "1", "Seed of the null model and of Leiden"),
        ParameterSpec("max_partners", .integer(1...1_000_000), default: "32", "Earlier actions each action pairs with inside a window (bounds bursts)"),
        ParameterSpec("resolution", .number(0...1_000_000, lowerOpen: true), default: "1", "Leiden modularity resolution (higher: smaller clusters)"),
        ParameterSpec("min_cluster_size", .atLeast(2), default: "3", "Smallest cluster reported"),
        ParameterSpec("min_ties", .atLeast(1), default: "2", "Members of its co-action community each account must share a kept edge with (repeatedly pruned; accounts anchored by repost links are kept); 1 turns pruning off"),
        ParameterSpec("near_duplicate_threshold", .number(0...1, lowerOpen: true), default: "0.7", "Estimated Jaccard similarity for near-duplicate text"),
        ParameterSpec("period_items", .list(PeriodItemKind.allCases.map(\.rawValue)), default: "all", words: ["all"], "whole_period trace: item kinds of each account's profile, comma-separated"),
        ParameterSpec("period_min_items", .atLeast(1), default: "10", "whole_period trace: distinct items an account needs to take part (small profiles give chance cosines)"),
        ParameterSpec("min_similarity", .number(-1...1, lowerOpen: false), default: "0.5", "whole_period trace: smallest TF-IDF cosine similarity kept"),
        ParameterSpec("max_item_accounts", .atLeast(2), default: "1000", "whole_period trace: items on more accounts are left out of the similarities (kept in the norms); bounds the work"),
        ParameterSpec("amplifier_share", .number(0...1, lowerOpen: true), default: "0.5", "Share of an account's posts that must repost cluster members for the amplifier role, and the share used by the amplification joins"),
        ParameterSpec("top", .atLeast(1), default: "10", "Hashtags, URLs, accounts and domains listed per cluster"),
        ParameterSpec("threads", .integer(1...1024), default: "all processors", words: ["all processors"], "Worker threads (results do not depend on it)"),
    ]

    /// How co-action is measured.
    public enum Mode: String, Sendable, Codable, CaseIterable {
        case window
        case wholePeriod = "whole_period"
    }

    let traces: [TraceDefinition]
    let mode: Mode
    /// `nil` means `auto`.
    let window: Int64?
    let traceWindows: [String: Int64]
    let filter: EdgeFilter
    let nullRounds: Int
    let seed: UInt64
    let maxPartners: Int
    let resolution: Double
    let minClusterSize: Int
    let minTies: Int
    let minHash: MinHashGrouper
    let periodItems: Set<PeriodItemKind>
    let periodMinItems: Int
    let minSimilarity: Double
    let maxItemAccounts: Int
    let amplifierShare: Double
    let top: Int
    let threads: Int

    public init(options o: AnalysisOptions) throws {
        let list = try o.string(Self.self, "traces")
        if list == "all" { traces = CoActionTrace.all } else {
            let picked = Set(list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            traces = CoActionTrace.all.filter { picked.contains($0.name) }
        }
        mode = Mode(rawValue: try o.string(Self.self, "mode"))!
        let items = try o.string(Self.self, "period_items")
        periodItems = items == "all" ? Set(PeriodItemKind.allCases)
            : Set(items.split(separator: ",").compactMap { PeriodItemKind(rawValue: $0.trimmingCharacters(in: .whitespaces)) })
        window = try o.seconds(Self.self, "window")
        var tw: [String: Int64] = [:]
        for t in CoActionTrace.all {
            if let v = try o.suffixed(Self.self, "window", t.name) {
                guard let s = ParameterSpec.parseDuration(v) else {
                    throw OptionError(key: "\(Self.name).window.\(t.name)", value: v, expected: "a duration such as 60s, 5m or 2h (auto is for the shared window)")
                }
                tw[t.name] = s
            }
        }
        traceWindows = tw
        filter = EdgeFilter(minWeight: try o.int(Self.self, "min_weight"), maxP: try o.double(Self.self, "max_p"),
                            percentile: try o.double(Self.self, "percentile"))
        nullRounds = try o.int(Self.self, "null_rounds")
        seed = UInt64(try o.int(Self.self, "seed"))
        maxPartners = try o.int(Self.self, "max_partners")
        resolution = try o.double(Self.self, "resolution")
        minClusterSize = try o.int(Self.self, "min_cluster_size")
        minTies = try o.int(Self.self, "min_ties")
        minHash = MinHashGrouper(threshold: try o.double(Self.self, "near_duplicate_threshold"))
        periodMinItems = try o.int(Self.self, "period_min_items")
        minSimilarity = try o.double(Self.self, "min_similarity")
        maxItemAccounts = try o.int(Self.self, "max_item_accounts")
        amplifierShare = try o.double(Self.self, "amplifier_share")
        top = try o.int(Self.self, "top")
        let th = try o.string(Self.self, "threads")
        threads = Int(th) ?? Parallel.defaultThreads
    }

    // MARK: Result

    /// One co-action the edge rests on: the item and both accounts' posts and times.
    public struct Example: Sendable, Codable, Equatable {
        /// The item (post id, canonical URL, `#hashtag`, `@account`, or A's post id for text traces).
        public var item: String
        /// Account A's post id.
        public var postA: String
        /// Account B's post id.
        public var postB: String
        /// Account A's action time (UTC seconds).
        public var timeA: Int64
        /// Account B's action time (UTC seconds).
        public var timeB: Int64
    }

    /// An edge of one trace between accounts `a < b` (account ids), with its evidence.
    public struct Edge: Sendable, Codable, Equatable {
        /// The account with the lower id.
        public var a: Int32
        /// The account with the higher id.
        public var b: Int32
        /// The trace name.
        public var trace: String
        /// Distinct items both acted on within the window (whole_period: items shared, below the cap).
        public var weight: Int
        /// The weight as it counts in the fused network (times the trace's fusion weight).
        /// A whole-period edge counts its cosine instead of its shared items: profiles share hundreds of
        /// items, which would drown every windowed edge.
        public var fusedWeight: Double { (similarity ?? Double(weight)) * (CoActionTrace.fusionWeights[trace] ?? 1) }
        /// whole_period trace: TF-IDF cosine similarity.
        public var similarity: Double?
        /// Mean null-model weight, z-score and p-value (with null rounds; whole_period: expected shared items).
        public var nullMean: Double?
        /// (weight − null mean) / null standard deviation.
        public var zScore: Double?
        /// P(null weight ≥ weight) under the Poisson null.
        public var pValue: Double?
        /// Items where `a` acted first, `b` acted first, both in the same second (whole_period: first use of each shared item).
        public var aLeads: Int
        /// Items where `b` acted first.
        public var bLeads: Int
        /// Items where both acted in the same second.
        public var simultaneous: Int
        /// Mean seconds between the two actions.
        public var meanLagSeconds: Double
        /// UTC seconds of the first and last co-action (the moment the second account acted).
        public var firstCoaction: Int64?
        /// UTC seconds of the last co-action.
        public var lastCoaction: Int64?
        /// Up to five co-actions (whole_period: the shared items contributing most to the cosine, with each account's first post on it).
        public var examples: [Example]
    }

    /// Per-trace figures for `summary.json`.
    public struct TraceStats: Sendable, Codable, Equatable {
        /// The trace name.
        public var trace: String
        /// The window used (nil for the whole_period trace).
        public var windowSeconds: Int64?
        /// Actions of the trace in the data.
        public var actions: Int
        /// Items acted on by two or more actions.
        public var items: Int
        /// Account pairs with at least one co-action (window mode: among accounts with at least
        /// `min_weight` actions in the trace, the only ones that can form an edge; whole_period: pairs of
        /// accounts with `period_min_items` items sharing an item under the cap).
        public var pairs: Int
        /// Pairs reaching `min_weight`.
        public var candidates: Int
        /// Edges kept after every filter.
        public var edges: Int
    }

    /// One cluster of the fused network.
    public struct Cluster: Sendable, Codable, Equatable {
        /// Cluster id (1 is the largest).
        public var id: Int
        /// Members.
        public var size: Int
        /// Leiden communities of the co-action network joined into this cluster because network
        /// amplifiers tie them together (1 when none were joined).
        public var communities: Int
        /// Members with the `core` role.
        public var core: Int
        /// Members with the `amplifier` role.
        public var amplifiers: Int
        /// Account ids of members (the first 100 by role, then id).
        public var members: [String]
        /// Kept edges inside the cluster, per trace.
        public var traces: [String: Int]
        /// Kept edges over all traces.
        public var edges: Int
        /// Sum of fused edge weights inside the cluster.
        public var fusedWeight: Double
        /// First co-action inside the cluster (display time zone).
        public var firstCoaction: String?
        /// Last co-action inside the cluster (display time zone).
        public var lastCoaction: String?
        /// Hashtags the members use most.
        public var topHashtags: [Overview.Count]
        /// Canonical URLs the members post most.
        public var topURLs: [Overview.Count]
        /// Accounts and domains the cluster amplifies.
        public var amplification: ClusterAmplification
        /// Most common `utc_offset_hours` among members when a schedule analysis ran.
        public var scheduleOffsetHours: String?
        /// The members' pooled schedule, with the run's schedule settings, when that analysis ran.
        public var schedule: ScheduleFingerprint?
        /// All member account ids (not in `summary.json`).
        public var memberIDs: [Int32] = []

        enum CodingKeys: String, CodingKey {
            case id, size, communities, core, amplifiers, members, traces, edges, fusedWeight, firstCoaction, lastCoaction
            case topHashtags, topURLs, amplification, scheduleOffsetHours, schedule
        }
    }

    /// The `coordination` section of `summary.json`, plus edges and per-account values for the writers.
    public struct Result: AnalysisResult {
        /// Window or whole-period.
        public var mode: Mode
        /// The window used (nil in whole-period mode).
        public var windowSeconds: Int64?
        /// The CooRnet-style window estimate, when there are co-retweets.
        public var windowEstimate: WindowEstimate?
        /// The `min_weight` filter.
        public var minWeight: Int
        /// The `max_p` filter.
        public var maxP: Double
        /// The `percentile` filter.
        public var percentile: Double
        /// Null-model rounds per trace.
        public var nullRounds: Int
        /// Seed of the null model and Leiden.
        public var seed: UInt64
        /// Partners per action inside a window.
        public var maxPartners: Int
        /// Leiden resolution.
        public var resolution: Double
        /// Per-trace figures, in trace order.
        public var traces: [TraceStats]
        /// Kept edges over all traces.
        public var edges: Int
        /// Clusters, largest first.
        public var clusters: [Cluster]
        /// Accounts in a cluster.
        public var clusteredAccounts: Int
        /// Accounts with the `core` role.
        public var coreAccounts: Int
        /// Accounts with the `amplifier` role.
        public var amplifierAccounts: Int
        /// Modularity of the fused network's Leiden partition.
        public var modularity: Double?
        /// Every kept edge (for `edges.csv` and the network files; not in `summary.json`).
        public var edgeList: [Edge] = []
        /// Cluster id per account id, or -1.
        public var accountCluster: [Int32] = []
        /// Role per account id (nil: none).
        public var accountRole: [CoordinationRole?] = []
        /// Per account, reason codes of the traces that tie it to its cluster.
        public var accountTraceReasons: [Int32: [String]] = [:]
        /// Author and time of each post key, retweets known only by their text linked to their original
        /// (``PostFeatures/linkDerivedOriginals(_:)``): later analyses see the same reposts as the traces.
        package var postAuthorByKey: [Int32] = []
        package var postTimeByKey: [Int64] = []

        enum CodingKeys: String, CodingKey {
            case mode, windowSeconds, windowEstimate, minWeight, maxP, percentile, nullRounds, seed, maxPartners, resolution
            case traces, edges, clusters, clusteredAccounts, coreAccounts, amplifierAccounts, modularity
        }

        public func accountColumns(_ dataset: Dataset) -> [AccountColumn] {
            [AccountColumn(name: "cluster", values: accountCluster.map { $0 < 0 ? "" : String($0) }),
             AccountColumn(name: "role", values: accountRole.map { $0?.rawValue ?? "" })]
        }

        public func accountReasons(_ dataset: Dataset) -> [Int32: [String]] { accountTraceReasons }
    }

    // MARK: Run

    struct TraceOutput: Sendable {
        var stats: TraceStats
        var edges: [Edge]
    }

    public func run(on ds: Dataset, context: AnalysisContext) throws -> Result {
        let traces = mode == .wholePeriod ? CoActionTrace.all.filter { $0.key == .periodProfile } : self.traces
        let features = PostFeatures(ds, traces: traces, minHash: minHash, threads: threads)
        let coRetweet = CoActionTrace.named("co_retweet")!
        let rtGroups = TraceActions.groups(ds, coRetweet, features)
        let estimate = WindowEstimate.estimate(rtGroups, trace: coRetweet.name)
        let global = window ?? estimate.map { max(1, $0.seconds) } ?? 60
        /// A trace's window: set for it, else its own default, else the global one.
        @Sendable func windowOf(_ t: TraceDefinition) -> Int64 { traceWindows[t.name] ?? t.defaultWindow ?? global }
        let outputs: [TraceOutput] = Parallel.map(traces.count, threads: threads) { i in
            let t = traces[i]
            if t.key == .periodProfile { return runPeriod(ds, t, features: features) }
            let groups = t == coRetweet ? rtGroups : TraceActions.groups(ds, t, features)
            let w = windowOf(t)
            let settings = SweepSettings(window: w, maxPartners: maxPartners, minWeight: filter.minWeight)
            return runTrace(ds, t, groups: groups, window: w, features: features,
                            precomputed: context.coActionPairs?.pairs(trace: t.name, settings: settings))
        }
        // Pair, then trace-table order; outputs are already in trace order, so a stable sort on the pair suffices.
        var edges = outputs.flatMap(\.edges)
        let order = edges.indices.sorted { i, j in
            let x = PairTable.key(edges[i].a, edges[i].b), y = PairTable.key(edges[j].a, edges[j].b)
            return x != y ? x < y : i < j
        }
        edges = order.map { edges[$0] }

        // Fusion: one weighted graph over accounts with kept edges.
        var fused = PairTable(capacity: edges.count)
        var fusedWeight: [Double] = []
        for e in edges {
            let k = fused.insert(PairTable.key(e.a, e.b))
            if k == fusedWeight.count { fusedWeight.append(0) }
            fusedWeight[k] += e.fusedWeight
        }
        var nodeOf = [Int32](repeating: -1, count: ds.accounts.count)
        var nodes: [Int32] = []
        for k in fused.keys {
            let x = PairTable.low(k), y = PairTable.high(k)
            if nodeOf[Int(x)] < 0 { nodeOf[Int(x)] = 0; nodes.append(x) }
            if nodeOf[Int(y)] < 0 { nodeOf[Int(y)] = 0; nodes.append(y) }
        }
        nodes.sort()
        for (i, a) in nodes.enumerated() { nodeOf[Int(a)] = Int32(i) }
        let graph = WeightedGraph(nodeCount: nodes.count, edges: fused.keys.enumerated().map { e, k in
            (nodeOf[Int(PairTable.low(k))], nodeOf[Int(PairTable.high(k))], fusedWeight[e])
        })
        let community = Leiden(resolution: resolution, seed: seed).run(graph)
        let modularity = nodes.isEmpty ? nil : graph.modularity(community, resolution: resolution)

        let links = RepostLinks(ds, postAuthorByKey: features.postAuthorByKey)
        let linkRules = ClusterLinks(minWeight: filter.minWeight, share: amplifierShare, retweets: rtGroups,
                                     window: windowOf(coRetweet), authorByKey: features.postAuthorByKey)
        let anchored = linkRules.anchored(ds, nodes: nodes, community: community, links: links)
        var byCommunity: [Int32: [Int32]] = [:]
        for (i, c) in graph.corroborated(community, minTies: minTies, anchored: anchored).enumerated() where c >= 0 {
            byCommunity[c, default: []].append(nodes[i])
        }
        var groups = byCommunity.values.filter { $0.count >= minClusterSize }.map { $0.sorted() }.sorted { $0[0] < $1[0] }
        let (joined, linked) = linkRules.extend(ds, groups: &groups, links: links)
        var parts = linked
        if let schedule = context.result(of: Schedule.self) {
            (groups, parts) = ClockSplit().split(ds, groups: groups, parts: parts, schedule: schedule, links: links)
        }
        let bySize = groups.indices.sorted { groups[$0].count != groups[$1].count ? groups[$0].count > groups[$1].count : groups[$0][0] < groups[$1][0] }
        groups = bySize.map { groups[$0] }
        let communities = bySize.map { parts[$0] }
        var accountCluster = [Int32](repeating: -1, count: ds.accounts.count)
        for (i, g) in groups.enumerated() { for a in g { accountCluster[Int(a)] = Int32(i + 1) } }
        let roles = Roles(amplifierShare: amplifierShare).assign(ds, cluster: accountCluster, links: links)

        let clusters = summarize(ds, groups: groups, communities: communities, edges: edges, cluster: accountCluster,
                                 roles: roles, features: features, context: context)
        var reasons: [Int32: [String]] = [:]
        var traceSeen: [Int32: Set<String>] = [:]
        for e in edges where accountCluster[Int(e.a)] >= 0 && accountCluster[Int(e.a)] == accountCluster[Int(e.b)] {
            traceSeen[e.a, default: []].insert(e.trace)
            traceSeen[e.b, default: []].insert(e.trace)
        }
        for (a, set) in traceSeen { reasons[a] = CoActionTrace.all.filter { set.contains($0.name) }.map(\.reason) }
        for (a, how) in joined {
            reasons[a, default: []].append(how == .repostsCluster ? "reposts_cluster" : "reposted_by_cluster")
        }

        return Result(
            mode: mode, windowSeconds: mode == .window ? global : nil, windowEstimate: estimate,
            minWeight: filter.minWeight, maxP: filter.maxP, percentile: filter.percentile, nullRounds: nullRounds, seed: seed,
            maxPartners: maxPartners, resolution: resolution, traces: outputs.map(\.stats), edges: edges.count,
            clusters: clusters, clusteredAccounts: groups.reduce(0) { $0 + $1.count },
            coreAccounts: roles.filter { $0 == .core }.count, amplifierAccounts: roles.filter { $0 == .amplifier }.count,
            modularity: modularity, edgeList: edges, accountCluster: accountCluster, accountRole: roles,
            accountTraceReasons: reasons, postAuthorByKey: features.postAuthorByKey, postTimeByKey: features.postTimeByKey)
    }

    /// `precomputed`: the trace's pair figures from another engine, computed with this run's settings.
    func runTrace(_ ds: Dataset, _ t: TraceDefinition, groups: ActionGroups, window w: Int64,
                  features: PostFeatures, precomputed: CoActionPairs? = nil) -> TraceOutput {
        var stats = TraceStats(trace: t.name, windowSeconds: w, actions: groups.actionCount,
                               items: groups.groupCount, pairs: 0, candidates: 0, edges: 0)
        // An edge's weight counts distinct items, so it can never exceed either account's number of
        // actions: accounts with fewer than min_weight actions in this trace are dropped before the
        // sweep (as CNT does). This is what keeps a viral post's 200,000 one-off retweeters cheap.
        var actionsOf = [Int32](repeating: 0, count: ds.accounts.count)
        for a in groups.account { actionsOf[Int(a)] += 1 }
        let eligible = actionsOf.map { Int($0) >= filter.minWeight }
        let groups = actionsOf.contains { $0 > 0 && Int($0) < filter.minWeight } ? groups.restricted(to: eligible) : groups
        let sweep = WindowSweep(window: w, maxPartners: maxPartners, pairing: t.pairing)
        let pairs = precomputed ?? CoActionPairs.observe(AccountSweep(groups, sweep, accountCount: ds.accounts.count),
                                                         minWeight: filter.minWeight, threads: threads)
        stats.pairs = pairs.pairCount
        stats.candidates = pairs.count
        // Salted by the trace's row in the table, so its null does not depend on which other traces run.
        let salt = UInt64((CoActionTrace.all.firstIndex(of: t) ?? 0) + 1)
        let sig = Significance(rounds: nullRounds, seed: seed, model: t.null)
            .test(groups: groups, sweep: sweep, pairs: pairs, accountCount: ds.accounts.count, salt: salt, threads: threads)
        var passing: [Int] = []
        for e in 0..<pairs.count where nullRounds == 0 || sig.p[e] <= filter.maxP { passing.append(e) }
        let cut = filter.percentileCut(passing.map { pairs.weight[$0] })
        passing = passing.filter { pairs.weight[$0] >= cut }
        var edges: [Edge] = passing.map { e in
            let k = pairs.keys[e]
            let wgt = Int(pairs.weight[e])
            return Edge(a: PairTable.low(k), b: PairTable.high(k), trace: t.name, weight: wgt, similarity: nil,
                        nullMean: nullRounds > 0 ? sig.mean[e] : nil, zScore: nullRounds > 0 ? sig.z[e] : nil,
                        pValue: nullRounds > 0 ? sig.p[e] : nil,
                        aLeads: Int(pairs.lowLeads[e]), bLeads: Int(pairs.highLeads[e]), simultaneous: Int(pairs.ties[e]),
                        meanLagSeconds: Double(pairs.lagSum[e]) / Double(max(1, wgt)),
                        firstCoaction: pairs.first[e], lastCoaction: pairs.last[e], examples: [])
        }
        addExamples(ds, t, groups: groups, sweep: sweep, features: features, edges: &edges)
        stats.edges = edges.count
        return TraceOutput(stats: stats, edges: edges)
    }

    /// The whole-period trace: TF-IDF cosine of account profiles, tested against the popularity null.
    func runPeriod(_ ds: Dataset, _ t: TraceDefinition, features: PostFeatures) -> TraceOutput {
        let period = PeriodSimilarity(minSimilarity: minSimilarity, maxItemAccounts: maxItemAccounts, minWeight: filter.minWeight,
                                      minItems: periodMinItems,
                                      maxP: nullRounds > 0 ? filter.maxP : nil, percentile: filter.percentile, threads: threads)
        let out = period.run(ds, PeriodProfile(ds, features, kinds: periodItems), features, trace: t.name)
        let stats = TraceStats(trace: t.name, windowSeconds: nil, actions: out.actions, items: out.items, pairs: out.pairs,
                               candidates: out.candidates, edges: out.edges.count)
        return TraceOutput(stats: stats, edges: out.edges)
    }

    /// Up to five co-actions per kept edge (`edges` sorted by pair), from a second sweep over the
    /// kept accounts only.
    func addExamples(_ ds: Dataset, _ t: TraceDefinition, groups: ActionGroups, sweep: WindowSweep,
                     features: PostFeatures, edges: inout [Edge]) {
        guard !edges.isEmpty else { return }
        var keep = [Bool](repeating: false, count: ds.accounts.count)
        for e in edges {
            keep[Int(e.a)] = true
            keep[Int(e.b)] = true
        }
        let g = groups.restricted(to: keep)
        let localOf = AccountSweep.localIDs(g.account, accountCount: ds.accounts.count)
        let s = AccountSweep(g, sweep, accountCount: ds.accounts.count, localOf: localOf)
        var counts = [Int32](repeating: 0, count: s.accountCount + 1)
        for e in edges { counts[Int(localOf[Int(e.a)]) + 1] += 1 }
        for x in 0..<s.accountCount { counts[x + 1] += counts[x] }
        let edgeFirst = counts
        let partner = edges.map { localOf[Int($0.b)] }
        let ranges = s.accountRanges(threads * 4)
        // (edge, group, action of a, action of b) for up to five groups per edge, in group order.
        let found: [[(Int32, Int32, Int32, Int32)]] = Parallel.map(ranges.count, threads: threads,
                                                                   state: { PartnerSlots(accounts: s.accountCount) }) { work, r in
            var out: [(Int32, Int32, Int32, Int32)] = []
            let slot = work.slot.p
            // Examples taken per edge, for this job's accounts' edges only (they are contiguous).
            let base = Int(edgeFirst[ranges[r].lowerBound])
            var taken = [Int8](repeating: 0, count: Int(edgeFirst[ranges[r].upperBound]) - base)
            for x in ranges[r] {
                let mine = Int(edgeFirst[x])..<Int(edgeFirst[x + 1])
                if mine.isEmpty { continue }
                for e in mine { slot[Int(partner[e])] = Int32(e) }
                s.partners(of: x, work.scratch, wants: { slot[Int($0)] >= 0 }) { grp, b, i, j in
                    let e = Int(slot[Int(b)])
                    guard taken[e - base] < 5 else { return }
                    taken[e - base] += 1
                    // i and j are actions of x (the edge's a) and b in some order.
                    let (ia, ib) = s.local[i] == Int32(x) ? (i, j) : (j, i)
                    out.append((Int32(e), Int32(grp), Int32(ia), Int32(ib)))
                }
                for e in mine { slot[Int(partner[e])] = -1 }
            }
            return out
        }
        let time = g.time, post = g.post
        for part in found {
            for (e, grp, x, y) in part {
                let item = TraceActions.label(ds, t, features, item: g.item[Int(grp)], post: post[Int(x)])
                edges[Int(e)].examples.append(Example(item: item, postA: Self.postID(ds, post[Int(x)]), postB: Self.postID(ds, post[Int(y)]),
                                                      timeA: time[Int(x)], timeB: time[Int(y)]))
            }
        }
    }

    static func postID(_ ds: Dataset, _ p: Int32) -> String {
        let k = ds.posts.key[Int(p)]
        return k == noID ? "" : ds.postKeys[k]
    }

    func summarize(_ ds: Dataset, groups: [[Int32]], communities: [Int], edges: [Edge], cluster: [Int32], roles: [CoordinationRole?],
                   features: PostFeatures, context: AnalysisContext) -> [Cluster] {
        let schedule = context.result(of: Schedule.self)
        var perCluster = [(traces: [String: Int], edges: Int, weight: Double, first: Int64, last: Int64)](
            repeating: ([:], 0, 0, .max, .min), count: groups.count)
        for e in edges {
            let c = Int(cluster[Int(e.a)])
            guard c > 0, cluster[Int(e.b)] == Int32(c) else { continue }
            perCluster[c - 1].traces[e.trace, default: 0] += 1
            perCluster[c - 1].edges += 1
            perCluster[c - 1].weight += e.fusedWeight
            if let f = e.firstCoaction { perCluster[c - 1].first = min(perCluster[c - 1].first, f) }
            if let l = e.lastCoaction { perCluster[c - 1].last = max(perCluster[c - 1].last, l) }
        }
        let amp = AmplificationTargets(top: top)
        let urlKeys = URLKeys(ds, features: features)
        let off = context.displayOffsetSeconds
        let watchlist = context.watchlist
        let postAuthorByKey = features.postAuthorByKey
        let top = top
        let perClusterFigures = perCluster
        // Clusters are independent; each worker reuses its dense counters from cluster to cluster.
        return Parallel.map(groups.count, threads: threads, state: { SummaryCounters(ds, urlKeys) }) { counters, i in
            let members = groups[i]
            let id = Int32(i + 1)
            for a in members {
                for idx in ds.postRange(of: a) {
                    let p = Int(ds.postsByAccount[idx])
                    for h in ds.posts.hashtags[p] { counters.tags.add(h) }
                    for u in ds.posts.urls[p] { counters.urls.add(urlKeys.canonical[Int(u)]) }
                }
            }
            let tags = counters.tags.top(top) { ds.hashtags[$0] < ds.hashtags[$1] }.map { h, c in
                Overview.Count(value: ds.hashtags[h], count: c, share: Overview.share(c, counters.tags.total))
            }
            let urls = counters.urls.top(top) { urlKeys.canonicalURLs[$0] < urlKeys.canonicalURLs[$1] }.map { u, c in
                Overview.Count(value: urlKeys.canonicalURLs[u], count: c, share: Overview.share(c, counters.urls.total))
            }
            let amplification = amp.compute(ds, members: members, cluster: cluster, id: id, postAuthorByKey: postAuthorByKey,
                                            watchlist: watchlist, urls: urlKeys, urlCounts: counters.urls, accountEvents: &counters.accounts)
            counters.tags.reset()
            counters.urls.reset()
            var offsets: [String: Int] = [:]
            if let schedule { for a in members { if let h = schedule.offsetHours(of: a) { offsets[String(h), default: 0] += 1 } } }
            let rank: (Int32) -> Int = { roles[Int($0)] == .core ? 0 : roles[Int($0)] == .amplifier ? 1 : 2 }
            let ordered = members.sorted { (rank($0), $0) < (rank($1), $1) }
            let s = perClusterFigures[i]
            return Cluster(
                id: Int(id), size: members.count, communities: communities[i],
                core: members.filter { roles[Int($0)] == .core }.count,
                amplifiers: members.filter { roles[Int($0)] == .amplifier }.count,
                members: ordered.prefix(100).map { ds.accounts.key[$0] }, traces: s.traces, edges: s.edges, fusedWeight: s.weight,
                firstCoaction: s.first == .max ? nil : CivilTime.iso8601(s.first, offsetSeconds: off),
                lastCoaction: s.last == .min ? nil : CivilTime.iso8601(s.last, offsetSeconds: off),
                topHashtags: tags, topURLs: urls, amplification: amplification,
                scheduleOffsetHours: offsets.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.first?.key,
                schedule: schedule?.fingerprint(of: members, in: ds),
                memberIDs: members)
        }
    }
}

/// One summarising worker's counters: hashtags, canonical URLs and amplified accounts.
struct SummaryCounters {
    var tags: DenseCounts
    var urls: DenseCounts
    var accounts: DenseCounts

    init(_ ds: Dataset, _ urls: URLKeys) {
        tags = DenseCounts(ds.hashtags.count)
        self.urls = DenseCounts(urls.canonicalURLs.count)
        accounts = DenseCounts(ds.accounts.count)
    }
}
