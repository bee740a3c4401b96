import LockstepCore

/// Paid or recruited influencers: established accounts outside every coordinated group (old, with
/// a real follower base and a history of their own) that post a group's copy — the same or nearly
/// the same text, or the same link — within `window` after a group member first posted it.
///
/// Text is compared by shingles: hashes of `shingle` consecutive terms (``Tokenizer``'s terms,
/// stop words kept); a post copies a group post when at least `overlap` of its shingles occur in
/// one earlier group post. A suspect is listed with every shared item and both times; the
/// `influencer_suspect` column and reason never flag an account on their own. Details:
/// docs/methodology/influencers.md.
public struct Influencers: Analysis {
    /// Stable name: the `--analyses` value and the `summary.json` section.
    public static let name = "influencers"
    /// One line for `lockstep analyses`.
    public static let summary = "Established accounts outside the coordinated groups that post a group's copy or links soon after it"
    /// Groups come from coordination when it runs (see ``ImpactGroup``).
    public static let runsAfter = ImpactGroup.sources
    /// Tunable parameters with defaults (`--set influencers.param=value`).
    public static let parameters = [
        ParameterSpec("window", .duration(60...365 * 86_400), default: "2d", "How long after a group member's post a copy counts"),
        ParameterSpec("min_shared", .atLeast(1), default: "3", "Fewest copied posts (text or link) of a suspect"),
        ParameterSpec("min_followers", .atLeast(0), default: "1000", "Fewest followers of an established account"),
        ParameterSpec("min_age", .duration(0...36_500 * 86_400), default: "365d", "Account age at its first copy of an established account"),
        ParameterSpec("min_history", .atLeast(0), default: "5", "Fewest posts of its own (not copies) in the data of an established account (a collection holds a fraction of its history)"),
        ParameterSpec("shingle", .integer(1...20), default: "4", "Terms per text shingle"),
        ParameterSpec("overlap", .number(0...1, lowerOpen: true), default: "0.6", "Share of a post's shingles found in one group post for it to be a copy"),
        ParameterSpec("min_shingles", .atLeast(1), default: "3", "Fewest shingles a post needs to be compared (shorter texts are too common to call copies)"),
        ParameterSpec("max_copiers", .atLeast(1), default: "10", "Shingles or links matched by more outside accounts than this are common parlance and not counted"),
        ParameterSpec("examples", .integer(1...1000), default: "20", "Shared items listed per suspect"),
    ]

    let window: Int64
    let minShared: Int
    let minFollowers: Int32
    let minAge: Int64
    let minHistory: Int
    let shingle: Int
    let overlap: Double
    let examples: Int
    let minShingles: Int
    let maxCopiers: Int

    /// Reads and validates the parameters; throws ``OptionError`` on a bad value.
    public init(options: AnalysisOptions) throws {
        window = try options.seconds(Self.self, "window")!
        minShared = try options.int(Self.self, "min_shared")
        minFollowers = Int32(clamping: try options.int(Self.self, "min_followers"))
        minAge = try options.seconds(Self.self, "min_age")!
        minHistory = try options.int(Self.self, "min_history")
        shingle = try options.int(Self.self, "shingle")
        overlap = try options.double(Self.self, "overlap")
        examples = try options.int(Self.self, "examples")
        minShingles = try options.int(Self.self, "min_shingles")
        maxCopiers = try options.int(Self.self, "max_copiers")
    }

    /// One item a suspect shared with a group.
    public struct Shared: Codable, Sendable, Equatable {
        /// `text` (same or near-duplicate text) or `link` (the same URL).
        public var kind: String
        /// The URL, or the first 120 characters of the suspect's text.
        public var item: String
        /// The group member's post, and the suspect's.
        public var groupPost: PostRef
        public var post: PostRef
        /// Minutes from the group's post to the suspect's.
        public var lagMinutes: Double
    }

    /// One suspected paid or recruited influencer.
    public struct Suspect: Codable, Sendable, Equatable {
        public var account: String
        public var handle: String
        public var followers: Int
        /// Account creation day (`YYYY-MM-DD`).
        public var created: String
        /// Its posts in the data, and how many copy this group.
        public var posts: Int
        public var copies: Int
        /// The group copied most, and its id.
        public var group: String
        public var groupID: Int
        /// First and last copy (UTC, ISO 8601).
        public var firstCopy: String
        public var lastCopy: String
        /// Median minutes after the group's post.
        public var medianLagMinutes: Double
        /// The shared items, earliest first, at most `examples`.
        public var shared: [Shared]
    }

    /// The `summary.json` section (and `accounts.csv` columns) of this analysis.
    public struct Result: AnalysisResult {
        /// Coordinated groups whose copy was looked for.
        public var groups: Int
        /// What the section can say, in a sentence.
        public var note: String
        /// Accounts outside the groups with at least one copy, established or not.
        public var accountsCopying: Int
        /// Of those, with `min_shared` copies but not established (new, few followers or no history of their own).
        public var notEstablished: Int
        /// Texts shingles and links copied by more than `max_copiers` outside accounts: common parlance, not counted.
        public var commonItems: Int
        /// Suspects, most copies first.
        public var suspects: [Suspect]
        /// Per account id (not in the JSON): copies of a suspect.
        var copiesOf: [Int32: Int] = [:]

