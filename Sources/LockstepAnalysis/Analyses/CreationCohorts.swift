import Foundation
import LockstepCore

/// Accounts created on the same day (or hour) in numbers the spread of creation dates cannot explain.
///
/// Each day's count is tested against a Poisson law whose mean is the average of the
/// surrounding days (the day itself left out), with a Bonferroni correction over all days
/// tested; see `docs/methodology/cohorts.md`.
public struct CreationCohorts: Analysis {
    public static let name = "cohorts"
    public static let summary = "Same-day (or same-hour) account-creation bursts, tested against the local spread of creation dates"
    public static let parameters = [
        ParameterSpec("min_size", .atLeast(2), default: "5", "Fewest accounts a cohort can have"),
        ParameterSpec("window_days", .integer(1...3650), default: "15", "Days on each side that make a day's baseline (hours: 3 days on each side)"),
        ParameterSpec("alpha", .number(0...0.999999, lowerOpen: true), default: "0.01", "Family-wise false-alarm rate, split over all days (or hours) tested"),
        ParameterSpec("min_ratio", .number(0...Double.infinity, lowerOpen: false), default: "2", "Least ratio of a cohort's size to its baseline, a guard against overdispersion"),
    ]

    let minSize: Int
    let windowDays: Int
    let alpha: Double
    let minRatio: Double

    public init(options: AnalysisOptions) throws {
        minSize = try options.int(Self.self, "min_size")
        windowDays = try options.int(Self.self, "window_days")
        alpha = try options.double(Self.self, "alpha")
        minRatio = try options.double(Self.self, "min_ratio")
    }

    /// One burst of creations.
    public struct Cohort: Codable, Sendable, Equatable {
        /// `YYYY-MM-DD`, or `YYYY-MM-DDTHH` for an hour cohort (UTC).
        public var date: String
        /// `day` or `hour`.
        public var granularity: String
        /// Accounts created in that day or hour.
        public var size: Int
        /// Mean count of the surrounding days (or hours).
        public var baseline: Double
        /// log10 of the Poisson probability of at least `size` creations given the baseline.
        public var log10P: Double
        /// Account ids as given in the input, sorted.
        public var members: [String]
    }

    /// The `cohorts` section of `summary.json`.
    public struct Result: AnalysisResult, Codable, Equatable {
        /// Accounts in the input with a creation time.
        public var accountsWithCreationDate: Int
        /// Earliest creation date.
        public var firstCreated: String?
        /// Latest creation date.
        public var lastCreated: String?
        /// True when creation times carry hours, so hour cohorts were tested too.
        public var hourResolution: Bool
        /// Days in the creation span (the Bonferroni divisor).
        public var daysTested: Int
        /// The log10 p-value a day needed (Bonferroni: alpha / days tested).
        public var log10Threshold: Double?
        /// Creations per calendar year.
        public var createdPerYear: [String: Int]
        /// The cohorts, by date.
        public var cohorts: [Cohort]
        /// Accounts in any cohort.
        public var accountsInCohorts: Int

        var cohortOf: [Int32: String] = [:]

        enum CodingKeys: String, CodingKey {
            case accountsWithCreationDate, firstCreated, lastCreated, hourResolution, daysTested, log10Threshold,
                 createdPerYear, cohorts, accountsInCohorts
        }

        /// The cohort day (`YYYY-MM-DD`) of an account in one, else nil.
        public func cohortDate(of account: Int32) -> String? { cohortOf[account] }

        public func accountColumns(_ dataset: Dataset) -> [AccountColumn] {
            var v = [String](repeating: "", count: dataset.accounts.count)
            for (a, d) in cohortOf { v[Int(a)] = d }
            return [AccountColumn(name: "cohort", values: v)]
        }

        public func accountReasons(_ dataset: Dataset) -> [Int32: [String]] {
            cohortOf.mapValues { ["creation_cohort:" + $0] }
        }
    }

