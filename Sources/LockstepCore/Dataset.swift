import Foundation

/// What a post is: an original, a retweet, a reply or a quote.
public enum PostKind: UInt8, Sendable, CaseIterable, Codable {
    case original = 0, retweet = 1, reply = 2, quote = 3

    public var name: String {
        switch self {
        case .original: "original"
        case .retweet: "retweet"
        case .reply: "reply"
        case .quote: "quote"
        }
    }
}

/// How an account entered the dataset (a bit set: an account can be listed and an author).
public struct AccountOrigin: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// A row of a users file (or a user object) described it.
    public static let listed = AccountOrigin(rawValue: 1)
    /// It wrote at least one post in the data.
    public static let author = AccountOrigin(rawValue: 2)
    /// Only named by others' posts (retweeted, mentioned, replied to).
    public static let referenced = AccountOrigin(rawValue: 4)
    /// Known only by handle (an `RT @handle:` prefix), not by id.
    public static let handleOnly = AccountOrigin(rawValue: 8)

    /// The account is part of the input, not only named by it.
    public var isInData: Bool { !intersection([.listed, .author]).isEmpty }
}

/// Sentinel for "no value" in `Int32` id columns.
public let noID: Int32 = -1
/// Sentinel for "unknown" in time columns.
public let noTime: Int64 = .min

/// Accounts, column by column; an account's index is its interned id.
public struct AccountTable: Sendable {
    /// The account id exactly as given in the input (or `@handle` when only a handle is known).
    public var key = StringTable()
    public var handle: [StrRef] = []
    public var displayName: [StrRef] = []
    public var description: [StrRef] = []
    public var location: [StrRef] = []
    public var profileURL: [StrRef] = []
    /// The bytes behind the profile columns.
    public var profileArena = ByteArena()
    /// Creation time (UTC seconds) or ``noTime``.
    public var created: [Int64] = []
    /// -1 when unknown.
    public var followers: [Int32] = []
    public var following: [Int32] = []
    /// Index into ``Dataset/languages`` or ``noID``.
    public var language: [Int32] = []
    /// Index into ``Dataset/categories`` (a source's own account label) or ``noID``.
    public var category: [Int32] = []
    public var origin: [AccountOrigin] = []

    public init() {}
    public var count: Int { origin.count }

    public func handleString(_ a: Int32) -> String { profileArena.string(handle[Int(a)]) }
    public func keyString(_ a: Int32) -> String { key[a] }
}

/// A compressed-sparse-row list column: the values of row `r` are `values[starts[r]..<starts[r+1]]`.
public struct ListColumn: Sendable {
    public var starts: [Int32] = [0]
    public var values: [Int32] = []
    public init() {}

    @inlinable public func range(_ row: Int) -> Range<Int> { Int(starts[row])..<Int(starts[row + 1]) }
    @inlinable public subscript(row: Int) -> ArraySlice<Int32> { values[range(row)] }
    public mutating func closeRow() { starts.append(Int32(values.count)) }
}

/// Posts, column by column, in input order; ``Dataset/postsByAccount`` gives them per account in time order.
public struct PostTable: Sendable {
    /// Index into ``Dataset/postKeys`` (the post id as given) or ``noID`` (IRA data has none).
    public var key: [Int32] = []
    public var account: [Int32] = []
    /// UTC seconds.
    public var time: [Int64] = []
    public var kind: [PostKind] = []
    public var text: [StrRef] = []
    public var textArena = ByteArena()
    /// Index into ``Dataset/languages`` or ``noID``.
    public var language: [Int32] = []
    /// Index into ``Dataset/clients`` or ``noID``.
    public var client: [Int32] = []
    /// Post key of the retweeted post, or ``noID``.
    public var retweetOf: [Int32] = []
    /// Account of the retweeted post, or ``noID``.
    public var retweetAccount: [Int32] = []
    public var quoteOf: [Int32] = []
    public var replyTo: [Int32] = []
    public var replyAccount: [Int32] = []
    /// Values index ``Dataset/hashtags`` (lowercased).
    public var hashtags = ListColumn()
    /// Values index ``Dataset/urls``.
    public var urls = ListColumn()
    /// Values are account ids.
    public var mentions = ListColumn()
    /// Engagement counts the input gave for each post, as of collection (-1 when not given).
    public var engagement = EngagementColumns()

    public init() {}
    public var count: Int { account.count }
}

