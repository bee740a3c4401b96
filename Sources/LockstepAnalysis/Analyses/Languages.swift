import LockstepCore

/// Post and account languages, each account's mix, and accounts that post in a language other
/// than the one their profile is set to.
///
/// Languages are compared on their primary subtag (`zh-cn` → `zh`); see `docs/methodology/languages.md`.
public struct Languages: Analysis {
    public static let name = "languages"
    public static let summary = "Post and account languages, per-account mix, accounts posting in a language other than their account language"
    public static let parameters = [
        ParameterSpec("min_posts", .atLeast(1), default: "5", "Posts with a known language an account needs before a mismatch is called"),
        ParameterSpec("min_share", .number(0...1, lowerOpen: false), default: "0.5", "Share of those posts the dominant language needs before a mismatch is called"),
        ParameterSpec("top", .atLeast(1), default: "20", "How many languages and mismatch pairs to list"),
    ]

    let minPosts: Int
    let minShare: Double
    let top: Int

    public init(options: AnalysisOptions) throws {
        minPosts = try options.int(Self.self, "min_posts")
        minShare = try options.double(Self.self, "min_share")
        top = try options.int(Self.self, "top")
    }

    /// A language and how often it occurs.
    public struct LanguageCount: Codable, Sendable, Equatable {
        /// Primary language subtag (`en`, `zh`).
        public var language: String
        /// Posts or accounts with it.
        public var count: Int
        /// Their share.
        public var share: Double
    }

    /// Accounts set to one language that post in another.
    public struct MismatchPair: Codable, Sendable, Equatable {
        /// The language the accounts are set to.
        public var accountLanguage: String
        /// The language they mostly post in.
        public var postLanguage: String
        /// Accounts with this pair.
        public var accounts: Int
    }

    /// The `languages` section of `summary.json`.
    public struct Result: AnalysisResult, Codable, Equatable {
        /// Posts by primary language (posts without a determinable language left out of the shares).
        public var postLanguages: [LanguageCount]
        /// Posts with no or an undetermined language.
        public var postsWithoutLanguage: Int
        /// Accounts by account language.
        public var accountLanguages: [LanguageCount]
        /// Accounts by how many languages their posts use (`1`, `2`, `3+`).
        public var accountsByLanguageCount: [String: Int]
        /// Accounts whose posts could be compared with a known account language.
        public var accountsCompared: Int
        /// Accounts posting mostly in another language than their own.
        public var mismatches: Int
        /// The commonest account → posting language pairs.
        public var mismatchPairs: [MismatchPair]

        var dominant: [Int32] = []
        var dominantShare: [Float] = []
        var accountLanguage: [Int32] = []
        var mismatch: [Bool] = []
        var codes: [String] = []

        enum CodingKeys: String, CodingKey {
            case postLanguages, postsWithoutLanguage, accountLanguages, accountsByLanguageCount, accountsCompared,
                 mismatches, mismatchPairs
        }

        /// `en_to_zh` when the account is set to English and mostly posts in Chinese.
        public func mismatch(of account: Int32) -> String? {
            let i = Int(account)
            return mismatch[i] ? codes[Int(accountLanguage[i])] + "_to_" + codes[Int(dominant[i])] : nil
        }

        public func accountColumns(_ dataset: Dataset) -> [AccountColumn] {
            let n = dominant.count
            var lang = [String](repeating: "", count: n), share = lang, mm = lang
            for i in 0..<n where dominant[i] != noID {
                lang[i] = codes[Int(dominant[i])]
                share[i] = NumberText.decimal(Double(dominantShare[i]), places: 3)
                if let m = mismatch(of: Int32(i)) { mm[i] = m }
            }
            return [AccountColumn(name: "post_language", values: lang), AccountColumn(name: "post_language_share", values: share),
                    AccountColumn(name: "language_mismatch", values: mm)]
        }

        public func accountReasons(_ dataset: Dataset) -> [Int32: [String]] {
            var out: [Int32: [String]] = [:]
            // One string per language pair, shared by every account with that pair.
            var codeOf: [Int: [String]] = [:]
            for i in 0..<mismatch.count where mismatch[i] {
                let pair = Int(accountLanguage[i]) * codes.count + Int(dominant[i])
                if let c = codeOf[pair] { out[Int32(i)] = c; continue }
                let c = ["language_mismatch:" + mismatch(of: Int32(i))!]
                codeOf[pair] = c
                out[Int32(i)] = c
            }
            return out
        }
    }

    /// Language names some datasets use instead of codes (the IRA release writes `English`).
    static let names: [String: String] = [
        "arabic": "ar", "bulgarian": "bg", "catalan": "ca", "chinese": "zh", "croatian": "hr", "czech": "cs", "danish": "da",
        "dutch": "nl", "english": "en", "estonian": "et", "farsi": "fa", "persian": "fa", "finnish": "fi", "french": "fr",
        "german": "de", "greek": "el", "hebrew": "he", "hindi": "hi", "hungarian": "hu", "indonesian": "id",
        "italian": "it", "japanese": "ja", "korean": "ko", "latvian": "lv", "lithuanian": "lt", "norwegian": "no",
        "pashto": "ps", "polish": "pl", "portuguese": "pt", "romanian": "ro", "russian": "ru", "serbian": "sr",
        "slovak": "sk", "slovenian": "sl", "spanish": "es", "swedish": "sv", "tagalog": "tl", "thai": "th",
        "turkish": "tr", "ukrainian": "uk", "urdu": "ur", "uzbek": "uz", "vietnamese": "vi", "albanian": "sq",
        "azerbaijani": "az", "belarusian": "be", "macedonian": "mk", "kazakh": "kk", "georgian": "ka", "armenian": "hy",
        "malay": "ms", "bengali": "bn", "tamil": "ta", "somali": "so", "swahili": "sw", "icelandic": "is",
        "farsi (persian)": "fa", "pushto": "ps", "tagalog (filipino)": "tl", "kurdish": "ku", "simplified chinese": "zh",
        "traditional chinese": "zh", "filipino": "tl",
    ]

