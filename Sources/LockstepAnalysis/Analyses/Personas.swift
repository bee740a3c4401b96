import LockstepCore

/// How thin the accounts' personas are: followers, empty profiles, default-looking handles,
/// display names unrelated to the handle, and how new the account was when it first posted.
///
/// Rules are documented in `docs/methodology/personas.md`.
public struct Personas: Analysis {
    public static let name = "personas"
    public static let summary = "Zero followers, follower/following ratio, empty profiles, default-looking handles, name vs handle, age at first post"

    public init(options: AnalysisOptions) throws {}

    /// What the handle looks like.
    public enum HandleKind: UInt8, Sendable {
        case ordinary = 0
        /// A name followed by five or more digits, as the platform suggests at sign-up.
        case nameDigits = 1
        /// Letters and digits mixed like a hash or random string.
        case random = 2
        /// Not a real handle: the archive replaced it with a hash (longer than the 15 characters a handle can have).
        case anonymized = 3
        case missing = 4
    }

    /// Per-account flags for one account.
    public struct Flags: Sendable, Equatable {
        /// nil when the follower count is unknown.
        public var zeroFollowers: Bool?
        /// Followers / following, when following at least one account.
        public var followerRatio: Double?
        /// nil when the input has no description, location or URL fields at all.
        public var emptyProfile: Bool?
        /// What the handle looks like.
        public var handle: HandleKind = .missing
        /// nil when name and handle cannot be compared (fewer than 3 Latin letters in either).
        public var nameUnrelated: Bool?
        /// Days from creation to the first post in the data.
        public var ageAtFirstPostDays: Double?
    }

    /// Account-age figures at first post.
    public struct AgeFigures: Codable, Sendable, Equatable {
        /// Accounts with both a creation time and a post.
        public var accounts: Int
        /// Median days from creation to first post.
        public var medianDays: Double
        /// Accounts that first posted within a week of creation.
        public var under7Days: Int
        /// Accounts that first posted within 30 days of creation.
        public var under30Days: Int
    }

    /// The `personas` section of `summary.json`.
    public struct Result: AnalysisResult, Codable, Equatable {
        /// Accounts in the input.
        public var accounts: Int
        /// Accounts whose follower count is known.
        public var withFollowerCount: Int
        /// Accounts with no followers.
        public var zeroFollowers: Int
        /// Their share of those with a known count.
        public var zeroFollowersShare: Double?
        /// Median follower count.
        public var medianFollowers: Double?
        /// Median following count.
        public var medianFollowing: Double?
        /// Median followers/following among accounts following at least one account.
        public var medianFollowerRatio: Double?
        /// Which profile fields the input has at all (a field empty for every account is taken as absent).
        public var fieldsPresent: [String]
        /// Accounts with an empty description (nil: no such field).
        public var emptyDescription: Int?
        /// Accounts with an empty location (nil: no such field).
        public var emptyLocation: Int?
        /// Accounts with no profile URL (nil: no such field).
        public var emptyURL: Int?
        /// Description, location and URL all empty (among the fields present).
        public var emptyProfile: Int?
        /// Handles that are a name followed by five or more digits.
        public var defaultHandles: Int
        /// Handles that look like random letters and digits.
        public var randomHandles: Int
        /// Handles replaced by the archive's hash.
        public var anonymizedHandles: Int
        /// Accounts whose display name could be compared with the handle.
        public var nameComparable: Int
        /// Of those, names sharing no three-letter run with the handle.
        public var nameUnrelated: Int
        /// How old accounts were at their first post in the data.
        public var ageAtFirstPost: AgeFigures?

        var flags: [Flags?] = []

        enum CodingKeys: String, CodingKey {
            case accounts, withFollowerCount, zeroFollowers, zeroFollowersShare, medianFollowers, medianFollowing,
                 medianFollowerRatio, fieldsPresent, emptyDescription, emptyLocation, emptyURL, emptyProfile,
                 defaultHandles, randomHandles, anonymizedHandles, nameComparable, nameUnrelated, ageAtFirstPost
        }

        /// The flags of an account in the input.
        public func flags(of account: Int32) -> Flags? { flags[Int(account)] }

