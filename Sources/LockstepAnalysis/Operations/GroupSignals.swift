import LockstepCore

/// One signal of a coordinated group's verdict: which way it points, how strongly, and why.
public struct VerdictReason: Codable, Sendable, Equatable {
    /// Stable code (`new_accounts`, `office_week`, `event_bursts`, ...).
    public var signal: String
    /// `inauthentic` or `authentic`.
    public var direction: String
    /// Strength in [0, 1]; the verdict combines each side's strengths as a noisy-OR.
    public var weight: Double
    /// The signal in a sentence, with its numbers.
    public var detail: String
}

/// The figures a group verdict rests on, every one reported so an analyst can check it.
public struct GroupFigures: Codable, Sendable, Equatable {
    public var accounts: Int
    /// Members whose first post in the data came within 90 days of the account's creation.
    public var newAccountShare: Double?
    /// Members with no followers, or with an empty profile and a generated-looking handle.
    public var personaShare: Double?
    /// Members in an unlikely same-day creation cohort.
    public var cohortShare: Double?
    /// Members suspected of being aged or hijacked accounts.
    public var hijackShare: Double?
    /// Median follower count of members that report one.
    public var medianFollowers: Double?
    /// Median account age at the first post in the data, in days.
    public var medianAgeDays: Double?
    /// Share of members' posts sent from the group's most used client, and that client.
    public var topClientShare: Double?
    public var topClient: String?
    /// The pace-setters' pooled schedule: verdict, offset and weekend share.
    public var paceSchedule: String?
    public var paceOffsetHours: Int?
    public var paceWeekendShare: Double?
    /// Posts on the quietest weekday against the median weekday (pace-setters, local week).
    public var restDayRatio: Double?
    /// Days with posts on the group's shared items, and the share of those posts on the busiest tenth of those days.
    public var coordinatedDays: Int
    public var busiestDaysShare: Double?
    /// Median share of a member's posts that touch the group's shared items.
    public var medianCoordinatedShare: Double?
    /// Share of members' reposts that go to watch-listed accounts (state media, diplomats, ...).
    public var watchlistRepostShare: Double?
}

/// What a coordinated group's members look like, from the evidence the other analyses already
/// produced, weighed into `operation`, `authentic_coordination` or `undetermined`.
///
/// Why these signals (docs/methodology/operations.md gives each one's case and how an operation could
/// evade it): authentic coordination is done by people with lives — accounts that existed and posted
/// long before, followed by real audiences, on the phones they own, at their own hours and on
/// weekends, coordinating in bursts around events and otherwise posting about other things. An
/// operation is a workplace: accounts made or bought for it, in batches, with thin personas, one
/// client, an office week or a shift rota that every member keeps, steady work day after day, and
/// members whose activity is mostly the operation.
struct GroupSignals: Sendable {
    /// The inputs the signals read, fetched once per run.
    struct Inputs: Sendable {
        var schedule: Schedule.Result?
        var personas: Personas.Result?
        var cohorts: CreationCohorts.Result?
        var hijacked: Set<Int32>
        var roles: [CoordinationRole?]
        var watchlisted: [Bool]
        var postAuthorByKey: [Int32]
    }

    /// The verdict words.
    enum Verdict: String, Sendable, Codable {
        case operation
        case authentic = "authentic_coordination"
        case undetermined
    }

    /// A side needs this noisy-OR strength, and this lead over the other side, to decide the verdict.
    static let decisive = 0.5
    static let lead = 0.15

    var figures: GroupFigures
    var reasons: [VerdictReason]
    var verdict: Verdict
    var inauthentic: Double
    var authentic: Double
    /// Members that set the pace (core accounts, else members that mostly post their own content).
    var paceSetters: [Int32]
    /// The items several members use (``ItemSpace`` ids, sorted), for the joins between groups.
    var sharedItems: [Int32] = []