/// Likes, reposts, quotes and replies a post had drawn when the data was collected, as the input
/// states them. Each column has one value per post; -1 means the input did not give that count.
public struct EngagementColumns: Sendable {
    public var likes: [Int32] = []
    public var reposts: [Int32] = []
    public var quotes: [Int32] = []
    public var replies: [Int32] = []
    public init() {}

    /// The four counts of a post summed over those given, or -1 when none was given.
    @inlinable public func total(_ p: Int) -> Int64 {
        let l = likes[p], r = reposts[p], q = quotes[p], y = replies[p]
        if l < 0 && r < 0 && q < 0 && y < 0 { return -1 }
        return Int64(max(0, l)) + Int64(max(0, r)) + Int64(max(0, q)) + Int64(max(0, y))
    }

    /// Whether any post carries any count (readers fill -1 when the input has none).
    public var isPresent: Bool {
        for c in [likes, reposts, quotes, replies] where c.contains(where: { $0 >= 0 }) { return true }
        return false
    }

    mutating func appendUnknown() {
        likes.append(-1); reposts.append(-1); quotes.append(-1); replies.append(-1)
    }

    mutating func removeLast() {
        likes.removeLast(); reposts.removeLast(); quotes.removeLast(); replies.removeLast()
    }

    mutating func append(_ o: EngagementColumns, row p: Int) {
        likes.append(o.likes[p]); reposts.append(o.reposts[p]); quotes.append(o.quotes[p]); replies.append(o.replies[p])
    }

    mutating func append(contentsOf o: EngagementColumns) {
        likes.append(contentsOf: o.likes); reposts.append(contentsOf: o.reposts)
        quotes.append(contentsOf: o.quotes); replies.append(contentsOf: o.replies)
    }

    mutating func reserveCapacity(_ n: Int) {
        likes.reserveCapacity(n); reposts.reserveCapacity(n); quotes.reserveCapacity(n); replies.reserveCapacity(n)
    }

    var counts: [(String, Int)] { [("likes", likes.count), ("reposts", reposts.count), ("quotes", quotes.count), ("replies", replies.count)] }
}

/// The whole input as columns, with every string interned or kept as byte ranges.
public struct Dataset: Sendable {
    public var accounts = AccountTable()
    public var posts = PostTable()
    /// External post ids, for posts in the data and posts they point at.
    package var postKeys = PostKeyTable()
    public var languages = StringTable()
    public var clients = StringTable()
    public var hashtags = StringTable()
    public var urls = StringTable()
    /// Account labels a source assigns (IRA `account_category`), for comparisons, never for detection.
    public var categories = StringTable()
    /// Posts of each account, sorted by time: `postsByAccount[range]` with range from ``postRange(of:)``.
    public var postsByAccount: [Int32] = []
    public var accountPostStart: [Int32] = [0]
    /// What the readers read, used and rejected.
    public var accounting = IngestAccounting()

    public init() {}

    @inlinable public func postRange(of account: Int32) -> Range<Int> {
        Int(accountPostStart[Int(account)])..<Int(accountPostStart[Int(account) + 1])
    }
    @inlinable public func postCount(of account: Int32) -> Int { postRange(of: account).count }

    /// Days from the account's creation to its first post in the data (fractional), or nil
    /// without posts or a creation time. Personas and hijack both report it.
    public func ageAtFirstPostDays(of account: Int32) -> Double? {
        let range = postRange(of: account)
        let created = accounts.created[Int(account)]
        guard !range.isEmpty, created != noTime else { return nil }
        return Double(posts.time[Int(postsByAccount[range.lowerBound])] - created) / 86_400
    }

    public func text(ofPost p: Int) -> String { posts.textArena.string(posts.text[p]) }
    public func handle(of account: Int32) -> String { accounts.handleString(account) }
    public func accountID(of account: Int32) -> String { accounts.key[account] }
    /// The post id as the input gave it, for a value of ``PostTable/key``, ``PostTable/retweetOf``,
    /// ``PostTable/quoteOf`` or ``PostTable/replyTo`` (not ``noID``).
    public func postID(_ key: Int32) -> String { postKeys[key] }

    /// Accounts that are part of the input (listed or authors), in id order.
    public var accountsInData: [Int32] {
        (0..<Int32(accounts.count)).filter { accounts.origin[Int($0)].isInData }
    }

