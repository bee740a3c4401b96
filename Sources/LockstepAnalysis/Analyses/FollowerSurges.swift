import LockstepCore

/// Follower surges: runs of consecutive followers whose accounts were created shortly before they
/// followed, arriving far faster than the target's normal intake (bought or manufactured followers).
///
/// Follow times are unknown; the lists are in follow order (newest first) with each follower's
/// creation date. Walking from the oldest follower forward, the running maximum of creation dates
/// is a lower bound of each follow time (nobody follows before their account exists, nor before
/// those who followed earlier). A follower is *fresh* when its account was created within
/// `fresh_window` of that bound. Surges are maximal runs dominated by fresh followers (each fresh
/// follower scores +1, any other `-penalty`; a run ends when its score falls `drop` below its best),
/// with at least `min_size` fresh followers, and an intake per day at least `rate_factor` times the
/// target's intake outside surges. A surge's start is the bound after its first `start_members`
/// followers, its end the bound at its newest follower.
public struct FollowerSurges: Analysis {
    /// Stable name: the `--analyses` value and the `summary.json` section.
    public static let name = "follower_surges"
    /// One line for `lockstep analyses`.
    public static let summary = "Follower surges of newly created accounts, from follower order and creation dates"
    /// Tunable parameters with defaults (`--set name.param=value`).
    public static let parameters = [
        ParameterSpec("fresh_window", .duration(1...3650 * 86_400), default: "30d", "Account age at (estimated) follow time below which a follower is fresh"),
        ParameterSpec("penalty", .atLeast(1), default: "4", "Score of a follower that is not fresh (a fresh one scores 1); 4 asks for 80% fresh"),
        ParameterSpec("drop", .atLeast(1), default: "20", "Score fall below a run's best that ends the run"),
        ParameterSpec("min_size", .atLeast(1), default: "50", "Fewest fresh followers in a surge"),
        ParameterSpec("rate_factor", .number(0...Double.infinity, lowerOpen: true), default: "10", "How many times the target's normal daily intake a surge must reach"),
        ParameterSpec("start_members", .atLeast(1), default: "10", "Surge members whose creation dates set the start estimate"),
        ParameterSpec("series_points", .integer(1...1_000_000), default: "1000", "Points per target in the order-vs-creation series"),
    ]

    let freshWindow: Int64
    let penalty: Int
    let drop: Int
    let minSize: Int
    let rateFactor: Double
    let seriesPoints: Int
    let startMembers: Int

    /// Reads and validates the parameters; throws ``OptionError`` on a bad value.
    public init(options: AnalysisOptions) throws {
        freshWindow = try options.seconds(Self.self, "fresh_window")!
        penalty = try options.int(Self.self, "penalty")
        drop = try options.int(Self.self, "drop")
        minSize = try options.int(Self.self, "min_size")
        rateFactor = try options.double(Self.self, "rate_factor")
        seriesPoints = try options.int(Self.self, "series_points")
        startMembers = try options.int(Self.self, "start_members")
    }

    /// One surge of fresh followers.
    public struct Surge: Codable, Sendable, Equatable {
        /// The target account, as named in the input.
        public var target: String
        /// Estimated first and last follow day (lower bounds, `YYYY-MM-DD`).
        public var start: String
        /// Estimated last follow day (a lower bound), `YYYY-MM-DD`.
        public var end: String
        /// Followers in the run, and how many of them are fresh.
        public var size: Int
        /// Followers in the run created shortly before they followed.
        public var fresh: Int
        /// Creation dates of the run's accounts.
        public var createdFrom: String
        /// Newest creation date in the run.
        public var createdTo: String
        /// API positions (0 = newest follower) of the run's newest and oldest follower.
        public var newestPosition: Int
        /// API position of the run's oldest follower.
        public var oldestPosition: Int
        /// Followers per day during the run.
        public var perDay: Double
        /// The target's followers per day outside surges.
        public var baselinePerDay: Double
        /// Ids of the run's fresh followers (for per-account evidence; not written to summary.json).
        public var freshMembers: [String] = []

        enum CodingKeys: String, CodingKey {
            case target, start, end, size, fresh, createdFrom, createdTo, newestPosition, oldestPosition, perDay, baselinePerDay
        }
    }

    /// The chart analysts draw by hand: follower order against creation date, downsampled.
    public struct Series: Codable, Sendable, Equatable {
        /// Follow order, 0 = oldest follower.
        public var order: [Int]
        /// Account creation date of that follower.
        public var created: [String]
        /// Lower bound of its follow date (running maximum of creation dates).
        public var followedBy: [String]
    }

    /// One target's follower list, summarised.
    public struct Target: Codable, Sendable, Equatable {
        /// The target account, as named in the input.
        public var target: String
        /// Followers in the list.
        public var followers: Int
        /// Follow-time bound of the oldest follower.
        public var firstFollowBy: String?
        /// Follow-time bound of the newest follower.
        public var lastFollowBy: String?
        /// Share of fresh followers in the whole list.
        public var freshShare: Double
        /// The target's followers per day outside surges.
        public var baselinePerDay: Double
        /// Surges on this target.
        public var surges: Int
        /// Followers inside surges.
        public var surgeFollowers: Int
        /// The follower-order vs creation-date chart.
        public var series: Series
    }

