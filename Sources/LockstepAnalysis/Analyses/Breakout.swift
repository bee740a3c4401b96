import LockstepCore

/// Breakout: for each coordinated group (an operation once operations exist; see ``ImpactGroup``),
/// how much of the engagement with its accounts visible in the data came from outside it —
/// retweets, quotes and replies of its posts and mentions of its accounts by accounts not in the
/// group — who amplified it most, and whether watch-listed accounts engaged. In the spirit of
/// Nimmo's Breakout Scale (Brookings 2020), restricted to what one platform's data can show.
/// Details: docs/methodology/breakout.md.
public struct Breakout: Analysis {
    /// Stable name: the `--analyses` value and the `summary.json` section.
    public static let name = "breakout"
    /// One line for `lockstep analyses`.
    public static let summary = "Engagement with each coordinated group from outside it: share, top outside amplifiers, watch-listed accounts reached"
    /// Groups come from coordination when it runs (see ``ImpactGroup``).
    public static let runsAfter = ImpactGroup.sources
    /// Tunable parameters with defaults (`--set breakout.param=value`).
    public static let parameters = [
        ParameterSpec("share", .number(0...1, lowerOpen: false), default: "0.1", "Share of engagement from outside a group at which it is said to break out"),
        ParameterSpec("min_accounts", .atLeast(1), default: "10", "Fewest distinct outside accounts engaging for a breakout"),
        ParameterSpec("top", .integer(0...10_000), default: "10", "Outside amplifiers listed per group"),
    ]

    let share: Double
    let minAccounts: Int
    let top: Int

    /// Reads and validates the parameters; throws ``OptionError`` on a bad value.
    public init(options: AnalysisOptions) throws {
        share = try options.double(Self.self, "share")
        minAccounts = try options.int(Self.self, "min_accounts")
        top = try options.int(Self.self, "top")
    }

    /// Engagement counted by kind; a post that both replies and mentions counts once, as its kind.
    public struct Counts: Codable, Sendable, Equatable {
        public var retweets = 0
        public var quotes = 0
        public var replies = 0
        /// Originals that only mention a group account.
        public var mentions = 0
        public var total: Int { retweets + quotes + replies + mentions }
        mutating func add(_ k: PostKind) {
            switch k {
            case .retweet: retweets += 1
            case .quote: quotes += 1
            case .reply: replies += 1
            case .original: mentions += 1
            }
        }
    }

    /// An outside account that engaged with a group.
    public struct Amplifier: Codable, Sendable, Equatable {
        public var account: String
        public var handle: String
        public var followers: Int
        /// Watch-list label, if any.
        public var label: String?
        /// Its engagements with the group, and the first one.
        public var engagements: Int
        public var example: PostRef
    }

    /// A watch-list label whose accounts engaged with a group.
    public struct Reached: Codable, Sendable, Equatable {
        public var label: String
        public var accounts: Int
        public var engagements: Int
    }

    /// One group's breakout.
    public struct Group: Codable, Sendable, Equatable {
        public var group: String
        public var groupID: Int
        public var members: Int
        /// The members' posts in the data.
        public var memberPosts: Int
        /// Engagement from members (with each other) and from outside.
        public var inside: Counts
        public var outside: Counts
        /// Outside engagement over all engagement; nil without engagement.
        public var outsideShare: Double?
        /// Distinct outside accounts that engaged.
        public var outsideAccounts: Int
        /// Sum of the followers of those accounts (known ones): the audience the outside engagement reached at most.
        public var outsideFollowers: Int
        /// Engagement counts the input gave for the members' posts (retweets excluded), when it gave any.
        public var reportedEngagement: Int?
        /// Watch-list labels whose accounts engaged.
        public var watchlistReached: [Reached]
        /// The outside accounts that engaged most.
        public var topAmplifiers: [Amplifier]
        /// `no breakout (category 1)` or `breakout on this platform (category 2)`, with the data's limits.
        public var assessment: String
    }

    /// The `summary.json` section.
    public struct Result: AnalysisResult {
        /// What the section can say, and cannot.
        public var note: String
        public var groups: [Group]
    }

    /// Runs the analysis on a dataset.
    public func run(on ds: Dataset, context: AnalysisContext) throws -> Result {
        measure(ds, groups: ImpactGroup.from(context), watchlist: context.watchlist)
    }

