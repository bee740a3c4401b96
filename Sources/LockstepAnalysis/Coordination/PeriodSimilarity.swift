import Foundation
import LockstepCore

/// The kinds of item an account's whole-period profile is made of (`period_items`).
package enum PeriodItemKind: String, Sendable, CaseIterable {
    /// Hashtags of its posts (a retweet's too: they are what it spreads).
    case hashtag
    /// Canonical URLs of its posts.
    case url
    /// Posts it retweets, by post id.
    case retweetedPost = "retweeted_post"
    /// Accounts it retweets (the `RT @handle:` source where the data has no post ids).
    case retweetedAccount = "retweeted_account"
    /// Accounts it mentions in its own posts (not the author of the post it replies to).
    case mention
}

/// The whole-period item profile: every (account, item) action in one item space, the kinds laid
/// end to end (hashtags, then canonical URLs, then post keys, then accounts twice), so one inverted
/// index covers them all and an item id says its kind.
struct PeriodProfile: Sendable {
    let kinds: Set<PeriodItemKind>
    /// First item id of each kind, in ``PeriodItemKind/allCases`` order, then the end.
    let offsets: [Int32]

    init(_ ds: Dataset, _ f: PostFeatures, kinds: Set<PeriodItemKind>) {
        self.kinds = kinds
        let sizes = [ds.hashtags.count, f.canonicalURLs.count, ds.postKeys.count, ds.accounts.count, ds.accounts.count]
        var o: [Int32] = [0]
        for s in sizes { o.append(o.last! + Int32(s)) }
        offsets = o
    }

    var itemCount: Int { Int(offsets.last!) }

    func offset(_ k: PeriodItemKind) -> Int32 { offsets[PeriodItemKind.allCases.firstIndex(of: k)!] }

    /// Calls `add(item, post)` once per distinct item of each post, for the selected kinds.
    func forEachAction(_ ds: Dataset, _ f: PostFeatures, _ add: (Int32, Int) -> Void) {
        let P = ds.posts
        let oTag = offset(.hashtag), oURL = offset(.url), oPost = offset(.retweetedPost)
        let oRTAccount = offset(.retweetedAccount), oMention = offset(.mention)
        let tags = kinds.contains(.hashtag), urls = kinds.contains(.url) && !f.canonicalURL.isEmpty
        let rtPost = kinds.contains(.retweetedPost), rtAccount = kinds.contains(.retweetedAccount), mentions = kinds.contains(.mention)
        for p in 0..<P.count {
            if tags {
                let r = P.hashtags.range(p)
                for (k, h) in zip(r, P.hashtags[p]) where !P.hashtags.values[r.lowerBound..<k].contains(h) { add(oTag + h, p) }
            }
            if urls {
                let r = P.urls.range(p)
                for (k, u) in zip(r, P.urls[p]) {
                    let c = f.canonicalURL[Int(u)]
                    if !P.urls.values[r.lowerBound..<k].contains(where: { f.canonicalURL[Int($0)] == c }) { add(oURL + c, p) }
                }
            }
            let isRetweet = P.kind[p] == .retweet
            if isRetweet && rtPost && P.retweetOf[p] != noID { add(oPost + P.retweetOf[p], p) }
            if isRetweet && rtAccount {
                let a = P.retweetAccount[p] != noID ? P.retweetAccount[p]
                    : P.retweetOf[p] != noID ? f.postAuthorByKey[Int(P.retweetOf[p])] : noID
                if a != noID && a != P.account[p] { add(oRTAccount + a, p) }
            }
            // A retweet's mentions are the original's; its source is the retweeted account above.
            if mentions && !isRetweet {
                let r = P.mentions.range(p)
                for (k, m) in zip(r, P.mentions[p]) where m != P.replyAccount[p] && m != P.account[p]
                    && !P.mentions.values[r.lowerBound..<k].contains(m) { add(oMention + m, p) }
            }
        }
    }

