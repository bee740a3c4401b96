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

/// Canonical URL and domain ids for every URL of the dataset, so clusters count links by integer id.
struct URLKeys: Sendable {
    /// Canonical URL id per URL id.
    var canonical: [Int32]
    /// Canonical URL strings.
    var canonicalURLs: StringTable
    /// Domain id per canonical URL id (-1: no domain).
    var domain: [Int32]
    /// Domain strings.
    var domains: [String]

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
        var ids: [String: Int32] = [:]
        var names: [String] = []
        let table = canonicalURLs
        domain = (0..<table.count).map { c in
            let d = URLCanonical.domain(ofCanonical: table[c])
            if d.isEmpty { return -1 }
            if let id = ids[d] { return id }
            ids[d] = Int32(names.count)
            names.append(d)
            return Int32(names.count - 1)
        }
        domains = names
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

    func compute(_ ds: Dataset, members: [Int32], cluster: [Int32], id: Int32, postAuthorByKey: [Int32],
                 watchlist: Watchlist?, urls: URLKeys) -> ClusterAmplification {
        var accountEvents: [Int32: Int] = [:]
        var domainIDEvents: [Int32: Int] = [:]
        var accountTotal = 0, domainTotal = 0, internalTotal = 0
        @inline(__always) func event(_ t: Int32) {
            if cluster[Int(t)] == id { internalTotal += 1 } else { accountEvents[t, default: 0] += 1; accountTotal += 1 }
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
                for u in ds.posts.urls[p] {
                    let d = urls.domain[Int(urls.canonical[Int(u)])]
                    if d < 0 { continue }
                    domainIDEvents[d, default: 0] += 1
                    domainTotal += 1
                }
            }
        }
        let domainEvents = Dictionary(uniqueKeysWithValues: domainIDEvents.map { (urls.domains[Int($0.key)], $0.value) })
        var labelEvents: [String: Int] = [:]
        if let w = watchlist, !w.isEmpty {
            for (acc, c) in accountEvents {
                if let l = w.label(accountID: ds.accounts.key[acc], handle: ds.accounts.handleString(acc)) { labelEvents[l, default: 0] += c }
            }
            for (d, c) in domainEvents { if let l = w.label(domain: d) { labelEvents[l, default: 0] += c } }
        }
        let total = accountTotal + domainTotal
        let accounts = accountEvents.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(top).map { acc, c in
            AmplificationTarget(target: ds.accounts.key[acc], handle: ds.accounts.handleString(acc), events: c,
                                share: Double(c) / Double(max(1, accountTotal)),
                                label: watchlist?.label(accountID: ds.accounts.key[acc], handle: ds.accounts.handleString(acc)))
        }
        let domains = domainEvents.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(top).map { d, c in
            AmplificationTarget(target: d, handle: nil, events: c, share: Double(c) / Double(max(1, domainTotal)),
                                label: watchlist?.label(domain: d))
        }
        return ClusterAmplification(accounts: Array(accounts), domains: Array(domains), events: total, internalEvents: internalTotal,
                                    watchlistShares: labelEvents.mapValues { Double($0) / Double(max(1, total)) })
    }
}