        enum CodingKeys: String, CodingKey { case groups, note, accountsCopying, notEstablished, commonItems, suspects }

        /// Whether an account is a suspect.
        public func isSuspect(_ a: Int32) -> Bool { copiesOf[a] != nil }
        /// The copies of a suspect.
        public func copies(of a: Int32) -> Int? { copiesOf[a] }

        public func accountColumns(_ dataset: Dataset) -> [AccountColumn] {
            var col = [String](repeating: "", count: dataset.accounts.count)
            for (a, n) in copiesOf { col[Int(a)] = String(n) }
            return [AccountColumn(name: "influencer_suspect", values: col)]
        }

        public func accountReasons(_ dataset: Dataset) -> [Int32: [String]] {
            copiesOf.mapValues { _ in ["influencer_suspect"] }
        }
    }

    /// Marks link keys apart from shingle hashes in one sorted table.
    static let linkBit: UInt64 = 1 << 63

    /// Shingle hashes of a text, into `out` (cleared first); the whole text is one shingle when shorter.
    static func shingles(_ bytes: UnsafeRawBufferPointer, size k: Int, scratch: inout [UInt8], terms: inout [UInt64], into out: inout [UInt64]) {
        terms.removeAll(keepingCapacity: true)
        out.removeAll(keepingCapacity: true)
        Tokenizer.scan(bytes, scratch: &scratch) { term, fold in
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for var c in term {
                if fold && c >= 65 && c <= 90 { c += 32 }
                h = (h ^ UInt64(c)) &* 0x100_0000_01b3
            }
            terms.append(h)
        }
        guard !terms.isEmpty else { return }
        let width = min(k, terms.count)
        for i in 0...(terms.count - width) {
            var h: UInt64 = 0x9E37_79B9_7F4A_7C15
            for j in i..<(i + width) { h = (h ^ terms[j]) &* 0xBF58_476D_1CE4_E5B9; h ^= h >> 31 }
            out.append(h)
        }
    }

    /// Runs the analysis on a dataset.
    public func run(on ds: Dataset, context: AnalysisContext) throws -> Result {
        measure(ds, groups: ImpactGroup.from(context))
    }