    /// A readable name for an item: `#tag`, the canonical URL, a post id, `RT @account`, `@account`.
    func label(_ ds: Dataset, _ f: PostFeatures, item: Int32) -> String {
        var k = 0
        while k + 1 < offsets.count - 1 && item >= offsets[k + 1] { k += 1 }
        let i = item - offsets[k]
        switch PeriodItemKind.allCases[k] {
        case .hashtag: return "#" + ds.hashtags[i]
        case .url: return f.canonicalURLs[i]
        case .retweetedPost: return ds.postKeys[i]
        case .retweetedAccount: return "RT " + Self.at(ds.accounts.key[i])
        case .mention: return Self.at(ds.accounts.key[i])
        }
    }

    /// `@key`; accounts known only by a handle already have `@handle` as their key.
    static func at(_ key: String) -> String { key.hasPrefix("@") ? key : "@" + key
    }
}

/// Whole-period coordination (after Pacheco et al., ICWSM 2021): accounts whose item profiles over
/// the whole period are alike, whenever they acted.
///
/// Each account is a TF-IDF vector over the items it acted on that at least one other account acted
/// on too (weight `(1 + ln tf) × ln(N / df)`, N accounts with such an item, df accounts on the item);
/// pairs are scored by cosine similarity. Dot
/// products come from an inverted index (item → accounts), visited from each account's side: account
/// `a` walks the accounts after it on each of its items and accumulates its partners' figures in
/// arrays indexed by partner, so no table of pairs is ever built and ranges of accounts run on
/// separate threads. Items on more than `maxItemAccounts` accounts are left out of the dot products
/// (they are what makes an inverted index quadratic, and their IDF is low) but count in the norms, so
/// the cap can only lower a similarity.
///
/// Null model: given `a`'s items, how many would an account with `b`'s number of distinct items
/// `d_b` share by chance if it chose items by their popularity? Item `i` (on `k_i` accounts) is
/// chosen with probability `min(1, (k_i − 1) × max(d_b / T, 1 / (N − 1)))`: the configuration
/// (Chung–Lu) model of the bipartite account–item graph, which keeps every account's degree and every
/// item's popularity (`T` account–item pairs in all), floored at the item's share of the other
/// accounts, so a light account is never expected to share less than an average one. Only items in
/// the dot products count. The shared count is a sum of Bernoullis with mean λ over `a`'s `n_a`
/// eligible items; p is the upper tail of a binomial with `n_a` trials and the same mean, which
/// bounds the tail of that sum from above for counts above the mean (Hoeffding 1956), so p is
/// conservative; of the two directions the larger p is kept. Two heavy users of the same popular
/// hashtags share many items and are expected to; two accounts sharing rare items are not.
///
/// Accounts with fewer than `minItems` distinct items take no part: the cosine of two small
/// profiles is mostly chance (two accounts with three items each reach 1 on one coincidence).
struct PeriodSimilarity: Sendable {
    var minSimilarity: Double
    var maxItemAccounts: Int
    var minWeight: Int
    var minItems: Int
    /// Largest p kept; nil skips the test.
    var maxP: Double?
    var percentile: Double
    var threads: Int

    /// The result for one run: kept edges (sorted by pair) and the trace's figures.
    struct Output {
        var edges: [Coordination.Edge]
        var actions: Int
        var items: Int
        var pairs: Int
        var candidates: Int
    }

    /// Account × item incidence in both directions.
    struct Incidence: Sendable {
        /// Per account `a`, its distinct items `item[first[a]..<first[a + 1]]`, ascending.
        var first: [Int32]
        var item: [Int32]
        /// TF-IDF weight, first post (earliest) and its time, per (account, item) entry.
        var weight: [Double]
        var post: [Int32]
        var time: [Int64]
        /// Per entry, whether its item is in the dot products (2 ≤ accounts ≤ cap, positive IDF).
        var eligible: [Bool]
        /// Per entry in the sweep, its position in its item's sweep list (-1: not in the sweep).
        var rank: [Int32]
        /// The inverted index the sweep walks: per item, the accounts of the sweep on it (eligible
        /// entries of accounts with at least `minItems` items) `itemAccount[itemFirst[i]..<itemFirst[i + 1]]`,
        /// ascending, and the matching entries. Light accounts are left out here, not only skipped:
        /// they are half the accounts on the popular items that make most of the visits.
        var itemFirst: [Int32]
        var itemAccount: [Int32]
        var itemEntry: [Int32]
        var norm: [Double]
        /// Per account, the popularities `k − 1` of its eligible items, descending, and their
        /// running sums (for the null's expectation in O(log degree)).
        var pop: [Int32]
        var popSum: [Double]
        var popFirst: [Int32]
        var degree: [Int32]
        var totalPairs: Double
        /// Accounts with at least one item.
        var activeAccounts: Int
        var actions: Int
        var sharedItems: Int
    }