        public func accountColumns(_ dataset: Dataset) -> [AccountColumn] {
            let n = flags.count
            var zero = [String](repeating: "", count: n), ratio = zero, empty = zero, handle = zero, unrelated = zero, age = zero
            func yn(_ b: Bool?) -> String { b.map { $0 ? "1" : "0" } ?? "" }
            for i in 0..<n {
                guard let f = flags[i] else { continue }
                zero[i] = yn(f.zeroFollowers)
                if let r = f.followerRatio { ratio[i] = NumberText.decimal(r, places: 3) }
                empty[i] = yn(f.emptyProfile)
                switch f.handle {
                case .nameDigits, .random: handle[i] = "1"
                case .ordinary: handle[i] = "0"
                case .anonymized, .missing: break
                }
                unrelated[i] = yn(f.nameUnrelated)
                if let d = f.ageAtFirstPostDays { age[i] = NumberText.decimal(d, places: 1) }
            }
            return [AccountColumn(name: "zero_followers", values: zero), AccountColumn(name: "follower_ratio", values: ratio),
                    AccountColumn(name: "empty_profile", values: empty), AccountColumn(name: "default_handle", values: handle),
                    AccountColumn(name: "name_unrelated", values: unrelated),
                    AccountColumn(name: "age_at_first_post_days", values: age)]
        }

        public func accountReasons(_ dataset: Dataset) -> [Int32: [String]] {
            // The eight possible code lists, built once and shared by every account that has them.
            let names = ["zero_followers", "empty_profile", "default_handle"]
            let lists = (0..<8).map { mask in (0..<3).filter { mask & (1 << $0) != 0 }.map { names[$0] } }
            var out: [Int32: [String]] = [:]
            for (i, f) in flags.enumerated() {
                guard let f else { continue }
                var mask = 0
                if f.zeroFollowers == true { mask |= 1 }
                if f.emptyProfile == true { mask |= 2 }
                if f.handle == .nameDigits || f.handle == .random { mask |= 4 }
                if mask != 0 { out[Int32(i)] = lists[mask] }
            }
            return out
        }
    }

    public func run(on ds: Dataset, context: AnalysisContext) throws -> Result {
        let acc = ds.accounts
        let inData = ds.accountsInData
        let hasDescription = inData.contains { !acc.description[Int($0)].isEmpty }
        let hasLocation = inData.contains { !acc.location[Int($0)].isEmpty }
        let hasURL = inData.contains { !acc.profileURL[Int($0)].isEmpty }
        var flags = [Flags?](repeating: nil, count: acc.count)
        var followers: [Int32] = [], following: [Int32] = [], ratios: [Double] = [], ages: [Double] = []
        var emptyD = 0, emptyL = 0, emptyU = 0, emptyAll = 0
        var defaultH = 0, randomH = 0, anonH = 0, comparable = 0, unrelated = 0
        var nameLetters: [UInt8] = [], handleLetters: [UInt8] = []
        for a in inData {
            let i = Int(a)
            var f = Flags()
            if acc.followers[i] >= 0 {
                followers.append(acc.followers[i])
                f.zeroFollowers = acc.followers[i] == 0
            }
            if acc.following[i] >= 0 { following.append(acc.following[i]) }
            if acc.followers[i] >= 0 && acc.following[i] > 0 {
                let r = Double(acc.followers[i]) / Double(acc.following[i])
                f.followerRatio = r
                ratios.append(r)
            }
            if hasDescription || hasLocation || hasURL {
                let d = acc.description[i].isEmpty, l = acc.location[i].isEmpty, u = acc.profileURL[i].isEmpty
                if d && hasDescription { emptyD += 1 }
                if l && hasLocation { emptyL += 1 }
                if u && hasURL { emptyU += 1 }
                let empty = (d || !hasDescription) && (l || !hasLocation) && (u || !hasURL)
                f.emptyProfile = empty
                if empty { emptyAll += 1 }
            }
            acc.profileArena.withBytes(acc.handle[i]) { h in
                f.handle = Self.handleKind(h)
                acc.profileArena.withBytes(acc.displayName[i]) { name in
                    if f.handle != .anonymized && f.handle != .missing {
                        f.nameUnrelated = Self.nameUnrelated(handle: h, name: name, handleLetters: &handleLetters, nameLetters: &nameLetters)
                    }
                }
            }
            switch f.handle {
            case .nameDigits: defaultH += 1
            case .random: randomH += 1
            case .anonymized: anonH += 1
            default: break
            }
            if let u = f.nameUnrelated { comparable += 1; if u { unrelated += 1 } }
            if let days = ds.ageAtFirstPostDays(of: a) {
                f.ageAtFirstPostDays = days
                ages.append(days)
            }
            flags[i] = f
        }
        func median(_ v: [Int32]) -> Double? {
            var d = v.map(Double.init)
            return Median.of(&d)
        }
        func medianD(_ v: [Double]) -> Double? {
            var d = v
            return Median.of(&d).map { ($0 * 1000).rounded() / 1000 }
        }
        let zero = followers.filter { $0 == 0 }.count
        var present: [String] = []
        if hasDescription { present.append("description") }
        if hasLocation { present.append("location") }
        if hasURL { present.append("url") }
        let anyField = !present.isEmpty
        return Result(
            accounts: inData.count, withFollowerCount: followers.count, zeroFollowers: zero,
            zeroFollowersShare: followers.isEmpty ? nil : (Double(zero) / Double(followers.count) * 1000).rounded() / 1000,
            medianFollowers: median(followers), medianFollowing: median(following), medianFollowerRatio: medianD(ratios),
            fieldsPresent: present,
            emptyDescription: hasDescription ? emptyD : nil, emptyLocation: hasLocation ? emptyL : nil,
            emptyURL: hasURL ? emptyU : nil, emptyProfile: anyField ? emptyAll : nil,
            defaultHandles: defaultH, randomHandles: randomH, anonymizedHandles: anonH,
            nameComparable: comparable, nameUnrelated: unrelated,
            ageAtFirstPost: ages.isEmpty ? nil : AgeFigures(accounts: ages.count, medianDays: medianD(ages)!,
                                                             under7Days: ages.filter { $0 < 7 }.count,
                                                             under30Days: ages.filter { $0 < 30 }.count),
            flags: flags)
    }

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    @inline(__always) static func isLetter(_ c: UInt8) -> Bool { (c | 32) >= 97 && (c | 32) <= 122 }

