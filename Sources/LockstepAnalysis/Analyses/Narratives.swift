import Foundation
import LockstepCore

/// What the accounts talk about over time: term and hashtag counts per day and week, the dates
/// where the topic mix shifts (change points) with the terms that rose and fell, and emerging items.
///
/// Change points: for every day `d`, the term-and-hashtag distribution of the `window` days before
/// `d` is compared with the `window` days from `d` on by the Jensen-Shannon distance. Local maxima
/// are tested by permuting whole days between the two sides (so a one-day burst cannot pass as a
/// shift) and must also reach `min_effect` times the permuted splits' mean distance; the strongest
/// that pass are kept.
public struct Narratives: Analysis {
    /// Stable name: the `--analyses` value and the `summary.json` section.
    public static let name = "narratives"
    /// One line for `lockstep analyses`.
    public static let summary = "Term and hashtag timelines, topic change points with rising and falling terms, emerging items"
    /// Groups (flagged accounts, hijack suspects, clusters) come from these when they ran.
    public static let runsAfter = groupSources
    /// Tunable parameters with defaults (`--set name.param=value`).
    public static let parameters = [
        ParameterSpec("window", .duration(86_400...365 * 86_400), default: "7d", "Days on each side of a candidate change point, in whole days (use 14d-28d for multi-year data)"),
        ParameterSpec("vocabulary", .integer(1...1_000_000), default: "1500", "Most used terms (and half as many hashtags) compared across windows"),
        ParameterSpec("min_tokens", .atLeast(0), default: "200", "Fewest vocabulary uses each side of a change point needs"),
        ParameterSpec("permutations", .integer(1...100_000), default: "199", "Day permutations per candidate change point"),
        ParameterSpec("alpha", .number(0...1, lowerOpen: true), default: "0.01", "Largest permutation p-value of a change point"),
        ParameterSpec("min_effect", .number(0...Double.infinity, lowerOpen: false), default: "1.5", "Smallest ratio of a change point's distance to the mean distance of permuted splits"),
        ParameterSpec("max_change_points", .atLeast(0), default: "10", "Most change points listed per group"),
        ParameterSpec("top", .atLeast(1), default: "10", "Rising and falling terms (and hashtags) listed per change point"),
        ParameterSpec("min_emerging", .atLeast(1), default: "20", "Fewest uses in one window for an item to count as emerging"),
        ParameterSpec("csv_top", .atLeast(1), default: "50", "Items per period and group written to narratives.csv"),
        ParameterSpec("clusters", .atLeast(0), default: "5", "Largest clusters (from earlier results) given their own timeline"),
        ParameterSpec("seed", .atLeast(0), default: "1", "Seed of the permutation test"),
        ParameterSpec("chunk_posts", .atLeast(1), default: "20000", "Posts per tokenising chunk; chunks (at most 16, of consecutive ISO weeks) run in parallel and merge in order, so results never depend on it or on the core count"),
    ]

    let windowDays: Int
    let vocabulary: Int
    let minTokens: Int
    let permutations: Int
    let alpha: Double
    let minEffect: Double
    let maxChangePoints: Int
    let top: Int
    let minEmerging: Int
    let csvTop: Int
    let clusters: Int
    let seed: UInt64
    let chunkPosts: Int
    /// Empty days kept at each end of a long empty stretch of the timeline; nil: five windows.
    /// Tests set a huge one to compare with the full calendar.
    var dayAxisMargin: Int?