    static func incidence(_ ds: Dataset, _ profile: PeriodProfile, _ f: PostFeatures, maxItemAccounts: Int, minItems: Int) -> Incidence {
        let A = ds.accounts.count, M = profile.itemCount
        var count = [Int32](repeating: 0, count: A + 1)
        var actions: [(Int32, Int32)] = []  // (item, post)
        profile.forEachAction(ds, f) { item, p in
            actions.append((item, Int32(p)))
            count[Int(ds.posts.account[p]) + 1] += 1
        }
        for a in 0..<A { count[a + 1] += count[a] }
        var fill = count
        // Per account, item << 32 | post, sorted: an account's actions on one item side by side.
        var keyed = [UInt64](repeating: 0, count: actions.count)
        for (item, p) in actions {
            let a = Int(ds.posts.account[Int(p)])
            keyed[Int(fill[a])] = UInt64(UInt32(item)) << 32 | UInt64(UInt32(p))
            fill[a] += 1
        }
        var first = [Int32](repeating: 0, count: A + 1)
        var item: [Int32] = [], tf: [Int32] = [], post: [Int32] = [], time: [Int64] = []
        for a in 0..<A {
            let r = Int(count[a])..<Int(count[a + 1])
            keyed[r].sort()
            var i = r.lowerBound
            while i < r.upperBound {
                let it = Int32(truncatingIfNeeded: keyed[i] >> 32)
                var j = i, best = Int32(truncatingIfNeeded: keyed[i] & 0xFFFF_FFFF)
                while j < r.upperBound && Int32(truncatingIfNeeded: keyed[j] >> 32) == it {
                    let p = Int32(truncatingIfNeeded: keyed[j] & 0xFFFF_FFFF)
                    if ds.posts.time[Int(p)] < ds.posts.time[Int(best)] { best = p }
                    j += 1
                }
                item.append(it); tf.append(Int32(j - i)); post.append(best); time.append(ds.posts.time[Int(best)])
                i = j
            }
            first[a + 1] = Int32(item.count)
        }
        var itemAccounts = [Int32](repeating: 0, count: M)
        for it in item { itemAccounts[Int(it)] += 1 }
        // Items on one account only are left out of the profiles: they can never be shared, and with
        // the largest IDF of all they would dominate the norms (an account retweeting hundreds of
        // distinct posts of the same sources would look unlike everyone).
        func accounts(_ e: Int) -> Int { Int(itemAccounts[Int(item[e])]) }
        var active = 0
        for a in 0..<A where (Int(first[a])..<Int(first[a + 1])).contains(where: { accounts($0) >= 2 }) { active += 1 }
        let n = Double(max(1, active))
        var weight = [Double](repeating: 0, count: item.count)
        var eligible = [Bool](repeating: false, count: item.count)
        var norm = [Double](repeating: 0, count: A)
        var degree = [Int32](repeating: 0, count: A)
        var popFirst = [Int32](repeating: 0, count: A + 1)
        var pop: [Int32] = []
        var popSum: [Double] = []
        var sharedItems = 0
        for i in 0..<M where itemAccounts[i] >= 2 { sharedItems += 1 }
        for a in 0..<A {
            let r = Int(first[a])..<Int(first[a + 1])
            let start = pop.count
            for e in r {
                let k = accounts(e)
                if k < 2 { continue }
                degree[a] += 1
                let idf = log(n / Double(k))
                weight[e] = (1 + log(Double(tf[e]))) * idf
                norm[a] += weight[e] * weight[e]
                eligible[e] = k <= maxItemAccounts && idf > 0
                if eligible[e] { pop.append(Int32(k - 1)) }
            }
            pop[start...].sort(by: >)
            var s = 0.0
            for x in start..<pop.count { s += Double(pop[x]); popSum.append(s) }
            popFirst[a + 1] = Int32(pop.count)
            norm[a] = norm[a].squareRoot()
        }
        var itemFirst = [Int32](repeating: 0, count: M + 1)
        for a in 0..<A where degree[a] >= minItems {
            for e in Int(first[a])..<Int(first[a + 1]) where eligible[e] { itemFirst[Int(item[e]) + 1] += 1 }
        }
        for i in 0..<M { itemFirst[i + 1] += itemFirst[i] }
        var itemFill = itemFirst
        var itemAccount = [Int32](repeating: 0, count: Int(itemFirst[M])), itemEntry = itemAccount
        var rank = [Int32](repeating: -1, count: item.count)
        for a in 0..<A where degree[a] >= minItems {
            for e in Int(first[a])..<Int(first[a + 1]) where eligible[e] {
                let i = Int(item[e])
                rank[e] = itemFill[i] - itemFirst[i]
                itemAccount[Int(itemFill[i])] = Int32(a)
                itemEntry[Int(itemFill[i])] = Int32(e)
                itemFill[i] += 1
            }
        }
        return Incidence(first: first, item: item, weight: weight, post: post, time: time, eligible: eligible, rank: rank,
                         itemFirst: itemFirst, itemAccount: itemAccount, itemEntry: itemEntry, norm: norm, pop: pop,
                         popSum: popSum, popFirst: popFirst, degree: degree, totalPairs: Double(degree.reduce(0) { $0 + Int($1) }), activeAccounts: active,
                         actions: actions.count, sharedItems: sharedItems)
    }

