import LockstepCore

/// Splits a cluster whose originators keep two office clocks far apart into one cluster per clock.
///
/// Two operations that boost the same accounts (a PRC office at UTC+8 and a Russian-language one
/// at UTC+3 both retweeting Chinese diplomats, the second also retweeting the first) co-retweet the
/// same posts within the window and come out of Leiden as one community. Their amplifiers are
/// reactive and borrow their targets' hours, but their originators — the accounts that post the
/// operation's own content — each keep their own office's working week. When a cluster's originators
/// show two clocks at least `minApart` hours apart, each with at least `minShare` of the originators
/// that have a clock (and at least three), the cluster is split: originators go to the nearer clock,
/// every other member to the side whose originators it reposts most, else to the side nearer its own
/// clock, else to the larger side.
struct ClockSplit: Sendable {
    var minApart = 3
    var minShare = 0.15
    var minOriginators = 3

    func split(_ ds: Dataset, groups: [[Int32]], parts: [Int], schedule: Schedule.Result, links: RepostLinks)
        -> (groups: [[Int32]], parts: [Int]) {
        var outGroups: [[Int32]] = []
        var outParts: [Int] = []
        for (g, members) in groups.enumerated() {
            if let (a, b) = halves(ds, members, schedule, links) {
                outGroups += [a, b]
                outParts += [parts[g], parts[g]]
            } else {
                outGroups.append(members)
                outParts.append(parts[g])
            }
        }
        return (outGroups, outParts)
    }

    func halves(_ ds: Dataset, _ members: [Int32], _ schedule: Schedule.Result, _ links: RepostLinks) -> ([Int32], [Int32])? {
        var clockOf: [Int32: Int] = [:]
        var histogram: [Int: Int] = [:]
        for a in members {
            let posts = ds.postCount(of: a)
            guard posts > 0, links.targets(of: a).count * 2 < posts, let h = schedule.offsetHours(of: a) else { continue }
            clockOf[a] = h
            histogram[h, default: 0] += 1
        }
        let judged = clockOf.count
        guard judged >= 2 * minOriginators else { return nil }
        // Counts with the neighbouring hours folded in: a clock read ±1 hour off is the same office.
        func near(_ h: Int) -> Int { (histogram[h - 1] ?? 0) + (histogram[h] ?? 0) + (histogram[h + 1] ?? 0) }
        let hours = histogram.keys.sorted()
        guard let first = hours.max(by: { (near($0), -$0) < (near($1), -$1) }) else { return nil }
        let far = hours.filter { abs($0 - first) >= minApart }
        guard let second = far.max(by: { (near($0), -$0) < (near($1), -$1) }) else { return nil }
        let need = max(minOriginators, Int((minShare * Double(judged)).rounded(.up)))
        guard near(first) >= need, near(second) >= need else { return nil }

        var side: [Int32: Int] = [:]
        for (a, h) in clockOf where min(abs(h - first), abs(h - second)) <= 1 {
            side[a] = abs(h - first) <= abs(h - second) ? 0 : 1
        }
        var left: [Int32] = [], right: [Int32] = []
        let larger = side.values.filter { $0 == 0 }.count >= side.values.filter { $0 == 1 }.count ? 0 : 1
        for a in members {
            var s = side[a]
            if s == nil {
                var votes = (0, 0)
                for t in links.targets(of: a) {
                    if let x = side[t] { if x == 0 { votes.0 += 1 } else { votes.1 += 1 } }
                }
                if votes.0 != votes.1 { s = votes.0 > votes.1 ? 0 : 1 }
                else if let h = schedule.offsetHours(of: a), abs(h - first) != abs(h - second) { s = abs(h - first) < abs(h - second) ? 0 : 1 }
                else { s = larger }
            }
            if s == 0 { left.append(a) } else { right.append(a) }
        }
        guard left.count >= minOriginators, right.count >= minOriginators else { return nil }
        return (left, right)
    }
}
