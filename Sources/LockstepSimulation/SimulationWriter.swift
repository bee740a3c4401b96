import Foundation
import LockstepCore

/// Buffered byte output to a file, flushed in large chunks.
struct ByteSink {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private(set) var written = 0

    init(url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw SimulationError(message: "cannot create \(url.path)")
        }
        handle = try FileHandle(forWritingTo: url)
        buffer.reserveCapacity(1 << 20)
    }

    @inline(__always) mutating func byte(_ b: UInt8) { buffer.append(b) }
    @inline(__always) mutating func bytes(_ s: String) { buffer.append(contentsOf: s.utf8) }
    @inline(__always) mutating func bytes(_ b: [UInt8]) { buffer.append(contentsOf: b) }

    /// A field in double quotes, inner quotes doubled.
    mutating func quoted(_ b: [UInt8]) {
        buffer.append(34)
        for c in b {
            if c == 34 { buffer.append(34) }
            buffer.append(c)
        }
        buffer.append(34)
    }

    mutating func quoted(_ s: String) {
        buffer.append(34)
        for c in s.utf8 {
            if c == 34 { buffer.append(34) }
            buffer.append(c)
        }
        buffer.append(34)
    }

    /// A quoted decimal integer.
    mutating func quoted(_ v: Int64) {
        buffer.append(34); integer(v); buffer.append(34)
    }

    mutating func integer(_ v: Int64) {
        if v < 0 { buffer.append(45) }
        var m = v.magnitude
        var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)  // up to 20 digits, written backwards
        var n = 0
        withUnsafeMutableBytes(of: &tmp) { t in
            repeat { t[n] = 48 + UInt8(m % 10); m /= 10; n += 1 } while m > 0
            for i in stride(from: n - 1, through: 0, by: -1) { buffer.append(t[i]) }
        }
    }

    mutating func digits(_ v: Int, _ width: Int) {
        var d = 1
        for _ in 1..<width { d *= 10 }
        while d > 0 { buffer.append(48 + UInt8(v / d % 10)); d /= 10 }
    }

    /// `YYYY-MM-DD HH:MM` of UTC seconds.
    mutating func minuteTime(_ t: Int64) {
        let day = CivilTime.dayNumber(t)
        let (y, m, d) = CivilTime.date(days: day)
        let sod = Int(t - Int64(day) * 86_400)
        digits(y, 4); byte(45); digits(m, 2); byte(45); digits(d, 2); byte(32)
        digits(sod / 3600, 2); byte(58); digits(sod / 60 % 60, 2)
    }

    mutating func flushIfFull() throws {
        if buffer.count >= 1 << 20 { try flush() }
    }

    mutating func flush() throws {
        try handle.write(contentsOf: buffer)
        written += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    mutating func close() throws {
        try flush()
        try handle.close()
    }
}

/// A failure to write the simulation's files.
public struct SimulationError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, with the path.
    public var message: String
    /// The message.
    public var description: String { message }
}

/// Writes a finished ``World`` in the IO-archive layout plus truth, facts and watchlist.
struct SimulationWriter {
    static let tweetsHeader = [
        "tweetid", "userid", "user_display_name", "user_screen_name", "user_reported_location", "user_profile_description",
        "user_profile_url", "follower_count", "following_count", "account_creation_date", "account_language", "tweet_language",
        "tweet_text", "tweet_time", "tweet_client_name", "in_reply_to_userid", "in_reply_to_tweetid", "quoted_tweet_tweetid",
        "is_retweet", "retweet_userid", "retweet_tweetid", "latitude", "longitude", "quote_count", "reply_count", "like_count",
        "retweet_count", "hashtags", "urls", "user_mentions",
    ]
    static let usersHeader = Array(tweetsHeader[1...10])

    let world: World
    let composer: TextComposer
    /// The ten quoted user columns of each account, joined by commas.
    private var userColumns: [[UInt8]] = []
    private var handles: [[UInt8]] = []
    private var userIDs: [Int64] = []

    init(world: World) {
        self.world = world
        composer = TextComposer(scenario: world.scenario, stateMediaHandles: world.stateMedia.map { world.accounts[Int($0)].handle },
                                accountOperations: world.accounts.map(\.operation))
        handles = world.accounts.map { Array($0.handle.utf8) }
        userIDs = world.accounts.map { Int64(bitPattern: $0.userID) }
        userColumns = world.accounts.map { a in
            var out: [UInt8] = []
            func q(_ s: String) {
                if !out.isEmpty { out.append(44) }
                out.append(34)
                for c in s.utf8 {
                    if c == 34 { out.append(34) }
                    out.append(c)
                }
                out.append(34)
            }
            q(String(a.userID)); q(a.displayName); q(a.handle); q(a.location); q(a.description); q(a.url)
            q(String(a.followers)); q(String(a.following)); q(CivilTime.isoDate(dayNumber: CivilTime.dayNumber(a.created)))
            q(a.accountLanguage)
            return out
        }
    }

    /// Accounts in user-id order, so that file order says nothing about populations.
    func accountOrder() -> [Int32] {
        Array(0..<Int32(world.accounts.count)).sorted { world.accounts[Int($0)].userID < world.accounts[Int($1)].userID }
    }

