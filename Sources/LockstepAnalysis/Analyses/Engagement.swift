import Foundation
import LockstepCore

/// Engagement anomalies: posts whose likes, reposts, quotes and replies (as the input counted them
/// at collection) lie far beyond what the author's follower base predicts — bought or manufactured
/// engagement, as ASPI found on zero-follower accounts whose tweets drew dozens of likes.
///
/// The model is fitted on the dataset itself: posts are binned by the author's followers on a
/// log₂ scale (0, 1, 2–3, 4–7, …) and each bin gives the median and the median absolute deviation
/// of log(1 + engagement); a bin with fewer than `min_bin` posts borrows its neighbours'. A post is
/// beyond its follower base when its robust z, `(log(1+E) − median) / (1.4826 · max(MAD, mad_floor))`,
/// reaches `z` and its engagement reaches `min_engagement`. Such a post is anomalous unless its
/// likes are in proportion to its reposts, quotes and replies: a second robust fit, of
/// log(1+likes) − log(1+reposts+quotes+replies) over posts with `ratio_min_engagement` or more,
/// must give it a z of `ratio_z` or more — an organic cascade brings likes and reposts together,
/// bought likes come alone. Retweets are left out: their counts are the original's. Details,
/// known false positives and evasions: docs/methodology/engagement.md.
public struct Engagement: Analysis {
    /// Stable name: the `--analyses` value and the `summary.json` section.
    public static let name = "engagement"
    /// One line for `lockstep analyses`.
    public static let summary = "Posts with engagement far beyond the author's follower base (bought likes), from the input's counts"
    /// Tunable parameters with defaults (`--set engagement.param=value`).
    public static let parameters = [
        ParameterSpec("z", .number(0...1000, lowerOpen: true), default: "4", "Robust z of log(1+engagement) at or above which a post is anomalous"),
        ParameterSpec("min_engagement", .atLeast(1), default: "50", "Fewest likes+reposts+quotes+replies of an anomalous post"),
        ParameterSpec("mad_floor", .number(0...10, lowerOpen: true), default: "0.5", "Smallest spread (log units) a follower bin is given, so a bin where nearly all posts draw nothing does not make every like an anomaly"),
        ParameterSpec("min_bin", .atLeast(1), default: "30", "Fewest posts a follower bin needs before it stands alone (smaller bins borrow their neighbours')"),
        ParameterSpec("ratio_z", .number(0...1000, lowerOpen: false), default: "3", "Robust z of likes over reposts+quotes+replies (log ratio) a post beyond its follower base also needs; 0 turns the check off"),
        ParameterSpec("ratio_min_engagement", .atLeast(1), default: "10", "Fewest engagements of the posts the likes-to-reposts fit is made on"),
        ParameterSpec("list", .integer(0...1_000_000), default: "1000", "Anomalous posts listed in summary.json (highest z first); all are counted"),
    ]

    let z: Double
    let minEngagement: Int64
    let madFloor: Double
    let minBin: Int
    let list: Int
    let ratioZ: Double
    let ratioMinEngagement: Int64

    /// Reads and validates the parameters; throws ``OptionError`` on a bad value.
    public init(options: AnalysisOptions) throws {
        z = try options.double(Self.self, "z")
        minEngagement = Int64(try options.int(Self.self, "min_engagement"))
        madFloor = try options.double(Self.self, "mad_floor")
        minBin = try options.int(Self.self, "min_bin")
        list = try options.int(Self.self, "list")
        ratioZ = try options.double(Self.self, "ratio_z")
        ratioMinEngagement = Int64(try options.int(Self.self, "ratio_min_engagement"))
    }

    /// One follower bin of the fitted model.
    public struct Bin: Codable, Sendable, Equatable {
        /// Followers from and to (inclusive).
        public var followersFrom: Int
        /// Upper end of the bin, inclusive.
        public var followersTo: Int
        /// Posts in the bin.
        public var posts: Int
        /// Posts the bin's figures come from (more when it borrowed its neighbours').
        public var fittedOn: Int
        /// Median engagement the bin predicts (`exp(median log(1+E)) − 1`).
        public var medianEngagement: Double
        /// Median absolute deviation of log(1+E), before the floor.
        public var mad: Double
        /// Engagement at which a post of this bin reaches `z` (and `min_engagement`).
        public var threshold: Double
    }

