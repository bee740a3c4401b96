import LockstepCore

/// The headline an analyst writes first: who, how much, when, in what language, from what client.
public struct Overview: Analysis {
    public static let name = "overview"
    public static let summary = "Counts, period, languages, clients, post kinds, top hashtags and domains, follower and creation figures"
    public static let parameters = [ParameterSpec("top", .atLeast(1), default: "20", "How many hashtags, domains, languages and clients to list")]

    let top: Int

    public init(options: AnalysisOptions) throws {
        top = try options.int(Self.self, "top")
    }

    /// A label and how often it occurs, with its share of the whole.
    public struct Count: Codable, Sendable, Equatable {
        public var value: String
        public var count: Int
        public var share: Double
    }

    public struct Result: AnalysisResult, Equatable {
        public var headline: String
        public var posts: Int
        /// Accounts that are part of the input (listed in a users file or authors of a post).
        public var accounts: Int
        public var authors: Int
        /// Accounts only named by posts (retweeted, replied to, mentioned), not in the input.
        public var referencedAccounts: Int
        public var firstPost: String?
        public var lastPost: String?
        public var postLanguages: [Count]
        public var accountLanguages: [Count]
        public var clients: [Count]
        public var kinds: [Count]
        public var topHashtags: [Count]
        public var topDomains: [Count]
        /// Among accounts whose follower count is known.
        public var accountsWithFollowerCount: Int
        public var zeroFollowers: Int
        public var zeroFollowersShare: Double?
        public var medianFollowers: Double?
        public var createdPerYear: [String: Int]
    }

    public func run(on ds: Dataset, context: AnalysisContext) throws -> Result {
        let inData = ds.accountsInData
        let authors = inData.filter { ds.accounts.origin[Int($0)].contains(.author) }.count
        let referenced = ds.accounts.count - inData.count
        var first = Int64.max, last = Int64.min
        for t in ds.posts.time { if t < first { first = t }; if t > last { last = t } }
        let n = ds.posts.count

        let postLanguages = Self.ranked(ids: ds.posts.language, table: ds.languages, total: n, top: top, unknown: "(none)")
        let accountLanguages = Self.ranked(ids: inData.map { ds.accounts.language[Int($0)] }, table: ds.languages,
                                           total: inData.count, top: top, unknown: "(none)")
        let clients = Self.ranked(ids: ds.posts.client, table: ds.clients, total: n, top: top, unknown: "(none)")
        var kindCounts = [Int](repeating: 0, count: PostKind.allCases.count)
        for k in ds.posts.kind { kindCounts[Int(k.rawValue)] += 1 }
        let kinds = PostKind.allCases.map { Count(value: $0.name, count: kindCounts[Int($0.rawValue)], share: Self.share(kindCounts[Int($0.rawValue)], n)) }
        let tags = Self.ranked(ids: ds.posts.hashtags.values, table: ds.hashtags, total: ds.posts.hashtags.values.count, top: top, unknown: "")

        // Domains: count per URL id first, then fold ids into hosts (far fewer strings than uses).
        var urlUses = [Int](repeating: 0, count: ds.urls.count)
        for u in ds.posts.urls.values { urlUses[Int(u)] += 1 }
        var domains: [String: Int] = [:]
        for (u, c) in urlUses.enumerated() where c > 0 {
            domains[ds.urls.withBytes(Int32(u)) { URLHost.host(of: $0) }, default: 0] += c
        }
        let totalURLs = ds.posts.urls.values.count
        let topDomains = Self.top(domains, total: totalURLs, top: top)

        var followerValues: [Int32] = []
        var years: [String: Int] = [:]
        for a in inData {
            let f = ds.accounts.followers[Int(a)]
            if f >= 0 { followerValues.append(f) }
            let c = ds.accounts.created[Int(a)]
            if c != noTime { years[String(CivilTime.date(days: CivilTime.dayNumber(c)).year), default: 0] += 1 }
        }
        followerValues.sort()
        let zero = followerValues.prefix { $0 == 0 }.count
        let median: Double? = followerValues.isEmpty ? nil : {
            let m = followerValues.count / 2
            return followerValues.count % 2 == 1 ? Double(followerValues[m]) : (Double(followerValues[m - 1]) + Double(followerValues[m])) / 2
        }()
        var r = Result(
            headline: "", posts: n, accounts: inData.count, authors: authors, referencedAccounts: referenced,
            firstPost: n > 0 ? CivilTime.iso8601(first, offsetSeconds: context.displayOffsetSeconds) : nil,
            lastPost: n > 0 ? CivilTime.iso8601(last, offsetSeconds: context.displayOffsetSeconds) : nil,
            postLanguages: postLanguages, accountLanguages: accountLanguages, clients: clients, kinds: kinds,
            topHashtags: tags, topDomains: topDomains,
            accountsWithFollowerCount: followerValues.count, zeroFollowers: zero,
            zeroFollowersShare: followerValues.isEmpty ? nil : Double(zero) / Double(followerValues.count),
            medianFollowers: median, createdPerYear: years)
        r.headline = Self.headline(r)
        return r
    }