    /// Classifies a handle by its bytes (handles are ASCII letters, digits and `_`).
    static func handleKind(_ h: UnsafeRawBufferPointer) -> HandleKind {
        if h.isEmpty { return .missing }
        // Handles have at most 15 characters; a longer base64/hex string is the archive's hash.
        if h.count > 15 {
            let b64 = h.allSatisfy { isDigit($0) || isLetter($0) || $0 == 43 || $0 == 47 || $0 == 61 }
            return b64 ? .anonymized : .ordinary
        }
        var trailing = 0
        for c in h.reversed() { if isDigit(c) { trailing += 1 } else { break } }
        var letters = 0
        for c in h where isLetter(c) { letters += 1 }
        if trailing >= 5 && letters >= 1 { return .nameDigits }
        // Random strings alternate letters and digits: count digit runs and digits.
        if h.count >= 8 && h.allSatisfy({ isDigit($0) || isLetter($0) }) {
            var digits = 0, runs = 0
            var prevDigit = false
            for c in h {
                let d = isDigit(c)
                if d { digits += 1; if !prevDigit { runs += 1 } }
                prevDigit = d
            }
            if digits >= 3 && runs >= 3 { return .random }
        }
        return .ordinary
    }

    /// True when the display name shares no run of 3 letters with the handle (Latin letters only);
    /// nil when either has fewer than 3 Latin letters.
    static func nameUnrelated(handle: UnsafeRawBufferPointer, name: UnsafeRawBufferPointer,
                              handleLetters: inout [UInt8], nameLetters: inout [UInt8]) -> Bool? {
        handleLetters.removeAll(keepingCapacity: true)
        nameLetters.removeAll(keepingCapacity: true)
        for c in handle where isLetter(c) { handleLetters.append(c | 32) }
        for c in name where isLetter(c) { nameLetters.append(c | 32) }
        guard handleLetters.count >= 3, nameLetters.count >= 3 else { return nil }
        for i in 0...(handleLetters.count - 3) {
            let a = handleLetters[i], b = handleLetters[i + 1], c = handleLetters[i + 2]
            for j in 0...(nameLetters.count - 3) where nameLetters[j] == a && nameLetters[j + 1] == b && nameLetters[j + 2] == c {
                return false
            }
        }
        return true
    }
}
