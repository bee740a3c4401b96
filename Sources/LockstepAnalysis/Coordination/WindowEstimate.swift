/// An automatic co-action window, estimated the way CooRnet does (Giglietto et al. 2020).
///
/// Among items shared at least twice, take the quickest: those whose second share came within the
/// `q` quantile (10%) of all items' second-share delays. For each, find the time from its first share
/// until more than `p` (50%) of its shares had happened. The estimate is the `q` quantile of those
/// times: the window within which the quickest items reach half their shares.
///
/// Never below the data's time resolution: when every action time is a whole minute (Twitter's
/// information-operation archives record `tweet_time` to the minute), actions in the same minute
/// show a gap of 0, which says "under a minute", not "simultaneous"; the estimate is then at least
/// 60 s.
public struct WindowEstimate: Sendable, Codable, Equatable {
    /// The estimated window in seconds (at least `resolutionSeconds`).
    public var seconds: Int64
    /// The coarsest of 1 s, 60 s and 3600 s that divides every action time of the items.
    public var resolutionSeconds: Int64
    /// The trace whose items were used.
    public var trace: String
    /// Items shared at least twice.
    public var items: Int
    /// The quickest items the estimate was taken from.
    public var quickestItems: Int

    static let q = 0.1
    static let p = 0.5

    static func estimate(_ g: ActionGroups, trace: String) -> WindowEstimate? {
        guard g.groupCount > 0 else { return nil }
        var second: [Int64] = []
        second.reserveCapacity(g.groupCount)
        for k in 0..<g.groupCount {
            let r = g.range(k)
            second.append(g.time[r.lowerBound + 1] - g.time[r.lowerBound])
        }
        let cut = quantile(second.sorted(), q)
        var half: [Int64] = []
        for k in 0..<g.groupCount where second[k] <= cut {
            let r = g.range(k)
            let n = r.count
            // First rank (1-based) whose share of the item's actions exceeds p.
            let rank = Int((p * Double(n)).rounded(.down)) + 1
            half.append(g.time[r.lowerBound + rank - 1] - g.time[r.lowerBound])
        }
        half.sort()
        let resolution = resolution(g.time)
        return WindowEstimate(seconds: max(quantile(half, q), resolution), resolutionSeconds: resolution, trace: trace,
                              items: g.groupCount, quickestItems: half.count)
    }

    /// The coarsest of 3600, 60 and 1 seconds that divides every time.
    static func resolution(_ times: [Int64]) -> Int64 {
        var r: Int64 = 3600
        for t in times {
            while r > 1 && t % r != 0 { r = r == 3600 ? 60 : 1 }
            if r == 1 { break }
        }
        return r
    }

    /// Type-7 quantile (R's default), rounded to whole seconds.
    static func quantile(_ sorted: [Int64], _ q: Double) -> Int64 {
        guard !sorted.isEmpty else { return 0 }
        let h = Double(sorted.count - 1) * q
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        let v = Double(sorted[lo]) + (h - Double(lo)) * Double(sorted[hi] - sorted[lo])
        return Int64(v.rounded())
    }
}