    /// Reads and validates the parameters; throws ``OptionError`` on a bad value.
    public init(options: AnalysisOptions) throws {
        let w = try options.seconds(Self.self, "window")!
        guard w % 86_400 == 0 else {
            throw OptionError(key: "narratives.window", value: try options.string(Self.self, "window"), expected: "a whole number of days (1d or more)")
        }
        windowDays = Int(w / 86_400)
        vocabulary = try options.int(Self.self, "vocabulary")
        minTokens = try options.int(Self.self, "min_tokens")
        permutations = try options.int(Self.self, "permutations")
        alpha = try options.double(Self.self, "alpha")
        minEffect = try options.double(Self.self, "min_effect")
        maxChangePoints = try options.int(Self.self, "max_change_points")
        top = try options.int(Self.self, "top")
        minEmerging = try options.int(Self.self, "min_emerging")
        csvTop = try options.int(Self.self, "csv_top")
        clusters = try options.int(Self.self, "clusters")
        seed = UInt64(try options.int(Self.self, "seed"))
        chunkPosts = try options.int(Self.self, "chunk_posts")
    }

    /// A term or hashtag whose share changed across a change point.
    public struct Mover: Codable, Sendable, Equatable {
        /// The term, or the hashtag without `#`.
        public var term: String
        /// `term` or `hashtag`.
        public var kind: String
        /// Uses in the window before.
        public var before: Int
        /// Uses in the window after.
        public var after: Int
        /// Share of all vocabulary uses before.
        public var beforeShare: Double
        /// Share of all vocabulary uses after.
        public var afterShare: Double
    }

    /// A date where the topic mix shifts.
    public struct ChangePoint: Codable, Sendable, Equatable {
        /// First day of the new mix, `YYYY-MM-DD`.
        public var date: String
        /// The group of accounts: `all`, `flagged`, `hijack_suspect` or `cluster:<id>`.
        public var group: String
        /// Jensen-Shannon distance (square root of the divergence, base 2), 0...1.
        public var distance: Double
        /// Permutation p-value.
        public var pValue: Double
        /// Mean distance of the permuted splits: what this window size gives by chance.
        public var chanceDistance: Double
        /// Rank by distance among this group's change points (1 = strongest).
        public var rank: Int
        /// First day of the window before, `YYYY-MM-DD`.
        public var beforeFrom: String
        /// Last day of the window after, `YYYY-MM-DD`.
        public var afterTo: String
        /// Vocabulary uses in the window before.
        public var beforeTokens: Int
        /// Vocabulary uses in the window after.
        public var afterTokens: Int
        /// Terms and hashtags together, by gain in share.
        public var rising: [Mover]
        /// Terms and hashtags together, by loss in share.
        public var falling: [Mover]
        /// Hashtags alone, by gain in share.
        public var risingHashtags: [Mover]
        /// Hashtags alone, by loss in share.
        public var fallingHashtags: [Mover]
    }

    /// A term or hashtag whose use jumps, with the day it first appeared.
    public struct EmergingItem: Codable, Sendable, Equatable {
        /// The term, or the hashtag without `#`.
        public var term: String
        /// `term` or `hashtag`.
        public var kind: String
        /// First day with a use, `YYYY-MM-DD`.
        public var firstSeen: String
        /// First day of the window with the largest excess over the item's earlier rate.
        public var jumpDate: String
        /// Uses expected in that window at the earlier rate.
        public var expected: Double
        /// Uses in the jump window.
        public var uses: Int
        /// Uses over the whole input.
        public var total: Int
    }

    /// The timeline of one group of accounts.
    public struct GroupTimeline: Codable, Sendable, Equatable {
        /// `all`, `flagged`, `hijack_suspect` or `cluster:<id>`.
        public var group: String
        /// Accounts in the group.
        public var accounts: Int
        /// Posts counted.
        public var posts: Int
        /// Term uses (stop words excluded).
        public var termUses: Int
        /// Hashtag uses.
        public var hashtagUses: Int
        /// First day with a post, `YYYY-MM-DD`.
        public var firstDay: String?
        /// Last day with a post, `YYYY-MM-DD`.
        public var lastDay: String?
        /// The most used terms.
        public var topTerms: [String]
        /// The most used hashtags.
        public var topHashtags: [String]
        /// Change points, by date.
        public var changePoints: [ChangePoint]
        /// Emerging items, the largest jump first.
        public var emerging: [EmergingItem]
    }

