import LockstepCore

/// Who reposts whom: every retweet and quote in the data as a link from the reposting account to the
/// author of the reposted post (self-reposts skipped), grouped by reposter.
///
/// Co-action traces tie amplifiers to each other (they retweet the same posts together) but never to
/// the accounts they amplify: retweeting *someone* is not co-acting *with* them. These links carry
/// that relation for ``ClusterLinks`` (which joins amplifiers and what they amplify into one cluster)
/// and for ``Roles``.
struct RepostLinks: Sendable {
    /// Reposts of account `a`: `target[start[a]..<start[a + 1]]`, in the account's post order.
    var start: [Int32]
    var target: [Int32]
    /// Reposts each account received.
    var received: [Int32]

    init(_ ds: Dataset, postAuthorByKey: [Int32]) {
        let n = ds.accounts.count
        var count = [Int32](repeating: 0, count: n + 1)
        var received = [Int32](repeating: 0, count: n)
        var target: [Int32] = []
        for a in 0..<n {
            for idx in ds.postRange(of: Int32(a)) {
                let t = Roles.repostedAuthor(ds, Int(ds.postsByAccount[idx]), postAuthorByKey)
                guard t >= 0, t != Int32(a) else { continue }
                target.append(t)
                count[a + 1] += 1
                received[Int(t)] += 1
            }
        }
        for a in 0..<n { count[a + 1] += count[a] }
        start = count
        self.target = target
        self.received = received
    }

    @inline(__always) func targets(of a: Int32) -> ArraySlice<Int32> { target[Int(start[Int(a)])..<Int(start[Int(a) + 1])] }
}

/// How an account came into its cluster when not through its own co-action edges.
enum ClusterLinkKind: Sendable {
    /// Its reposts go mostly to the cluster's members.
    case repostsCluster
    /// The cluster's members repost it, and they make up most of its reposters' reposts of it.
    case repostedByCluster
}

/// Joins what the co-action network keeps apart: amplifiers and the accounts they amplify.
///
/// Leiden clusters come from co-actions, so an amplifier network (accounts co-retweeting the same
/// posts) and the core whose posts it retweets (accounts co-tweeting the same scripts) come out as
/// separate clusters — a large core as several, one per team — or the core as none at all. Counting
/// only retweets and quotes (``RepostLinks``), a *network amplifier* is an account whose reposts of
/// clustered accounts number at least `minWeight` and make up at least `share` of its posts, and at
/// least `minWeight` of whose retweets of clustered accounts came within `window` of another account's
/// retweet of the same post: it reposts the network, and in step with others who do (an organic
/// sympathiser who retweets the operation now and then, at its own pace, is not one). The others need
/// not be clustered: in a large operation, amplifiers that each retweet a small share of the core's
/// posts share too few posts pairwise to reach `min_weight` with any one of them, and form no
/// community of their own. Three
/// rules, in this order (2 and 3 repeat for a few rounds, as each can enable the other):
///
/// 1. **Clusters amplified together are one.** For each network amplifier, the clusters it is tied
///    to are its own and every cluster whose members it reposts at least `minWeight` times, making at
///    least a tenth of its reposts of clustered accounts. Two
///    clusters tied together by at least two network amplifiers, and by a tenth of the larger
///    cluster's size, become one (one aggregator reposting two unrelated networks is not enough, nor
///    are a few members of a large crowd that boost an operation too).
/// 2. **Originators join the cluster that amplifies them.** An account outside every cluster whose
///    posts the *reposters* of cluster C (members whose own posts are at least `share` reposts)
///    repost at least `minWeight` times, at least two of them, and whose reposts received come at
///    least `share` from them, joins C. This gives a cluster of co-retweeters the core it retweets.
/// 3. **Amplifiers join the cluster they amplify.** A network amplifier outside every cluster whose
///    reposts of one cluster's members number at least `minWeight` and are at least `share` of its
///    posts joins that cluster.
///
/// Rule 2 counts only members that mostly repost: the accounts a core reposts (state media,
/// diplomats) are what the operation amplifies, not part of it, and a core's reposts of them do not
/// pull them in. Its `share` of the account's *received* reposts keeps out popular accounts the
/// cluster also reposts (celebrities, news outlets): their reposts come mostly from outside.
struct ClusterLinks: Sendable {
    var minWeight: Int
    var share: Double
    /// The co-retweet trace's actions (retweets grouped by retweeted post, in time order).
    var retweets: ActionGroups
    /// The co-retweet window.
    var window: Int64
    /// Author of each post key (``noID`` when the post is not in the data).
    var authorByKey: [Int32]