    public func run(on ds: Dataset, context: AnalysisContext) throws -> Result {
        let created = ds.accounts.created
        var accounts: [Int32] = []
        var withTime = 0
        var yearCounts: [Int: Int] = [:]
        for a in ds.accountsInData where created[Int(a)] != noTime {
            accounts.append(a)
            let t = created[Int(a)]
            let d = CivilTime.dayNumber(t)
            if t != Int64(d) * 86_400 { withTime += 1 }
            yearCounts[CivilTime.date(days: d).year, default: 0] += 1
        }
        guard !accounts.isEmpty else {
            return Result(accountsWithCreationDate: 0, firstCreated: nil, lastCreated: nil, hourResolution: false, daysTested: 0,
                          log10Threshold: nil, createdPerYear: [:], cohorts: [], accountsInCohorts: 0)
        }
        var years: [String: Int] = [:]
        for (y, c) in yearCounts { years[String(y)] = c }
        let hourResolution = withTime * 2 >= accounts.count
        let days = bursts(accounts, ds, unit: 86_400, window: windowDays, granularity: "day")
        var found = days.cohorts
        if hourResolution { found += bursts(accounts, ds, unit: 3600, window: 72, granularity: "hour").cohorts }
        var cohortOf: [Int32: String] = [:]
        // A day cohort names an account first; an hour cohort only when no day cohort holds it.
        for (c, ids) in found { for a in ids where cohortOf[a] == nil { cohortOf[a] = c.date } }
        let cohorts = found.map(\.cohort).sorted { $0.date != $1.date ? $0.date < $1.date : $0.granularity < $1.granularity }
        let times = accounts.map { created[Int($0)] }
        return Result(accountsWithCreationDate: accounts.count,
                      firstCreated: CivilTime.isoDate(dayNumber: CivilTime.dayNumber(times.min()!)),
                      lastCreated: CivilTime.isoDate(dayNumber: CivilTime.dayNumber(times.max()!)),
                      hourResolution: hourResolution, daysTested: days.tested,
                      log10Threshold: (log10(alpha / Double(max(days.tested, 1))) * 1000).rounded() / 1000,
                      createdPerYear: years, cohorts: cohorts, accountsInCohorts: cohortOf.count, cohortOf: cohortOf)
    }