    /// The suspects copying `groups` (any grouping of accounts: clusters today, operations later).
    public func measure(_ ds: Dataset, groups: [ImpactGroup]) -> Result {
        var result = Result(groups: 0, note: "", accountsCopying: 0, notEstablished: 0, commonItems: 0, suspects: [])
        result.groups = groups.count
        guard !groups.isEmpty else {
            result.note = "no coordinated groups in this run: no copy to look for"
            return result
        }
        let P = ds.posts
        let member = ImpactGroup.membership(groups, accounts: ds.accounts.count)
        // Every shingle and link of the groups' own posts with its time and post, sorted by (key,
        // time): a copy is matched against the latest group post with the item before it, since
        // scripts reuse lines and the earliest use can be months older.
        var items: [(key: UInt64, time: Int64, post: Int32)] = []
        var scratch: [UInt8] = [], terms: [UInt64] = [], sh: [UInt64] = []
        for p in 0..<P.count where P.kind[p] != .retweet && member[Int(P.account[p])] >= 0 {
            P.textArena.withBytes(P.text[p]) { Self.shingles($0, size: shingle, scratch: &scratch, terms: &terms, into: &sh) }
            for h in sh { items.append((h & ~Self.linkBit, P.time[p], Int32(p))) }
            for u in P.urls[p] { items.append((Self.linkBit | UInt64(UInt32(bitPattern: u)), P.time[p], Int32(p))) }
        }
        items.sort { ($0.key, $0.time, $0.post) < ($1.key, $1.time, $1.post) }
        /// The latest group post carrying `key` strictly before `t` and no more than `window` before it.
        func latest(_ key: UInt64, before t: Int64) -> Int32? {
            var lo = 0, hi = items.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if items[mid].key < key || (items[mid].key == key && items[mid].time < t) { lo = mid + 1 } else { hi = mid }
            }
            guard lo > 0, items[lo - 1].key == key, t - items[lo - 1].time <= window else { return nil }
            return items[lo - 1].post
        }
        // Every other account's own posts: copies of a group post made within the window after it.
        // Each candidate keeps the keys it matched, so that keys many outside accounts "copy"
        // (common phrases, popular links) can be dropped afterwards: those are parlance, not a script.
        var candidates: [(post: Int32, source: Int32, link: Int32, keys: Range<Int>, total: Int32)] = []
        var matchedKeys: [UInt64] = []
        var votes: [Int32: Int] = [:]
        for p in 0..<P.count where P.kind[p] != .retweet && member[Int(P.account[p])] < 0 {
            let t = P.time[p]
            var matched = false
            for u in P.urls[p] {
                let key = Self.linkBit | UInt64(UInt32(bitPattern: u))
                guard let q = latest(key, before: t) else { continue }
                candidates.append((Int32(p), q, u, matchedKeys.count..<(matchedKeys.count + 1), 1))
                matchedKeys.append(key)
                matched = true
                break
            }
            if matched { continue }
            P.textArena.withBytes(P.text[p]) { Self.shingles($0, size: shingle, scratch: &scratch, terms: &terms, into: &sh) }
            guard sh.count >= minShingles else { continue }
            votes.removeAll(keepingCapacity: true)
            let from = matchedKeys.count
            for h in sh { if let q = latest(h & ~Self.linkBit, before: t) { votes[q, default: 0] += 1; matchedKeys.append(h & ~Self.linkBit) } }
            guard Double(matchedKeys.count - from) >= overlap * Double(sh.count),
                  let best = votes.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }) else {
                matchedKeys.removeSubrange(from...)
                continue
            }
            candidates.append((Int32(p), best.key, noID, from..<matchedKeys.count, Int32(sh.count)))
        }
        // Distinct outside accounts per matched key: sort (key, account) pairs and count runs.
        var pairs: [(UInt64, Int32)] = []
        pairs.reserveCapacity(matchedKeys.count)
        for c in candidates { for k in c.keys { pairs.append((matchedKeys[k], P.account[Int(c.post)])) } }
        pairs.sort { $0 < $1 }
        var common = Set<UInt64>()
        var i = 0
        while i < pairs.count {
            var j = i, accounts = 0
            while j < pairs.count && pairs[j].0 == pairs[i].0 {
                if j == i || pairs[j].1 != pairs[j - 1].1 { accounts += 1 }
                j += 1
            }
            if accounts > maxCopiers { common.insert(pairs[i].0) }
            i = j
        }
        var found: [Int32: [(post: Int32, source: Int32, link: Int32)]] = [:]
        for c in candidates {
            let kept = c.keys.filter { !common.contains(matchedKeys[$0]) }.count
            guard c.link != noID ? kept == 1 : Double(kept) >= overlap * Double(c.total) else { continue }
            found[P.account[Int(c.post)], default: []].append((c.post, c.source, c.link))
        }
        result.accountsCopying = found.count
        result.commonItems = common.count
        // A suspect is an account and the group it copies: one account can copy several groups.
        var suspects: [(Suspect, Int32)] = []
        for (a, all) in found {
            var byGroup: [Int32: [(post: Int32, source: Int32, link: Int32)]] = [:]
            for c in all { byGroup[member[Int(P.account[Int(c.source)])], default: []].append(c) }
            let posts = ds.postCount(of: a)
            let f = ds.accounts.followers[Int(a)]
            let created = ds.accounts.created[Int(a)]
            var counted = false
            for (g, copies) in byGroup.sorted(by: { $0.key < $1.key }) where copies.count >= minShared {
                let first = copies.map { P.time[Int($0.post)] }.min()!
                let established = f >= minFollowers && created != noTime && first - created >= minAge && posts - all.count >= minHistory
                guard established else {
                    if !counted { result.notEstablished += 1; counted = true }
                    continue
                }
                let ordered = copies.sorted { P.time[Int($0.post)] != P.time[Int($1.post)] ? P.time[Int($0.post)] < P.time[Int($1.post)] : $0.post < $1.post }
                var lags = ordered.map { Double(P.time[Int($0.post)] - P.time[Int($0.source)]) / 60 }
                let shared = ordered.prefix(examples).map { c -> Shared in
                    let p = Int(c.post)
                    let item = c.link != noID ? ds.urls[c.link] : String(ds.text(ofPost: p).prefix(120))
                    return Shared(kind: c.link != noID ? "link" : "text", item: item, groupPost: PostRef(ds, Int(c.source)), post: PostRef(ds, p),
                                  lagMinutes: Double(P.time[p] - P.time[Int(c.source)]) / 60)
                }
                suspects.append((Suspect(account: ds.accountID(of: a), handle: ds.handle(of: a), followers: Int(f),
                                         created: CivilTime.isoDate(dayNumber: CivilTime.dayNumber(created)), posts: posts, copies: copies.count,
                                         group: groups[Int(g)].label, groupID: groups[Int(g)].id, firstCopy: CivilTime.iso8601(first),
                                         lastCopy: CivilTime.iso8601(P.time[Int(ordered.last!.post)]),
                                         medianLagMinutes: Median.of(&lags) ?? 0, shared: Array(shared)), a))
            }
        }
        suspects.sort { $0.0.copies != $1.0.copies ? $0.0.copies > $1.0.copies : ($0.0.account, $0.0.groupID) < ($1.0.account, $1.0.groupID) }
        for (s, a) in suspects { result.copiesOf[a, default: 0] += s.copies }
        result.suspects = suspects.map(\.0)
        result.note = suspects.isEmpty
            ? "no established account outside the coordinated groups posted their copy \(minShared) or more times"
            : "\(suspects.count) established accounts outside the coordinated groups posted their copy soon after them"
        return result
    }
}
