import Foundation
import LockstepCore

/// Gaps between each account's consecutive posts, and a rule telling clock-like posting from human bursts.
///
/// Timestamps are often whole minutes (IO archive, IRA): two posts in the same minute show a
/// gap of 0. The resolution is detected per account and ties are counted, not hidden; see
/// `docs/methodology/cadence.md` for the statistics and the labelling rule.
public struct Cadence: Analysis {
    public static let name = "cadence"
    public static let summary = "Per-account gaps between posts: median, CV, burstiness, entropy, round-multiple share; regular / bursty-human / insufficient"
    public static let parameters = [
        ParameterSpec("min_gaps", .atLeast(2), default: "20", "Gaps (posts − 1) an account needs to be labelled"),
        ParameterSpec("regular_cv", .number(0...100, lowerOpen: false), default: "0.5", "Coefficient of variation at or below which gaps are clock-like"),
        ParameterSpec("regular_qcd", .number(0...1, lowerOpen: false), default: "0.1", "Quartile dispersion (Q3−Q1)/(Q3+Q1) at or below which gaps are clock-like"),
        ParameterSpec("regular_round", .number(0...1, lowerOpen: false), default: "0.6", "Excess share of gaps at exact 5-minute multiples at or above which gaps are clock-like"),
        ParameterSpec("regular_period", .number(0...1, lowerOpen: false), default: "0.4", "Share of gaps within ±5% of the median gap at or above which gaps are clock-like"),
    ]

    let minGaps: Int
    let regularCV: Double
    let regularQCD: Double
    let regularRound: Double
    let regularPeriod: Double

    public init(options: AnalysisOptions) throws {
        minGaps = try options.int(Self.self, "min_gaps")
        regularCV = try options.double(Self.self, "regular_cv")
        regularQCD = try options.double(Self.self, "regular_qcd")
        regularRound = try options.double(Self.self, "regular_round")
        regularPeriod = try options.double(Self.self, "regular_period")
    }

    /// The label given to an account's gaps.
    public enum Label: UInt8, Sendable, CaseIterable {
        case insufficient = 1, regular = 2, burstyHuman = 3

        /// The word used in outputs.
        public var name: String {
            switch self {
            case .insufficient: "insufficient"
            case .regular: "regular"
            case .burstyHuman: "bursty-human"
            }
        }
    }

    /// Gap statistics of one account (seconds).
    public struct Stats: Sendable, Equatable {
        /// Gaps between consecutive posts (posts − 1).
        public var gaps = 0
        /// Timestamp resolution in seconds: 1, 60, 3600 or 86400.
        public var resolution: Int64 = 1
        /// Gaps of zero at that resolution (posts in the same second or minute).
        public var ties = 0
        /// Median gap, seconds (ties counted as a third of the resolution).
        public var median = 0.0
        /// Mean gap, seconds.
        public var mean = 0.0
        /// Coefficient of variation σ/μ.
        public var cv = 0.0
        /// Burstiness (σ−μ)/(σ+μ): −1 periodic, 0 Poisson, near 1 bursty.
        public var burstiness = 0.0
        /// (Q3−Q1)/(Q3+Q1) of the gaps.
        public var quartileDispersion = 0.0
        /// Shannon entropy of the octave-binned gaps, bits.
        public var entropyBits = 0.0
        /// Share of gaps within ±5% (at least ± one resolution step) of the median gap: high for a fixed period.
        public var nearMedianShare = 0.0
        /// Share of non-zero gaps that are exact multiples of 5 minutes; nil at hour or day resolution.
        public var roundShare: Double?
        /// That share above what chance gives at this resolution, scaled to 0…1.
        public var roundExcess: Double?
        /// The label the rule gives.
        public var label = Label.insufficient
    }

    /// The `cadence` section of `summary.json`.
    public struct Result: AnalysisResult, Codable, Equatable {
        /// The labelling rule in words, with its thresholds.
        public var rule: String
        /// The `min_gaps` used.
        public var minGaps: Int
        /// Accounts by label.
        public var labels: [String: Int]
        /// Accounts by detected timestamp resolution (`1s`, `60s`, ...).
        public var resolutions: [String: Int]
        /// Median of each statistic among the accounts of each label (`regular`, `bursty-human`).
        public var byLabel: [String: LabelProfile]
        /// Share of all gaps (in labelled accounts) that are ties at their resolution.
        public var tieShare: Double?

        var stats: [Stats?] = []

        enum CodingKeys: String, CodingKey { case rule, minGaps, labels, resolutions, byLabel, tieShare }

