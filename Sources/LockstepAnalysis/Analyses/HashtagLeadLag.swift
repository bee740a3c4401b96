import LockstepCore

/// Hashtag lead and lag between watch-listed accounts (state media, diplomats) and each coordinated
/// group: for every hashtag both used in their own posts, who used it first, how long the group's
/// posts came after the latest watch-listed post with it, and how many group posts followed each
/// watch-listed post within `window`. Retweets are left out on both sides: a retweet repeats a
/// hashtag rather than taking it up. Details: docs/methodology/lead-lag.md.
public struct HashtagLeadLag: Analysis {
    /// Stable name: the `--analyses` value and the `summary.json` section.
    public static let name = "lead_lag"
    /// One line for `lockstep analyses`.
    public static let summary = "Hashtags used by watch-listed accounts and by coordinated groups: who used them first, and the lag"
    /// Groups come from coordination when it runs (see ``ImpactGroup``).
    public static let runsAfter = ImpactGroup.sources
    /// Tunable parameters with defaults (`--set lead_lag.param=value`).
    public static let parameters = [
        ParameterSpec("window", .duration(60...365 * 86_400), default: "1d", "How long after a watch-listed post a group's post with the hashtag counts as following it"),
        ParameterSpec("min_posts", .atLeast(1), default: "3", "Fewest posts with the hashtag a group needs for the hashtag to be listed"),
        ParameterSpec("list", .integer(0...100_000), default: "200", "Hashtag-group pairs listed in summary.json (most group posts first)"),
        ParameterSpec("examples", .integer(0...100), default: "5", "Watch-listed posts listed per pair (most followers first)"),
    ]

    let window: Int64
    let minPosts: Int
    let list: Int
    let examples: Int

    /// Reads and validates the parameters; throws ``OptionError`` on a bad value.
    public init(options: AnalysisOptions) throws {
        window = try options.seconds(Self.self, "window")!
        minPosts = try options.int(Self.self, "min_posts")
        list = try options.int(Self.self, "list")
        examples = try options.int(Self.self, "examples")
    }

    /// A watch-listed post and the group posts that followed it within the window.
    public struct Lead: Codable, Sendable, Equatable {
        public var post: PostRef
        /// The watch-list label of its author.
        public var label: String
        /// Group posts with the hashtag in the window after it.
        public var followedBy: Int
    }

    /// One hashtag used by watch-listed accounts and by one group.
    public struct Pair: Codable, Sendable, Equatable {
        /// Lowercased, without `#`.
        public var hashtag: String
        /// The group (``ImpactGroup/label``) and its id.
        public var group: String
        public var groupID: Int
        /// First use by a watch-listed account and by the group (UTC, ISO 8601).
        public var watchFirst: String
        public var groupFirst: String
        /// Hours from the first watch-listed use to the group's first use: positive when watch-listed accounts led.
        public var leadHours: Double
        /// Who used it first: `watchlist`, `group` or `same minute`.
        public var leader: String
        /// Posts with the hashtag by watch-listed accounts and by the group.
        public var watchPosts: Int
        public var groupPosts: Int
        /// Group posts with an earlier watch-listed post, and their lag after the latest one (hours).
        public var groupPostsAfterWatch: Int
        public var lagMedianHours: Double?
        public var lagP90Hours: Double?
        /// Group posts within `window` after a watch-listed post.
        public var groupPostsInWindow: Int
        /// Watch-listed posts followed by at least one group post within the window.
        public var watchPostsFollowed: Int
        /// Watch-list labels that used the hashtag.
        public var labels: [String]
        /// The watch-listed posts followed by the most group posts.
        public var leads: [Lead]
    }

    /// The `summary.json` section.
    public struct Result: AnalysisResult {
        /// False without a watchlist, or when no watch-listed account posted.
        public var hasWatchlist: Bool
        /// Coordinated groups compared.
        public var groups: Int
        /// What the section can say, in a sentence.
        public var note: String
        /// The window, hours.
        public var windowHours: Double
        /// Hashtag-group pairs found (all, listed or not).
        public var pairCount: Int
        /// Pairs where watch-listed accounts used the hashtag first.
        public var watchLed: Int
        /// Listed pairs, most group posts first.
        public var pairs: [Pair]
    }

    /// Runs the analysis on a dataset.
    public func run(on ds: Dataset, context: AnalysisContext) throws -> Result {
        measure(ds, groups: ImpactGroup.from(context), watchlist: context.watchlist)
    }