    /// Expected shared eligible items of `a`'s profile with a random account of `b`'s degree (see
    /// the type's summary), and `a`'s number of eligible items.
    static func expectedShared(_ x: Incidence, _ a: Int, _ b: Int) -> (mean: Double, trials: Int) {
        let lo = Int(x.popFirst[a]), hi = Int(x.popFirst[a + 1])
        if lo == hi || x.totalPairs == 0 { return (0, hi - lo) }
        let scale = max(Double(x.degree[b]) / x.totalPairs, 1 / Double(max(1, x.activeAccounts - 1)))
        // Items popular enough to be certain under the null: scale × pop ≥ 1 (a prefix, pop descending).
        var l = lo, h = hi
        while l < h {
            let m = (l + h) / 2
            if scale * Double(x.pop[m]) >= 1 { l = m + 1 } else { h = m }
        }
        let saturated = l - lo
        let before = l > lo ? x.popSum[l - 1] : 0
        return (Double(saturated) + scale * (x.popSum[hi - 1] - before), hi - lo)
    }

    /// P(X ≥ k) for X ~ Binomial(n, q).
    static func binomialUpperTail(_ k: Int, _ n: Int, _ q: Double) -> Double {
        if k <= 0 { return 1 }
        if k > n || q <= 0 { return 0 }
        if q >= 1 { return 1 }
        let nd = Double(n), lq = log(q), lr = log1p(-q)
        let ratio = q / (1 - q)
        func logTerm(_ i: Int) -> Double {
            let c = lgamma(nd + 1) - lgamma(Double(i) + 1) - lgamma(Double(n - i) + 1)
            return c + Double(i) * lq + Double(n - i) * lr
        }
        // Sum the side away from the mode, starting next to it, so that the first term never
        // underflows while the tail is large: the upper tail from k when k is above the mean, else
        // one minus the lower tail below k.
        if Double(k) > nd * q {
            var term = exp(logTerm(k)), total = term, i = k
            while i < n && term > total * 1e-17 {
                term *= Double(n - i) / Double(i + 1) * ratio
                total += term
                i += 1
            }
            return min(1, total)
        }
        var term = exp(logTerm(k - 1)), total = term, i = k - 1
        while i > 0 && term > total * 1e-17 {
            term *= Double(i) / Double(n - i + 1) / ratio
            total += term
            i -= 1
        }
        return max(0, 1 - total)
    }