    func writeTweets(to url: URL) throws -> Int {
        var out = try ByteSink(url: url)
        for (i, h) in SimulationWriter.tweetsHeader.enumerated() {
            if i > 0 { out.byte(44) }
            out.quoted(h)
        }
        out.byte(10)
        var text: [UInt8] = [], tags: [String] = [], urls: [String] = []
        text.reserveCapacity(512)
        let posts = world.posts
        for index in world.timeOrder() {
            let r = posts[Int(index)]
            let ref = r.ref >= 0 ? posts[Int(r.ref)] : nil
            let refAccount = ref.map { Int($0.account) } ?? -1
            text.removeAll(keepingCapacity: true)
            tags.removeAll(keepingCapacity: true)
            urls.removeAll(keepingCapacity: true)
            switch r.kind {
            case .retweet:
                text.append(contentsOf: "RT @".utf8); text.append(contentsOf: handles[refAccount]); text.append(contentsOf: ": ".utf8)
                composer.compose(ref!, text: &text, tags: &tags, urls: &urls)
            case .reply:
                text.append(64); text.append(contentsOf: handles[refAccount]); text.append(32)
                composer.compose(r, text: &text, tags: &tags, urls: &urls)
            case .quote:
                composer.compose(r, text: &text, tags: &tags, urls: &urls)
                text.append(contentsOf: " https://twitter.com/".utf8); text.append(contentsOf: handles[refAccount])
                text.append(contentsOf: "/status/\(ref!.id)".utf8)
            case .original:
                composer.compose(r, text: &text, tags: &tags, urls: &urls)
            }
            out.quoted(r.id); out.byte(44)
            out.bytes(userColumns[Int(r.account)]); out.byte(44)
            out.quoted(r.language.code); out.byte(44)
            out.quoted(text); out.byte(44)
            out.byte(34); out.minuteTime(r.time); out.byte(34); out.byte(44)
            out.quoted(r.client.name); out.byte(44)
            if r.kind == .reply, let ref {
                out.quoted(userIDs[refAccount]); out.byte(44); out.quoted(ref.id); out.byte(44)
            } else {
                out.bytes("\"\",\"\",")
            }
            if r.kind == .quote, let ref { out.quoted(ref.id) } else { out.bytes("\"\"") }
            out.byte(44)
            if r.kind == .retweet, let ref {
                out.bytes("\"True\",")
                out.quoted(userIDs[refAccount]); out.byte(44); out.quoted(ref.id); out.byte(44)
            } else {
                out.bytes("\"False\",\"\",\"\",")
            }
            out.bytes("\"\",\"\",")  // latitude, longitude
            let retweet = r.kind == .retweet
            out.quoted(retweet ? 0 : Int64(r.quotes)); out.byte(44)
            out.quoted(retweet ? 0 : Int64(r.replies)); out.byte(44)
            let likes = retweet ? 0 : Int64(r.retweets) * Int64(1 + r.textSeed % 4) + Int64((r.textSeed >> 8) % 3)
            out.quoted(likes); out.byte(44)
            out.quoted(retweet ? 0 : Int64(r.retweets)); out.byte(44)
            list(tags, into: &out); out.byte(44)
            list(urls, into: &out); out.byte(44)
            if refAccount >= 0, r.kind != .original {
                out.bytes("\"['"); out.integer(userIDs[refAccount]); out.bytes("']\"")
            } else {
                out.bytes("\"[]\"")
            }
            out.byte(10)
            try out.flushIfFull()
        }
        try out.close()
        return out.written
    }

    /// `['a', 'b']`, quoted as a CSV field.
    private func list(_ items: [String], into out: inout ByteSink) {
        out.byte(34); out.byte(91)
        for (i, s) in items.enumerated() {
            if i > 0 { out.byte(44); out.byte(32) }
            out.byte(39); out.bytes(s); out.byte(39)
        }
        out.byte(93); out.byte(34)
    }

    func writeUsers(order: [Int32], to url: URL) throws -> Int {
        var out = try ByteSink(url: url)
        out.bytes(SimulationWriter.usersHeader.map { "\"\($0)\"" }.joined(separator: ",") + "\n")
        for a in order {
            out.bytes(userColumns[Int(a)]); out.byte(10)
            try out.flushIfFull()
        }
        try out.close()
        return out.written
    }

    func writeTruth(order: [Int32], to url: URL) throws -> Int {
        var out = try ByteSink(url: url)
        out.bytes("account_id,population,operation\n")
        let ids = world.scenario.allOffices.map(\.id)
        for a in order {
            let acc = world.accounts[Int(a)]
            let op = acc.operation >= 0 && Int(acc.operation) < ids.count ? ids[Int(acc.operation)] : ""
            out.bytes("\(acc.userID),\(acc.population.rawValue),\(op)\n")
            try out.flushIfFull()
        }
        try out.close()
        return out.written
    }

    func writeFollowers(to url: URL) throws -> Int {
        var out = try ByteSink(url: url)
        out.bytes("target,follower_id,follower_created_at,position\n")
        for list in world.followerLists {
            let target = String(world.accounts[Int(list.target)].userID)
            for (position, f) in list.followers.enumerated() {
                let acc = world.accounts[Int(f)]
                out.bytes("\(target),\(acc.userID),\(CivilTime.iso8601(acc.created)),\(position)\n")
                try out.flushIfFull()
            }
        }
        try out.close()
        return out.written
    }

    func writeWatchlist(to url: URL) throws -> Int {
        var out = try ByteSink(url: url)
        out.bytes("account,label\n")
        for a in world.stateMedia + world.diplomats {
            let acc = world.accounts[Int(a)]
            out.bytes("\(acc.userID),\(acc.label ?? "")\n")
        }
        try out.close()
        return out.written
    }
}