    /// Posts whose id appeared earlier in the input (by input order), so overlapping collections
    /// count each post once. Posts without an id are never duplicates.
    package func duplicatePosts() -> [Int] {
        // Post keys are dense interned ids: one pass with a seen-bitmap, no sort.
        var seen = [Bool](repeating: false, count: postKeys.count)
        var dups: [Int] = []
        for (p, k) in posts.key.enumerated() where k != noID {
            if seen[Int(k)] { dups.append(p) } else { seen[Int(k)] = true }
        }
        return dups
    }

    /// Removes posts (sorted indices) from every column and rebuilds the per-account index.
    package mutating func removePosts(_ drop: [Int]) {
        guard !drop.isEmpty else { return }
        var keep = [Bool](repeating: true, count: posts.count)
        for d in drop { keep[d] = false }
        let old = posts
        var fresh = PostTable()
        fresh.textArena = old.textArena
        func list(_ src: ListColumn, _ dst: inout ListColumn, _ p: Int) {
            dst.values.append(contentsOf: src[p])
            dst.closeRow()
        }
        for p in 0..<old.count where keep[p] {
            fresh.key.append(old.key[p]); fresh.account.append(old.account[p]); fresh.time.append(old.time[p])
            fresh.kind.append(old.kind[p]); fresh.text.append(old.text[p]); fresh.language.append(old.language[p])
            fresh.client.append(old.client[p]); fresh.retweetOf.append(old.retweetOf[p])
            fresh.retweetAccount.append(old.retweetAccount[p]); fresh.quoteOf.append(old.quoteOf[p])
            fresh.replyTo.append(old.replyTo[p]); fresh.replyAccount.append(old.replyAccount[p])
            list(old.hashtags, &fresh.hashtags, p)
            list(old.urls, &fresh.urls, p)
            list(old.mentions, &fresh.mentions, p)
            fresh.engagement.append(old.engagement, row: p)
        }
        posts = fresh
        buildAccountIndex()
    }

    /// Builds ``postsByAccount`` by a counting sort on account then a time sort inside each account.
    package mutating func buildAccountIndex() {
        let n = accounts.count
        var counts = [Int32](repeating: 0, count: n + 1)
        for a in posts.account { counts[Int(a) + 1] += 1 }
        for i in 0..<n { counts[i + 1] += counts[i] }
        accountPostStart = counts
        var fill = Array(counts.dropLast())
        var order = [Int32](repeating: 0, count: posts.count)
        for (p, a) in posts.account.enumerated() {
            order[Int(fill[Int(a)])] = Int32(p)
            fill[Int(a)] += 1
        }
        let time = posts.time
        // Each account's posts sorted by (time, input order), so results never depend on sort
        // internals. Accounts are split into ranges of about equal post counts and sorted on all
        // cores; within an account the times are gathered next to the post numbers first, so the
        // comparisons read one small array instead of missing the cache in the time column.
        let parts = n < 1024 ? 1 : 4 * ProcessInfo.processInfo.activeProcessorCount
        var bounds = [0]
        let total = Int(counts[n])
        for k in 1..<parts {
            var a = bounds.last!
            while a < n && Int(counts[a]) < total * k / parts { a += 1 }
            if a > bounds.last! { bounds.append(a) }
        }
        bounds.append(n)
        let ranges = bounds, starts = counts
        order.withUnsafeMutableBufferPointer { buf in
            let shared = UnsafeSendable(buf)
            time.withUnsafeBufferPointer { t in
                let times = UnsafeSendable(t)
                DispatchQueue.concurrentPerform(iterations: ranges.count - 1) { r in
                    var keys: [(Int64, Int32)] = []
                    for a in ranges[r]..<ranges[r + 1] {
                        let lo = Int(starts[a]), hi = Int(starts[a + 1])
                        guard hi - lo > 1 else { continue }
                        var sorted = true
                        for i in lo..<(hi - 1) where times.value[Int(shared.value[i + 1])] < times.value[Int(shared.value[i])] {
                            sorted = false
                            break
                        }
                        if sorted { continue }
                        keys.removeAll(keepingCapacity: true)
                        for i in lo..<hi { keys.append((times.value[Int(shared.value[i])], shared.value[i])) }
                        keys.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
                        for (k, key) in keys.enumerated() { shared.value[lo + k] = key.1 }
                    }
                }
            }
        }
        postsByAccount = order
    }
}

/// A buffer handed to worker threads that each touch a disjoint part of it.
struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
