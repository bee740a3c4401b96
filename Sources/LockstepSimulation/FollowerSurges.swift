import LockstepCore

/// Follower lists of watched diplomats: organic followers spread over the account's life, and on
/// surge targets a run of accounts created within days that all followed within days.
enum FollowerSurges {
    static func generate(into w: inout World, _ root: SeededGenerator) {
        let p = w.scenario.followers
        let targets = Array(w.diplomats.prefix(p.listTargets))
        guard !targets.isEmpty else { return }
        var g = root
        let surgeCount = min(p.surges, targets.count)
        let perList = min(w.scenario.scaled(p.followersPerTarget, floor: 30), w.organicAccounts.count / 2)
        let surgeSize = w.scenario.scaled(p.surgeSize, floor: 40)
        let first = Int64(w.scenario.windowStartDay + 30), last = Int64(w.scenario.windowEndDay - 15)
        for (k, target) in targets.enumerated() {
            let targetCreated = w.accounts[Int(target)].created
            var follows: [(time: Int64, account: Int32)] = []
            // Organic followers: a sample without replacement, each following at some moment after both accounts exist.
            var pool = w.organicAccounts
            for i in 0..<perList {
                let j = i + g.below(pool.count - i)
                pool.swapAt(i, j)
                let a = pool[i]
                let from = max(targetCreated, w.accounts[Int(a)].created) + 3600
                guard from < w.windowEnd else { continue }
                follows.append((from + Int64(g.unit() * Double(w.windowEnd - from)), a))
            }
            if k < surgeCount {
                let startDay = first + Int64(g.below(Int(max(1, last - first))))
                let endDay = startDay + Int64(p.surgeDaysMin + g.below(max(1, p.surgeDaysMax - p.surgeDaysMin + 1))) - 1
                let startT = startDay * 86_400, endT = (endDay + 1) * 86_400
                let targetPosts = w.watchlistOriginals.filter { w.posts[Int($0)].account == target }
                for i in 0..<surgeSize {
                    var sg = g.fork(UInt64(k) << 32 | UInt64(i))
                    let created = startT - Int64(p.creationLeadDays) * 86_400
                        + Int64(sg.unit() * Double(endT - startT + Int64(p.creationLeadDays) * 86_400 - 7200))
                    let language = sg.chance(0.6) ? "en" : "zh-cn"
                    var (display, handle) = Profiles.name(language: language, &sg)
                    handle = String(handle.prefix(7)) + String(10_000_000 + sg.below(89_999_999))
                    let a = w.addAccount(SimAccount(
                        userID: 0, created: created, handle: handle, displayName: display,
                        followers: sg.chance(0.85) ? 0 : sg.below(5), following: sg.geometric(mean: 15),
                        accountLanguage: language, population: .surgeFollower, client: sg.chance(0.7) ? .android : .iPhone))
                    let from = max(created + 600, startT)
                    let followed = from + Int64(sg.unit() * Double(max(endT - from, 1)))
                    follows.append((min(followed, endT - 1), a))
                    if sg.chance(p.postingShare), !targetPosts.isEmpty {
                        for _ in 0..<(1 + sg.below(3)) {
                            let ref = sg.pick(targetPosts)
                            let t = max(w.posts[Int(ref)].time, followed) + Int64(sg.lognormal(median: 3600, sigma: 1.5))
                            guard t < w.windowEnd else { continue }
                            let src = w.posts[Int(ref)]
                            w.addPost(time: t, account: a, kind: .retweet, ref: ref, client: w.accounts[Int(a)].client,
                                      language: src.language, topic: src.topic, textSeed: src.textSeed)
                        }
                    }
                }
                let acc = w.accounts[Int(target)]
                w.surges.append(PlantedSurge(target: String(acc.userID), targetHandle: acc.handle,
                                             start: CivilTime.isoDate(dayNumber: Int(startDay)),
                                             end: CivilTime.isoDate(dayNumber: Int(endDay)), size: surgeSize))
            }
            // API order: newest follower first.
            follows.sort { $0.time != $1.time ? $0.time > $1.time : $0.account < $1.account }
            w.followerLists.append(FollowerList(target: target, followers: follows.map(\.account)))
            w.accounts[Int(target)].followers = follows.count
        }
    }
}
