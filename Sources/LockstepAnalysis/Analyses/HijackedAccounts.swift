import Foundation
import LockstepCore

/// Aged and hijacked accounts: an account that posted for years, fell silent, and woke up as
/// someone else — another language, client, schedule, topic or rate, sometimes with a "test" post.
///
/// Per account: age at its first post, the longest gap between two posts, and what changed across
/// it. Each change scores points (language 2, a test post 2, client, schedule, topic and rate 1
/// each); an account with a gap of at least `min_gap` and `min_points` points is a suspect.
/// Separately, from profiles alone: accounts created long before the input's main creation wave
/// whose account language differs from the input's dominant language.
public struct HijackedAccounts: Analysis {
    /// Stable name: the `--analyses` value and the `summary.json` section.
    public static let name = "hijack"
    /// One line for `lockstep analyses`.
    public static let summary = "Aged and hijacked accounts: dormant gaps and what changed across them; old accounts in another language"
    /// Tunable parameters with defaults (`--set name.param=value`).
    public static let parameters = [
        ParameterSpec("min_gap", .duration(1...100 * 365 * 86_400), default: "180d", "Shortest silence between two posts that counts as dormancy"),
        ParameterSpec("min_points", .atLeast(1), default: "3", "Change points (language 2, test post 2, client/schedule/topic/rate 1) for hijack_suspect"),
        ParameterSpec("min_side_posts", .atLeast(1), default: "5", "Fewest posts on each side of the gap to compare language, client, topic and rate"),
        ParameterSpec("min_schedule_posts", .atLeast(1), default: "10", "Fewest posts on each side of the gap to compare the hour-of-day profile"),
        ParameterSpec("old_years", .integer(0...100), default: "2", "Years before the main creation wave that make an account old"),
        ParameterSpec("top", .atLeast(1), default: "200", "Accounts listed in the summary"),
    ]

    let minGap: Int64
    let minPoints: Int
    let minSidePosts: Int
    let minSchedulePosts: Int
    let oldYears: Int
    let top: Int

    /// Reads and validates the parameters; throws ``OptionError`` on a bad value.
    public init(options: AnalysisOptions) throws {
        minGap = try options.seconds(Self.self, "min_gap")!
        minPoints = try options.int(Self.self, "min_points")
        minSidePosts = try options.int(Self.self, "min_side_posts")
        minSchedulePosts = try options.int(Self.self, "min_schedule_posts")
        oldYears = try options.int(Self.self, "old_years")
        top = try options.int(Self.self, "top")
    }

    /// One side of a dormant gap.
    public struct Side: Codable, Sendable, Equatable {
        /// First post of the side, `YYYY-MM-DD`.
        public var from: String
        /// Last post of the side, `YYYY-MM-DD`.
        public var to: String
        /// Posts counted.
        public var posts: Int
        /// Base language code (`es`, `zh`), the most common among posts that have one.
        public var language: String?
        /// Share of the labelled posts in that language.
        public var languageShare: Double?
        /// The most used client name.
        public var client: String?
        /// `mobile`, `web`, `automation` or `other`.
        public var clientCategory: String?
        /// Share of posts with a client in that category.
        public var clientShare: Double?
        /// Circular mean of the posting hour, UTC.
        public var meanHourUTC: Double?
        /// How concentrated the hours are (0 spread evenly ... 1 one hour).
        public var hourConcentration: Double?
        /// Posts per 30 days over the side (at least one month).
        public var postsPerMonth: Double
        /// The most used terms.
        public var topTerms: [String]
        /// The most used hashtags.
        public var topHashtags: [String]
    }

    /// An account with a dormant gap, and what changed across it.
    public struct Account: Codable, Sendable, Equatable {
        /// The account id as given in the input.
        public var account: String
        /// The handle (screen name).
        public var handle: String
        /// Whether the account is a `hijack_suspect`.
        public var suspect: Bool
        /// Change points scored across the gap.
        public var points: Int
        /// Stable reason codes: `dormant_2015_2019`, `language_es_to_zh`, `client_mobile_to_web`, ...
        public var reasons: [String]
        /// Account creation date, `YYYY-MM-DD`.
        public var created: String?
        /// Days from account creation to its first post in the data.
        public var ageAtFirstPostDays: Int?
        /// Last post before the gap, `YYYY-MM-DD`.
        public var dormantFrom: String
        /// First post after the gap, `YYYY-MM-DD`.
        public var dormantTo: String
        /// Length of the gap in days.
        public var dormantDays: Int
        /// The "test" post after the gap, if any.
        public var testPost: String?
        /// Posts before the gap.
        public var before: Side
        /// Posts after the gap.
        public var after: Side
    }