    /// Per partner of the current account, what the pair shares.
    struct Figures {
        var dot = 0.0
        var shared: Int32 = 0, aLeads: Int32 = 0, bLeads: Int32 = 0, ties: Int32 = 0
        var lagSum: Int64 = 0, first = Int64.max, last = Int64.min
    }

    final class Work {
        let figures: ScratchArray<Figures>
        let owner: ScratchArray<Int32>
        let partners: ScratchArray<Int32>

        init(accounts n: Int) {
            figures = ScratchArray(n, Figures())
            owner = ScratchArray(n, -1)
            partners = ScratchArray(n, 0)
        }
    }

    func run(_ ds: Dataset, _ profile: PeriodProfile, _ f: PostFeatures, trace: String) -> Output {
        let x = Self.incidence(ds, profile, f, maxItemAccounts: maxItemAccounts, minItems: minItems)
        let A = ds.accounts.count
        // Ranges of accounts with similar work: the partners each one walks.
        var cost = [Int](repeating: 0, count: A + 1)
        for a in 0..<A {
            var c = 0
            for e in Int(x.first[a])..<Int(x.first[a + 1]) where x.rank[e] >= 0 {
                let i = Int(x.item[e])
                c += Int(x.itemFirst[i + 1] - x.itemFirst[i] - x.rank[e]) - 1
            }
            cost[a + 1] = cost[a] + c + 1
        }
        let ranges = Self.balanced(cost, parts: max(1, threads * 8))
        let me = self
        let found: [(pairs: Int, candidates: Int, edges: [Coordination.Edge])] = Parallel.map(ranges.count, threads: threads,
                                                                                             state: { Work(accounts: A) }) { work, r in
            me.sweep(x, accounts: ranges[r], work)
        }
        var edges = found.flatMap(\.edges)
        if percentile > 0, !edges.isEmpty {
            let sorted = edges.map { $0.similarity ?? 0 }.sorted()
            let rank = Int((percentile / 100 * Double(sorted.count)).rounded(.up)) - 1
            let cut = sorted[min(max(rank, 0), sorted.count - 1)]
            edges = edges.filter { ($0.similarity ?? 0) >= cut }
        }
        Self.addExamples(ds, profile, f, x, edges: &edges, threads: threads)
        return Output(edges: edges, actions: x.actions, items: x.sharedItems,
                      pairs: found.reduce(0) { $0 + $1.pairs }, candidates: found.reduce(0) { $0 + $1.candidates })
    }

    /// About `parts` ranges of accounts, split where the running cost crosses each share.
    static func balanced(_ cost: [Int], parts: Int) -> [Range<Int>] {
        let n = cost.count - 1
        var ranges: [Range<Int>] = []
        var lo = 0
        for k in 1...parts {
            var hi = lo
            while hi < n && (k == parts || cost[hi] * parts < cost[n] * k) { hi += 1 }
            if hi > lo { ranges.append(lo..<hi) }
            lo = hi
        }
        return ranges
    }

