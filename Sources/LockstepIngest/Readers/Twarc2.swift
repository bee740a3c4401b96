import Foundation
import LockstepCore

/// Twitter API v2 JSON as twarc2 writes it, in both of its shapes:
/// - response pages: `{"data": [tweets], "includes": {"users", "tweets", ...}, "errors", "meta", "__twarc"}`
///   (filter-stream lines have `data` as one tweet and add `matching_rules`);
/// - flattened files (`twarc2 flatten`): one tweet per line with `author`, the referenced tweets and
///   the mentioned users expanded inline.
///
/// Both shapes of the same tweets give the same dataset: every fact is taken from the inline copy
/// when there is one and from the page's `includes` otherwise, in the same order. A page of user
/// objects (`twarc2 users`, `followers`) gives listed accounts and no posts.
/// Field reference: https://developer.twitter.com/en/docs/twitter-api/data-dictionary/object-model/tweet
struct Twarc2: JSONRecordHandler {
    /// Post times outside are rejected (`bad_time`).
    var times = PlausibleTimes.asOfNow()

    init(times: PlausibleTimes = .asOfNow()) { self.times = times }

    private var users = IncludeIndex()
    private var usersByName = IncludeIndex()
    private var tweets = IncludeIndex()

    mutating func unit(_ tape: inout JSONTape, _ root: JSONValue, _ at: JSONUnit, builder: inout DatasetBuilder,
                       log: inout RejectionLog, counts: inout JSONRowCounts) throws {
        if tape.kind(root) == .array {
            try tape.forEach(root) { tape, v in try record(&tape, v, at, &builder, &log, &counts) }
        } else {
            try record(&tape, root, at, &builder, &log, &counts)
        }
    }

    mutating func salvage(_ tape: inout JSONTape, _ root: JSONValue, _ at: JSONUnit, _ error: JSONError,
                          builder: inout DatasetBuilder, log: inout RejectionLog, counts: inout JSONRowCounts) throws {
        try at.rejectBreak(error, log: &log, counts: &counts)
        if tape.kind(root) == .array {
            // Flattened tweets or whole pages: each complete one stands alone.
            try tape.forEach(root) { tape, v in
                if tape.isComplete(v) { try record(&tape, v, at, &builder, &log, &counts) }
            }
            return
        }
        // A response page broken off: its complete tweets are counted, but not used, since the
        // includes they take their authors and referenced tweets from come after them (or are
        // themselves cut), and a tweet read without them would differ from the same tweet read whole.
        guard tape.kind(root) == .object, let data = tape.member(root, "data") else { return }
        func reject(_ tape: inout JSONTape, _ t: JSONValue) throws {
            guard tape.isComplete(t) else { return }
            counts.read += 1
            let (l, c) = at.position(tape.offset(t))
            try log.reject(line: l, column: c, .badJSON,
                           "found a complete \(tape.member(t, "username") != nil ? "user" : "tweet") in a response page that is not valid JSON further on (\(error.message)); without the rest of the page (its includes) it cannot be read as the page meant, so it is not used")
        }
        switch tape.kind(data) {
        case .array: try tape.forEach(data) { tape, t in try reject(&tape, t) }
        case .object: try reject(&tape, data)
        default: break
        }
    }