        /// The statistics of one account, if it has at least one gap.
        public func stats(of account: Int32) -> Stats? { stats[Int(account)] }

        public func accountColumns(_ dataset: Dataset) -> [AccountColumn] {
            let n = stats.count
            var label = [String](repeating: "", count: n), count = label, median = label, cv = label, b = label, round = label, ties = label
            for i in 0..<n {
                guard let s = stats[i] else { continue }
                label[i] = s.label.name
                count[i] = String(s.gaps)
                guard s.gaps > 0 else { continue }
                median[i] = Self.format(s.median)
                cv[i] = Self.format(s.cv)
                b[i] = Self.format(s.burstiness)
                ties[i] = Self.format(Double(s.ties) / Double(s.gaps))
                if let r = s.roundShare { round[i] = Self.format(r) }
            }
            return [AccountColumn(name: "cadence", values: label), AccountColumn(name: "gap_count", values: count),
                    AccountColumn(name: "gap_median_seconds", values: median), AccountColumn(name: "gap_cv", values: cv),
                    AccountColumn(name: "burstiness", values: b), AccountColumn(name: "round_gap_share", values: round),
                    AccountColumn(name: "gap_tie_share", values: ties)]
        }

        public func accountReasons(_ dataset: Dataset) -> [Int32: [String]] {
            var out: [Int32: [String]] = [:]
            let code = ["cadence_regular"]
            for (i, s) in stats.enumerated() where s?.label == .regular { out[Int32(i)] = code }
            return out
        }

        static func format(_ x: Double) -> String { NumberText.decimal(x, places: 3) }
    }

    /// Medians of the statistics within one label.
    public struct LabelProfile: Codable, Sendable, Equatable {
        /// Accounts with this label.
        public var accounts: Int
        /// Median of their median gaps.
        public var medianGapSeconds: Double
        /// Median CV.
        public var cv: Double
        /// Median burstiness.
        public var burstiness: Double
        /// Median quartile dispersion.
        public var quartileDispersion: Double
        /// Median gap entropy, bits.
        public var entropyBits: Double
        /// Median share of gaps within ±5% of the account's median gap.
        public var nearMedianShare: Double
        /// Median share of gaps at 5-minute multiples.
        public var roundShare: Double?
    }

    public func run(on ds: Dataset, context: AnalysisContext) throws -> Result {
        var stats = [Stats?](repeating: nil, count: ds.accounts.count)
        var gaps: [Int64] = []
        var labelCounts = [Int](repeating: 0, count: 4)
        var resolutionCounts: [Int64: Int] = [:]
        var bins = [Int](repeating: 0, count: 64)
        var perLabel: [Label: [Stats]] = [:]
        var ties = 0, totalGaps = 0
        for a in ds.accountsInData where ds.postCount(of: a) > 0 {
            let s = measure(a, in: ds, scratch: &gaps, bins: &bins)
            stats[Int(a)] = s
            labelCounts[Int(s.label.rawValue)] += 1
            if s.gaps > 0 { resolutionCounts[s.resolution, default: 0] += 1 }
            if s.label != .insufficient {
                perLabel[s.label, default: []].append(s)
                ties += s.ties
                totalGaps += s.gaps
            }
        }
        var labels: [String: Int] = [:]
        for l in Label.allCases where labelCounts[Int(l.rawValue)] > 0 { labels[l.name] = labelCounts[Int(l.rawValue)] }
        var resolutions: [String: Int] = [:]
        for (r, c) in resolutionCounts { resolutions["\(r)s"] = c }
        var byLabel: [String: LabelProfile] = [:]
        for (label, list) in perLabel {
            func med(_ f: (Stats) -> Double?) -> Double? {
                var v = list.compactMap(f)
                return Median.of(&v).map(Self.round3)
            }
            byLabel[label.name] = LabelProfile(
                accounts: list.count, medianGapSeconds: med { $0.median }!, cv: med { $0.cv }!, burstiness: med { $0.burstiness }!,
                quartileDispersion: med { $0.quartileDispersion }!, entropyBits: med { $0.entropyBits }!,
                nearMedianShare: med { $0.nearMedianShare }!, roundShare: med { $0.roundShare })
        }
        let rule = "insufficient when fewer than \(minGaps) gaps or day-resolution timestamps; regular when CV ≤ \(regularCV), "
            + "or, with a median gap of at least 5 resolution steps, quartile dispersion ≤ \(regularQCD) "
            + "or a share ≥ \(regularPeriod) of gaps within ±5% of the median, "
            + "or excess 5-minute-multiple share ≥ \(regularRound); otherwise bursty-human"
        return Result(rule: rule, minGaps: minGaps, labels: labels, resolutions: resolutions, byLabel: byLabel,
                      tieShare: totalGaps == 0 ? nil : Self.round3(Double(ties) / Double(totalGaps)), stats: stats)
    }

