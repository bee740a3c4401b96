import LockstepCore

/// Coordinated clusters judged and grouped: each cluster gets a verdict (`operation`,
/// `authentic_coordination`, `undetermined`) with its reasons, and clusters that belong together —
/// one amplifying another, or sharing their content, at one office clock — become one operation
/// with its own office offset (from the accounts that set the pace), roles, narratives and the
/// accounts, watch-listed or of other operations, it amplifies.
///
/// Authentic coordination (fans, activists, syndicated newsrooms, live-event crowds) is everywhere;
/// calling it an influence operation is the error this field is most criticised for. A coordinated
/// cluster is therefore evidence of an operation only when its members also look like a workplace
/// (``GroupSignals``); docs/methodology/operations.md has the signals, their weights and how an
/// operation could evade each.
public struct Operations: Analysis {
    public static let name = "operations"
    public static let summary = "Cluster verdicts (operation, authentic coordination, undetermined) with reasons, and clusters grouped into operations with their office offset, roles, hashtags and cross-operation amplification"
    public static let dependencies = ["coordination"]
    public static let runsAfter = ["schedule", "personas", "cohorts", "hijack"]
    public static let parameters = [
        ParameterSpec("link_share", .number(0...1, lowerOpen: true), default: "0.2",
                      "Clusters join one operation when one's reposts of the other, or their shared items (Jaccard), reach this share (at compatible office offsets)"),
        ParameterSpec("examples", .integer(0...100), default: "3", "Example reposts listed per amplification target"),
        ParameterSpec("loyal_reposts", .atLeast(1), default: "15", "Reposts of an operation's members that make an account outside every cluster its loyal amplifier (with loyal_share and three members)"),
        ParameterSpec("loyal_share", .number(0...1, lowerOpen: true), default: "0.25", "Share of an account's reposts that must boost one operation for the loyal-amplifier link"),
    ]

    let linkShare: Double
    let examples: Int
    let loyalReposts: Int
    let loyalShare: Double

    public init(options: AnalysisOptions) throws {
        linkShare = try options.double(Self.self, "link_share")
        examples = try options.int(Self.self, "examples")
        loyalReposts = try options.int(Self.self, "loyal_reposts")
        loyalShare = try options.double(Self.self, "loyal_share")
    }

    /// An account outside every cluster that boosts an operation's members again and again, at its
    /// own pace and amid other posting: the stealthy amplifier the co-action traces cannot see.
    public struct LoyalAmplifier: Codable, Sendable, Equatable {
        public var operation: Int
        /// Its reposts of the operation's members, of how many members, and their share of its reposts.
        public var reposts: Int
        public var members: Int
        public var share: Double
        /// Median minutes between the original and its repost.
        public var medianLagMinutes: Double?
    }

    /// What an operation amplifies: another operation (or coordinated group), a watch-list label, or a watch-listed account.
    public struct Amplified: Codable, Sendable, Equatable {
        public var operation: Int?
        public var label: String?
        public var account: String?
        public var reposts: Int
        /// `post_id reposts post_id (@handle)`.
        public var examples: [String]
    }

    /// One cluster's verdict.
    public struct ClusterVerdict: Codable, Sendable, Equatable {
        public var cluster: Int
        public var operation: Int
        public var verdict: String
        public var inauthentic: Double
        public var authentic: Double
        public var reasons: [VerdictReason]
        public var figures: GroupFigures
    }

    /// One operation: clusters that belong together, with a verdict.
    public struct Operation: Codable, Sendable, Equatable {
        public var id: Int
        public var verdict: String
        public var accounts: Int
        public var core: Int
        public var amplifiers: Int
        public var clusters: [Int]
        /// The office offset of the accounts that set the pace, when they keep a working week.
        public var utcOffsetHours: Int?
        /// Which accounts the offset comes from, and how the reactive accounts' own clock differs.
        public var offsetBasis: String
        public var firstPost: String?
        public var lastPost: String?
        public var topHashtags: [String]
        public var amplifies: [Amplified]
        public var inauthentic: Double
        public var authentic: Double
        public var reasons: [VerdictReason]
        public var figures: GroupFigures
        /// Why these clusters are one operation.
        public var joinedBecause: [String]
        /// Accounts outside every cluster that amplify this operation loyally (included in `accounts` and `amplifiers`).
        public var loyalAmplifiers: Int = 0
        /// All member ids (not in the JSON).
        public var memberIDs: [Int32] = []