    private mutating func record(_ tape: inout JSONTape, _ v: JSONValue, _ at: JSONUnit, _ builder: inout DatasetBuilder,
                                 _ log: inout RejectionLog, _ counts: inout JSONRowCounts) throws {
        guard tape.kind(v) == .object else {
            counts.read += 1
            let (l, c) = at.position(tape.offset(v))
            try log.reject(line: l, column: c, .notATweet, "found a JSON \(tape.kind(v)), expected a tweet, a user or a response page (an object)")
            return
        }
        guard let data = tape.member(v, "data") else {
            if let errors = tape.member(v, "errors") {
                counts.read += 1
                let (l, c) = at.position(tape.offset(errors))
                try log.reject(line: l, column: c, .apiError, "found an API error instead of data: \(Self.errorSummary(&tape, errors))")
                return
            }
            let isRecord = tape.member(v, "text") != nil || tape.member(v, "author_id") != nil || tape.member(v, "username") != nil
            // A page without data (`{"meta": {"result_count": 0}}`, a search that found nothing) holds no rows.
            if !isRecord && tape.member(v, "meta") != nil { return }
            users.clear(); usersByName.clear(); tweets.clear()
            try item(&tape, v, at, &builder, &log, &counts)
            return
        }
        var includedUsers: JSONValue?, includedTweets: JSONValue?
        if let includes = tape.member(v, "includes") {
            includedUsers = tape.member(includes, "users")
            includedTweets = tape.member(includes, "tweets")
        }
        users.build(&tape, includedUsers, key: "id", caseless: false)
        usersByName.build(&tape, includedUsers, key: "username", caseless: true)
        tweets.build(&tape, includedTweets, key: "id", caseless: false)
        switch tape.kind(data) {
        case .array: try tape.forEach(data) { tape, t in try item(&tape, t, at, &builder, &log, &counts) }
        case .object: try item(&tape, data, at, &builder, &log, &counts)
        default:
            counts.read += 1
            let (l, c) = at.position(tape.offset(data))
            try log.reject(line: l, column: c, .notATweet, "found \"data\": \(tape.kind(data)), expected an array of tweets or users, or one tweet")
        }
    }

    /// `title: detail` of the first error object, for the rejection message.
    static func errorSummary(_ tape: inout JSONTape, _ errors: JSONValue) -> String {
        var first = errors
        if tape.kind(errors) == .array {
            var found: JSONValue?
            tape.forEach(errors) { _, e in if found == nil { found = e } }
            guard let f = found else { return "(an empty error list)" }
            first = f
        }
        var parts: [String] = []
        for key in ["title", "detail", "message"] as [StaticString] {
            if let m = tape.member(first, key), let s = tape.string(m) { parts.append(String(decoding: s, as: UTF8.self)) }
        }
        return parts.isEmpty ? "(no title or detail)" : String(parts.joined(separator: ": ").prefix(200))
    }

    private mutating func item(_ tape: inout JSONTape, _ v: JSONValue, _ at: JSONUnit, _ builder: inout DatasetBuilder,
                               _ log: inout RejectionLog, _ counts: inout JSONRowCounts) throws {
        counts.read += 1
        func reject(_ offset: Int, _ reason: RejectionReason, _ detail: String) throws {
            let (l, c) = at.position(offset)
            try log.reject(line: l, column: c, reason, detail)
        }
        guard tape.kind(v) == .object else {
            return try reject(tape.offset(v), .notATweet, "found a JSON \(tape.kind(v)), expected a tweet or a user object")
        }
        if at.needsCheck, let f = at.fault(&tape, sources(&tape, v)) {
            return try reject(f.offset, f.reason, f.detail)
        }
        if tape.member(v, "text") != nil || tape.member(v, "author_id") != nil {
            if try tweet(&tape, v, &builder, reject) { counts.used += 1 }
        } else if tape.member(v, "username") != nil {
            if try user(&tape, v, &builder, reject) { counts.used += 1 }
        } else {
            try reject(tape.offset(v), .notATweet, "found an object without text, author_id or username, expected a tweet or a user")
        }
    }

    /// The objects a tweet's facts are taken from: itself, and the page's included users and tweets
    /// it refers to (its author, the author it replies to, the tweets it references and their
    /// authors, the users it mentions) — in a flattened file, all of them are inside the tweet.
    private func sources(_ tape: inout JSONTape, _ v: JSONValue) -> [JSONValue] {
        var out = [v]
        func user(_ tape: inout JSONTape, _ id: UnsafeRawBufferPointer) {
            if let u = users.find(&tape, id, key: "id", caseless: false) { out.append(u) }
        }
        user(&tape, tape.idBytes(tape.member(v, "author_id")))
        user(&tape, tape.idBytes(tape.member(v, "in_reply_to_user_id")))
        if let refs = tape.member(v, "referenced_tweets") {
            tape.forEach(refs) { tape, r in
                guard let t = tweets.find(&tape, tape.idBytes(tape.member(r, "id")), key: "id", caseless: false) else { return }
                out.append(t)
                user(&tape, tape.idBytes(tape.member(t, "author_id")))
            }
        }
        if let mentions = tape.value(v, "entities", "mentions") {
            tape.forEach(mentions) { tape, m in
                user(&tape, tape.idBytes(tape.member(m, "id")))
                if let u = usersByName.find(&tape, tape.text(tape.member(m, "username")), key: "username", caseless: true) { out.append(u) }
            }
        }
        return out
    }

