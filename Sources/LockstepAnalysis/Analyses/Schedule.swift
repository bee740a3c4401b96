import Foundation
import LockstepCore

/// When accounts post, in which zone that looks like a working week, and when they fell silent.
///
/// The offset inference scores a working-week template (Monday–Friday 09:00–18:00 with a lunch
/// dip, quiet nights and weekends) at each of the 24 whole-hour UTC offsets; see
/// `docs/methodology/schedule.md` for the scoring, the verdicts and their false positives.
public struct Schedule: Analysis {
    public static let name = "schedule"
    public static let summary = "Hour × weekday activity, inferred UTC offset of a working week (per account and group), work-hours share, lunch dip, holiday silences"
    public static let parameters = [
        ParameterSpec("tz", .zone, default: "auto", "Zone for the local table and shares: auto (the inferred group offset, else UTC), UTC, ±HH:MM or an IANA name"),
        ParameterSpec("min_posts", .atLeast(1), default: "40", "Posts an account needs before its own offset is inferred"),
        ParameterSpec("min_fit", .number(-1...1, lowerOpen: false), default: "0.5", "Least template fit (0 = no better than uniform, 1 = all posts in core work hours) for a working week"),
        ParameterSpec("min_weekday_ratio", .number(0...Double.infinity, lowerOpen: false), default: "2", "Least ratio of posts per weekday to posts per weekend day for a working week"),
        ParameterSpec("silence_days", .integer(1...3650), default: "5", "Shortest holiday silence reported, in calendar days"),
    ]

    /// The parsed parameters.
    public let settings: Settings

    public init(options: AnalysisOptions) throws {
        settings = try Settings(options: options)
    }

    /// Tunable values of the schedule fingerprint; other analyses build one to call ``fingerprint(of:in:settings:)``.
    public struct Settings: Sendable, Equatable {
        /// Zone of the local table, shares and silence dates.
        public var zone: ZoneSpec
        /// Posts an account needs to be judged alone.
        public var minPosts: Int
        /// Least template fit for a working week.
        public var minFit: Double
        /// Least weekday/weekend posting-rate ratio for a working week.
        public var minWeekdayRatio: Double
        /// Shortest reported silence, in calendar days.
        public var silenceDays: Int

        /// The declared defaults (``Schedule/parameters``); a test checks that they validate.
        public init() {
            self = try! Settings(options: AnalysisOptions())
        }

        /// Reads `schedule.*` options (and the shared bare `tz`).
        public init(options: AnalysisOptions) throws {
            zone = ZoneSpec.parse(try options.string(Schedule.self, "tz"))!
            minPosts = try options.int(Schedule.self, "min_posts")
            minFit = try options.double(Schedule.self, "min_fit")
            minWeekdayRatio = try options.double(Schedule.self, "min_weekday_ratio")
            silenceDays = try options.int(Schedule.self, "silence_days")
        }
    }

    /// The `schedule` section of `summary.json`, plus per-account values for `accounts.csv`.
    public struct Result: AnalysisResult, Codable, Equatable {
        /// The whole input as one group.
        public var group: ScheduleFingerprint
        /// The `min_posts` used.
        public var minPosts: Int
        /// The `min_fit` used.
        public var minFit: Double
        /// The `min_weekday_ratio` used.
        public var minWeekdayRatio: Double

        /// Per account id: inferred offset in hours, or ``Schedule/noOffset``.
        var accountOffset: [Int8] = []
        /// Per account id: ``Verdict`` raw value, 0 when the account has no posts.
        var accountVerdict: [UInt8] = []
        /// Per account id: share of posts in local work hours of the analysis zone, −1 without posts.
        var accountWorkShare: [Float] = []
        /// The settings this run used: every group fingerprint of the run (clusters, flagged
        /// accounts) is computed with them, never with defaults.
        public var settings = Settings()

        /// The fingerprint of a group of accounts with this run's settings.
        public func fingerprint(of accounts: [Int32], in dataset: Dataset) -> ScheduleFingerprint {
            Schedule.fingerprint(of: accounts, in: dataset, settings: settings)
        }

        enum CodingKeys: String, CodingKey { case group, minPosts, minFit, minWeekdayRatio }

        /// The inferred offset of an account in whole hours, if it has a working week.
        public func offsetHours(of account: Int32) -> Int? {
            let o = accountOffset[Int(account)]
            return o == Schedule.noOffset ? nil : Int(o)
        }