    /// The `summary.json` section (and `accounts.csv` columns) of this analysis.
    public struct Result: AnalysisResult {
        /// False when the run had no `--followers` input.
        public var hasInput: Bool
        /// The `fresh_window` parameter, in days.
        public var freshWindowDays: Double
        /// Every target, in input order.
        public var targets: [Target]
        /// Every surge, by target then start.
        public var surges: [Surge]
    }

    /// Runs the analysis on a dataset.
    public func run(on ds: Dataset, context: AnalysisContext) throws -> Result {
        guard let lists = context.followers else {
            return Result(hasInput: false, freshWindowDays: Double(freshWindow) / 86_400, targets: [], surges: [])
        }
        return analyze(lists)
    }

    /// Surges and series of every target in `lists`.
    public func analyze(_ lists: FollowerLists) -> Result {
        var targets: [Target] = []
        var surges: [Surge] = []
        var bound: [Int64] = []
        var fresh: [Bool] = []
        for t in 0..<lists.targetCount {
            let rows = lists.rows(of: t)
            let n = rows.count
            let name = lists.targets[t]
            // Chronological index k is API row rows.upperBound - 1 - k.
            @inline(__always) func row(_ k: Int) -> Int { rows.upperBound - 1 - k }
            bound.removeAll(keepingCapacity: true)
            fresh.removeAll(keepingCapacity: true)
            var running = Int64.min
            var freshCount = 0
            for k in 0..<n {
                let c = lists.created[row(k)]
                running = max(running, c)
                bound.append(running)
                let f = running - c <= freshWindow
                fresh.append(f)
                if f { freshCount += 1 }
            }
            // Maximal fresh-dominated runs (X-drop scan).
            var runs: [(Int, Int, Int)] = []  // (first k, last k, fresh)
            var k = 0
            while k < n {
                guard fresh[k] else { k += 1; continue }
                var score = 0, best = 0, bestEnd = k, freshIn = 0, bestFresh = 0
                var j = k
                while j < n {
                    if fresh[j] { score += 1; freshIn += 1 } else { score -= penalty }
                    if score > best { best = score; bestEnd = j; bestFresh = freshIn }
                    if score <= 0 || best - score >= drop { break }
                    j += 1
                }
                if bestFresh >= minSize { runs.append((k, bestEnd, bestFresh)) }
                k = bestEnd + 1
            }
            // Normal intake: followers outside the runs per day outside the runs.
            let span = n > 0 ? Double(bound[n - 1] - bound[0]) / 86_400 : 0
            var inRuns = 0, runDays = 0.0
            for (a, b, _) in runs { inRuns += b - a + 1; runDays += Double(bound[b] - bound[a]) / 86_400 }
            let baseline = Double(n - inRuns) / max(1, span - runDays)
            var accepted = 0, acceptedFollowers = 0
            for (a, b, f) in runs {
                let days = Double(bound[b] - bound[a]) / 86_400
                let rate = Double(b - a + 1) / max(1, days)
                guard rate >= rateFactor * baseline else { continue }
                var lo = Int64.max, hi = Int64.min
                for q in a...b { lo = min(lo, lists.created[row(q)]); hi = max(hi, lists.created[row(q)]) }
                accepted += 1
                acceptedFollowers += b - a + 1
                // The bound at the first member trails the start by that account's creation-to-follow
                // delay; a few members in, the newest creation among them is close to the start.
                let startAt = min(b, a + startMembers - 1)
                surges.append(Surge(target: name, start: Self.day(bound[startAt]), end: Self.day(bound[b]), size: b - a + 1, fresh: f,
                                    createdFrom: Self.day(lo), createdTo: Self.day(hi),
                                    newestPosition: Int(lists.position[row(b)]), oldestPosition: Int(lists.position[row(a)]),
                                    perDay: rate, baselinePerDay: baseline,
                                    freshMembers: (a...b).filter { fresh[$0] }.map { lists.followerKeys[lists.follower[row($0)]] }))
            }
            var series = Series(order: [], created: [], followedBy: [])
            let step = max(1, (n + seriesPoints - 1) / seriesPoints)
            var s = 0
            while s < n {
                series.order.append(s)
                series.created.append(Self.day(lists.created[row(s)]))
                series.followedBy.append(Self.day(bound[s]))
                s += step
            }
            targets.append(Target(target: name, followers: n, firstFollowBy: n > 0 ? Self.day(bound[0]) : nil,
                                  lastFollowBy: n > 0 ? Self.day(bound[n - 1]) : nil,
                                  freshShare: n > 0 ? Double(freshCount) / Double(n) : 0, baselinePerDay: baseline,
                                  surges: accepted, surgeFollowers: acceptedFollowers, series: series))
        }
        return Result(hasInput: true, freshWindowDays: Double(freshWindow) / 86_400, targets: targets, surges: surges)
    }

    static func day(_ t: Int64) -> String { CivilTime.isoDate(dayNumber: CivilTime.dayNumber(t)) }
}