    /// A user object as a listed account.
    private func user(_ tape: inout JSONTape, _ u: JSONValue, _ builder: inout DatasetBuilder,
                      _ reject: (Int, RejectionReason, String) throws -> Void) throws -> Bool {
        let id = tape.idBytes(tape.member(u, "id"))
        if id.isEmpty {
            try reject(tape.offset(u), .missingValue, "found a user without \"id\", expected the account's id")
            return false
        }
        if let c = tape.member(u, "created_at"), let s = tape.string(c), !s.isEmpty, CivilTime.parseISO(s) == nil {
            try reject(tape.offset(c), .badTime, "found created_at '\(String(decoding: s.prefix(40), as: UTF8.self))', expected an ISO 8601 time")
            return false
        }
        let a = builder.account(id: id)
        builder.describe(a, Self.profile(&tape, u))
        builder.markOrigin(a, .listed)
        return true
    }

    /// A v2 user object's profile fields.
    static func profile(_ tape: inout JSONTape, _ u: JSONValue) -> ProfileBytes {
        var p = ProfileBytes()
        p.handle = tape.text(tape.member(u, "username"))
        p.displayName = tape.text(tape.member(u, "name"))
        p.description = tape.text(tape.member(u, "description"))
        p.location = tape.text(tape.member(u, "location"))
        p.profileURL = tape.text(tape.member(u, "url"))
        p.created = CivilTime.parseISO(tape.text(tape.member(u, "created_at"))) ?? noTime
        if let m = tape.member(u, "public_metrics") {
            if let f = tape.int(tape.member(m, "followers_count")), f >= 0 { p.followers = Int32(clamping: f) }
            if let f = tape.int(tape.member(m, "following_count")), f >= 0 { p.following = Int32(clamping: f) }
        }
        return p
    }

    /// Fills the profile of `a` from `inline` (an expanded user object) or the page's includes.
    private func describe(_ a: Int32, id: UnsafeRawBufferPointer, inline: JSONValue?, _ tape: inout JSONTape, _ builder: inout DatasetBuilder) {
        if builder.isProfiled(a) { return }
        if let u = inline, tape.kind(u) == .object, tape.member(u, "username") != nil {
            builder.describe(a, Self.profile(&tape, u))
        } else if let u = users.find(&tape, id, key: "id", caseless: false) {
            builder.describe(a, Self.profile(&tape, u))
        }
    }