    /// An old account whose account language differs from the input's dominant language.
    public struct OldAccount: Codable, Sendable, Equatable {
        /// The account id as given in the input.
        public var account: String
        /// The handle (screen name).
        public var handle: String
        /// Account creation date, `YYYY-MM-DD`.
        public var created: String
        /// Creation year.
        public var year: Int
        /// Base language code of the account.
        public var language: String
        /// Follower count, when known.
        public var followers: Int?
    }

    /// What the profiles alone support (a users file without posts is enough).
    public struct ProfileSignals: Codable, Sendable, Equatable {
        /// The year with the most account creations.
        public var mainCreationYear: Int?
        /// Accounts created in or before this year count as old.
        public var oldThroughYear: Int?
        /// The input's dominant language (base code) and where it was read from.
        public var dominantLanguage: String?
        /// `post_language` or `account_language`: where the dominant language was read.
        public var dominantLanguageSource: String
        /// Accounts in the input with a creation date.
        public var accountsWithCreationDate: Int
        /// Accounts created in or before ``oldThroughYear``.
        public var oldAccounts: Int
        /// Old accounts whose account language is not the dominant one.
        public var oldOtherLanguage: Int
        /// Old accounts in another language per creation year and language.
        public var oldOtherLanguageByYear: [String: [String: Int]]
        /// The accounts, as listed.
        public var accounts: [OldAccount]
    }

    /// The `summary.json` section (and `accounts.csv` columns) of this analysis.
    public struct Result: AnalysisResult {
        /// The `min_gap` parameter, in days.
        public var minGapDays: Double
        /// The `min_points` parameter.
        public var minPoints: Int
        /// Accounts in the input with at least one post.
        public var accountsWithPosts: Int
        /// Accounts with a gap of at least `min_gap`.
        public var dormantAccounts: Int
        /// Accounts with `hijack_suspect`.
        public var suspects: Int
        /// Suspects first, then other dormant accounts with changes; by points, then gap length.
        public var accounts: [Account]
        /// What the profiles alone support.
        public var profileSignals: ProfileSignals

        /// Per account id, for `accounts.csv`.
        var perAccount: [Int32: Account] = [:]
        var oldOther: [Int32: OldAccount] = [:]
        /// Days from creation to first post, as personas computes and writes them (both analyses
        /// write the column, so it must not depend on which of them ran).
        var ageAtFirstPost: [Int32: Double] = [:]

        enum CodingKeys: String, CodingKey { case minGapDays, minPoints, accountsWithPosts, dormantAccounts, suspects, accounts, profileSignals }

        /// Columns this analysis adds to `accounts.csv`.
        public func accountColumns(_ ds: Dataset) -> [AccountColumn] {
            let n = ds.accounts.count
            var suspect = [String](repeating: "", count: n), from = suspect, to = suspect, days = suspect, points = suspect
            var age = suspect, old = suspect
            for (a, r) in perAccount {
                let i = Int(a)
                if r.suspect { suspect[i] = "true" }
                from[i] = r.dormantFrom; to[i] = r.dormantTo; days[i] = String(r.dormantDays); points[i] = String(r.points)
            }
            for (a, d) in ageAtFirstPost { age[Int(a)] = NumberText.decimal(d, places: 1) }
            for a in oldOther.keys { old[Int(a)] = "true" }
            return [AccountColumn(name: "hijack_suspect", values: suspect), AccountColumn(name: "dormant_from", values: from),
                    AccountColumn(name: "dormant_to", values: to), AccountColumn(name: "dormant_days", values: days),
                    AccountColumn(name: "hijack_points", values: points), AccountColumn(name: "age_at_first_post_days", values: age),
                    AccountColumn(name: "old_account_other_language", values: old)]
        }

        /// Reason codes per account for `accounts.csv`.
        public func accountReasons(_ ds: Dataset) -> [Int32: [String]] {
            var out: [Int32: [String]] = [:]
            for (a, r) in perAccount where r.suspect { out[a] = r.reasons }
            for (a, o) in oldOther { out[a, default: []].append("old_account_\(o.year)_language_\(o.language)") }
            return out
        }
    }

