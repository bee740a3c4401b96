import LockstepCore

/// An account or domain a cluster amplifies, with how often.
public struct AmplificationTarget: Sendable, Codable, Equatable {
    /// Account id as given (or `@handle` when only a handle is known), or a domain.
    public var target: String
    /// The account's handle, for accounts.
    public var handle: String?
    /// Amplification events (retweets, quotes, replies, mentions for accounts; links for domains).
    public var events: Int
    /// Share of the cluster's events of this kind (account events or link events).
    public var share: Double
    /// The watchlist label of the account or domain, if any.
    public var label: String?
}

/// What one cluster amplifies: accounts and domains, and the share going to each watchlist label.
public struct ClusterAmplification: Sendable, Codable, Equatable {
    /// Accounts outside the cluster most amplified, most events first.
    public var accounts: [AmplificationTarget]
    /// Domains most linked, most events first.
    public var domains: [AmplificationTarget]
    /// Events that target an account outside the cluster or a domain.
    public var events: Int
    /// Events that target the cluster's own members (amplifiers reposting their core): the cluster
    /// amplifying itself, counted here and left out of `accounts`, `events` and `watchlistShares`.
    public var internalEvents: Int
    /// Share of `events` whose target carries each watchlist label.
    public var watchlistShares: [String: Double]
}

/// Canonical URL ids for every URL of the dataset, so clusters count links by integer id.
struct URLKeys: Sendable {
    /// Canonical URL id per URL id.
    var canonical: [Int32]
    /// Canonical URL strings.
    var canonicalURLs: StringTable

    init(_ ds: Dataset, features: PostFeatures) {
        if features.canonicalURL.isEmpty {
            var interner = ByteInterner()
            var out: [UInt8] = []
            canonical = (0..<ds.urls.count).map { u in
                ds.urls.withBytes(Int32(u)) { URLCanonical.canonical($0, into: &out) }
                return out.withUnsafeBytes { interner.intern($0) }
            }
            canonicalURLs = interner.table
        } else {
            canonical = features.canonicalURL
            canonicalURLs = features.canonicalURLs
        }
    }
}

/// Counts over dense ids `0..<n`, reset in time proportional to the ids counted: one worker's
/// counters are reused for cluster after cluster, and a cluster of thousands of accounts counts
/// millions of events, which dictionaries would hash one by one.
struct DenseCounts {
    private var counts: [Int]
    /// Ids counted since the last reset, in the order first counted.
    private(set) var touched: [Int32] = []
    private(set) var total = 0

    init(_ n: Int) { counts = Array(repeating: 0, count: n) }

    @inline(__always) mutating func add(_ id: Int32) {
        if counts[Int(id)] == 0 { touched.append(id) }
        counts[Int(id)] += 1
        total += 1
    }

    @inline(__always) func count(_ id: Int32) -> Int { counts[Int(id)] }

    /// The `k` ids with the highest counts, ties in `inOrder`, with their counts. Only the ids
    /// that reach the k-th count are ordered.
    func top(_ k: Int, inOrder: (Int32, Int32) -> Bool) -> [(id: Int32, count: Int)] {
        guard k > 0, !touched.isEmpty else { return [] }
        var c = touched.map { counts[Int($0)] }
        c.sort(by: >)
        let cut = c[min(k, c.count) - 1]
        let kept = touched.filter { counts[Int($0)] >= cut }.sorted { x, y in
            counts[Int(x)] != counts[Int(y)] ? counts[Int(x)] > counts[Int(y)] : inOrder(x, y)
        }
        return kept.prefix(k).map { ($0, counts[Int($0)]) }
    }

    mutating func reset() {
        for id in touched { counts[Int(id)] = 0 }
        touched.removeAll(keepingCapacity: true)
        total = 0
    }
}

/// Counts, for a cluster's members, every retweet, quote, reply, mention and link as an
/// amplification event aimed at an account (inside or outside the data) or a domain. Events aimed at
/// members are the cluster amplifying itself: counted apart, so that what the cluster pushes outward
/// (state media, diplomats, their sites) tops the list rather than its own core.
///
/// A reply's mention of the account it replies to is not counted twice; a retweet's mentions are
/// the original's and are skipped; links count for every post, retweets included (retweeting a
/// link spreads it).
struct AmplificationTargets: Sendable {
    var top: Int

    /// `urlCounts` holds the canonical URLs of every post of the members (the cluster's link
    /// events); `accountEvents` is one worker's scratch, reset before returning.
    func compute(_ ds: Dataset, members: [Int32], cluster: [Int32], id: Int32, postAuthorByKey: [Int32],
                 watchlist: Watchlist?, urls: URLKeys, urlCounts: DenseCounts, accountEvents: inout DenseCounts) -> ClusterAmplification {
        var internalTotal = 0
        @inline(__always) func event(_ t: Int32) {
            if cluster[Int(t)] == id { internalTotal += 1 } else { accountEvents.add(t) }
        }
        for a in members {
            for idx in ds.postRange(of: a) {
                let p = Int(ds.postsByAccount[idx])
                let kind = ds.posts.kind[p]
                var replied = noID
                switch kind {
                case .retweet, .quote:
                    let t = Roles.repostedAuthor(ds, p, postAuthorByKey)
                    if t >= 0 { event(t) }
                case .reply:
                    replied = ds.posts.replyAccount[p]
                    if replied >= 0 { event(replied) }
                case .original:
                    break
                }
                if kind != .retweet {
                    for m in ds.posts.mentions[p] where m != replied && m != a { event(m) }
                }
            }
        }
        var domainEvents: [String: Int] = [:]
        var domainTotal = 0
        for c in urlCounts.touched {
            let d = URLCanonical.domain(ofCanonical: urls.canonicalURLs[c])
            if d.isEmpty { continue }
            domainEvents[d, default: 0] += urlCounts.count(c)
            domainTotal += urlCounts.count(c)
        }
        let accountTotal = accountEvents.total
        var labelEvents: [String: Int] = [:]
        if let w = watchlist, !w.isEmpty {
            for acc in accountEvents.touched {
                if let l = w.label(accountID: ds.accounts.key[acc], handle: ds.accounts.handleString(acc)) {
                    labelEvents[l, default: 0] += accountEvents.count(acc)
                }
            }
            for (d, c) in domainEvents { if let l = w.label(domain: d) { labelEvents[l, default: 0] += c } }
        }
        let total = accountTotal + domainTotal
        let accounts = accountEvents.top(top, inOrder: <).map { acc, c in
            AmplificationTarget(target: ds.accounts.key[acc], handle: ds.accounts.handleString(acc), events: c,
                                share: Double(c) / Double(max(1, accountTotal)),
                                label: watchlist?.label(accountID: ds.accounts.key[acc], handle: ds.accounts.handleString(acc)))
        }
        accountEvents.reset()
        let domains = domainEvents.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(top).map { d, c in
            AmplificationTarget(target: d, handle: nil, events: c, share: Double(c) / Double(max(1, domainTotal)),
                                label: watchlist?.label(domain: d))
        }
        return ClusterAmplification(accounts: accounts, domains: Array(domains), events: total, internalEvents: internalTotal,
                                    watchlistShares: labelEvents.mapValues { Double($0) / Double(max(1, total)) })
    }
}