        enum CodingKeys: String, CodingKey {
            case id, verdict, accounts, core, amplifiers, clusters
            case utcOffsetHours = "utc_offset_hours", offsetBasis = "offset_basis"
            case firstPost = "first_post", lastPost = "last_post", topHashtags = "top_hashtags"
            case amplifies, inauthentic, authentic, reasons, figures
            case joinedBecause = "joined_because"
            case loyalAmplifiers = "loyal_amplifiers"
        }

        /// The contract's optional fields are written as `null`, not left out.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(verdict, forKey: .verdict)
            try c.encode(accounts, forKey: .accounts)
            try c.encode(core, forKey: .core)
            try c.encode(amplifiers, forKey: .amplifiers)
            try c.encode(clusters, forKey: .clusters)
            try c.encode(utcOffsetHours, forKey: .utcOffsetHours)
            try c.encode(offsetBasis, forKey: .offsetBasis)
            try c.encode(firstPost, forKey: .firstPost)
            try c.encode(lastPost, forKey: .lastPost)
            try c.encode(topHashtags, forKey: .topHashtags)
            try c.encode(amplifies, forKey: .amplifies)
            try c.encode(inauthentic, forKey: .inauthentic)
            try c.encode(authentic, forKey: .authentic)
            try c.encode(reasons, forKey: .reasons)
            try c.encode(figures, forKey: .figures)
            try c.encode(joinedBecause, forKey: .joinedBecause)
            try c.encode(loyalAmplifiers, forKey: .loyalAmplifiers)
        }
    }

    /// `summary.json`'s `operations`: a list of operations (each with its clusters' verdicts inside `clusterVerdicts`).
    public struct Result: AnalysisResult {
        public var operations: [Operation] = []
        public var clusterVerdicts: [ClusterVerdict] = []
        /// Operation id per account id, or 0.
        var accountOperation: [Int32] = []
        /// Loyal amplifiers per account id (not in the JSON; counted per operation).
        public var loyal: [Int32: LoyalAmplifier] = [:]

        public init(operations: [Operation] = [], clusterVerdicts: [ClusterVerdict] = [], accountOperation: [Int32] = []) {
            self.operations = operations
            self.clusterVerdicts = clusterVerdicts
            self.accountOperation = accountOperation
        }

        /// The contract is a list: each operation, with its clusters' verdicts nested in it.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.unkeyedContainer()
            for o in operations {
                try c.encode(Encoded(operation: o, clusterVerdicts: clusterVerdicts.filter { $0.operation == o.id }))
            }
        }

        public init(from decoder: any Decoder) throws {
            var c = try decoder.unkeyedContainer()
            while !c.isAtEnd {
                let e = try c.decode(Encoded.self)
                operations.append(e.operation)
                clusterVerdicts += e.clusterVerdicts
            }
        }

        struct Encoded: Codable {
            var operation: Operation
            var clusterVerdicts: [ClusterVerdict]
            enum Key: String, CodingKey { case clusterVerdicts = "cluster_verdicts" }
            init(operation: Operation, clusterVerdicts: [ClusterVerdict]) {
                self.operation = operation
                self.clusterVerdicts = clusterVerdicts
            }
            init(from decoder: any Decoder) throws {
                operation = try Operation(from: decoder)
                clusterVerdicts = try decoder.container(keyedBy: Key.self).decodeIfPresent([ClusterVerdict].self, forKey: .clusterVerdicts) ?? []
            }
            func encode(to encoder: any Encoder) throws {
                try operation.encode(to: encoder)
                var c = encoder.container(keyedBy: Key.self)
                try c.encode(clusterVerdicts, forKey: .clusterVerdicts)
            }
        }

        /// The operation an account belongs to, if any.
        public func operation(of a: Int32) -> Operation? {
            guard Int(a) < accountOperation.count, accountOperation[Int(a)] > 0 else { return nil }
            return operations[Int(accountOperation[Int(a)]) - 1]
        }

        public func verdict(ofCluster c: Int) -> ClusterVerdict? { clusterVerdicts.first { $0.cluster == c } }

        public func accountColumns(_ dataset: Dataset) -> [AccountColumn] {
            var id = [String](repeating: "", count: accountOperation.count)
            var verdict = id
            for (i, o) in accountOperation.enumerated() where o > 0 {
                id[i] = String(o)
                verdict[i] = operations[Int(o) - 1].verdict
            }
            return [AccountColumn(name: "operation", values: id), AccountColumn(name: "operation_verdict", values: verdict)]
        }
    }

    public func run(on ds: Dataset, context: AnalysisContext) throws -> Result {
        guard let coordination = context.result(of: Coordination.self), !coordination.clusters.isEmpty else {
            return Result(accountOperation: [Int32](repeating: 0, count: ds.accounts.count))
        }
        var postAuthorByKey = coordination.postAuthorByKey, timeByKey = coordination.postTimeByKey
        if postAuthorByKey.count != ds.postKeys.count || timeByKey.count != ds.postKeys.count {
            // A result built by hand rather than by `Coordination.run`: the posts in the data, unlinked.
            postAuthorByKey = [Int32](repeating: noID, count: ds.postKeys.count)
            timeByKey = [Int64](repeating: noTime, count: ds.postKeys.count)
            for p in 0..<ds.posts.count where ds.posts.key[p] != noID {
                postAuthorByKey[Int(ds.posts.key[p])] = ds.posts.account[p]
                timeByKey[Int(ds.posts.key[p])] = ds.posts.time[p]
            }
        }
        var watchlisted = [Bool](repeating: false, count: ds.accounts.count)
        var watchLabel: [Int32: String] = [:]
        if let w = context.watchlist, !w.isEmpty {
            for a in 0..<Int32(ds.accounts.count) {
                if let l = w.label(accountID: ds.accounts.key[a], handle: ds.handle(of: a)) { watchlisted[Int(a)] = true; watchLabel[a] = l }
            }
        }
        var hijacked = Set<Int32>()
        for (a, h) in context.result(of: HijackedAccounts.self)?.perAccount ?? [:] where h.suspect { hijacked.insert(a) }
        let roles = coordination.accountRole
        let input = GroupSignals.Inputs(schedule: context.result(of: Schedule.self), personas: context.result(of: Personas.self),
                                        cohorts: context.result(of: CreationCohorts.self), hijacked: hijacked, roles: roles,
                                        watchlisted: watchlisted, postAuthorByKey: postAuthorByKey)
        let clusters = coordination.clusters
        let space = ItemSpace(ds)
        let signals: [GroupSignals] = Parallel.map(clusters.count, threads: Parallel.defaultThreads,
                                                   state: { ItemScratch(space) }) { scratch, i in
            GroupSignals(ds, members: clusters[i].memberIDs, input, scratch: &scratch)
        }

        // Cluster-to-cluster reposts, and each cluster's shared items, for the joins.
        let k = clusters.count
        var clusterOf = [Int32](repeating: -1, count: ds.accounts.count)
        for (i, c) in clusters.enumerated() { for a in c.memberIDs { clusterOf[Int(a)] = Int32(i) } }
        var reposts = [Int](repeating: 0, count: k * k)
        var posts = [Int](repeating: 0, count: k)
        for (i, c) in clusters.enumerated() {
            for a in c.memberIDs {
                for idx in ds.postRange(of: a) {
                    posts[i] += 1
                    let t = Roles.repostedAuthor(ds, Int(ds.postsByAccount[idx]), postAuthorByKey)
                    if t >= 0, clusterOf[Int(t)] >= 0, clusterOf[Int(t)] != Int32(i) { reposts[i * k + Int(clusterOf[Int(t)])] += 1 }
                }
            }
        }
        let items = signals.map { Set($0.sharedItems) }
        let sharedLoyal = loyalSupport(ds, clusterOf: clusterOf, isOperation: signals.map { $0.verdict == .operation },
                                       postAuthorByKey: postAuthorByKey, timeByKey: timeByKey)

        // Union-find over clusters that are not authentic: authentic coordination is never part of an operation.
        var parent = Array(0..<k)
        func root(_ x: Int) -> Int { var x = x; while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }; return x }
        var pairWhy: [(Int, [String])] = []
        for i in 0..<k where signals[i].verdict != .authentic {
            for j in (i + 1)..<max(i + 1, k) where signals[j].verdict != .authentic {
                let oi = signals[i].figures.paceOffsetHours, oj = signals[j].figures.paceOffsetHours
                if let x = oi, let y = oj, abs(x - y) > 1 { continue }
                let ij = Double(reposts[i * k + j]) / Double(max(1, posts[i]))
                let ji = Double(reposts[j * k + i]) / Double(max(1, posts[j]))
                let inter = items[i].intersection(items[j]).count
                let jaccard = inter == 0 ? 0 : Double(inter) / Double(items[i].count + items[j].count - inter)
                var why: [String] = []
                if ij >= linkShare { why.append("cluster \(clusters[i].id) reposts cluster \(clusters[j].id) (\(GroupSignals.pct(ij)) of its posts)") }
                if ji >= linkShare { why.append("cluster \(clusters[j].id) reposts cluster \(clusters[i].id) (\(GroupSignals.pct(ji)) of its posts)") }
                if jaccard >= linkShare { why.append("clusters \(clusters[i].id) and \(clusters[j].id) share \(GroupSignals.pct(jaccard)) of their items") }
                let both = sharedLoyal[PairTable.key(Int32(i), Int32(j))] ?? 0
                if both >= max(3, Int((linkShare * Double(min(clusters[i].size, clusters[j].size))).rounded(.up))) {
                    why.append("\(both) accounts outside every cluster loyally boost both clusters \(clusters[i].id) and \(clusters[j].id)")
                }
                guard !why.isEmpty else { continue }
                let x = root(i), y = root(j)
                if x != y { parent[max(x, y)] = min(x, y) }
                pairWhy.append((i, why))
            }
        }
        var because: [Int: [String]] = [:]
        for (i, why) in pairWhy { because[root(i), default: []] += why }
        var groups: [Int: [Int]] = [:]
        for i in 0..<k { groups[root(i), default: []].append(i) }

        // One operation per group, judged on all its members together.
        var built: [(clusters: [Int], members: [Int32], signals: GroupSignals, why: [String])] = []
        for (r, cs) in groups {
            let members = cs.count == 1 ? clusters[cs[0]].memberIDs : cs.flatMap { clusters[$0].memberIDs }.sorted()
            var scratch = ItemScratch(space)
            let s = cs.count == 1 ? signals[cs[0]] : GroupSignals(ds, members: members, input, scratch: &scratch)
            built.append((cs, members, s, because[r] ?? []))
        }
        let rank: (GroupSignals.Verdict) -> Int = { $0 == .operation ? 0 : $0 == .undetermined ? 1 : 2 }
        built.sort { (rank($0.signals.verdict), -$0.members.count, $0.clusters[0]) < (rank($1.signals.verdict), -$1.members.count, $1.clusters[0]) }
        var accountOperation = [Int32](repeating: 0, count: ds.accounts.count)
        for (n, b) in built.enumerated() { for a in b.members { accountOperation[Int(a)] = Int32(n + 1) } }
        let isOperation = built.map { $0.signals.verdict == .operation }
        let loyal = loyalAmplifiers(ds, clusterOf: clusterOf, accountOperation: accountOperation, isOperation: isOperation,
                                    postAuthorByKey: postAuthorByKey, timeByKey: timeByKey)
        var loyalCount = [Int](repeating: 0, count: built.count)
        // In account order: members' order decides which reposts become an operation's examples.
        for (a, l) in loyal.sorted(by: { $0.key < $1.key }) {
            accountOperation[Int(a)] = Int32(l.operation)
            built[l.operation - 1].members.append(a)
            loyalCount[l.operation - 1] += 1
        }

        let schedule = context.result(of: Schedule.self)
        let off = context.displayOffsetSeconds
        var operations: [Operation] = []
        var verdicts: [ClusterVerdict] = []
        for (n, b) in built.enumerated() {
            let id = n + 1
            let s = b.signals
            var first = Int64.max, last = Int64.min
            var tags: [Int32: Int] = [:]
            for a in b.members {
                let r = ds.postRange(of: a)
                guard !r.isEmpty else { continue }
                first = min(first, ds.posts.time[Int(ds.postsByAccount[r.lowerBound])])
                last = max(last, ds.posts.time[Int(ds.postsByAccount[r.upperBound - 1])])
                for idx in r { for h in ds.posts.hashtags[Int(ds.postsByAccount[idx])] { tags[h, default: 0] += 1 } }
            }
            let topTags = tags.sorted { $0.value != $1.value ? $0.value > $1.value : ds.hashtags[$0.key] < ds.hashtags[$1.key] }
                .prefix(5).map { "#" + ds.hashtags[$0.key] }
            var basis = s.paceSetters.count == b.members.count
                ? "all \(b.members.count) members (no core accounts set the pace)"
                : "\(s.paceSetters.count) pace-setting (core) accounts"
            if let schedule, let h = s.figures.paceOffsetHours {
                let reactive = b.members.filter { roles[Int($0)] == .amplifier }
                if reactive.count >= 3 {
                    let f = schedule.fingerprint(of: reactive, in: ds)
                    if f.inference.verdict == "working-week", let ra = f.inference.offsetHours, ra != h {
                        basis += "; its \(reactive.count) amplifiers on their own would read as UTC\(ra >= 0 ? "+" : "")\(ra), but they react to the core and take their rhythm from it"
                    }
                }
            }
            operations.append(Operation(
                id: id, verdict: s.verdict.rawValue, accounts: b.members.count,
                core: b.members.filter { roles[Int($0)] == .core }.count,
                amplifiers: b.members.filter { roles[Int($0)] == .amplifier }.count + loyalCount[n],
                clusters: b.clusters.map { clusters[$0].id }.sorted(), utcOffsetHours: s.figures.paceOffsetHours, offsetBasis: basis,
                firstPost: first == .max ? nil : CivilTime.iso8601(first, offsetSeconds: off),
                lastPost: last == .min ? nil : CivilTime.iso8601(last, offsetSeconds: off),
                topHashtags: Array(topTags),
                amplifies: amplified(ds, members: b.members, own: Int32(id), accountOperation: accountOperation,
                                     postAuthorByKey: postAuthorByKey, timeByKey: timeByKey, watchLabel: watchLabel, offset: off),
                inauthentic: (s.inauthentic * 1000).rounded() / 1000, authentic: (s.authentic * 1000).rounded() / 1000,
                reasons: s.reasons, figures: s.figures, joinedBecause: b.why, loyalAmplifiers: loyalCount[n], memberIDs: b.members))
            for c in b.clusters {
                let cs = signals[c]
                verdicts.append(ClusterVerdict(cluster: clusters[c].id, operation: id, verdict: cs.verdict.rawValue,
                                               inauthentic: (cs.inauthentic * 1000).rounded() / 1000,
                                               authentic: (cs.authentic * 1000).rounded() / 1000, reasons: cs.reasons, figures: cs.figures))
            }
        }
        verdicts.sort { $0.cluster < $1.cluster }
        var result = Result(operations: operations, clusterVerdicts: verdicts, accountOperation: accountOperation)
        result.loyal = loyal
        return result
    }

    /// Per pair of clusters judged operations (``PairTable`` key of their indexes): accounts outside
    /// every cluster that amplify operations loyally (as ``loyalAmplifiers`` counts them) and give each
    /// of the two at least a third of `loyal_reposts`. One amplifier network serving two clusters
    /// makes them one operation (a stealthy operation's shifts or teams share their amplifiers).
    func loyalSupport(_ ds: Dataset, clusterOf: [Int32], isOperation: [Bool], postAuthorByKey: [Int32],
                      timeByKey: [Int64]) -> [UInt64: Int] {
        guard isOperation.filter({ $0 }).count >= 2 else { return [:] }
        var support: [UInt64: Int] = [:]
        forEachLoyal(ds, clusterOf: clusterOf, groupOf: clusterOf, isOperation: isOperation,
                     postAuthorByKey: postAuthorByKey, timeByKey: timeByKey) { _, _, per in
            let each = per.filter { $0.value.reposts * 3 >= loyalReposts }.keys.sorted()
            for x in each.indices { for y in each.indices where y > x { support[PairTable.key(each[x], each[y]), default: 0] += 1 } }
        }
        return support
    }

    /// Accounts outside every cluster whose reposts of operations' members number at least
    /// `loyal_reposts`, reach at least three of them, and are at least `loyal_share` of its reposts.
    func loyalAmplifiers(_ ds: Dataset, clusterOf: [Int32], accountOperation: [Int32], isOperation: [Bool],
                         postAuthorByKey: [Int32], timeByKey: [Int64]) -> [Int32: LoyalAmplifier] {
        guard isOperation.contains(true) else { return [:] }
        var out: [Int32: LoyalAmplifier] = [:]
        forEachLoyal(ds, clusterOf: clusterOf, groupOf: accountOperation.map { $0 - 1 }, isOperation: isOperation,
                     postAuthorByKey: postAuthorByKey, timeByKey: timeByKey) { a, reposts, byOperation in
            // Counted over every operation it boosts (one operation can come out as several groups,
            // e.g. one per shift); it joins the one it boosts most.
            guard let best = byOperation.max(by: { ($0.value.reposts, $1.key) < ($1.value.reposts, $0.key) }) else { return }
            let boosted = byOperation.values.reduce(0) { $0 + $1.reposts }
            let members = byOperation.values.reduce(0) { $0 + $1.members.count }
            guard members >= 3 else { return }
            out[a] = LoyalAmplifier(operation: Int(best.key) + 1, reposts: boosted, members: members,
                                    share: (Double(boosted) / Double(reposts) * 1000).rounded() / 1000,
                                    medianLagMinutes: GroupSignals.median(byOperation.values.flatMap(\.lags)).map { ($0 * 10).rounded() / 10 })
        }
        return out
    }

    /// One account's reposts of one group's members.
    struct LoyalTally {
        var reposts = 0
        var members = Set<Int32>()
        /// Minutes from each reposted post to the repost, where the original's time is known.
        var lags: [Double] = []
    }

    /// Visits each account outside every cluster whose reposts of members of groups judged operations
    /// (`groupOf`: a group index per account, -1 for none) number at least `loyal_reposts` and are at
    /// least `loyal_share` of its reposts, with its number of reposts and a tally per group it boosts.
    /// Reposts of authentic or undetermined groups' members do not count against the share: a
    /// stealthy amplifier hides its boosting among reposts of popular accounts.
    func forEachLoyal(_ ds: Dataset, clusterOf: [Int32], groupOf: [Int32], isOperation: [Bool], postAuthorByKey: [Int32],
                      timeByKey: [Int64], _ visit: (_ account: Int32, _ reposts: Int, _ byGroup: [Int32: LoyalTally]) -> Void) {
        var byGroup: [Int32: LoyalTally] = [:]
        for a in 0..<Int32(ds.accounts.count) where clusterOf[Int(a)] < 0 {
            let range = ds.postRange(of: a)
            guard range.count >= loyalReposts else { continue }
            byGroup.removeAll(keepingCapacity: true)
            var reposts = 0, boosted = 0
            for idx in range {
                let p = Int(ds.postsByAccount[idx])
                let t = Roles.repostedAuthor(ds, p, postAuthorByKey)
                guard t >= 0, t != a else { continue }
                reposts += 1
                let g = groupOf[Int(t)]
                guard g >= 0, isOperation[Int(g)] else { continue }
                boosted += 1
                byGroup[g, default: LoyalTally()].reposts += 1
                byGroup[g]!.members.insert(t)
                let k = ds.posts.kind[p] == .retweet ? ds.posts.retweetOf[p] : ds.posts.quoteOf[p]
                if k != noID, timeByKey[Int(k)] != noTime { byGroup[g]!.lags.append(Double(ds.posts.time[p] - timeByKey[Int(k)]) / 60) }
            }
            guard boosted >= loyalReposts, Double(boosted) >= loyalShare * Double(reposts) else { continue }
            visit(a, reposts, byGroup)
        }
    }

    /// Reposts by an operation's members of other operations' members and of watch-listed accounts.
    func amplified(_ ds: Dataset, members: [Int32], own: Int32, accountOperation: [Int32], postAuthorByKey: [Int32],
                   timeByKey: [Int64], watchLabel: [Int32: String], offset: Int) -> [Amplified] {
        var byOperation: [Int32: (Int, [String])] = [:]
        var byLabel: [String: (Int, [String])] = [:]
        var byAccount: [Int32: (Int, [String])] = [:]
        for a in members {
            for idx in ds.postRange(of: a) {
                let p = Int(ds.postsByAccount[idx])
                let t = Roles.repostedAuthor(ds, p, postAuthorByKey)
                guard t >= 0, t != a else { continue }
                // Archives without post ids (IRA's) are checked by account and time instead; a retweet
                // known only by its text names its original by time, not by the internal text key.
                let example = { () -> String in
                    let k = ds.posts.kind[p] == .retweet ? ds.posts.retweetOf[p] : ds.posts.quoteOf[p]
                    let own = Coordination.postID(ds, Int32(p))
                    let source = own.isEmpty ? "@\(ds.handle(of: a)) at \(CivilTime.iso8601(ds.posts.time[p], offsetSeconds: offset))" : own
                    if k != noID, ds.postKeys.derivedIdentity(k) == nil { return "\(source) reposts \(ds.postID(k)) (@\(ds.handle(of: t)))" }
                    let when = k != noID && timeByKey[Int(k)] != noTime
                        ? " of \(CivilTime.iso8601(timeByKey[Int(k)], offsetSeconds: offset))" : ""
                    return "\(source) reposts @\(ds.handle(of: t))'s post\(when)"
                }
                let o = accountOperation[Int(t)]
                if o > 0, o != own {
                    byOperation[o, default: (0, [])].0 += 1
                    if byOperation[o]!.1.count < examples { byOperation[o]!.1.append(example()) }
                }
                if let l = watchLabel[t] {
                    byLabel[l, default: (0, [])].0 += 1
                    if byLabel[l]!.1.count < examples { byLabel[l]!.1.append(example()) }
                    byAccount[t, default: (0, [])].0 += 1
                    if byAccount[t]!.1.count < examples { byAccount[t]!.1.append(example()) }
                }
            }
        }
        var out: [Amplified] = []
        for (o, v) in byOperation.sorted(by: { ($1.value.0, $0.key) < ($0.value.0, $1.key) }) {
            out.append(Amplified(operation: Int(o), label: nil, account: nil, reposts: v.0, examples: v.1))
        }
        for (l, v) in byLabel.sorted(by: { ($1.value.0, $0.key) < ($0.value.0, $1.key) }) {
            out.append(Amplified(operation: nil, label: l, account: nil, reposts: v.0, examples: v.1))
        }
        for (a, v) in byAccount.sorted(by: { ($1.value.0, $0.key) < ($0.value.0, $1.key) }).prefix(5) {
            out.append(Amplified(operation: nil, label: watchLabel[a], account: ds.accounts.key[a], reposts: v.0, examples: v.1))
        }
        return out
    }
}