    private func tweet(_ tape: inout JSONTape, _ v: JSONValue, _ builder: inout DatasetBuilder,
                       _ reject: (Int, RejectionReason, String) throws -> Void) throws -> Bool {
        let inlineAuthor = tape.member(v, "author")
        var authorID = tape.idBytes(tape.member(v, "author_id"))
        if authorID.isEmpty, let au = inlineAuthor { authorID = tape.idBytes(tape.member(au, "id")) }
        if authorID.isEmpty {
            try reject(tape.offset(v), .missingValue, "found a tweet without author_id, expected the author's id (request the author_id field)")
            return false
        }
        guard let createdNode = tape.member(v, "created_at") else {
            try reject(tape.offset(v), .missingValue, "found a tweet without created_at, expected its time (request the created_at field)")
            return false
        }
        let created = tape.text(createdNode)
        guard let time = CivilTime.parseISO(created) else {
            try reject(tape.offset(createdNode), .badTime, "found created_at '\(String(decoding: created.prefix(40), as: UTF8.self))', expected an ISO 8601 time")
            return false
        }
        guard times.contains(time) else {
            try reject(tape.offset(createdNode), .badTime, "found created_at '\(String(decoding: created.prefix(40), as: UTF8.self))': \(times.outside(time))")
            return false
        }
        var retweeted: JSONValue?, quoted: JSONValue?, repliedTo: JSONValue?
        if let refs = tape.member(v, "referenced_tweets") {
            tape.forEach(refs) { tape, r in
                let type = tape.text(tape.member(r, "type"))
                if Self.equals(type, "retweeted") { retweeted = r }
                else if Self.equals(type, "quoted") { quoted = r }
                else if Self.equals(type, "replied_to") { repliedTo = r }
            }
        }
        let kind: PostKind = retweeted != nil ? .retweet : repliedTo != nil ? .reply : quoted != nil ? .quote : .original
        let a = builder.account(id: authorID)
        describe(a, id: authorID, inline: inlineAuthor, &tape, &builder)
        let text = tape.text(tape.member(v, "text"))
        builder.addPost(key: tape.idBytes(tape.member(v, "id")), account: a, time: time, kind: kind, text: text,
                        language: tape.text(tape.member(v, "lang")), client: tape.text(tape.member(v, "source")))
        // A retweet's public_metrics are its original's (its own likes are always 0): kept unknown.
        if retweeted == nil, let m = tape.member(v, "public_metrics") {
            func count(_ key: StaticString) -> Int32 { tape.int(tape.member(m, key)).map { $0 >= 0 ? Int32(clamping: $0) : -1 } ?? -1 }
            builder.setEngagement(likes: count("like_count"), reposts: count("retweet_count"), quotes: count("quote_count"), replies: count("reply_count"))
        }
        if let r = retweeted {
            let rid = tape.idBytes(tape.member(r, "id"))
            // Inline (flattened) when the reference carries its author; otherwise from includes.
            let original = tape.member(r, "author_id") != nil ? r : tweets.find(&tape, rid, key: "id", caseless: false)
            var ra = noID
            if let o = original {
                let au = tape.idBytes(tape.member(o, "author_id"))
                if !au.isEmpty {
                    ra = builder.account(id: au)
                    describe(ra, id: au, inline: tape.member(o, "author"), &tape, &builder)
                }
            }
            if ra == noID, let h = FieldParse.retweetHandle(text) { ra = builder.account(handle: h) }
            builder.setRetweet(post: rid, account: ra)
        }
        let replyUser = tape.idBytes(tape.member(v, "in_reply_to_user_id"))
        if repliedTo != nil || !replyUser.isEmpty {
            var ra = noID
            if !replyUser.isEmpty {
                ra = builder.account(id: replyUser)
                describe(ra, id: replyUser, inline: tape.member(v, "in_reply_to_user"), &tape, &builder)
            }
            builder.setReply(post: repliedTo.map { tape.idBytes(tape.member($0, "id")) } ?? FieldParse.empty, account: ra)
        }
        if let q = quoted { builder.setQuote(post: tape.idBytes(tape.member(q, "id"))) }
        guard let entities = tape.member(v, "entities") else { return true }
        if let tags = tape.member(entities, "hashtags") {
            tape.forEach(tags) { tape, h in builder.addHashtag(tape.text(tape.member(h, "tag"))) }
        }
        if let urls = tape.member(entities, "urls") {
            tape.forEach(urls) { tape, u in
                let expanded = tape.text(tape.member(u, "expanded_url"))
                builder.addURL(expanded.isEmpty ? tape.text(tape.member(u, "url")) : expanded)
            }
        }
        if let mentions = tape.member(entities, "mentions") {
            tape.forEach(mentions) { tape, m in
                let name = tape.text(tape.member(m, "username"))
                var id = tape.idBytes(tape.member(m, "id"))
                var profile: JSONValue? = tape.member(m, "name") != nil ? m : nil
                if id.isEmpty, !name.isEmpty, let u = usersByName.find(&tape, name, key: "username", caseless: true) {
                    id = tape.idBytes(tape.member(u, "id"))
                    profile = u
                }
                let ma: Int32
                if !id.isEmpty {
                    ma = builder.account(id: id)
                    if !builder.isProfiled(ma), let u = profile { builder.describe(ma, Self.profile(&tape, u)) }
                    builder.setHandleIfMissing(ma, name)
                } else if !name.isEmpty {
                    ma = builder.account(handle: name)  // a suspended or deleted user: known by name only
                } else {
                    return
                }
                builder.addMention(ma)
            }
        }
        return true
    }