        public func accountColumns(_ dataset: Dataset) -> [AccountColumn] {
            let n = accountOffset.count
            var offset = [String](repeating: "", count: n)
            var share = [String](repeating: "", count: n)
            var verdict = [String](repeating: "", count: n)
            for i in 0..<n {
                if accountOffset[i] != Schedule.noOffset { offset[i] = String(accountOffset[i]) }
                if accountWorkShare[i] >= 0 { share[i] = Self.format(Double(accountWorkShare[i])) }
                if let v = Verdict(rawValue: accountVerdict[i]) { verdict[i] = v.label }
            }
            return [AccountColumn(name: "utc_offset_hours", values: offset),
                    AccountColumn(name: "workhours_share", values: share),
                    AccountColumn(name: "schedule", values: verdict)]
        }

        public func accountReasons(_ dataset: Dataset) -> [Int32: [String]] {
            var out: [Int32: [String]] = [:]
            let codes = WorkWeekTemplate.offsets.map { ["office_hours_" + Schedule.offsetLabel($0)] }
            for (i, o) in accountOffset.enumerated() where o != Schedule.noOffset {
                out[Int32(i)] = codes[Int(o) - WorkWeekTemplate.offsets[0]]
            }
            return out
        }

        static func format(_ x: Double) -> String { NumberText.decimal(x, places: 3) }
    }

    /// What the template test concluded for an account or group.
    public enum Verdict: UInt8, Sendable {
        case insufficient = 1, noWorkingWeek = 2, workingWeek = 3

        /// The word used in outputs.
        public var label: String {
            switch self {
            case .insufficient: "insufficient"
            case .noWorkingWeek: "no-working-week"
            case .workingWeek: "working-week"
            }
        }
    }

    /// Sentinel in per-account offset arrays.
    static let noOffset: Int8 = .min

    /// `utc+8`, `utc-5`, `utc+0`: the form used in reason codes.
    public static func offsetLabel(_ hours: Int) -> String { hours < 0 ? "utc\(hours)" : "utc+\(hours)" }

    public func run(on ds: Dataset, context: AnalysisContext) throws -> Result {
        var engine = ScheduleEngine(settings: settings, dataset: ds)
        var per: ScheduleEngine.PerAccount? = ScheduleEngine.PerAccount(count: ds.accounts.count)
        let group = engine.fingerprint(ds.accountsInData, perAccount: &per)
        return Result(group: group, minPosts: settings.minPosts, minFit: settings.minFit,
                      minWeekdayRatio: settings.minWeekdayRatio, accountOffset: per!.offset,
                      accountVerdict: per!.verdict, accountWorkShare: per!.workShare, settings: settings)
    }

    /// The schedule fingerprint of any set of accounts (a cluster, the flagged accounts, ...):
    /// tables, offset inference for the group and for each member, shares and holiday silences.
    public static func fingerprint(of accounts: [Int32], in dataset: Dataset, settings: Settings) -> ScheduleFingerprint {
        var engine = ScheduleEngine(settings: settings, dataset: dataset)
        var none: ScheduleEngine.PerAccount? = nil
        return engine.fingerprint(accounts, perAccount: &none)
    }
}

/// The schedule of a group of accounts, with the numbers behind each verdict.
public struct ScheduleFingerprint: Codable, Sendable, Equatable {
    /// Accounts of the group that have posts.
    public var accounts: Int
    /// Posts of those accounts.
    public var posts: Int
    /// Posts per weekday (Monday first) and UTC hour.
    public var hourWeekdayUTC: [[Int]]
    /// The zone of ``hourWeekdayLocal``, the shares and the silence dates (`UTC+08:00`, an IANA name).
    public var localZone: String
    /// Posts per weekday (Monday first) and local hour.
    public var hourWeekdayLocal: [[Int]]
    /// Offset inference on the group's pooled posts.
    public var inference: OffsetInference
    /// Members with enough posts, by their own verdict and offset.
    public var memberOffsets: [MemberOffsetCount]
    /// Members with enough posts to be judged alone.
    public var membersJudged: Int
    /// Share of judged members individually assigned the group's offset (when the group has one).
    public var membersAtGroupOffset: Double?
    /// Share of posts Monday–Friday 09:00–18:00 local.
    public var workhoursShare: Double?
    /// Share of posts on Saturday and Sunday local.
    public var weekendShare: Double?
    /// Posts per weekday divided by posts per weekend day; nil when there are no weekend posts.
    public var weekdayWeekendRatio: Double?
    /// 1 − (weekday posts 12:00–13:00) / mean(11:00–12:00, 13:00–14:00); positive when there is a dip.
    public var lunchDipDepth: Double?
    /// Runs of near-silent days inside otherwise active periods.
    public var silences: [Silence]
    /// The hour-of-day rhythm alone, weekdays and weekends pooled: where the working day falls and how quiet the night is.
    public var dayRhythm: DayRhythm?