    /// Codes meaning "no language": undetermined, no linguistic content, media, hashtags only...
    static let undetermined: Set<String> = ["", "und", "zxx", "qme", "qht", "qam", "qst", "qct", "qin", "art", "language undefined", "unknown", "xx"]

    /// The primary subtag, lowercased (`zh-CN` → `zh`, `English` → `en`); nil when undetermined.
    public static func normalize(_ raw: String) -> String? {
        let lower = raw.lowercased().trimmingCharacters(in: .whitespaces)
        if undetermined.contains(lower) { return nil }
        if let code = names[lower] { return code }
        let primary = String(lower.prefix { $0 != "-" && $0 != "_" })
        if undetermined.contains(primary) { return nil }
        // Tagalog is `fil` on some platforms and `tl` on others; Twitter still writes the withdrawn
        // ISO codes `in` (Indonesian), `iw` (Hebrew) and `ji` (Yiddish); the Chinese scripts are one language here.
        switch primary {
        case "fil": return "tl"
        case "in": return "id"
        case "iw": return "he"
        case "ji": return "yi"
        default: return primary
        }
    }

    public func run(on ds: Dataset, context: AnalysisContext) throws -> Result {
        // Raw language ids → canonical code ids.
        var codes: [String] = []
        var codeIndex: [String: Int32] = [:]
        let canon: [Int32] = ds.languages.strings.map { raw in
            guard let c = Self.normalize(raw) else { return noID }
            if let i = codeIndex[c] { return i }
            codes.append(c)
            codeIndex[c] = Int32(codes.count - 1)
            return Int32(codes.count - 1)
        }
        let nCodes = codes.count
        var postCounts = [Int](repeating: 0, count: nCodes)
        var without = 0
        for l in ds.posts.language {
            let c = l == noID ? noID : canon[Int(l)]
            if c == noID { without += 1 } else { postCounts[Int(c)] += 1 }
        }
        let nAccounts = ds.accounts.count
        var dominant = [Int32](repeating: noID, count: nAccounts)
        var dominantShare = [Float](repeating: 0, count: nAccounts)
        var accountLanguage = [Int32](repeating: noID, count: nAccounts)
        var mismatch = [Bool](repeating: false, count: nAccounts)
        var accountCounts = [Int](repeating: 0, count: nCodes)
        var mixCounts = [0, 0, 0]  // 1, 2, 3+ languages
        var pairs: [Int: Int] = [:]
        var compared = 0, mismatches = 0
        var counts = [Int32](repeating: 0, count: nCodes)
        var touched: [Int32] = []
        let language = ds.posts.language
        let order = ds.postsByAccount
        for a in ds.accountsInData {
            let i = Int(a)
            let raw = ds.accounts.language[i]
            let own = raw == noID ? noID : canon[Int(raw)]
            accountLanguage[i] = own
            if own != noID { accountCounts[Int(own)] += 1 }
            touched.removeAll(keepingCapacity: true)
            var n = 0
            for p in ds.postRange(of: a) {
                let l = language[Int(order[p])]
                if l == noID { continue }
                let c = canon[Int(l)]
                if c == noID { continue }
                if counts[Int(c)] == 0 { touched.append(c) }
                counts[Int(c)] += 1
                n += 1
            }
            if n == 0 { continue }
            var best = touched[0]
            for c in touched where counts[Int(c)] > counts[Int(best)] || (counts[Int(c)] == counts[Int(best)] && codes[Int(c)] < codes[Int(best)]) {
                best = c
            }
            dominant[i] = best
            let share = Double(counts[Int(best)]) / Double(n)
            dominantShare[i] = Float(share)
            mixCounts[min(touched.count, 3) - 1] += 1
            if own != noID && n >= minPosts {
                compared += 1
                if best != own && share >= minShare {
                    mismatch[i] = true
                    mismatches += 1
                    pairs[Int(own) * nCodes + Int(best), default: 0] += 1
                }
            }
            for c in touched { counts[Int(c)] = 0 }
        }
        var byCount: [String: Int] = [:]
        for (k, label) in ["1", "2", "3+"].enumerated() where mixCounts[k] > 0 { byCount[label] = mixCounts[k] }
        func ranked(_ counts: [Int]) -> [LanguageCount] {
            let total = counts.reduce(0, +)
            return (0..<nCodes).filter { counts[$0] > 0 }
                .sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : codes[$0] < codes[$1] }
                .prefix(top)
                .map { LanguageCount(language: codes[$0], count: counts[$0], share: (Double(counts[$0]) / Double(total) * 1000).rounded() / 1000) }
        }
        let topPairs = pairs.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(top)
            .map { MismatchPair(accountLanguage: codes[$0.key / nCodes], postLanguage: codes[$0.key % nCodes], accounts: $0.value) }
        return Result(postLanguages: ranked(postCounts), postsWithoutLanguage: without, accountLanguages: ranked(accountCounts),
                      accountsByLanguageCount: byCount, accountsCompared: compared, mismatches: mismatches,
                      mismatchPairs: Array(topPairs), dominant: dominant, dominantShare: dominantShare,
                      accountLanguage: accountLanguage, mismatch: mismatch, codes: codes)
    }
}