    /// Per account: its retweets of clustered accounts' posts that came within `window` of a
    /// retweet of the same post by another account.
    func cotimed(_ cluster: [Int32]) -> [Int32] {
        var count = [Int32](repeating: 0, count: cluster.count)
        let g = retweets
        for k in 0..<g.groupCount {
            let author = authorByKey[Int(g.item[k])]
            guard author >= 0, cluster[Int(author)] >= 0 else { continue }
            let r = g.range(k)
            // Nearest earlier and later action by another account.
            for j in r {
                let a = g.account[j]
                var hit = false
                var i = j - 1
                while !hit && i >= r.lowerBound && g.time[j] - g.time[i] <= window {
                    hit = g.account[i] != a
                    i -= 1
                }
                i = j + 1
                while !hit && i < r.upperBound && g.time[i] - g.time[j] <= window {
                    hit = g.account[i] != a
                    i += 1
                }
                if hit { count[Int(a)] += 1 }
            }
        }
        return count
    }

    /// Extends `groups` (member lists) in place; returns, per joined account, how it joined, and per
    /// resulting group the number of co-action clusters it is made of.
    func extend(_ ds: Dataset, groups: inout [[Int32]], links: RepostLinks) -> (joined: [Int32: ClusterLinkKind], parts: [Int]) {
        let n = ds.accounts.count
        var cluster = [Int32](repeating: -1, count: n)
        for (i, g) in groups.enumerated() { for a in g { cluster[Int(a)] = Int32(i) } }
        var joined: [Int32: ClusterLinkKind] = [:]

        // Reposts per cluster of one account, most first (ties: lower cluster index).
        var counts: [Int32: Int] = [:]
        func repostsByCluster(_ a: Int32) -> [(cluster: Int32, reposts: Int)] {
            counts.removeAll(keepingCapacity: true)
            for t in links.targets(of: a) where cluster[Int(t)] >= 0 { counts[cluster[Int(t)], default: 0] += 1 }
            return counts.map { ($0.key, $0.value) }.sorted { ($1.reposts, $0.cluster) < ($0.reposts, $1.cluster) }
        }
        func isNetworkAmplifier(_ byCluster: [(cluster: Int32, reposts: Int)], _ a: Int32) -> Bool {
            let total = byCluster.reduce(0) { $0 + $1.reposts }
            return total >= minWeight && Double(total) >= share * Double(ds.postCount(of: a))
        }

        // 1. Clusters tied together by two or more network amplifiers, through a union-find.
        var support: [UInt64: Int] = [:]
        let inStep = cotimed(cluster)
        for a in 0..<Int32(n) where links.targets(of: a).count >= minWeight && Int(inStep[Int(a)]) >= minWeight {
            let byCluster = repostsByCluster(a)
            guard isNetworkAmplifier(byCluster, a) else { continue }
            // A tie is a real part of the account's amplifying, not a few reposts on the side: an
            // operation's amplifier spreads its reposts over the operation's teams, a fan who boosts
            // an activist now and then ties nothing.
            let total = byCluster.reduce(0) { $0 + $1.reposts }
            var tied = byCluster.filter { $0.reposts >= minWeight && Double($0.reposts) >= Self.minTieShare * Double(total) }.map(\.cluster)
            if cluster[Int(a)] >= 0 && !tied.contains(cluster[Int(a)]) { tied.append(cluster[Int(a)]) }
            tied.sort()
            for i in tied.indices { for j in tied.indices where j > i { support[PairTable.key(tied[i], tied[j]), default: 0] += 1 } }
        }
        var parent = Array(Int32(0)..<Int32(groups.count))
        func root(_ x: Int32) -> Int32 {
            var x = x
            while parent[Int(x)] != x { parent[Int(x)] = parent[Int(parent[Int(x)])]; x = parent[Int(x)] }
            return x
        }
        for (k, c) in support where c >= Self.minSupport(groups[Int(PairTable.low(k))].count, groups[Int(PairTable.high(k))].count) {
            let x = root(PairTable.low(k)), y = root(PairTable.high(k))
            if x != y { parent[Int(max(x, y))] = min(x, y) }
        }
        var merged: [Int32: [Int32]] = [:]
        var partCount: [Int32: Int] = [:]
        for (i, g) in groups.enumerated() {
            merged[root(Int32(i)), default: []].append(contentsOf: g)
            partCount[root(Int32(i)), default: 0] += 1
        }
        let roots = merged.keys.sorted()
        groups = roots.map { merged[$0]!.sorted() }
        let parts = roots.map { partCount[$0]! }
        for (i, g) in groups.enumerated() { for a in g { cluster[Int(a)] = Int32(i) } }

        // 2 and 3 feed each other (amplifiers that join make an originator's reposts mostly the
        // cluster's; originators that join give amplifiers a cluster to amplify): a few rounds, until
        // nothing changes.
        for _ in 0..<Self.rounds {
            let before = joined.count
            joinOriginators(ds, groups: &groups, cluster: &cluster, joined: &joined, links: links)
            joinAmplifiers(ds, groups: &groups, cluster: &cluster, joined: &joined, links: links)
            if joined.count == before { break }
        }
        for i in groups.indices { groups[i].sort() }
        return (joined, parts)
    }