    /// One anomalous post, with its counts and what the model expected.
    public struct Post: Codable, Sendable, Equatable {
        public var post: PostRef
        /// `original`, `reply` or `quote`.
        public var kind: String
        /// The counts as given (-1: not given).
        public var likes: Int
        public var reposts: Int
        public var quotes: Int
        public var replies: Int
        /// Sum of the counts given.
        public var engagement: Int
        /// The author's followers.
        public var followers: Int
        /// Median engagement of posts by accounts with as many followers.
        public var expected: Double
        /// Robust z of log(1 + engagement) in its follower bin.
        public var z: Double
        /// Robust z of log(1+likes) − log(1+reposts+quotes+replies); nil when likes are not given.
        public var likesZ: Double?
    }

    /// One account with anomalous posts.
    public struct Account: Codable, Sendable, Equatable {
        public var account: String
        public var handle: String
        public var followers: Int
        /// Its posts with counts (originals, replies, quotes).
        public var postsWithCounts: Int
        /// Of those, anomalous.
        public var anomalies: Int
        /// Sum of engagement over its anomalous posts.
        public var anomalousEngagement: Int
        /// Its highest engagement on one post.
        public var maxEngagement: Int
        /// Zero followers and at least one post with `min_engagement` or more.
        public var zeroFollowerEngagement: Bool
    }

    /// The `summary.json` section (and `accounts.csv` columns) of this analysis.
    public struct Result: AnalysisResult {
        /// False when no post carries an engagement count: nothing below can be measured.
        public var hasCounts: Bool
        /// What the section can say, in a sentence (`no engagement counts in this input`).
        public var note: String
        /// Posts with at least one count (retweets included).
        public var postsWithCounts: Int
        /// Originals, replies and quotes with counts whose author's followers are known: the model's posts.
        public var postsModelled: Int
        /// Posts with counts left out because the author's followers are unknown.
        public var postsWithoutFollowers: Int
        /// The parameters used.
        public var z: Double
        public var minEngagement: Int
        /// The fitted model, one row per follower bin with posts.
        public var model: [Bin]
        /// The likes-to-reposts fit: median and MAD of log(1+likes) − log(1+reposts+quotes+replies), and its posts.
        public var likesRatioMedian: Double?
        public var likesRatioMAD: Double?
        public var likesRatioPosts: Int
        /// Posts beyond their follower base (the first test alone), anomalous or explained by their reposts.
        public var beyondFollowers: Int
        /// Anomalous posts (all of them, listed or not).
        public var anomalousPosts: Int
        /// Accounts with at least one anomalous post.
        public var anomalousAccounts: Int
        /// ASPI's figure: posts of zero-follower accounts with `min_engagement` or more.
        public var zeroFollowerPostsOver: Int
        /// Zero-follower accounts with such a post.
        public var zeroFollowerAccountsOver: Int
        /// Anomalous posts, highest z first, at most `list`.
        public var posts: [Post]
        /// Accounts with anomalous posts, most anomalies first.
        public var accounts: [Account]
        /// Every anomalous post, highest z first (not in the JSON: `engagement.csv` lists them).
        public var allPosts: [Post] = []
        /// Per account id (not in the JSON): anomalous posts, or -1 when the account has no modelled post.
        var perAccount: [Int32] = []
        var zeroFollower: Set<Int32> = []

        enum CodingKeys: String, CodingKey {
            case hasCounts, note, postsWithCounts, postsModelled, postsWithoutFollowers, z, minEngagement, model
            case likesRatioMedian, likesRatioMAD, likesRatioPosts, beyondFollowers, anomalousPosts, anomalousAccounts, zeroFollowerPostsOver, zeroFollowerAccountsOver, posts, accounts
        }

        /// The number of anomalous posts of an account, or nil when none of its posts was modelled.
        public func anomalies(of a: Int32) -> Int? {
            guard Int(a) < perAccount.count, perAccount[Int(a)] >= 0 else { return nil }
            return Int(perAccount[Int(a)])
        }

        public func accountColumns(_ dataset: Dataset) -> [AccountColumn] {
            var col = [String](repeating: "", count: dataset.accounts.count)
            for (a, n) in perAccount.enumerated() where n >= 0 { col[a] = String(n) }
            return [AccountColumn(name: "engagement_anomalies", values: col)]
        }

