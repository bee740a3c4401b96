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
/// posts) and the core whose posts it retweets (accounts co-tweeting the same scripts) can be two
/// clusters, or the core none at all. Three rules, applied once each, in this order:
///
/// 1. **Clusters that amplify a cluster join it.** When the reposts of cluster A's members aimed at
///    members of cluster B are at least `share` of all posts of A's members, A and B become one.
/// 2. **Originators join the cluster that amplifies them.** An account outside every cluster whose
///    posts the *reposters* of cluster C (members whose own posts are at least `share` reposts)
///    repost at least `minWeight` times, at least two of them, and whose reposts received come at
///    least `share` from them, joins C. This gives a cluster of co-retweeters the core it retweets.
/// 3. **Amplifiers join the cluster they amplify.** An account outside every cluster whose reposts of
///    cluster C's members number at least `minWeight` and are at least `share` of its posts joins C.
///
/// Rule 2 counts only members that mostly repost: the accounts a core reposts (state media,
/// diplomats) are what the operation amplifies, not part of it, and a core's reposts of them do not
/// pull them in. Its `share` of the account's *received* reposts keeps out popular accounts the
/// cluster also reposts (celebrities, news outlets): their reposts come mostly from outside.
struct ClusterLinks: Sendable {
    var minWeight: Int
    var share: Double

    /// Extends `groups` (member lists) in place; returns, per joined account, how it joined.
    func extend(_ ds: Dataset, groups: inout [[Int32]], links: RepostLinks) -> [Int32: ClusterLinkKind] {
        let n = ds.accounts.count
        var cluster = [Int32](repeating: -1, count: n)
        for (i, g) in groups.enumerated() { for a in g { cluster[Int(a)] = Int32(i) } }
        var joined: [Int32: ClusterLinkKind] = [:]

        // 1. Cluster-to-cluster merges, through a union-find on cluster indices.
        var parent = Array(Int32(0)..<Int32(groups.count))
        func root(_ x: Int32) -> Int32 {
            var x = x
            while parent[Int(x)] != x { parent[Int(x)] = parent[Int(parent[Int(x)])]; x = parent[Int(x)] }
            return x
        }
        for (i, g) in groups.enumerated() {
            var posts = 0
            var toCluster: [Int32: Int] = [:]
            for a in g {
                posts += ds.postCount(of: a)
                for t in links.targets(of: a) where cluster[Int(t)] >= 0 && cluster[Int(t)] != Int32(i) {
                    toCluster[cluster[Int(t)], default: 0] += 1
                }
            }
            guard let best = toCluster.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }),
                  best.value >= minWeight, Double(best.value) >= share * Double(posts) else { continue }
            let x = root(Int32(i)), y = root(best.key)
            if x != y { parent[Int(max(x, y))] = min(x, y) }
        }
        var merged: [Int32: [Int32]] = [:]
        for (i, g) in groups.enumerated() { merged[root(Int32(i)), default: []].append(contentsOf: g) }
        groups = merged.keys.sorted().map { merged[$0]!.sorted() }
        for (i, g) in groups.enumerated() { for a in g { cluster[Int(a)] = Int32(i) } }

        // 2. Originators amplified mostly by one cluster: count each cluster's reposts of outsiders.
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

        // 3. Amplifiers: accounts outside every cluster whose reposts go mostly to one cluster.
        var added: [(account: Int32, cluster: Int32)] = []
        var toCluster: [Int32: Int] = [:]
        for a in 0..<Int32(n) where cluster[Int(a)] < 0 && links.targets(of: a).count >= minWeight {
            toCluster.removeAll(keepingCapacity: true)
            for t in links.targets(of: a) where cluster[Int(t)] >= 0 { toCluster[cluster[Int(t)], default: 0] += 1 }
            guard let best = toCluster.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }),
                  best.value >= minWeight, Double(best.value) >= share * Double(ds.postCount(of: a)) else { continue }
            added.append((a, best.key))
        }
        for x in added {
            cluster[Int(x.account)] = x.cluster
            groups[Int(x.cluster)].append(x.account)
            joined[x.account] = .repostsCluster
        }
        for i in groups.indices { groups[i].sort() }
        return joined
    }
}