    /// The breakout of `groups` (any grouping of accounts: clusters today, operations later).
    public func measure(_ ds: Dataset, groups: [ImpactGroup], watchlist: Watchlist?) -> Result {
        guard !groups.isEmpty else {
            return Result(note: "no coordinated groups in this run: no breakout to measure", groups: [])
        }
        let n = ds.accounts.count
        let member = ImpactGroup.membership(groups, accounts: n)
        let P = ds.posts
        // The group of each post key written by a member, so a retweet of a member's post is
        // attributed even when the retweeted account is not named.
        var keyGroup = [Int32](repeating: -1, count: ds.postKeys.count)
        var memberPosts = [Int](repeating: 0, count: groups.count)
        var reported = [Int](repeating: 0, count: groups.count)
        var anyReported = [Bool](repeating: false, count: groups.count)
        for p in 0..<P.count {
            let g = member[Int(P.account[p])]
            guard g >= 0 else { continue }
            memberPosts[Int(g)] += 1
            if P.key[p] != noID { keyGroup[Int(P.key[p])] = g }
            if P.kind[p] != .retweet {
                let e = P.engagement.total(p)
                if e >= 0 { reported[Int(g)] += Int(e); anyReported[Int(g)] = true }
            }
        }
        var watchLabel: [Int32: String] = [:]
        if let w = watchlist, !w.isEmpty {
            for a in 0..<n where ds.postCount(of: Int32(a)) > 0 {
                if let l = w.label(accountID: ds.accountID(of: Int32(a)), handle: ds.handle(of: Int32(a))) { watchLabel[Int32(a)] = l }
            }
        }
        var inside = [Counts](repeating: Counts(), count: groups.count)
        var outside = [Counts](repeating: Counts(), count: groups.count)
        var outsideBy = [[Int32: (count: Int, first: Int32)]](repeating: [:], count: groups.count)
        var engaged: [Int32] = []
        for p in 0..<P.count {
            engaged.removeAll(keepingCapacity: true)
            func add(_ g: Int32) { if g >= 0 && !engaged.contains(g) { engaged.append(g) } }
            for ref in [P.retweetOf[p], P.quoteOf[p], P.replyTo[p]] where ref != noID { add(keyGroup[Int(ref)]) }
            if P.retweetAccount[p] != noID { add(member[Int(P.retweetAccount[p])]) }
            if P.replyAccount[p] != noID { add(member[Int(P.replyAccount[p])]) }
            for m in P.mentions[p] { add(member[Int(m)]) }
            guard !engaged.isEmpty else { continue }
            let a = P.account[p]
            let own = member[Int(a)]
            for g in engaged {
                if g == own {
                    inside[Int(g)].add(P.kind[p])
                } else {
                    outside[Int(g)].add(P.kind[p])
                    let prev = outsideBy[Int(g)][a]
                    outsideBy[Int(g)][a] = ((prev?.count ?? 0) + 1, prev?.first ?? Int32(p))
                }
            }
        }
        var out: [Group] = []
        for (g, group) in groups.enumerated() {
            let o = outside[g], i = inside[g]
            let total = o.total + i.total
            let byAccount = outsideBy[g]
            var followers = 0
            var reached: [String: (Int, Int)] = [:]
            for (a, v) in byAccount {
                followers += max(0, Int(ds.accounts.followers[Int(a)]))
                if let l = watchLabel[a] { let r = reached[l] ?? (0, 0); reached[l] = (r.0 + 1, r.1 + v.count) }
            }
            let ranked = byAccount.sorted { $0.value.count != $1.value.count ? $0.value.count > $1.value.count : $0.key < $1.key }
            let shareOut = total > 0 ? Double(o.total) / Double(total) : nil
            let broke = (shareOut ?? 0) >= share && byAccount.count >= minAccounts
            var assessment = total == 0
                ? "no engagement with this group in the data: breakout cannot be assessed"
                : broke
                ? "breakout on this platform (category 2): \(byAccount.count) outside accounts made \(o.total) of \(total) engagements"
                : "no breakout seen (category 1): \(byAccount.count) outside accounts made \(o.total) of \(total) engagements"
            if !reached.isEmpty { assessment += "; watch-listed accounts engaged (\(reached.keys.sorted().joined(separator: ", ")))" }
            assessment += ". One platform's data cannot show categories 3 and up (other platforms, other media, policy response)"
            out.append(Group(group: group.label, groupID: group.id, members: group.members.count, memberPosts: memberPosts[g],
                             inside: i, outside: o, outsideShare: shareOut, outsideAccounts: byAccount.count, outsideFollowers: followers,
                             reportedEngagement: anyReported[g] ? reported[g] : nil,
                             watchlistReached: reached.map { Reached(label: $0.key, accounts: $0.value.0, engagements: $0.value.1) }.sorted { $0.label < $1.label },
                             topAmplifiers: ranked.prefix(top).map { a, v in
                                 Amplifier(account: ds.accountID(of: a), handle: ds.handle(of: a), followers: Int(ds.accounts.followers[Int(a)]),
                                           label: watchLabel[a], engagements: v.count, example: PostRef(ds, Int(v.first)))
                             },
                             assessment: assessment))
        }
        return Result(note: "engagement visible in the data (retweets, quotes, replies, mentions); likes and views are not attributable to accounts and are left out; a takedown archive holds only the operation's own accounts, so engagement from outside cannot show in it",
                      groups: out)
    }
}