    /// Counts creations per bin of `unit` seconds and keeps the bins that are too full for their surroundings.
    ///
    /// Only bins that hold creations are stored (sorted, with prefix sums): a window's empty bins
    /// are counted from its bounds, so the cost follows the accounts, not the span of their
    /// creation dates (one account created in 1900 would otherwise make a million hours).
    func bursts(_ accounts: [Int32], _ ds: Dataset, unit: Int64, window: Int, granularity: String)
        -> (cohorts: [(cohort: Cohort, ids: [Int32])], tested: Int) {
        let created = ds.accounts.created
        func bin(_ t: Int64) -> Int64 { t >= 0 ? t / unit : (t - unit + 1) / unit }
        var lo = Int64.max, hi = Int64.min
        for a in accounts { let b = bin(created[Int(a)]); lo = min(lo, b); hi = max(hi, b) }
        let n = Int(hi - lo + 1)
        // Bins that hold creations (relative to `lo`, ascending) and their counts.
        var byBin: [Int: Int] = [:]
        for a in accounts { byBin[Int(bin(created[Int(a)]) - lo), default: 0] += 1 }
        let bins = byBin.keys.sorted()
        let counts = bins.map { byBin[$0]! }
        let k = bins.count
        let log10Threshold = log10(alpha / Double(n))
        let floor = 1 / Double(2 * window)
        // The baseline of a day is the mean of the other days in its window, leaving out days
        // already found hot, so one cohort does not hide its neighbour; repeated until no day is added.
        var isHot = [Bool](repeating: false, count: k)
        var baselines: [Int: (Double, Double)] = [:]
        // Over the stored bins: creations in bins not hot, and hot bins, before each one.
        var sum = [Int](repeating: 0, count: k + 1), hotBefore = sum
        func prefixes() {
            for j in 0..<k {
                sum[j + 1] = sum[j] + (isHot[j] ? 0 : counts[j])
                hotBefore[j + 1] = hotBefore[j] + (isHot[j] ? 1 : 0)
            }
        }
        /// Stored-bin positions of the bins from `a` to `b`.
        func positions(_ a: Int, _ b: Int) -> Range<Int> {
            func firstAtLeast(_ v: Int) -> Int {
                var l = 0, h = k
                while l < h { let m = (l + h) / 2; if bins[m] < v { l = m + 1 } else { h = m } }
                return l
            }
            return firstAtLeast(a)..<firstAtLeast(b + 1)
        }
        /// Creations in bins not hot, and bins not hot, of the window around bin `i`.
        func around(_ i: Int) -> (creations: Int, days: Int) {
            let a = max(0, i - window), b = min(n - 1, i + window)
            let r = positions(a, b)
            return (sum[r.upperBound] - sum[r.lowerBound], b - a + 1 - (hotBefore[r.upperBound] - hotBefore[r.lowerBound]))
        }
        for _ in 0..<20 {
            prefixes()
            var added = false
            for j in 0..<k where counts[j] >= minSize && !isHot[j] {
                let w = around(bins[j])
                let others = w.days - 1
                let mean = others <= 0 ? floor : max(Double(w.creations - counts[j]) / Double(others), floor)
                guard Double(counts[j]) >= minRatio * mean else { continue }
                let lp = Self.log10PoissonTail(counts[j], mean: mean)
                if lp <= log10Threshold { baselines[j] = (mean, lp); added = true }
            }
            for j in baselines.keys { isHot[j] = true }
            if !added { break }
        }
        let hot = baselines.keys.sorted()
        // Report each cohort against the final baseline, every hot day left out.
        prefixes()
        for j in hot {
            let w = around(bins[j])
            let mean = w.days <= 0 ? floor : max(Double(w.creations) / Double(w.days), floor)
            baselines[j] = (mean, Self.log10PoissonTail(counts[j], mean: mean))
        }
        guard !hot.isEmpty else { return ([], n) }
        var position: [Int: Int] = [:]
        for j in hot { position[bins[j]] = j }
        var members = [Int: [Int32]]()
        for a in accounts {
            if let j = position[Int(bin(created[Int(a)]) - lo)] { members[j, default: []].append(a) }
        }
        let cohorts = hot.map { j -> (cohort: Cohort, ids: [Int32]) in
            let start = (lo + Int64(bins[j])) * unit
            let day = CivilTime.isoDate(dayNumber: CivilTime.dayNumber(start))
            let label = unit == 86_400 ? day : day + "T" + (start % 86_400 / 3600 < 10 ? "0" : "") + String(start % 86_400 / 3600)
            let (mean, lp) = baselines[j]!
            let ids = members[j, default: []]
            return (Cohort(date: label, granularity: granularity, size: counts[j], baseline: (mean * 1000).rounded() / 1000,
                           log10P: (lp * 100).rounded() / 100, members: ids.map { ds.accounts.key[$0] }.sorted()), ids)
        }
        return (cohorts, n)
    }

    /// log10 P(X ≥ k) for X ~ Poisson(mean), summed in log space from the k-th term (k above the mean).
    static func log10PoissonTail(_ k: Int, mean: Double) -> Double {
        if Double(k) <= mean { return 0 }
        let logFirst = -mean + Double(k) * log(mean) - lgamma(Double(k) + 1)
        var sum = 1.0, term = 1.0
        var j = k
        while term > 1e-17 * sum && j < k + 10_000 {
            j += 1
            term *= mean / Double(j)
            sum += term
        }
        return min(0, (logFirst + log(sum)) / log(10))
    }
}