    /// Runs the analysis on a dataset.
    public func run(on ds: Dataset, context: AnalysisContext) throws -> Result {
        var tokenizer = Tokenizer()
        var perAccount: [Int32: Account] = [:]
        var ageDays: [Int32: Double] = [:]
        var withPosts = 0
        let inData = ds.accountsInData
        for a in inData {
            let range = ds.postRange(of: a)
            guard !range.isEmpty else { continue }
            withPosts += 1
            let first = ds.posts.time[Int(ds.postsByAccount[range.lowerBound])]
            let created = ds.accounts.created[Int(a)]
            ageDays[a] = ds.ageAtFirstPostDays(of: a)
            guard range.count >= 2 else { continue }
            // Longest gap between consecutive posts (posts are in time order).
            var gap: Int64 = -1, at = 0
            var prev = first
            for k in (range.lowerBound + 1)..<range.upperBound {
                let t = ds.posts.time[Int(ds.postsByAccount[k])]
                if t - prev > gap { gap = t - prev; at = k }
                prev = t
            }
            guard gap >= minGap else { continue }
            perAccount[a] = examine(ds, a, before: range.lowerBound..<at, after: at..<range.upperBound,
                                    created: created, age: ageDays[a].map { Int($0) }, tokenizer: &tokenizer)
        }
        var ranked = perAccount.values.filter { $0.suspect || $0.points > 0 }
        ranked.sort {
            if $0.suspect != $1.suspect { return $0.suspect }
            if $0.points != $1.points { return $0.points > $1.points }
            if $0.dormantDays != $1.dormantDays { return $0.dormantDays > $1.dormantDays }
            return $0.account < $1.account
        }
        let (signals, oldOther) = profileSignals(ds, inData)
        return Result(minGapDays: Double(minGap) / 86_400, minPoints: minPoints, accountsWithPosts: withPosts,
                      dormantAccounts: perAccount.count, suspects: perAccount.values.filter(\.suspect).count,
                      accounts: Array(ranked.prefix(top)), profileSignals: signals,
                      perAccount: perAccount, oldOther: oldOther, ageAtFirstPost: ageDays)
    }

    // MARK: Across the gap

    /// Posts per side, nearest the gap, whose text is read for topics and scripts.
    static let textPostsPerSide = 100

    /// Compares the posts before and after the gap and scores the changes.
    func examine(_ ds: Dataset, _ a: Int32, before: Range<Int>, after: Range<Int>, created: Int64, age: Int?,
                 tokenizer: inout Tokenizer) -> Account {
        let gapFrom = ds.posts.time[Int(ds.postsByAccount[before.upperBound - 1])]
        let gapTo = ds.posts.time[Int(ds.postsByAccount[after.lowerBound])]
        let nearest = Self.textPostsPerSide
        let b = SideStats(ds, before, text: max(before.lowerBound, before.upperBound - nearest)..<before.upperBound, &tokenizer)
        let f = SideStats(ds, after, text: after.lowerBound..<min(after.upperBound, after.lowerBound + nearest), &tokenizer)
        var points = 0
        var reasons = ["dormant_\(CivilTime.date(days: CivilTime.dayNumber(gapFrom)).year)_\(CivilTime.date(days: CivilTime.dayNumber(gapTo)).year)"]
        let bothSides = before.count >= minSidePosts && after.count >= minSidePosts
        var languageChanged = false
        if bothSides, let l1 = b.language, let l2 = f.language, l1.0 != l2.0, l1.1 >= 0.6, l2.1 >= 0.6 {
            points += 2; languageChanged = true
            reasons.append("language_\(l1.0)_to_\(l2.0)")
        }
        // Language columns can be missing or account-level (IRA data); the script of the text cannot.
        if bothSides && !languageChanged, let s1 = b.script, let s2 = f.script, s1.0 != s2.0, s1.1 >= 0.6, s2.1 >= 0.6 {
            points += 2; languageChanged = true
            reasons.append("script_\(s1.0)_to_\(s2.0)")
        }
        if bothSides, let c1 = b.clientCategory, let c2 = f.clientCategory, c1.0 != c2.0, c1.1 >= 0.6, c2.1 >= 0.6 {
            points += 1
            reasons.append("client_\(c1.0)_to_\(c2.0)")
        }
        if before.count >= minSchedulePosts && after.count >= minSchedulePosts {
            var tv = 0.0
            for h in 0..<24 { tv += abs(Double(b.hours[h]) / Double(before.count) - Double(f.hours[h]) / Double(after.count)) }
            tv /= 2
            let (m1, r1) = b.circularHour, (m2, r2) = f.circularHour
            let shift = min(abs(m1 - m2), 24 - abs(m1 - m2))
            if tv >= 0.5 && shift >= 3 && r1 >= 0.2 && r2 >= 0.2 {
                points += 1
                reasons.append("schedule_\(Self.hourCode(m1))h_to_\(Self.hourCode(m2))h_utc")
            }
        }
        // A new language changes every term; only a topic change within one language adds evidence.
        if bothSides && !languageChanged && b.tokenTotal >= 20 && f.tokenTotal >= 20 && Self.cosine(b.items, f.items) < 0.1 {
            points += 1
            reasons.append("topic_change")
        }
        if bothSides {
            let ratio = f.perMonth / max(b.perMonth, 1e-9)
            if ratio >= 5 || ratio <= 0.2 {
                points += 1
                reasons.append("rate_\(Self.rateCode(b.perMonth))_to_\(Self.rateCode(f.perMonth))_per_month")
            }
        }
        var testPost: String?
        for k in after.prefix(3) {
            let text = ds.text(ofPost: Int(ds.postsByAccount[k]))
            if Self.isTestPost(text) { testPost = text; break }
        }
        if testPost != nil { points += 2; reasons.append("test_post_after_gap") }
        return Account(account: ds.accountID(of: a), handle: ds.handle(of: a), suspect: points >= minPoints, points: points,
                       reasons: reasons, created: created == noTime ? nil : CivilTime.isoDate(dayNumber: CivilTime.dayNumber(created)),
                       ageAtFirstPostDays: age, dormantFrom: CivilTime.isoDate(dayNumber: CivilTime.dayNumber(gapFrom)),
                       dormantTo: CivilTime.isoDate(dayNumber: CivilTime.dayNumber(gapTo)), dormantDays: Int((gapTo - gapFrom) / 86_400),
                       testPost: testPost, before: b.side(ds, tokenizer), after: f.side(ds, tokenizer))
    }