    /// The daily rhythm, which places shift work and seven-day operations that fail the working-week test.
    public struct DayRhythm: Codable, Sendable, Equatable {
        /// The offset whose local 09:00–18:00 best matches the busy hours (Pearson correlation of the
        /// 24 hourly counts with the weekday template row).
        public var offsetHours: Int
        /// Pearson correlation at that offset.
        public var correlation: Double
        /// The second-best offset.
        public var runnerUpOffsetHours: Int
        /// Its correlation.
        public var runnerUpCorrelation: Double
        /// UTC hour starting the quietest six consecutive hours.
        public var quietestSixHoursStartUTC: Int
        /// Posts per hour in the quietest six hours over the busiest six: near 0 for people who sleep,
        /// near 1 for round-the-clock automation, in between for shifts.
        public var nightFloor: Double
    }

    /// How many members got a verdict and offset.
    public struct MemberOffsetCount: Codable, Sendable, Equatable {
        /// `working-week`, `no-working-week` or `insufficient`.
        public var verdict: String
        /// The offset, for working-week members.
        public var offsetHours: Int?
        /// Members with this verdict and offset.
        public var accounts: Int
    }

    /// A run of near-silent days.
    public struct Silence: Codable, Sendable, Equatable {
        /// First silent day, `YYYY-MM-DD` local.
        public var from: String
        /// Last silent day.
        public var to: String
        /// Calendar days from `from` to `to`.
        public var days: Int
        /// Posts in those days.
        public var postsDuring: Int
        /// Median posts per reference day (weekdays for a working week) in the surrounding ±28 days.
        public var baselinePerDay: Double
    }
}

/// The result of fitting the working-week template at every candidate offset.
public struct OffsetInference: Codable, Sendable, Equatable {
    /// `working-week`, `no-working-week` or `insufficient`.
    public var verdict: String
    /// The inferred offset when the verdict is `working-week`.
    public var offsetHours: Int?
    /// The best-scoring offset whatever the verdict.
    public var bestOffsetHours: Int
    /// The best of the other offsets.
    public var runnerUpOffsetHours: Int
    /// Template fit at the best offset: 0 = as uniform activity, 1 = every post in core work hours.
    public var fit: Double
    /// Its fit.
    public var runnerUpFit: Double
    /// Paired z statistic of the best over the runner-up (difference of per-post template weights).
    public var marginZ: Double
    /// `high` (z ≥ 3), `medium` (z ≥ 2) or `low`; `none` when there is no working week to place.
    public var confidence: String
    /// At the best offset: posts per weekday / posts per weekend day (nil: no weekend posts).
    public var weekdayWeekendRatio: Double?
    /// Fit at each candidate offset, −11 to +12.
    public var scores: [CandidateScore]
    /// Why the verdict is not a working week, in words.
    public var reason: String?

    /// One candidate offset and its template fit.
    public struct CandidateScore: Codable, Sendable, Equatable {
        /// Offset in hours east of UTC.
        public var offsetHours: Int
        /// Template fit at that offset.
        public var fit: Double
    }
}

/// UTC offsets of a zone, looked up once per day of the data and never per post.
///
/// Day granularity misplaces the hours between a daylight-saving change (about 02:00 local)
/// and the next midnight: two to three hours a year, negligible against a year of activity.
struct DayOffsets {
    private(set) var constant: Int?
    private var firstDay = 0
    private var perDay: [Int32] = []
    private(set) var label: String

    init(fixed seconds: Int) {
        constant = seconds
        label = seconds == 0 ? "UTC" : "UTC" + CivilTime.formatOffset(seconds)
    }