        public func accountReasons(_ dataset: Dataset) -> [Int32: [String]] {
            var out: [Int32: [String]] = [:]
            for (a, n) in perAccount.enumerated() where n > 0 { out[Int32(a), default: []].append("engagement_anomaly") }
            for a in zeroFollower { out[a, default: []].append("zero_follower_engagement") }
            return out
        }
    }

    /// The follower bin of a count: 0 for none, then 1 + ⌊log₂ f⌋.
    @inline(__always) static func bin(_ followers: Int32) -> Int {
        followers <= 0 ? 0 : 1 + (31 - Int(UInt32(followers).leadingZeroBitCount))
    }

    static func binRange(_ b: Int) -> (Int, Int) {
        b == 0 ? (0, 0) : (1 << (b - 1), b >= 32 ? Int(Int32.max) : (1 << b) - 1)
    }

    /// Runs the analysis on a dataset.
    public func run(on ds: Dataset, context: AnalysisContext) throws -> Result {
        let P = ds.posts, E = P.engagement
        let nA = ds.accounts.count
        var result = Result(hasCounts: false, note: "", postsWithCounts: 0, postsModelled: 0, postsWithoutFollowers: 0,
                            z: z, minEngagement: Int(minEngagement), model: [], likesRatioMedian: nil, likesRatioMAD: nil,
                            likesRatioPosts: 0, beyondFollowers: 0, anomalousPosts: 0, anomalousAccounts: 0,
                            zeroFollowerPostsOver: 0, zeroFollowerAccountsOver: 0, posts: [], accounts: [])
        result.perAccount = [Int32](repeating: -1, count: nA)
        // One pass: which posts the model sees, their bin and log engagement.
        var values = [[Double]](repeating: [], count: 33)
        var modelled: [Int32] = []
        for p in 0..<P.count {
            let e = E.total(p)
            guard e >= 0 else { continue }
            result.postsWithCounts += 1
            guard P.kind[p] != .retweet else { continue }
            let f = ds.accounts.followers[Int(P.account[p])]
            guard f >= 0 else { result.postsWithoutFollowers += 1; continue }
            values[Self.bin(f)].append(log1p(Double(e)))
            modelled.append(Int32(p))
        }
        result.postsModelled = modelled.count
        guard result.postsWithCounts > 0 else {
            result.note = "no engagement counts in this input: the formats that carry them are the IO archive (like_count, retweet_count, quote_count, reply_count), twarc2 (public_metrics), v1.1 (favorite_count, retweet_count) and mapped columns (likes, reposts, quotes, replies)"
            return result
        }
        result.hasCounts = true
        guard !modelled.isEmpty else {
            result.note = "engagement counts, but no original, reply or quote by an account whose followers are known: no model can be fitted"
            return result
        }
        // Per bin: median and MAD of its own posts, or of the nearest bins pooled until `min_bin`.
        var median = [Double](repeating: 0, count: 33), spread = [Double](repeating: 0, count: 33)
        var fitted = [Int](repeating: 0, count: 33)
        for b in 0..<33 where !values[b].isEmpty {
            var pool = values[b]
            var k = 1
            while pool.count < minBin && (b - k >= 0 || b + k < 33) {
                if b - k >= 0 { pool += values[b - k] }
                if b + k < 33 { pool += values[b + k] }
                k += 1
            }
            fitted[b] = pool.count
            let m = Median.of(&pool) ?? 0
            for i in pool.indices { pool[i] = abs(pool[i] - m) }
            median[b] = m
            spread[b] = Median.of(&pool) ?? 0
        }
        for b in 0..<33 where !values[b].isEmpty {
            let (lo, hi) = Self.binRange(b)
            let sigma = 1.4826 * max(spread[b], madFloor)
            // Capped so a large `z` gives a large finite figure, never infinity, in the JSON and the report.
            let threshold = max(Double(minEngagement), min(1e12, expm1(median[b] + z * sigma)))
            result.model.append(Bin(followersFrom: lo, followersTo: hi, posts: values[b].count, fittedOn: fitted[b],
                                    medianEngagement: expm1(median[b]), mad: spread[b], threshold: threshold))
        }
        // Likes against the rest: the log ratio's median and MAD over posts with enough engagement.
        @inline(__always) func logRatio(_ p: Int) -> Double? {
            guard E.likes[p] >= 0 else { return nil }
            let rest = max(0, E.reposts[p]) &+ max(0, E.quotes[p]) &+ max(0, E.replies[p])
            return log1p(Double(E.likes[p])) - log1p(Double(rest))
        }
        var ratios: [Double] = []
        for p in modelled where E.total(Int(p)) >= ratioMinEngagement { if let r = logRatio(Int(p)) { ratios.append(r) } }
        result.likesRatioPosts = ratios.count
        var ratioMedian = 0.0, ratioSigma = 1.0
        if !ratios.isEmpty {
            ratioMedian = Median.of(&ratios)!
            for i in ratios.indices { ratios[i] = abs(ratios[i] - ratioMedian) }
            let mad = Median.of(&ratios)!
            ratioSigma = 1.4826 * max(mad, madFloor)
            result.likesRatioMedian = ratioMedian
            result.likesRatioMAD = mad
        }
        // Score every modelled post.
        var hits: [Post] = []
        var perAccount: [Int32: Account] = [:]
        for p32 in modelled {
            let p = Int(p32)
            let a = P.account[p]
            let f = ds.accounts.followers[Int(a)]
            let b = Self.bin(f)
            let e = E.total(p)
            if result.perAccount[Int(a)] < 0 { result.perAccount[Int(a)] = 0 }
            var acc = perAccount[a]
            acc?.postsWithCounts += 1
            if f == 0 && e >= minEngagement {
                result.zeroFollowerPostsOver += 1
                result.zeroFollower.insert(a)
            }
            let score = (log1p(Double(e)) - median[b]) / (1.4826 * max(spread[b], madFloor))
            var likesZ: Double? = nil
            if score >= z && e >= minEngagement {
                result.beyondFollowers += 1
                likesZ = logRatio(p).map { ($0 - ratioMedian) / ratioSigma }
            }
            if score >= z && e >= minEngagement && (ratioZ == 0 || ratios.isEmpty || (likesZ ?? .infinity) >= ratioZ) {
                result.perAccount[Int(a)] += 1
                if acc == nil {
                    acc = Account(account: ds.accountID(of: a), handle: ds.handle(of: a), followers: Int(f),
                                  postsWithCounts: 0, anomalies: 0, anomalousEngagement: 0, maxEngagement: 0,
                                  zeroFollowerEngagement: false)
                }
                acc!.anomalies += 1
                acc!.anomalousEngagement += Int(e)
                hits.append(Post(post: PostRef(ds, p), kind: P.kind[p].name, likes: Int(E.likes[p]), reposts: Int(E.reposts[p]),
                                 quotes: Int(E.quotes[p]), replies: Int(E.replies[p]), engagement: Int(e), followers: Int(f),
                                 expected: expm1(median[b]), z: score, likesZ: likesZ))
            }
            if acc != nil { acc!.maxEngagement = max(acc!.maxEngagement, Int(e)) }
            perAccount[a] = acc
        }
        // postsWithCounts of an account counted only from its first anomaly on: recount exactly.
        for (a, var acc) in perAccount {
            var n = 0
            for k in ds.postRange(of: a) {
                let p = Int(ds.postsByAccount[k])
                if P.kind[p] != .retweet && E.total(p) >= 0 { n += 1 }
            }
            acc.postsWithCounts = n
            acc.zeroFollowerEngagement = result.zeroFollower.contains(a)
            perAccount[a] = acc
        }
        result.zeroFollowerAccountsOver = result.zeroFollower.count
        result.anomalousPosts = hits.count
        result.anomalousAccounts = perAccount.count
        hits.sort { $0.z != $1.z ? $0.z > $1.z : ($0.post.time, $0.post.postID, $0.post.account) < ($1.post.time, $1.post.postID, $1.post.account) }
        result.posts = Array(hits.prefix(list))
        result.allPosts = hits
        result.accounts = perAccount.values.sorted { $0.anomalies != $1.anomalies ? $0.anomalies > $1.anomalies : $0.account < $1.account }
        result.note = hits.isEmpty
            ? "no post's engagement lies far beyond its author's follower base"
            : "\(hits.count) posts by \(perAccount.count) accounts drew engagement far beyond their authors' follower bases"
        return result
    }
}