    @inline(__always) static func equals(_ b: UnsafeRawBufferPointer, _ s: StaticString) -> Bool {
        b.count == s.utf8CodeUnitCount && memcmp(b.baseAddress!, s.utf8Start, b.count) == 0
    }
}

/// Finds objects of a page's `includes` by a string member (id, username) without building a
/// dictionary of Strings: a hash of each key, sorted, searched by bisection. Rebuilt per page,
/// reusing its storage.
struct IncludeIndex: Sendable {
    private var hashes: [UInt64] = []
    private var nodes: [Int32] = []

    mutating func clear() {
        hashes.removeAll(keepingCapacity: true)
        nodes.removeAll(keepingCapacity: true)
    }

    static func hash(_ b: UnsafeRawBufferPointer, caseless: Bool) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for var c in b {
            if caseless && c >= 65 && c <= 90 { c += 32 }
            h = (h ^ UInt64(c)) &* 0x0000_0100_0000_01b3
        }
        return h
    }

    mutating func build(_ tape: inout JSONTape, _ list: JSONValue?, key: StaticString, caseless: Bool) {
        clear()
        guard let list, tape.kind(list) == .array else { return }
        var pairs: [(UInt64, Int32)] = []
        tape.forEach(list) { tape, o in
            let k = tape.idBytes(tape.member(o, key))
            if !k.isEmpty { pairs.append((Self.hash(k, caseless: caseless), o.index)) }
        }
        // Stable by input position among equal hashes, so the first object with a key wins.
        pairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        for (h, n) in pairs { hashes.append(h); nodes.append(n) }
    }

    func find(_ tape: inout JSONTape, _ k: UnsafeRawBufferPointer, key: StaticString, caseless: Bool) -> JSONValue? {
        guard !k.isEmpty, !hashes.isEmpty else { return nil }
        let h = Self.hash(k, caseless: caseless)
        var lo = 0, hi = hashes.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if hashes[mid] < h { lo = mid + 1 } else { hi = mid }
        }
        while lo < hashes.count && hashes[lo] == h {
            let o = JSONValue(nodes[lo])
            let other = tape.idBytes(tape.member(o, key))
            if other.count == k.count && zip(other, k).allSatisfy({ caseless ? Self.lower($0) == Self.lower($1) : $0 == $1 }) { return o }
            lo += 1
        }
        return nil
    }

    @inline(__always) static func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c + 32 : c }
}

extension Twarc2: InputReader {
    static let name = "twarc2"
    static let summary = "Twitter API v2 JSON from twarc2: response pages, flattened tweets or users (data, author_id, includes, ...)"
    static var isJSON: Bool { true }
    /// After v1.1 in the catalogue: v1.1 objects carry `id_str`, which v2 never uses; v2 tweets have
    /// `author_id`, pages `data`/`includes`, users `public_metrics`.
    static func recognises(_ s: FormatSample) -> Bool {
        guard let keys = s.jsonKeys else { return false }
        return !keys.isDisjoint(with: ["data", "author_id", "includes", "public_metrics", "username", "errors"])
    }
    static func read(_ job: ReadJob, into builder: inout DatasetBuilder) throws -> CSVDriver.Outcome {
        try JSONDriver.read(source: job.source, file: job.file, options: job.csv, limits: JSONLimits(job.options), builder: &builder,
                            progress: job.progress, handler: Twarc2(times: job.options.times))
    }
}