    /// One row of `narratives.csv`.
    public struct Row: Sendable, Equatable {
        /// `YYYY-MM-DD` for a day, `YYYY-Www` for an ISO week.
        public var period: String
        /// The group of accounts: `all`, `flagged`, `hijack_suspect` or `cluster:<id>`.
        public var group: String
        /// A term, or a hashtag with its `#`.
        public var term: String
        /// Uses in the period and group.
        public var count: Int
        /// Of all term uses (or hashtag uses, for hashtags) in the period and group.
        public var share: Double
    }

    /// The `summary.json` section (and `accounts.csv` columns) of this analysis.
    public struct Result: AnalysisResult {
        /// Days on each side of a change point.
        public var windowDays: Int
        /// Offset east of UTC at which days start (`--tz`).
        public var dayBoundaryOffsetSeconds: Int
        /// Change points of the whole input, by date (the `all` group's).
        public var changePoints: [ChangePoint]
        /// Emerging items of the whole input.
        public var emerging: [EmergingItem]
        /// One timeline per group, `all` first.
        public var groups: [GroupTimeline]
        /// The rows of `narratives.csv` (not in `summary.json`).
        public var rows: [Row] = []

        enum CodingKeys: String, CodingKey { case windowDays, dayBoundaryOffsetSeconds, changePoints, emerging, groups }
    }

    /// Runs the analysis on a dataset.
    public func run(on ds: Dataset, context: AnalysisContext) throws -> Result {
        let named = [("all", ds.accountsInData)] + Self.accountGroups(ds, context, clusters: clusters)
        // Groups are independent: they run side by side (each one's steps were parallel only in
        // part, so one group at a time left a core idle most of the time), results in group order.
        let offset = context.displayOffsetSeconds
        let settings = self
        let timelines = Parallel.map(named.count, threads: Parallel.defaultThreads) { k in
            var engine = Engine(ds: ds, settings: settings, offset: offset)
            let posts = k == 0 ? Array(0..<Int32(ds.posts.count)) : Self.posts(of: named[k].1, ds)
            return engine.timeline(group: named[k].0, posts: posts, accounts: named[k].1.count)
        }
        let groups = timelines.map(\.0)
        let rows = timelines.flatMap(\.1)
        return Result(windowDays: windowDays, dayBoundaryOffsetSeconds: context.displayOffsetSeconds,
                      changePoints: groups[0].changePoints, emerging: groups[0].emerging, groups: groups, rows: rows)
    }

    /// The timeline of any set of accounts (for callers that define their own groups).
    public func timeline(of accounts: [Int32], group: String, in ds: Dataset, offsetSeconds: Int = 0) -> (GroupTimeline, [Row]) {
        var engine = Engine(ds: ds, settings: self, offset: offsetSeconds)
        return engine.timeline(group: group, posts: Self.posts(of: accounts, ds), accounts: accounts.count)
    }

    static func posts(of accounts: [Int32], _ ds: Dataset) -> [Int32] {
        var out: [Int32] = []
        for a in accounts { for k in ds.postRange(of: a) { out.append(ds.postsByAccount[k]) } }
        out.sort()
        return out
    }

    /// Results that define groups: flagged accounts (findings), operations, clusters (coordination), hijack suspects (hijack).
    static let groupSources = [Findings.name, Operations.name, Coordination.name, HijackedAccounts.name]

    /// Groups from earlier results, read through ``AccountGroupSource``: the flagged accounts, the
    /// operations, the largest clusters, and the hijack suspects, in that order.
    static func accountGroups(_ ds: Dataset, _ context: AnalysisContext, clusters: Int) -> [(String, [Int32])] {
        groupSources.flatMap { (context.anyResult(named: $0) as? any AccountGroupSource)?.accountGroups(ds, largestClusters: clusters) ?? [] }
    }
}