    static let rounds = 4

    /// Share of a network amplifier's reposts of clustered accounts that must go to a cluster for
    /// the amplifier to tie that cluster to others.
    static let minTieShare = 0.1

    /// Network amplifiers needed to join two clusters: two, and a tenth of the larger cluster.
    /// An operation's amplifiers tie its teams by the dozen (every amplifier reposts every team);
    /// a handful of accounts that happen to repost both a fan base and an operation (an authentic
    /// crowd's members boost many things) must not make them one cluster, since one cluster gets one
    /// verdict. The larger cluster sets the bar: two small clusters are tied as easily as ever, a
    /// large crowd needs many of its accounts to tie it to anything.
    static func minSupport(_ x: Int, _ y: Int) -> Int { max(2, (max(x, y) + 9) / 10) }

    /// Per node of the fused network: whether repost links tie it to its own Leiden community — it
    /// reposts the community's members at least `minWeight` times, or the community's reposters
    /// (members whose posts are at least `share` reposts) repost it at least `minWeight` times.
    /// Such nodes need no second co-action tie to stay (``WeightedGraph/corroborated``).
    func anchored(_ ds: Dataset, nodes: [Int32], community: [Int32], links: RepostLinks) -> [Bool] {
        var of = [Int32](repeating: -1, count: ds.accounts.count)
        for (i, a) in nodes.enumerated() { of[Int(a)] = community[i] }
        var reposts = [Int32](repeating: 0, count: ds.accounts.count)
        var reposted = [Int32](repeating: 0, count: ds.accounts.count)
        for a in nodes {
            let own = links.targets(of: a)
            let reposter = Double(own.count) >= share * Double(ds.postCount(of: a))
            for t in own where of[Int(t)] == of[Int(a)] {
                reposts[Int(a)] += 1
                if reposter { reposted[Int(t)] += 1 }
            }
        }
        return nodes.map { Int(reposts[Int($0)]) >= minWeight || Int(reposted[Int($0)]) >= minWeight }
    }

    /// Rule 2: originators amplified mostly by one cluster's reposters.
    func joinOriginators(_ ds: Dataset, groups: inout [[Int32]], cluster: inout [Int32], joined: inout [Int32: ClusterLinkKind],
                         links: RepostLinks) {
        var byCluster = [[Int32: (reposts: Int, reposters: Int)]](repeating: [:], count: groups.count)
        for (i, g) in groups.enumerated() {
            for a in g where Double(links.targets(of: a).count) >= share * Double(ds.postCount(of: a)) {
                var seen: Set<Int32> = []
                for t in links.targets(of: a) where cluster[Int(t)] < 0 {
                    let first = seen.insert(t).inserted
                    byCluster[i][t, default: (0, 0)].reposts += 1
                    if first { byCluster[i][t]!.reposters += 1 }
                }
            }
        }
        var originators: [(account: Int32, cluster: Int32, reposts: Int)] = []
        for (i, targets) in byCluster.enumerated() {
            for (t, c) in targets where c.reposts >= minWeight && c.reposters >= 2
                && Double(c.reposts) >= share * Double(links.received[Int(t)]) {
                originators.append((t, Int32(i), c.reposts))
            }
        }
        // An account amplified by two clusters (possible only when share < 0.5) joins the stronger.
        originators.sort { ($0.account, -$0.reposts, $0.cluster) < ($1.account, -$1.reposts, $1.cluster) }
        for o in originators where cluster[Int(o.account)] < 0 {
            cluster[Int(o.account)] = o.cluster
            groups[Int(o.cluster)].append(o.account)
            joined[o.account] = .repostedByCluster
        }
    }

    /// Rule 3: network amplifiers outside every cluster join the cluster they amplify most.
    func joinAmplifiers(_ ds: Dataset, groups: inout [[Int32]], cluster: inout [Int32], joined: inout [Int32: ClusterLinkKind],
                        links: RepostLinks) {
        var counts: [Int32: Int] = [:]
        var added: [(account: Int32, cluster: Int32)] = []
        let inStep = cotimed(cluster)
        for a in 0..<Int32(ds.accounts.count) where cluster[Int(a)] < 0 && links.targets(of: a).count >= minWeight
            && Int(inStep[Int(a)]) >= minWeight {
            counts.removeAll(keepingCapacity: true)
            for t in links.targets(of: a) where cluster[Int(t)] >= 0 { counts[cluster[Int(t)], default: 0] += 1 }
            guard let best = counts.max(by: { ($0.value, $1.key) < ($1.value, $0.key) }), best.value >= minWeight,
                  Double(best.value) >= share * Double(ds.postCount(of: a)) else { continue }
            added.append((a, best.key))
        }
        for x in added {
            cluster[Int(x.account)] = x.cluster
            groups[Int(x.cluster)].append(x.account)
            joined[x.account] = .repostsCluster
        }
    }
}
