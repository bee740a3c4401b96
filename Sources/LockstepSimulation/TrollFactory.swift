import LockstepCore

/// The troll factory: office workers who each run a few accounts, post in human bursts during office
/// hours on working days, paste the day's scripts, retweet state media and reply to diplomats.
enum TrollFactory {
    /// One worker's accounts; hijacked accounts join at their takeover time.
    struct Worker {
        var accounts: [(account: Int32, from: Int64)] = []
    }

    /// The operation's working calendar on local day numbers.
    struct Calendar {
        let holidays: [DateRange]
        let makeup: Set<Int>
        /// A stealthy office's one rest day a week; nil for Monday to Friday.
        let restWeekday: Int?

        init(_ op: OperationParameters, stealth: StealthParameters? = nil) {
            holidays = op.holidays
            makeup = Set(op.makeupWorkdays.map(Scenario.day))
            restWeekday = stealth?.restWeekday
        }

        func isWorkday(_ day: Int) -> Bool {
            if holidays.contains(where: { $0.contains(day: day) }) { return false }
            if let restWeekday { return CivilTime.weekday(dayNumber: day) != restWeekday || makeup.contains(day) }
            return CivilTime.weekday(dayNumber: day) < 5 || makeup.contains(day)
        }
    }

    /// Generates one office's core accounts and posts; returns its core originals in time order.
    @discardableResult
    static func generate(into w: inout World, office: Office, hijacked: [(account: Int32, takeover: Int64)],
                         _ root: SeededGenerator) -> [Int32] {
        let p = office.core
        let op = office.op
        let stealth = office.stealth
        let n = w.scenario.scaled(p.accounts, floor: 10)
        guard n > 0 || !hijacked.isEmpty else { return [] }
        let offset = Int(op.utcOffsetHours * 3600)
        let campaignDay = Scenario.day(op.campaignStart)
        let pivotDay = Scenario.day(op.pivotDate)
        var g = root

        // Accounts, created in batches during office hours.
        var accounts: [Int32] = []
        let batches = max(1, p.creationBatches)
        let batchDays = (0..<batches).map { _ in campaignDay - 400 + g.below(460) }.sorted()
        var englishAccounts = Set<Int32>()
        for i in 0..<n {
            if let stealth {
                let a = BoughtAccounts.make(into: &w, population: .core, office: office, stealth: stealth,
                                            yearsMin: stealth.agedYearsMin, yearsMax: stealth.agedYearsMax,
                                            followersMedian: stealth.followersMedian, &g)
                if g.chance(p.englishShare) { englishAccounts.insert(a) }
                accounts.append(a)
                continue
            }
            var batchDay = batchDays[i * batches / max(n, 1)] + Int(g.uniform(0, p.batchSpreadDays))
            while CivilTime.weekday(dayNumber: batchDay) >= 5 { batchDay += 1 }
            let created = Profiles.utc(day: batchDay, localHour: g.uniform(op.workStartHour, op.workEndHour), offset: offset)
            let english = g.chance(p.englishShare)
            let accountLanguage = english ? "en" : office.nativeAccountLanguage(&g)
            var (display, handle) = Office.name(language: accountLanguage, &g)
            if g.chance(0.4) { handle = Profiles.randomHandle(&g, length: 15) }
            let a = w.addAccount(SimAccount(
                userID: 0, created: created, handle: handle, displayName: display,
                location: g.chance(0.25) ? g.pick(Vocabulary.fakeLocations) : "",
                description: g.chance(0.25) ? g.pick(Vocabulary.descriptionsOp) : "",
                followers: g.chance(p.zeroFollowerShare) ? 0 : g.geometric(mean: 6),
                following: g.chance(0.3) ? 0 : g.geometric(mean: 25), accountLanguage: accountLanguage,
                population: .core, utcOffset: offset, client: g.chance(0.5) ? .webClient : .webApp, operation: office.index))
            if english { englishAccounts.insert(a) }
            accounts.append(a)
        }
        var staff: [(Int32, Int64)] = accounts.map { ($0, w.accounts[Int($0)].created) }
        for h in hijacked {
            staff.append((h.account, h.takeover))
            // From the takeover on, the account is run from the office's desktops.
            w.accounts[Int(h.account)].utcOffset = offset
            w.accounts[Int(h.account)].client = g.chance(0.5) ? .webClient : .webApp
            w.accounts[Int(h.account)].operation = office.index
        }
        // Shuffle so that workers mix batches and hijacked accounts.
        for i in stride(from: staff.count - 1, to: 0, by: -1) { staff.swapAt(i, g.below(i + 1)) }
        let workerCount = max(1, (staff.count + p.accountsPerWorker - 1) / p.accountsPerWorker)
        var workers = [Worker](repeating: Worker(), count: workerCount)
        for (i, s) in staff.enumerated() { workers[i % workerCount].accounts.append(s) }
        let hijackedSet = Set(hijacked.map(\.account))
        var testedHijacked = Set<Int32>()

        let calendar = Calendar(op, stealth: stealth)
        let shifts = stealth.map { $0.shifts.filter { $0.count == 2 && $0[0] < $0[1] } }.flatMap { $0.isEmpty ? nil : $0 }
        let workStart = shifts?.map { $0[0] }.min() ?? op.workStartHour, workEnd = shifts?.map { $0[1] }.max() ?? op.workEndHour
        // A stealthy office has no common lunch hour: shifts hand over instead.
        let lunchStart = stealth == nil ? op.lunchStartHour : 0, lunchEnd = stealth == nil ? op.lunchEndHour : 0
        func shift(ofWorker k: Int) -> (start: Double, end: Double) {
            guard let shifts else { return (workStart, workEnd) }
            let s = shifts[k % shifts.count]
            return (s[0], s[1])
        }
        var shiftOfAccount: [Int32: Int] = [:]
        if let shifts {
            for (k, worker) in workers.enumerated() { for a in worker.accounts { shiftOfAccount[a.account] = k % shifts.count } }
        }
        let boosted = office.boosts.flatMap { w.officeOriginals.indices.contains(Int($0)) ? w.officeOriginals[Int($0)] : [] }
            .sorted { w.posts[Int($0)].time < w.posts[Int($1)].time }
        var coreOriginals: [Int32] = []
        for day in max(campaignDay, w.scenario.windowStartDay)...w.scenario.windowEndDay where calendar.isWorkday(day) {
            let earlierOriginals = coreOriginals.count
            let topic: Topic = day >= pivotDay ? .operationAfter : .operationBefore
            func inShift(_ hour: Double) -> Bool {
                hour >= workStart && hour < workEnd && !(hour >= lunchStart && hour < lunchEnd)
            }
            func post(_ a: Int32, hour: Double, kind wanted: PostKind, seed: UInt64, g: inout SeededGenerator) {
                let t = Profiles.utc(day: day, localHour: hour, offset: offset)
                let acc = w.accounts[Int(a)]
                let language: Language = englishAccounts.contains(a) != g.chance(0.1) ? .en : office.native
                let client: Client
                if stealth != nil {
                    // One phone per account, now and then the other phone or the web.
                    client = g.chance(0.1) ? (acc.client == .iPhone ? .android : acc.client == .android ? .webApp : .iPhone) : acc.client
                } else {
                    client = g.chance(0.15) ? (acc.client == .webApp ? .webClient : .webApp) : acc.client
                }
                if hijackedSet.contains(a), testedHijacked.insert(a).inserted, g.chance(w.scenario.hijacked.testPostProbability) {
                    w.addPost(time: t - Int64(30 + g.below(90)), account: a, kind: .original, client: client,
                              language: language, topic: .test, textSeed: g.next())
                }
                var kind = wanted
                var ref: Int32 = -1
                switch wanted {
                case .retweet, .reply, .quote:
                    let watch = g.chance(p.watchlistTargetShare) || wanted == .quote || earlierOriginals == 0
                    if watch {
                        ref = recent(w.watchlistOriginals, before: t, in: w, diplomatsOnly: wanted == .reply ? w.diplomats : nil, &g)
                    } else if wanted == .retweet, !boosted.isEmpty, g.chance(office.coreBoostShare) {
                        ref = recent(boosted, before: t, in: w, diplomatsOnly: nil, &g)
                        if ref < 0 { ref = coreOriginals[earlierOriginals - 1 - g.below(min(earlierOriginals, 300))] }
                    } else {
                        ref = coreOriginals[earlierOriginals - 1 - g.below(min(earlierOriginals, 300))]
                    }
                    if ref < 0 { kind = .original }
                case .original:
                    break
                }
                let text: UInt64 = kind == .retweet ? w.posts[Int(ref)].textSeed : seed
                let postTopic = kind == .retweet ? w.posts[Int(ref)].topic : topic
                let postLanguage = kind == .retweet ? w.posts[Int(ref)].language : language
                let i = w.addPost(time: t, account: a, kind: kind, ref: ref, client: client, language: postLanguage,
                                  topic: postTopic, textSeed: text)
                if kind == .original { coreOriginals.append(i) }
            }

            // Each worker: arrives, posts in bursts with idle stretches, lunch, leaves.
            for (k, worker) in workers.enumerated() {
                var wg = root.fork(UInt64(day) << 16 | UInt64(k))
                if wg.chance(p.absenceProbability) { continue }
                let dayStart = Int64(day) * 86_400 - Int64(offset)
                let available = worker.accounts.filter { $0.from < dayStart + 86_400 }
                guard !available.isEmpty else { continue }
                let pace = wg.lognormal(median: 1, sigma: 0.3)
                let (start, end) = shift(ofWorker: k)
                var hour = start + abs(wg.normal()) * 0.25
                while true {
                    let gap = wg.chance(p.burstProbability)
                        ? wg.lognormal(median: p.burstGapMedianMinutes, sigma: 0.8)
                        : wg.lognormal(median: p.idleGapMedianMinutes, sigma: 0.9) * pace
                    hour += gap / 60
                    if hour >= lunchStart && hour < lunchEnd { hour = lunchEnd + wg.unit() * 0.2 }
                    guard hour < end else { break }
                    let candidates = available.filter { Profiles.utc(day: day, localHour: hour, offset: offset) > $0.from }
                    guard !candidates.isEmpty else { continue }
                    let a = wg.pick(candidates).account
                    let u = wg.unit()
                    let kind: PostKind = u < p.retweetShare ? .retweet : u < p.retweetShare + p.replyShare ? .reply
                        : u < p.retweetShare + p.replyShare + p.quoteShare ? .quote : .original
                    post(a, hour: hour, kind: kind, seed: wg.next() & 0x0FFF_FFFF_FFFF_FFFF, g: &wg)
                }
            }

            // The day's scripts: the same text pasted by several accounts within minutes.
            var sg = root.fork(0xC0_0000_0000 | UInt64(day))
            for _ in 0..<sg.poisson(p.scriptsPerDay) {
                if stealth != nil, let shifts {
                    // A paraphrased script: each copy reworded (its own variant), posted by the shift on duty.
                    let k = sg.below(shifts.count)
                    var hour = sg.uniform(shifts[k][0], shifts[k][1] - 0.5)
                    let seed = sg.next() & 0x0FFF_FFFF_FFFF_FFFF
                    let copies = min(sg.geometric(mean: p.accountsPerScript, minimum: 2), 16)
                    let release = Profiles.utc(day: day, localHour: hour, offset: offset)
                    var pool = staff.filter { $0.1 < release && shiftOfAccount[$0.0] == k }.map(\.0)
                    var variants = Array(UInt64(0)..<16)
                    for c in 0..<min(copies, pool.count) {
                        if c > 0 { hour += sg.exponential(mean: p.scriptCopyGapMinutes) / 60 }
                        guard hour < shifts[k][1] else { break }
                        let a = pool.remove(at: sg.below(pool.count))
                        let variant = variants.remove(at: sg.below(variants.count))
                        post(a, hour: hour, kind: .original, seed: seed | variant << 60, g: &sg)
                    }
                    continue
                }
                var hour = sg.uniform(workStart, workEnd - 0.5)
                let seed = sg.next() & 0x0FFF_FFFF_FFFF_FFFF
                let copies = sg.geometric(mean: p.accountsPerScript, minimum: 2)
                let release = Profiles.utc(day: day, localHour: hour, offset: offset)
                var pool = staff.filter { $0.1 < release }.map(\.0)
                for c in 0..<min(copies, pool.count) {
                    if c > 0 { hour += sg.exponential(mean: p.scriptCopyGapMinutes) / 60 }
                    guard inShift(hour) else { continue }
                    let j = sg.below(pool.count)
                    let a = pool.remove(at: j)
                    let variant: UInt64 = c > 0 && sg.chance(p.scriptVariantShare) ? UInt64(1 + sg.below(15)) : 0
                    post(a, hour: hour, kind: .original, seed: seed | variant << 60, g: &sg)
                }
            }
        }
        return coreOriginals
    }

    /// A watchlist original from the three days before `t`, or -1.
    static func recent(_ sorted: [Int32], before t: Int64, in w: World, diplomatsOnly: [Int32]?, _ g: inout SeededGenerator) -> Int32 {
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if w.posts[Int(sorted[mid])].time < t { lo = mid + 1 } else { hi = mid }
        }
        var first = lo
        while first > 0 && w.posts[Int(sorted[first - 1])].time > t - 3 * 86_400 { first -= 1 }
        guard first < lo else { return -1 }
        for _ in 0..<8 {
            let c = sorted[first + g.below(lo - first)]
            if let only = diplomatsOnly, !only.contains(w.posts[Int(c)].account) { continue }
            return c
        }
        return -1
    }
}