    init(_ ds: Dataset, members: [Int32], _ input: Inputs, scratch: inout ItemScratch) {
        figures = GroupFigures(accounts: members.count, coordinatedDays: 0)
        let n = Double(max(1, members.count))
        func share(_ pred: (Int32) -> Bool?) -> Double? {
            var known = 0, yes = 0
            for a in members { if let v = pred(a) { known += 1; if v { yes += 1 } } }
            return known == 0 ? nil : Double(yes) / Double(known)
        }
        figures.newAccountShare = share { ds.ageAtFirstPostDays(of: $0).map { $0 < 90 } }
        if let p = input.personas {
            figures.personaShare = share { a in
                guard let f = p.flags(of: a) else { return nil }
                let thin = f.emptyProfile == true && (f.handle == .nameDigits || f.handle == .random)
                return f.zeroFollowers == true || thin
            }
        }
        if let c = input.cohorts { figures.cohortShare = Double(members.filter { c.cohortDate(of: $0) != nil }.count) / n }
        figures.hijackShare = Double(members.filter { input.hijacked.contains($0) }.count) / n
        let followers = members.compactMap { a -> Double? in
            let f = ds.accounts.followers[Int(a)]
            return f < 0 ? nil : Double(f)
        }
        figures.medianFollowers = Self.median(followers)
        figures.medianAgeDays = Self.median(members.compactMap { ds.ageAtFirstPostDays(of: $0) })

        // Clients, shared items and the days the group works on them, in one pass over members' posts.
        var clientCount: [Int32: Int] = [:]
        var clientPosts = 0
        var reposts = 0, watchReposts = 0
        scratch.reset()
        let space = scratch.space
        for (m, a) in members.enumerated() {
            for idx in ds.postRange(of: a) {
                let p = Int(ds.postsByAccount[idx])
                let c = ds.posts.client[p]
                if c != noID { clientCount[c, default: 0] += 1; clientPosts += 1 }
                space.forEachItem(ds, p) { scratch.countMember($0, Int32(m)) }
                let t = Roles.repostedAuthor(ds, p, input.postAuthorByKey)
                if t >= 0 {
                    reposts += 1
                    if input.watchlisted[Int(t)] { watchReposts += 1 }
                }
            }
        }
        if let top = clientCount.max(by: { ($0.value, $1.key) < ($1.value, $0.key) }), clientPosts > 0 {
            figures.topClientShare = Double(top.value) / Double(clientPosts)
            figures.topClient = ds.clients[top.key]
        }
        if reposts > 0, input.watchlisted.contains(true) { figures.watchlistRepostShare = Double(watchReposts) / Double(reposts) }
        // An item is the group's when several members use it: three, or a tenth of a large group.
        let minMembers = Int32(max(3, members.count / 10))
        sharedItems = scratch.items(atLeast: minMembers)
        var coordinatedShares: [Double] = []
        var perDay: [Int: Int] = [:]
        for a in members {
            var coordinated = 0
            let range = ds.postRange(of: a)
            for idx in range {
                let p = Int(ds.postsByAccount[idx])
                var hit = false
                space.forEachItem(ds, p) { if !hit, scratch.members($0) >= minMembers { hit = true } }
                if hit {
                    coordinated += 1
                    perDay[CivilTime.dayNumber(ds.posts.time[p]), default: 0] += 1
                }
            }
            if !range.isEmpty { coordinatedShares.append(Double(coordinated) / Double(range.count)) }
        }
        figures.medianCoordinatedShare = Self.median(coordinatedShares)
        figures.coordinatedDays = perDay.count
        if !perDay.isEmpty {
            let counts = perDay.values.sorted(by: >)
            let k = max(1, (counts.count + 9) / 10)
            figures.busiestDaysShare = Double(counts.prefix(k).reduce(0, +)) / Double(counts.reduce(0, +))
        }

        // The clock is kept by those who set the pace: amplifiers react to them and inherit their hours.
        var pace = members.filter { input.roles[Int($0)] == .core }
        if pace.count < 3 {
            pace = members.filter { a in
                let r = ds.postRange(of: a)
                var own = 0
                for idx in r where Roles.repostedAuthor(ds, Int(ds.postsByAccount[idx]), input.postAuthorByKey) < 0 { own += 1 }
                return !r.isEmpty && own * 2 >= r.count
            }
        }
        if pace.count < 3 { pace = members }
        paceSetters = pace
        if let s = input.schedule {
            let f = s.fingerprint(of: pace, in: ds)
            figures.paceSchedule = f.inference.verdict
            figures.paceOffsetHours = f.inference.verdict == "working-week" ? f.inference.offsetHours : nil
            figures.paceWeekendShare = f.weekendShare
            // Weekday totals in the analysis zone; a rota's day off shows whatever the zone.
            let days = f.hourWeekdayLocal.map { $0.reduce(0, +) }
            if days.count == 7, f.posts >= 700 {
                let sorted = days.sorted()
                let median = Double(sorted[3])
                if median > 0 { figures.restDayRatio = Double(sorted[0]) / median }
            }
        }
        var r: [VerdictReason] = []
        Self.weigh(figures, into: &r)
        reasons = r.sorted { $0.weight != $1.weight ? $0.weight > $1.weight : $0.signal < $1.signal }
        inauthentic = Self.noisyOr(reasons.filter { $0.direction == "inauthentic" }.map(\.weight))
        authentic = Self.noisyOr(reasons.filter { $0.direction == "authentic" }.map(\.weight))
        if inauthentic >= Self.decisive && inauthentic >= authentic + Self.lead { verdict = .operation }
        else if authentic >= Self.decisive && authentic >= inauthentic + Self.lead { verdict = .authentic }
        else { verdict = .undetermined }
    }