    static func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }

    /// Gap statistics of one account; `scratch` is reused between accounts.
    func measure(_ a: Int32, in ds: Dataset, scratch gaps: inout [Int64], bins: inout [Int]) -> Stats {
        var s = Stats()
        let range = ds.postRange(of: a)
        guard range.count >= 2 else { return s }
        let time = ds.posts.time
        let order = ds.postsByAccount
        gaps.removeAll(keepingCapacity: true)
        var allMinute = true, allHour = true, allDay = true
        var prev = time[Int(order[range.lowerBound])]
        for i in range {
            let t = time[Int(order[i])]
            if allMinute {
                let m = t % 60 == 0
                allMinute = m
                if allHour { allHour = m && t % 3600 == 0; if allDay { allDay = allHour && t % 86_400 == 0 } }
            }
            if i > range.lowerBound { gaps.append(t - prev) }
            prev = t
        }
        s.resolution = allDay ? 86_400 : allHour ? 3600 : allMinute ? 60 : 1
        s.gaps = gaps.count
        gaps.sort()
        // A tie (gap 0 at resolution r) hides a true gap in [0, r); for two events placed
        // uniformly inside one tick that gap has mean r/3, which is what it counts as.
        let tieValue = Double(s.resolution) / 3
        var sum = 0.0, sum2 = 0.0
        for k in 0..<bins.count { bins[k] = 0 }
        var nonZero = 0, round = 0
        let roundUnit: Int64 = 300
        for g in gaps {
            let e = g == 0 ? tieValue : Double(g)
            sum += e
            sum2 += e * e
            if g == 0 { s.ties += 1 } else {
                nonZero += 1
                if g % roundUnit == 0 { round += 1 }
            }
            bins[63 - max(Int64(e), 1).leadingZeroBitCount] += 1
        }
        let n = Double(s.gaps)
        func effective(_ i: Int) -> Double { gaps[i] == 0 ? tieValue : Double(gaps[i]) }
        func quantile(_ q: Double) -> Double {
            let pos = q * (n - 1)
            let lo = Int(pos.rounded(.down)), hi = Int(pos.rounded(.up))
            return effective(lo) + (effective(hi) - effective(lo)) * (pos - Double(lo))
        }
        s.median = quantile(0.5)
        s.mean = sum / n
        let sd = max(sum2 / n - s.mean * s.mean, 0).squareRoot()
        s.cv = s.mean > 0 ? sd / s.mean : 0
        s.burstiness = sd + s.mean > 0 ? (sd - s.mean) / (sd + s.mean) : 0
        // Gaps are sorted: count those inside the band around the median by two binary searches.
        let band = max(0.05 * s.median, Double(s.resolution))
        func firstIndex(atLeast x: Double) -> Int {
            var lo = 0, hi = gaps.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if effective(mid) < x { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
        s.nearMedianShare = Double(firstIndex(atLeast: s.median + band + 0.5) - firstIndex(atLeast: s.median - band - 0.5)) / n
        let q1 = quantile(0.25), q3 = quantile(0.75)
        s.quartileDispersion = q1 + q3 > 0 ? (q3 - q1) / (q3 + q1) : 0
        var h = 0.0
        for c in bins where c > 0 {
            let p = Double(c) / n
            h -= p * log2(p)
        }
        s.entropyBits = h
        if s.resolution <= 60 && nonZero > 0 {
            let share = Double(round) / Double(nonZero)
            let chance = Double(s.resolution) / Double(roundUnit)
            s.roundShare = share
            s.roundExcess = (share - chance) / (1 - chance)
        }
        s.label = label(s)
        return s
    }

    /// The documented rule (see the methodology page).
    func label(_ s: Stats) -> Label {
        if s.gaps < minGaps || s.resolution >= 86_400 { return .insufficient }
        if s.cv <= regularCV { return .regular }
        // Near the resolution, quantisation makes gaps look alike; only trust the quartiles and the
        // period band well above it.
        if s.median >= 5 * Double(s.resolution) {
            if s.quartileDispersion <= regularQCD { return .regular }
            if s.nearMedianShare >= regularPeriod { return .regular }
        }
        if let r = s.roundExcess, r >= regularRound, s.gaps - s.ties >= minGaps { return .regular }
        return .burstyHuman
    }
}