    static func hourCode(_ h: Double) -> String {
        let v = Int(h.rounded()) % 24
        return v < 10 ? "0\(v)" : String(v)
    }

    static func rateCode(_ r: Double) -> String { r >= 1 ? String(Int(r.rounded())) : String((r * 10).rounded() / 10) }

    /// Cosine similarity of two sparse count vectors keyed by item.
    static func cosine(_ x: [Int64: Int], _ y: [Int64: Int]) -> Double {
        var dot = 0.0, nx = 0.0, ny = 0.0
        for (k, v) in x { nx += Double(v * v); if let w = y[k] { dot += Double(v * w) } }
        for v in y.values { ny += Double(v * v) }
        return nx > 0 && ny > 0 ? dot / (nx.squareRoot() * ny.squareRoot()) : 0
    }

    /// Short greetings and tests a new owner posts to see that the account works.
    static let testWords: Set<String> = ["test", "tests", "testing", "testtest", "testing123", "test123", "测试", "测试一下",
                                         "測試", "测试测试", "试试", "hello", "helloworld", "hi", "hey", "你好", "тест", "テスト",
                                         "prueba", "probando", "ok", "1", "123", "a"]

    /// Whether a post is a bare "test": at most 20 letters once URLs, mentions and punctuation go.
    public static func isTestPost(_ text: String) -> Bool {
        var kept = ""
        for word in text.split(whereSeparator: { $0.isWhitespace }) {
            if word.hasPrefix("http") || word.hasPrefix("@") || word.hasPrefix("#") { continue }
            for ch in word.lowercased() where ch.isLetter || ch.isNumber { kept.append(ch) }
        }
        guard !kept.isEmpty, kept.count <= 20 else { return false }
        return testWords.contains(kept)
    }

    /// Counts for one side of the gap.
    struct SideStats {
        var from: Int64 = .max, to: Int64 = .min, posts = 0
        var language: (String, Double)?
        /// The writing system most letters are in (`latin`, `cyrillic`, `han`, `kana`, `arabic`) and its share.
        var script: (String, Double)?
        var clientCategory: (String, Double)?
        var client: String?
        var hours = [Int](repeating: 0, count: 24)
        var circularHour: (Double, Double) = (0, 0)
        var perMonth = 0.0
        /// Terms (ids ≥ 0) and hashtags (ids as `-1 - tag`) with counts.
        var items: [Int64: Int] = [:]
        var tokenTotal = 0