    /// The lower end of the Wilson score interval (one-sided 90%, z = 1.2816) for a share `s` of `n`
    /// members: what a group's share shows for sure. It leaves a large group's share nearly as it is
    /// (168 members at 36% → 32%) and shrinks a small group's (3 members at 67% → 32%).
    static func shareBound(_ s: Double, _ n: Int) -> Double {
        guard n > 0, s > 0 else { return 0 }
        let z = 1.2816, nn = Double(n), z2 = z * z
        let centre = s + z2 / (2 * nn)
        let spread = z * (s * (1 - s) / nn + z2 / (4 * nn * nn)).squareRoot()
        return max(0, (centre - spread) / (1 + z2 / nn))
    }

    /// The bound in words, where it differs from the share by a percentage point or more.
    static func boundNote(_ s: Double, _ n: Int) -> String {
        let b = shareBound(s, n)
        return s - b >= 0.01 ? " (at least \(pct(b)) with 90% confidence, of \(n) members)" : ""
    }

    static func median(_ v: [Double]) -> Double? {
        var v = v
        return Median.of(&v)
    }

    static func noisyOr(_ w: [Double]) -> Double { 1 - w.reduce(1) { $0 * (1 - $1) } }

    /// A linear ramp from 0 at `from` to 1 at `to` (either direction).
    static func ramp(_ x: Double, _ from: Double, _ to: Double) -> Double {
        let t = (x - from) / (to - from)
        return min(1, max(0, t))
    }

    static func pct(_ x: Double) -> String { NumberText.rounded(x * 100, places: 0) + "%" }