    static func headline(_ r: Result) -> String {
        func count(_ n: Int, _ word: String) -> String { "\(grouped(n)) \(word)\(n == 1 ? "" : "s")" }
        var s = count(r.accounts, "account")
        if r.posts > 0, let a = r.firstPost, let b = r.lastPost {
            s += " sent \(count(r.posts, "post")) between \(a.prefix(10)) and \(b.prefix(10))"
            if let l = r.postLanguages.first, l.value != "(none)" {
                s += ", mostly in \(l.value) (\(percent(l.share)))"
            }
        } else {
            s += " (profiles only, no posts)"
            if let l = r.accountLanguages.first, l.value != "(none)" {
                s += ", mostly with account language \(l.value) (\(percent(l.share)))"
            }
        }
        s += "."
        if let z = r.zeroFollowersShare {
            s += " \(percent(z)) have zero followers"
            if let m = r.medianFollowers { s += "; the median account has \(m == m.rounded() ? String(Int(m)) : String(m)) followers" }
            s += "."
        }
        if let c = r.clients.first, c.value != "(none)", r.posts > 0 {
            s += " The most used client is \(c.value) (\(percent(c.share)) of posts)."
        }
        return s
    }

    /// Thousands separators, as people write counts in prose.
    static func grouped(_ v: Int) -> String { NumberText.grouped(v) }

    static func percent(_ x: Double) -> String { NumberText.shortest((x * 1000).rounded() / 10) + "%" }

    static func share(_ c: Int, _ total: Int) -> Double { total == 0 ? 0 : Double(c) / Double(total) }

    /// Counts ids, then names the most frequent; ties broken by name so output is stable.
    static func ranked(ids: [Int32], table: StringTable, total: Int, top: Int, unknown: String) -> [Count] {
        var counts = [Int](repeating: 0, count: table.count + 1)
        for id in ids { counts[id == noID ? table.count : Int(id)] += 1 }
        var named: [(String, Int)] = []
        for (i, c) in counts.enumerated() where c > 0 {
            let name = i == table.count ? unknown : table[i]
            if i == table.count && unknown.isEmpty { continue }
            named.append((name, c))
        }
        return Array(named.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(top))
            .map { Count(value: $0.0, count: $0.1, share: share($0.1, total)) }
    }

    static func top(_ counts: [String: Int], total: Int, top: Int) -> [Count] {
        Array(counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(top))
            .map { Count(value: $0.key, count: $0.value, share: share($0.value, total)) }
    }
}

/// Host extraction for URL-domain counts (lowercased, `www.` dropped).
public enum URLHost {
    public static func host(of b: UnsafeRawBufferPointer) -> String {
        var i = 0
        let n = b.count
        // Skip "scheme://" when present.
        var j = 0
        while j + 2 < n && b[j] != 47 {
            if b[j] == 58 && b[j + 1] == 47 && b[j + 2] == 47 { i = j + 3; break }
            j += 1
        }
        var end = i
        while end < n, b[end] != 47, b[end] != 63, b[end] != 35, b[end] != 58 { end += 1 }
        var host = String(decoding: UnsafeRawBufferPointer(rebasing: b[i..<end]), as: UTF8.self).lowercased()
        if host.hasPrefix("www.") { host.removeFirst(4) }
        return host.isEmpty ? "(none)" : host
    }
}