    /// Lead and lag of `watchlist` accounts over `groups` (clusters today, operations later).
    public func measure(_ ds: Dataset, groups: [ImpactGroup], watchlist: Watchlist?) -> Result {
        var result = Result(hasWatchlist: false, groups: 0, note: "", windowHours: Double(window) / 3600, pairCount: 0, watchLed: 0, pairs: [])
        guard let watchlist, !watchlist.isEmpty else {
            result.note = "no watchlist (--watchlist): lead and lag against state media and diplomats cannot be measured"
            return result
        }
        let n = ds.accounts.count
        var label = [Int32](repeating: -1, count: n)
        var labels: [String] = []
        var labelIndex: [String: Int32] = [:]
        for a in 0..<n where ds.postCount(of: Int32(a)) > 0 {
            guard let l = watchlist.label(accountID: ds.accountID(of: Int32(a)), handle: ds.handle(of: Int32(a))) else { continue }
            if labelIndex[l] == nil { labelIndex[l] = Int32(labels.count); labels.append(l) }
            label[a] = labelIndex[l]!
        }
        guard label.contains(where: { $0 >= 0 }) else {
            result.note = "no watch-listed account posted in this input: nothing to lead or follow"
            return result
        }
        result.hasWatchlist = true
        result.groups = groups.count
        guard !groups.isEmpty else {
            result.note = "no coordinated groups in this run: nothing to compare the watch-listed accounts' hashtags with"
            return result
        }
        let member = ImpactGroup.membership(groups, accounts: n)
        // (hashtag, time, post, side): side -1 for watch-listed, else the group index. Sorted, then swept per hashtag.
        var uses: [(tag: Int32, time: Int64, post: Int32, side: Int32)] = []
        let P = ds.posts
        for p in 0..<P.count where P.kind[p] != .retweet {
            let a = Int(P.account[p])
            guard label[a] >= 0 || member[a] >= 0 else { continue }
            // A watch-listed account inside a cluster counts as watch-listed.
            let side: Int32 = label[a] >= 0 ? -1 : member[a]
            for t in P.hashtags[p] { uses.append((t, P.time[p], Int32(p), side)) }
        }
        uses.sort { ($0.tag, $0.time, $0.post) < ($1.tag, $1.time, $1.post) }
        var pairs: [Pair] = []
        var i = 0
        while i < uses.count {
            var j = i
            while j < uses.count && uses[j].tag == uses[i].tag { j += 1 }
            let slice = uses[i..<j]
            i = j
            let watch = slice.filter { $0.side == -1 }
            guard !watch.isEmpty else { continue }
            let watchTimes = watch.map(\.time)
            var byGroup: [Int32: [(time: Int64, post: Int32)]] = [:]
            for u in slice where u.side >= 0 { byGroup[u.side, default: []].append((u.time, u.post)) }
            for (g, posts) in byGroup where posts.count >= minPosts {
                var lags: [Double] = []
                var inWindow = 0
                var followed = [Int](repeating: 0, count: watch.count)
                for q in posts {
                    // The latest watch-listed use at or before this post.
                    var lo = 0, hi = watchTimes.count
                    while lo < hi { let mid = (lo + hi) / 2; if watchTimes[mid] <= q.time { lo = mid + 1 } else { hi = mid } }
                    guard lo > 0 else { continue }
                    let lag = q.time - watchTimes[lo - 1]
                    lags.append(Double(lag) / 3600)
                    // Every watch-listed post within the window before this one is followed by it.
                    var k = lo - 1
                    var any = false
                    while k >= 0 && q.time - watchTimes[k] <= window { followed[k] += 1; any = true; k -= 1 }
                    if any { inWindow += 1 }
                }
                let lead = posts[0].time - watchTimes[0]
                var sortedLags = lags.sorted()
                func quantile(_ q: Double) -> Double? {
                    sortedLags.isEmpty ? nil : sortedLags[min(sortedLags.count - 1, Int(q * Double(sortedLags.count - 1) + 0.5))]
                }
                var leadIdx = Array(watch.indices).filter { followed[$0] > 0 }
                leadIdx.sort { followed[$0] != followed[$1] ? followed[$0] > followed[$1] : $0 < $1 }
                let group = groups[Int(g)]
                let usedLabels = Set(watch.map { labels[Int(label[Int(P.account[Int($0.post)])])] }).sorted()
                pairs.append(Pair(hashtag: ds.hashtags[uses[j - 1].tag], group: group.label, groupID: group.id,
                                  watchFirst: CivilTime.iso8601(watchTimes[0]), groupFirst: CivilTime.iso8601(posts[0].time),
                                  leadHours: Double(lead) / 3600, leader: lead > 59 ? "watchlist" : lead < -59 ? "group" : "same minute",
                                  watchPosts: watch.count, groupPosts: posts.count, groupPostsAfterWatch: lags.count,
                                  lagMedianHours: quantile(0.5), lagP90Hours: quantile(0.9), groupPostsInWindow: inWindow,
                                  watchPostsFollowed: followed.filter { $0 > 0 }.count, labels: usedLabels,
                                  leads: leadIdx.prefix(examples).map { k in
                                      let p = Int(watch[k].post)
                                      return Lead(post: PostRef(ds, p), label: labels[Int(label[Int(P.account[p])])], followedBy: followed[k])
                                  }))
                sortedLags.removeAll()
            }
        }
        pairs.sort { ($0.groupPosts, $1.hashtag, $1.groupID) > ($1.groupPosts, $0.hashtag, $0.groupID) }
        result.pairCount = pairs.count
        result.watchLed = pairs.filter { $0.leader == "watchlist" }.count
        result.pairs = Array(pairs.prefix(list))
        result.note = pairs.isEmpty
            ? "no hashtag is used both by watch-listed accounts and by a coordinated group (with \(minPosts) or more posts)"
            : "\(pairs.count) hashtag-group pairs; watch-listed accounts used the hashtag first in \(result.watchLed)"
        return result
    }
}