    /// Every signal, each weighed on its own; docs/methodology/operations.md lists the same table.
    static func weigh(_ f: GroupFigures, into r: inout [VerdictReason]) {
        func add(_ signal: String, _ inauthentic: Bool, _ weight: Double, _ detail: String) {
            guard weight > 0.005 else { return }
            r.append(VerdictReason(signal: signal, direction: inauthentic ? "inauthentic" : "authentic",
                                   weight: (weight * 1000).rounded() / 1000, detail: detail))
        }
        // A share of members is weighed by what it shows for sure (``shareBound``): two new accounts
        // of three are as likely a chance pair as a pattern.
        let n = f.accounts
        if let s = f.newAccountShare {
            add("new_accounts", true, 0.5 * ramp(shareBound(s, n), 0.2, 0.6), "\(pct(s)) of members first posted within 90 days of creating the account\(boundNote(s, n)).")
        }
        if let s = f.personaShare {
            add("thin_personas", true, 0.4 * ramp(shareBound(s, n), 0.2, 0.6), "\(pct(s)) of members have no followers, or an empty profile and a generated handle\(boundNote(s, n)).")
        }
        if let s = f.cohortShare {
            add("creation_cohorts", true, 0.3 * ramp(shareBound(s, n), 0.1, 0.4), "\(pct(s)) of members were created on days with unlikely many creations\(boundNote(s, n)).")
        }
        if let s = f.hijackShare {
            add("aged_or_hijacked", true, 0.45 * ramp(shareBound(s, n), 0.05, 0.25), "\(pct(s)) of members are old accounts that woke from dormancy changed\(boundNote(s, n)).")
        }
        if f.paceSchedule == "working-week", let h = f.paceOffsetHours {
            add("office_week", true, 0.35, "The members that set the pace post in an office week (Monday–Friday, working hours) at UTC\(h >= 0 ? "+" : "")\(h).")
        } else if let d = f.restDayRatio, d < 0.25 {
            add("rest_day", true, 0.3 * ramp(0.25 - d, 0, 0.15), "Every pace-setter rests on the same weekday (its posts are \(pct(d)) of a median day's): a work rota, not personal lives.")
        } else if f.paceSchedule == "no-working-week", let w = f.paceWeekendShare, w >= 0.15 {
            add("personal_rhythms", false, 0.3 * ramp(w, 0.15, 0.25), "The members post at their own hours, \(pct(w)) of it on weekends.")
        }
        if let s = f.topClientShare, let c = f.topClient {
            let category = ClientCategories.category(of: c)
            if category == .officialWeb || category == .unknown {
                add("one_client", true, 0.3 * ramp(s, 0.7, 0.9), "\(pct(s)) of members' posts come from one desktop client (\(c)).")
            }
            add("diverse_clients", false, 0.2 * ramp(0.6 - s, 0, 0.2), "Members post from many clients; the most used (\(c)) has \(pct(s)) of posts.")
        }
        if let b = f.busiestDaysShare, f.coordinatedDays >= 5 {
            add("event_bursts", false, 0.4 * ramp(b, 0.45, 0.7), "The coordination comes in bursts: \(pct(b)) of it on the busiest tenth of its \(f.coordinatedDays) days.")
            if f.coordinatedDays >= 14 {
                add("sustained", true, 0.2 * ramp(0.35 - b, 0, 0.12), "The coordination is steady work: \(f.coordinatedDays) days, the busiest tenth of them only \(pct(b)) of it.")
            }
        }
        if let m = f.medianCoordinatedShare {
            add("lives_for_it", true, 0.3 * ramp(m, 0.5, 0.75), "For the median member \(pct(m)) of its posts are the group's shared content.")
            add("other_lives", false, 0.35 * ramp(0.35 - m, 0, 0.2), "For the median member only \(pct(m)) of its posts are the group's shared content; the rest is its own life.")
        }
        if let a = f.medianAgeDays, a >= 730, (f.newAccountShare ?? 0) < 0.1, (f.hijackShare ?? 0) < 0.1 {
            add("established_accounts", false, 0.25, "Members are established: a median \(NumberText.rounded(a / 365.25, places: 1)) years old when they first posted here, none woken from dormancy.")
        }
        if let m = f.medianFollowers {
            add("real_audiences", false, 0.25 * ramp(m, 50, 300), "Members have audiences of their own (median \(NumberText.rounded(m, places: 0)) followers).")
        }
        if let w = f.watchlistRepostShare {
            add("amplifies_watchlist", true, 0.3 * ramp(w, 0.05, 0.25), "\(pct(w)) of members' reposts boost watch-listed accounts.")
        }
    }

}

/// Hashtags, links and reposted posts as one dense id space, so groups count items in arrays.
struct ItemSpace: Sendable {
    let urlBase: Int32
    let postBase: Int32
    let count: Int

    init(_ ds: Dataset) {
        urlBase = Int32(ds.hashtags.count)
        postBase = urlBase + Int32(ds.urls.count)
        count = Int(postBase) + ds.postKeys.count
    }

    /// The items a post acts on: hashtags, links, and the post it reposts or quotes.
    @inline(__always)
    func forEachItem(_ ds: Dataset, _ p: Int, _ body: (Int32) -> Void) {
        for h in ds.posts.hashtags[p] { body(h) }
        for u in ds.posts.urls[p] { body(urlBase + u) }
        let rt = ds.posts.retweetOf[p]
        if rt != noID { body(postBase + rt) }
        let q = ds.posts.quoteOf[p]
        if q != noID { body(postBase + q) }
    }
}

/// Per worker: distinct members per item for one group at a time, reset by the items it touched.
struct ItemScratch {
    let space: ItemSpace
    private var memberCount: [Int32]
    /// The last member (index in the group) counted on each item, so a member counts once.
    private var lastMember: [Int32]
    private var touched: [Int32] = []

    init(_ space: ItemSpace) {
        self.space = space
        memberCount = [Int32](repeating: 0, count: space.count)
        lastMember = [Int32](repeating: -1, count: space.count)
    }

    @inline(__always) mutating func countMember(_ item: Int32, _ member: Int32) {
        let i = Int(item)
        guard lastMember[i] != member else { return }
        if memberCount[i] == 0 { touched.append(item) }
        lastMember[i] = member
        memberCount[i] += 1
    }

    @inline(__always) func members(_ item: Int32) -> Int32 { memberCount[Int(item)] }

    func items(atLeast n: Int32) -> [Int32] { touched.filter { memberCount[Int($0)] >= n }.sorted() }

    mutating func reset() {
        for t in touched { memberCount[Int(t)] = 0; lastMember[Int(t)] = -1 }
        touched.removeAll(keepingCapacity: true)
    }
}