    /// Offsets of `zone` at noon UTC of each day from `fromDay` to `toDay` (day numbers).
    init(zone name: String, fromDay: Int, toDay: Int) {
        label = name
        let tz = TimeZone(identifier: name) ?? TimeZone(secondsFromGMT: 0)!
        firstDay = fromDay
        let n = max(0, toDay - fromDay + 1)
        perDay.reserveCapacity(n)
        for d in fromDay..<(fromDay + n) {
            perDay.append(Int32(tz.secondsFromGMT(for: Date(timeIntervalSince1970: Double(d) * 86_400 + 43_200))))
        }
        if let f = perDay.first, perDay.allSatisfy({ $0 == f }) { constant = Int(f) }
        if perDay.isEmpty { constant = tz.secondsFromGMT(for: Date(timeIntervalSince1970: 0)) }
    }

    @inline(__always) func offset(at t: Int64) -> Int {
        if let c = constant { return c }
        let d = min(max(CivilTime.dayNumber(t) - firstDay, 0), perDay.count - 1)
        return Int(perDay[d])
    }
}

/// The working-week template and its scoring at the 24 whole-hour offsets.
enum WorkWeekTemplate {
    /// Candidate offsets in hours: every hour of the day once.
    static let offsets = Array(-11...12)
    static let candidates = offsets.count

    /// Weight per local hour-of-week bin (Monday 00:00 = bin 0): core work hours 1, lunch 0.5,
    /// the hour either side of the working day 0.25, nights and weekends 0.
    static let weights: [Double] = {
        var t = [Double](repeating: 0, count: 168)
        for d in 0..<5 {
            for h in 0..<24 {
                switch h {
                case 9..<12, 13..<18: t[d * 24 + h] = 1
                case 12: t[d * 24 + h] = 0.5
                case 8, 18: t[d * 24 + h] = 0.25
                default: break
                }
            }
        }
        return t
    }()

    /// Expected weight of a post under uniform activity.
    static let uniformWeight = weights.reduce(0, +) / 168

    /// The template tiled three times, so that `tiled[b + offset + 168]` needs no modulo.
    static let tiled: [Double] = weights + weights + weights

    /// Core work-hours bin (Monday–Friday 09:00–18:00 local).
    @inline(__always) static func isWorkHour(_ localBin: Int) -> Bool {
        let h = localBin % 24
        return localBin < 120 && h >= 9 && h < 18
    }

    /// Hour-of-week bin (Monday 00:00 = 0) of a time in seconds (already shifted to local if wanted).
    @inline(__always) static func bin(_ t: Int64) -> Int {
        let d = CivilTime.dayNumber(t)
        let sod = Int(t - Int64(d) * 86_400)
        return CivilTime.weekday(dayNumber: d) * 24 + sod / 3600
    }

    /// Raw template sums at each candidate offset (`scores[k]` for `offsets[k]`).
    static func sums(_ hist: UnsafeBufferPointer<Int32>, into scores: UnsafeMutableBufferPointer<Double>) {
        for k in 0..<candidates { scores[k] = 0 }
        tiled.withUnsafeBufferPointer { w in
            for b in 0..<168 {
                let c = hist[b]
                if c == 0 { continue }
                let cd = Double(c)
                let base = b + 168 + offsets[0]
                for k in 0..<candidates { scores[k] += cd * w[base + k] }
            }
        }
    }

    /// Fit (0 = uniform, 1 = all in core hours) from a raw sum.
    @inline(__always) static func fit(sum: Double, posts: Int) -> Double {
        (sum / Double(posts) - uniformWeight) / (1 - uniformWeight)
    }

    /// Weekday posts per day over weekend posts per day, with local bins at `offset` hours.
    static func weekdayRatio(_ hist: UnsafeBufferPointer<Int32>, offset: Int) -> Double? {
        var weekday = 0, weekend = 0
        for b in 0..<168 where hist[b] != 0 {
            let local = (b + offset + 168) % 168
            if local < 120 { weekday += Int(hist[b]) } else { weekend += Int(hist[b]) }
        }
        return weekend == 0 ? nil : (Double(weekday) / 5) / (Double(weekend) / 2)
    }

    /// Paired z of the best offset over the runner-up: mean per-post weight difference over its standard error.
    static func marginZ(_ hist: UnsafeBufferPointer<Int32>, posts: Int, best: Int, second: Int) -> Double {
        var s = 0.0, s2 = 0.0
        tiled.withUnsafeBufferPointer { w in
            for b in 0..<168 where hist[b] != 0 {
                let d = w[b + best + 168] - w[b + second + 168]
                s += Double(hist[b]) * d
                s2 += Double(hist[b]) * d * d
            }
        }
        let n = Double(posts)
        let mean = s / n
        let variance = max(s2 / n - mean * mean, 0)
        if variance == 0 { return mean > 0 ? 99 : 0 }
        return min(mean / (variance / n).squareRoot(), 99)
    }