    /// Edges of the accounts in `accounts` with every later account; sorted by pair.
    func sweep(_ x: Incidence, accounts: Range<Int>, _ work: Work) -> (pairs: Int, candidates: Int, edges: [Coordination.Edge]) {
        let figures = work.figures.p, owner = work.owner.p, partners = work.partners.p
        var out: [Coordination.Edge] = []
        var pairs = 0, candidates = 0
        for a in accounts where x.degree[a] >= minItems {
            var n = 0
            for e in Int(x.first[a])..<Int(x.first[a + 1]) where x.rank[e] >= 0 {
                let i = Int(x.item[e])
                let wa = x.weight[e], ta = x.time[e]
                for s in Int(x.itemFirst[i] + x.rank[e] + 1)..<Int(x.itemFirst[i + 1]) {
                    let b = Int(x.itemAccount[s])
                    let eb = Int(x.itemEntry[s])
                    let fb = figures + b
                    if owner[b] != Int32(a) {
                        owner[b] = Int32(a)
                        fb.pointee = Figures()
                        partners[n] = Int32(b)
                        n += 1
                    }
                    let tb = x.time[eb]
                    fb.pointee.dot += wa * x.weight[eb]
                    fb.pointee.shared += 1
                    if ta == tb { fb.pointee.ties += 1 } else if ta < tb { fb.pointee.aLeads += 1 } else { fb.pointee.bLeads += 1 }
                    fb.pointee.lagSum += ta < tb ? tb - ta : ta - tb
                    let later = max(ta, tb)
                    if later < fb.pointee.first { fb.pointee.first = later }
                    if later > fb.pointee.last { fb.pointee.last = later }
                }
            }
            pairs += n
            var mine = UnsafeMutableBufferPointer(start: partners, count: n)
            mine.sort()
            for b in mine {
                let g = figures[Int(b)]
                guard Int(g.shared) >= minWeight else { continue }
                let d = x.norm[a] * x.norm[Int(b)]
                let cosine = d > 0 ? min(1, g.dot / d) : 0
                guard cosine >= minSimilarity else { continue }
                candidates += 1
                var mean: Double?, z: Double?, p: Double?
                if let maxP {
                    // Both directions; the less surprising one decides.
                    let ab = Self.expectedShared(x, a, Int(b)), ba = Self.expectedShared(x, Int(b), a)
                    let k = Int(g.shared)
                    let pab = Self.binomialUpperTail(k, ab.trials, ab.mean / Double(max(1, ab.trials)))
                    let pba = Self.binomialUpperTail(k, ba.trials, ba.mean / Double(max(1, ba.trials)))
                    let (null, pv) = pab >= pba ? (ab, pab) : (ba, pba)
                    guard pv <= maxP else { continue }
                    let q = null.mean / Double(max(1, null.trials))
                    mean = null.mean
                    z = (Double(k) - null.mean) / max(Double(null.trials) * q * (1 - q), 1e-12).squareRoot()
                    p = pv
                }
                out.append(Coordination.Edge(
                    a: Int32(a), b: b, trace: PeriodSimilarity.traceName, weight: Int(g.shared), similarity: cosine,
                    nullMean: mean, zScore: z, pValue: p, aLeads: Int(g.aLeads), bLeads: Int(g.bLeads), simultaneous: Int(g.ties),
                    meanLagSeconds: Double(g.lagSum) / Double(max(1, g.shared)), firstCoaction: g.first, lastCoaction: g.last,
                    examples: []))
            }
        }
        return (pairs, candidates, out)
    }

    /// The trace's name in the trace table.
    static let traceName = "whole_period"
    /// Shared items named per edge.
    static let examplesPerEdge = 5

    /// Names the items that contribute most to each kept edge's cosine, each with both accounts'
    /// first post on it.
    static func addExamples(_ ds: Dataset, _ profile: PeriodProfile, _ f: PostFeatures, _ x: Incidence,
                            edges: inout [Coordination.Edge], threads: Int) {
        let snapshot = edges
        let ranges = Parallel.chunks(edges.count, threads * 4)
        let parts: [[[Coordination.Example]]] = Parallel.map(ranges.count, threads: threads) { r in
            ranges[r].map { k in
                let a = Int(snapshot[k].a), b = Int(snapshot[k].b)
                var i = Int(x.first[a]), j = Int(x.first[b])
                var shared: [(Double, Int, Int)] = []
                while i < Int(x.first[a + 1]) && j < Int(x.first[b + 1]) {
                    if x.item[i] == x.item[j] {
                        if x.eligible[i] { shared.append((x.weight[i] * x.weight[j], i, j)) }
                        i += 1; j += 1
                    } else if x.item[i] < x.item[j] { i += 1 } else { j += 1 }
                }
                shared.sort { $0.0 != $1.0 ? $0.0 > $1.0 : x.item[$0.1] < x.item[$1.1] }
                return shared.prefix(examplesPerEdge).map { _, ea, eb in
                    Coordination.Example(item: profile.label(ds, f, item: x.item[ea]),
                                         postA: Coordination.postID(ds, x.post[ea]), postB: Coordination.postID(ds, x.post[eb]),
                                         timeA: x.time[ea], timeB: x.time[eb])
                }
            }
        }
        for (r, part) in zip(ranges, parts) {
            for (k, ex) in zip(r, part) { edges[k].examples = ex }
        }
    }
}