        /// `textRange` (inside `range`) bounds the posts whose text is read for topic and script:
        /// the ones nearest the gap, so an account with years of posts costs no more than a small one.
        init(_ ds: Dataset, _ range: Range<Int>, text textRange: Range<Int>, _ tokenizer: inout Tokenizer) {
            var langs: [Int32: Int] = [:], clients: [Int32: Int] = [:]
            var ids: [Int32] = []
            var scripts = [Int](repeating: 0, count: 5)
            for k in range {
                let p = Int(ds.postsByAccount[k])
                let t = ds.posts.time[p]
                from = min(from, t); to = max(to, t); posts += 1
                hours[Int((t % 86_400 + 86_400) % 86_400 / 3600)] += 1
                if ds.posts.language[p] != noID { langs[ds.posts.language[p], default: 0] += 1 }
                if ds.posts.client[p] != noID { clients[ds.posts.client[p], default: 0] += 1 }
                guard textRange.contains(k) else { continue }
                ids.removeAll(keepingCapacity: true)
                ds.posts.textArena.withBytes(ds.posts.text[p]) {
                    tokenizer.termIDs($0, into: &ids)
                    HijackedAccounts.countScripts($0, into: &scripts)
                }
                for i in ids { items[Int64(i), default: 0] += 1 }
                for h in ds.posts.hashtags[p] { items[-1 - Int64(h), default: 0] += 1 }
                tokenTotal += ids.count + ds.posts.hashtags[p].count
            }
            // Languages fold to their base code ("zh-cn", "zh-tw" -> "zh") before the vote.
            var base: [String: Int] = [:]
            var known = 0
            for (l, c) in langs {
                let b = HijackedAccounts.baseLanguage(ds.languages[l])
                if b.isEmpty || b == "und" { continue }
                base[b, default: 0] += c; known += c
            }
            if let best = base.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }) {
                language = (best.key, Double(best.value) / Double(known))
            }
            let letters = scripts.reduce(0, +)
            if letters > 0, let best = scripts.indices.max(by: { scripts[$0] != scripts[$1] ? scripts[$0] < scripts[$1] : $0 > $1 }) {
                script = (HijackedAccounts.scriptNames[best], Double(scripts[best]) / Double(letters))
            }
            var cats: [String: Int] = [:]
            var knownClients = 0
            for (c, n) in clients { cats[HijackedAccounts.clientCategory(ds.clients[c]), default: 0] += n; knownClients += n }
            if let best = cats.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }) {
                clientCategory = (best.key, Double(best.value) / Double(knownClients))
            }
            if let best = clients.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }) { client = ds.clients[best.key] }
            var sx = 0.0, sy = 0.0
            for h in 0..<24 {
                let angle = (Double(h) + 0.5) / 24 * 2 * Double.pi
                sx += Double(hours[h]) * cos(angle); sy += Double(hours[h]) * sin(angle)
            }
            var mean = atan2(sy, sx) / (2 * Double.pi) * 24 - 0.5
            if mean < 0 { mean += 24 }
            circularHour = (mean, posts > 0 ? (sx * sx + sy * sy).squareRoot() / Double(posts) : 0)
            // A rate over at least one month, so a burst of three posts in a day is not 90 a month.
            perMonth = Double(posts) / max(1, Double(to - from) / (30 * 86_400))
        }

        func side(_ ds: Dataset, _ tokenizer: Tokenizer) -> Side {
            let ranked = items.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            return Side(from: CivilTime.isoDate(dayNumber: CivilTime.dayNumber(from)), to: CivilTime.isoDate(dayNumber: CivilTime.dayNumber(to)),
                        posts: posts, language: language?.0, languageShare: language?.1, client: client,
                        clientCategory: clientCategory?.0, clientShare: clientCategory?.1,
                        meanHourUTC: posts > 0 ? (circularHour.0 * 10).rounded() / 10 : nil, hourConcentration: circularHour.1,
                        postsPerMonth: perMonth,
                        topTerms: ranked.filter { $0.key >= 0 }.prefix(5).map { tokenizer.term(Int32($0.key)) },
                        topHashtags: ranked.filter { $0.key < 0 }.prefix(5).map { ds.hashtags[Int32(-1 - $0.key)] })
        }
    }

    static let scriptNames = ["latin", "cyrillic", "han", "kana", "arabic"]

    /// Counts letters by writing system from UTF-8 lead bytes, skipping URLs, mentions and hashtags.
    static func countScripts(_ b: UnsafeRawBufferPointer, into counts: inout [Int]) {
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c == 64 || c == 35 || (c == 104 && i + 4 <= n && b[i + 1] == 116 && b[i + 2] == 116 && b[i + 3] == 112) {
                while i < n && b[i] > 32 { i += 1 }  // @mention, #tag, http...
                continue
            }
            if c < 0x80 {
                if c | 0x20 >= 97 && c | 0x20 <= 122 { counts[0] += 1 }
                i += 1
            } else if c >= 0xC3 && c <= 0xC5 { counts[0] += 1; i += 2 }  // Latin-1 and Extended-A letters
            else if c == 0xD0 || c == 0xD1 { counts[1] += 1; i += 2 }
            else if c >= 0xD8 && c <= 0xDB { counts[4] += 1; i += 2 }
            else if c >= 0xE4 && c <= 0xE9 { counts[2] += 1; i += 3 }
            else if c == 0xE3 && i + 1 < n && b[i + 1] >= 0x81 && b[i + 1] <= 0x83 { counts[3] += 1; i += 3 }
            else { i += c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1 }
        }
    }

    /// The language's canonical code, as the languages analysis reads it (`zh-CN` → `zh`,
    /// `Russian` → `ru`, Twitter's legacy `in` → `id`); `""` when undetermined.
    public static func baseLanguage(_ code: String) -> String {
        Languages.normalize(code) ?? ""
    }

    /// The client's kind as reason codes name it (`mobile`, `web`, `automation` or `other`), read
    /// from the one maintained client table.
    public static func clientCategory(_ name: String) -> String {
        switch ClientCategories.category(of: name) {
        case .officialMobile: "mobile"
        case .officialWeb, .professional: "web"
        case .automation: "automation"
        case .thirdParty, .unknown: "other"
        }
    }

    // MARK: Profiles alone

    func profileSignals(_ ds: Dataset, _ inData: [Int32]) -> (ProfileSignals, [Int32: OldAccount]) {
        var years: [Int: Int] = [:]
        var dated = 0
        for a in inData where ds.accounts.created[Int(a)] != noTime {
            years[CivilTime.date(days: CivilTime.dayNumber(ds.accounts.created[Int(a)])).year, default: 0] += 1
            dated += 1
        }
        // The dominant language: of posts when there are posts, of account profiles otherwise.
        var votes: [String: Int] = [:]
        var source = "post_language"
        var langCounts = [Int](repeating: 0, count: ds.languages.count)
        for l in ds.posts.language where l != noID { langCounts[Int(l)] += 1 }
        if langCounts.allSatisfy({ $0 == 0 }) {
            source = "account_language"
            for a in inData where ds.accounts.language[Int(a)] != noID { langCounts[Int(ds.accounts.language[Int(a)])] += 1 }
        }
        for (l, c) in langCounts.enumerated() where c > 0 {
            let b = Self.baseLanguage(ds.languages[l])
            if !b.isEmpty && b != "und" { votes[b, default: 0] += c }
        }
        let dominant = votes.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key
        let mainYear = years.max { $0.value != $1.value ? $0.value < $1.value : $0.key < $1.key }?.key
        var signals = ProfileSignals(mainCreationYear: mainYear, oldThroughYear: mainYear.map { $0 - oldYears },
                                     dominantLanguage: dominant, dominantLanguageSource: source, accountsWithCreationDate: dated,
                                     oldAccounts: 0, oldOtherLanguage: 0, oldOtherLanguageByYear: [:], accounts: [])
        var old: [Int32: OldAccount] = [:]
        guard let mainYear, let dominant else { return (signals, old) }
        for a in inData {
            let c = ds.accounts.created[Int(a)]
            guard c != noTime else { continue }
            let day = CivilTime.dayNumber(c)
            let year = CivilTime.date(days: day).year
            guard year <= mainYear - oldYears else { continue }
            signals.oldAccounts += 1
            let l = ds.accounts.language[Int(a)]
            guard l != noID else { continue }
            let base = Self.baseLanguage(ds.languages[l])
            guard !base.isEmpty, base != dominant else { continue }
            let f = ds.accounts.followers[Int(a)]
            old[a] = OldAccount(account: ds.accountID(of: a), handle: ds.handle(of: a), created: CivilTime.isoDate(dayNumber: day),
                                year: year, language: base, followers: f < 0 ? nil : Int(f))
            signals.oldOtherLanguageByYear[String(year), default: [:]][base, default: 0] += 1
        }
        signals.oldOtherLanguage = old.count
        signals.accounts = old.values.sorted { $0.created != $1.created ? $0.created < $1.created : $0.account < $1.account }
        return (signals, old)
    }
}