    static func confidence(_ z: Double) -> String { z >= 3 ? "high" : z >= 2 ? "medium" : "low" }
}

/// Does the work of ``Schedule``: two passes over the members' posts (UTC bins, then local bins).
struct ScheduleEngine {
    /// Per-account values kept when the whole input is analysed.
    struct PerAccount {
        var offset: [Int8]
        var verdict: [UInt8]
        var workShare: [Float]
        init(count: Int) {
            offset = [Int8](repeating: Schedule.noOffset, count: count)
            verdict = [UInt8](repeating: 0, count: count)
            workShare = [Float](repeating: -1, count: count)
        }
    }

    /// A verdict on one histogram, with the numbers the summary needs.
    struct Judgement {
        var verdict: Schedule.Verdict
        var best = 0, second = 0
        var bestFit = 0.0, secondFit = 0.0
        var ratio: Double?
        var reason: String?
    }

    let settings: Schedule.Settings
    let ds: Dataset
    private var scores = [Double](repeating: 0, count: WorkWeekTemplate.candidates)

    init(settings: Schedule.Settings, dataset: Dataset) {
        self.settings = settings
        self.ds = dataset
    }

    /// Scores a histogram at every offset and applies the verdict rule.
    mutating func judge(_ hist: UnsafeBufferPointer<Int32>, posts n: Int) -> Judgement {
        if n < settings.minPosts || n == 0 {
            return Judgement(verdict: .insufficient, reason: "fewer than \(settings.minPosts) posts")
        }
        scores.withUnsafeMutableBufferPointer { WorkWeekTemplate.sums(hist, into: $0) }
        var bi = 0, si = -1
        for k in 1..<WorkWeekTemplate.candidates where scores[k] > scores[bi] { bi = k }
        for k in 0..<WorkWeekTemplate.candidates where k != bi && (si < 0 || scores[k] > scores[si]) { si = k }
        var j = Judgement(verdict: .noWorkingWeek)
        j.best = WorkWeekTemplate.offsets[bi]
        j.second = WorkWeekTemplate.offsets[si]
        j.bestFit = WorkWeekTemplate.fit(sum: scores[bi], posts: n)
        j.secondFit = WorkWeekTemplate.fit(sum: scores[si], posts: n)
        j.ratio = WorkWeekTemplate.weekdayRatio(hist, offset: j.best)
        if j.bestFit < settings.minFit {
            j.reason = "best template fit \(Self.round3(j.bestFit)) is below \(settings.minFit)"
        } else if let r = j.ratio, r < settings.minWeekdayRatio {
            j.reason = "weekends are not quiet: weekday/weekend ratio \(Self.round3(r)) is below \(settings.minWeekdayRatio)"
        } else {
            j.verdict = .workingWeek
        }
        return j
    }

    static func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }

    mutating func fingerprint(_ accounts: [Int32], perAccount: inout PerAccount?) -> ScheduleFingerprint {
        let time = ds.posts.time
        let order = ds.postsByAccount
        var hist = [Int32](repeating: 0, count: 168)
        var bins: [UInt8] = []
        // The members' times in member order: posts sit in input order, so reading them through
        // `postsByAccount` is a random gather; doing it once makes the second pass sequential.
        var gathered: [Int64] = []
        var group = [Int](repeating: 0, count: 168)
        var minT = Int64.max, maxT = Int64.min
        var posts = 0, members = 0
        // verdict × offset counts for members judged alone; index 24 = no offset.
        var memberCounts = [[Int]](repeating: [Int](repeating: 0, count: WorkWeekTemplate.candidates + 1), count: 4)

        // Pass 1: each member's UTC hour-of-week histogram, judged on its own, pooled into the group's.
        for a in accounts {
            let range = ds.postRange(of: a)
            let n = range.count
            if n == 0 { continue }
            members += 1
            posts += n
            bins.removeAll(keepingCapacity: true)
            for i in range {
                let t = time[Int(order[i])]
                gathered.append(t)
                let b = WorkWeekTemplate.bin(t)
                bins.append(UInt8(b))
                hist[b] += 1
                if t < minT { minT = t }
                if t > maxT { maxT = t }
            }
            // Small accounts touch few bins: pool and clear through the posts rather than all 168 bins.
            let small = n < 168
            if small {
                for b in bins { group[Int(b)] += 1 }
            } else {
                for b in 0..<168 { group[b] += Int(hist[b]) }
            }
            if n >= settings.minPosts {
                let j = hist.withUnsafeBufferPointer { judge($0, posts: n) }
                let slot = j.verdict == .workingWeek ? j.best + 11 : WorkWeekTemplate.candidates
                memberCounts[Int(j.verdict.rawValue)][slot] += 1
                if perAccount != nil {
                    perAccount!.verdict[Int(a)] = j.verdict.rawValue
                    if j.verdict == .workingWeek {
                        perAccount!.offset[Int(a)] = Int8(j.best)
                        // The office-hours share at the account's own offset, so that it agrees with
                        // `utc_offset_hours` on the same row (others get it in the display zone below).
                        var work = 0
                        for b in 0..<168 where WorkWeekTemplate.isWorkHour((b + j.best + 168) % 168) { work += Int(hist[b]) }
                        perAccount!.workShare[Int(a)] = Float(Double(work) / Double(n))
                    }
                }
            } else {
                memberCounts[Int(Schedule.Verdict.insufficient.rawValue)][WorkWeekTemplate.candidates] += 1
                if perAccount != nil { perAccount!.verdict[Int(a)] = Schedule.Verdict.insufficient.rawValue }
            }
            if small {
                for b in bins { hist[Int(b)] = 0 }
            } else {
                for b in 0..<168 { hist[b] = 0 }
            }
        }

        // The group's own inference; the group is judged whatever its size when it has posts.
        let groupHist = group.map { Int32(clamping: $0) }
        var groupSettings = settings
        groupSettings.minPosts = 1
        var groupEngine = ScheduleEngine(settings: groupSettings, dataset: ds)
        let gj = posts == 0 ? Judgement(verdict: .insufficient, reason: "no posts")
                            : groupHist.withUnsafeBufferPointer { groupEngine.judge($0, posts: posts) }
        let inference = Self.inference(gj, hist: groupHist, posts: posts, engine: &groupEngine)

        // The analysis zone: the option's, or under `auto` the group's offset when it has a working week.
        let zone: DayOffsets
        switch settings.zone {
        case .auto: zone = DayOffsets(fixed: gj.verdict == .workingWeek ? gj.best * 3600 : 0)
        case .fixed(let s): zone = DayOffsets(fixed: s)
        case .named(let name):
            zone = posts == 0 ? DayOffsets(fixed: 0)
                : DayOffsets(zone: name, fromDay: CivilTime.dayNumber(minT) - 1, toDay: CivilTime.dayNumber(maxT) + 1)
        }

        // Pass 2: local bins and local days.
        var local = [Int](repeating: 0, count: 168)
        var localDays: [Int] = []
        localDays.reserveCapacity(posts + 2)
        var cursor = 0
        for a in accounts {
            let n = ds.postCount(of: a)
            if n == 0 { continue }
            var work = 0
            for t in gathered[cursor..<(cursor + n)] {
                let lt = t + Int64(zone.offset(at: t))
                let b = WorkWeekTemplate.bin(lt)
                local[b] += 1
                if WorkWeekTemplate.isWorkHour(b) { work += 1 }
                localDays.append(CivilTime.dayNumber(lt))
            }
            cursor += n
            if perAccount != nil && perAccount!.workShare[Int(a)] < 0 { perAccount!.workShare[Int(a)] = Float(Double(work) / Double(n)) }
        }

        // Posts per local day, with a padding day on each side of the UTC span, on an axis that
        // shortens long empty stretches (whole weeks of them), so its size follows the posts and
        // not the span; the ±28-day levels of silences fit in the margin kept.
        var daily: [Int] = []
        var axis = DayAxis([], margin: 0)
        if posts > 0 {
            axis = DayAxis(localDays + [CivilTime.dayNumber(minT) - 1, CivilTime.dayNumber(maxT) + 1], margin: 35)
            daily = [Int](repeating: 0, count: axis.count)
            for d in localDays { daily[axis.index(of: d)] += 1 }
        }

        var memberOffsets: [ScheduleFingerprint.MemberOffsetCount] = []
        var judged = 0
        for v in [Schedule.Verdict.workingWeek, .noWorkingWeek, .insufficient] {
            for slot in 0...WorkWeekTemplate.candidates where memberCounts[Int(v.rawValue)][slot] > 0 {
                let c = memberCounts[Int(v.rawValue)][slot]
                if v != .insufficient { judged += c }
                memberOffsets.append(.init(verdict: v.label, offsetHours: slot < WorkWeekTemplate.candidates ? slot - 11 : nil, accounts: c))
            }
        }
        let atGroup: Double? = gj.verdict == .workingWeek && judged > 0
            ? Double(memberCounts[Int(Schedule.Verdict.workingWeek.rawValue)][gj.best + 11]) / Double(judged) : nil

        var weekday = 0, weekend = 0, work = 0
        for b in 0..<168 {
            if b < 120 { weekday += local[b] } else { weekend += local[b] }
            if WorkWeekTemplate.isWorkHour(b) { work += local[b] }
        }
        var lunch = 0, around = 0
        for d in 0..<5 { lunch += local[d * 24 + 12]; around += local[d * 24 + 11] + local[d * 24 + 13] }

        return ScheduleFingerprint(
            accounts: members, posts: posts,
            hourWeekdayUTC: (0..<7).map { Array(group[($0 * 24)..<($0 * 24 + 24)]) },
            localZone: zone.label,
            hourWeekdayLocal: (0..<7).map { Array(local[($0 * 24)..<($0 * 24 + 24)]) },
            inference: inference, memberOffsets: memberOffsets, membersJudged: judged,
            membersAtGroupOffset: atGroup,
            workhoursShare: posts == 0 ? nil : Double(work) / Double(posts),
            weekendShare: posts == 0 ? nil : Double(weekend) / Double(posts),
            weekdayWeekendRatio: weekend == 0 ? nil : (Double(weekday) / 5) / (Double(weekend) / 2),
            lunchDipDepth: around == 0 ? nil : 1 - Double(lunch) / (Double(around) / 2),
            silences: Self.silences(daily: daily, axis: axis, workingWeek: gj.verdict == .workingWeek,
                                    minDays: settings.silenceDays),
            dayRhythm: Self.dayRhythm(group))
    }

    static func inference(_ j: Judgement, hist: [Int32], posts: Int, engine: inout ScheduleEngine) -> OffsetInference {
        var scores: [OffsetInference.CandidateScore] = []
        var z = 0.0
        if posts > 0 {
            hist.withUnsafeBufferPointer { h in
                engine.scores.withUnsafeMutableBufferPointer { WorkWeekTemplate.sums(h, into: $0) }
                z = WorkWeekTemplate.marginZ(h, posts: posts, best: j.best, second: j.second)
            }
            scores = WorkWeekTemplate.offsets.enumerated().map {
                .init(offsetHours: $0.element, fit: round3(WorkWeekTemplate.fit(sum: engine.scores[$0.offset], posts: posts)))
            }
        }
        return OffsetInference(
            verdict: j.verdict.label, offsetHours: j.verdict == .workingWeek ? j.best : nil,
            bestOffsetHours: j.best, runnerUpOffsetHours: j.second, fit: round3(j.bestFit), runnerUpFit: round3(j.secondFit),
            marginZ: round3(z), confidence: j.verdict == .workingWeek ? WorkWeekTemplate.confidence(z) : "none",
            weekdayWeekendRatio: j.ratio.map(round3), scores: scores, reason: j.reason)
    }

    /// Correlates the 24 hourly totals (UTC) with the weekday template row at each offset.
    static func dayRhythm(_ hourWeek: [Int]) -> ScheduleFingerprint.DayRhythm? {
        var hours = [Double](repeating: 0, count: 24)
        for b in 0..<168 { hours[b % 24] += Double(hourWeek[b]) }
        guard hours.contains(where: { $0 > 0 }) else { return nil }
        let day = Array(WorkWeekTemplate.weights[0..<24])
        func centred(_ v: [Double]) -> [Double] {
            let m = v.reduce(0, +) / Double(v.count)
            return v.map { $0 - m }
        }
        let h = centred(hours), t = centred(day)
        let hn = h.reduce(0) { $0 + $1 * $1 }.squareRoot(), tn = t.reduce(0) { $0 + $1 * $1 }.squareRoot()
        var corr: [Double] = []
        for off in WorkWeekTemplate.offsets {
            var s = 0.0
            for u in 0..<24 { s += h[u] * t[(u + off + 24) % 24] }
            corr.append(hn == 0 ? 0 : s / (hn * tn))
        }
        var bi = 0
        for k in 1..<corr.count where corr[k] > corr[bi] { bi = k }
        var si = bi == 0 ? 1 : 0
        for k in 0..<corr.count where k != bi && corr[k] > corr[si] { si = k }
        var quiet = 0, quietSum = Double.infinity, busySum = 0.0
        for start in 0..<24 {
            var s = 0.0
            for k in 0..<6 { s += hours[(start + k) % 24] }
            if s < quietSum { quietSum = s; quiet = start }
            busySum = max(busySum, s)
        }
        return .init(offsetHours: WorkWeekTemplate.offsets[bi], correlation: round3(corr[bi]),
                     runnerUpOffsetHours: WorkWeekTemplate.offsets[si], runnerUpCorrelation: round3(corr[si]),
                     quietestSixHoursStartUTC: quiet, nightFloor: round3(busySum == 0 ? 0 : quietSum / busySum))
    }

    /// Runs of near-zero days (≤ 10% of the local level) inside active periods.
    ///
    /// The level of a day is the median count of its reference days within ±28 days: weekdays
    /// for a working-week group (whose weekends are quiet anyway and so are neither silent nor
    /// active), every day otherwise. Runs start and end on a quiet reference day, span at least
    /// `minDays` calendar days, have active reference days on both sides, and are reported with
    /// the quiet weekend days next to them.
    static func silences(daily: [Int], axis: DayAxis, workingWeek: Bool, minDays: Int) -> [ScheduleFingerprint.Silence] {
        let n = daily.count
        guard n > 2 else { return [] }
        // The axis drops whole weeks only, so weekdays follow the index; lengths and dates are the calendar's.
        let firstDay = axis.day(0)
        let window = 28, quietFraction = 0.1, minLevel = 3.0
        @inline(__always) func isReference(_ i: Int) -> Bool {
            !workingWeek || CivilTime.weekday(dayNumber: firstDay + i) < 5
        }
        // Day 0 and day n-1 are padding around the first and last post day.
        let lo = 1, hi = n - 2
        var level = [Double](repeating: 0, count: n)
        var buf: [Int] = []
        buf.reserveCapacity(2 * window + 1)
        for i in lo...hi where isReference(i) {
            buf.removeAll(keepingCapacity: true)
            for k in max(lo, i - window)...min(hi, i + window) where isReference(k) { buf.append(daily[k]) }
            buf.sort()
            let m = buf.count / 2
            level[i] = buf.count % 2 == 1 ? Double(buf[m]) : Double(buf[m - 1] + buf[m]) / 2
        }
        enum State { case quiet, active, neutral }
        func state(_ i: Int) -> State {
            if !isReference(i) { return .neutral }
            return Double(daily[i]) <= quietFraction * level[i] ? .quiet : .active
        }
        var out: [ScheduleFingerprint.Silence] = []
        var i = lo
        while i <= hi {
            guard state(i) == .quiet else { i += 1; continue }
            var lastQuiet = i
            var j = i + 1
            while j <= hi {
                let s = state(j)
                if s == .active { break }
                if s == .quiet { lastQuiet = j }
                j += 1
            }
            // Active on both sides: a reference day before the run and one after it (j stopped on an active day).
            var before = false
            for k in stride(from: i - 1, through: lo, by: -1) {
                let s = state(k)
                if s == .active { before = true; break }
                if s == .quiet { break }
            }
            let after = j <= hi
            var baseline = 0.0
            for k in i...lastQuiet where isReference(k) { baseline = max(baseline, level[k]) }
            // A closure that touches a weekend includes it, as official holidays do (Spring Festival
            // 2020: Friday 24 January to Sunday 2 February), unless the weekend day was worked.
            var from = i, to = lastQuiet
            while from - 1 >= lo && !isReference(from - 1) && Double(daily[from - 1]) <= quietFraction * baseline { from -= 1 }
            while to + 1 <= hi && !isReference(to + 1) && Double(daily[to + 1]) <= quietFraction * baseline { to += 1 }
            let span = axis.day(to) - axis.day(from) + 1
            // The length test is on the closure itself (first to last quiet reference day), so that
            // a quiet Friday does not become a four-day silence by taking in its weekend.
            if axis.day(lastQuiet) - axis.day(i) + 1 >= minDays && before && after && baseline >= minLevel {
                let posts = daily[from...to].reduce(0, +)
                out.append(.init(from: CivilTime.isoDate(dayNumber: axis.day(from)), to: CivilTime.isoDate(dayNumber: axis.day(to)),
                                 days: span, postsDuring: posts, baselinePerDay: baseline))
            }
            i = lastQuiet + 1
        }
        return out
    }
}
