import LockstepCore

/// Twitter API v1.1 statuses, one per line (as the streaming and REST APIs, twarc 1 and tweepy write
/// them) or in a JSON array. Object shape per Twitter's data dictionary
/// (https://developer.twitter.com/en/docs/twitter-api/v1/data-dictionary/object-model/tweet):
/// `id_str` (preferred: `id` is exact here but JavaScript tools round it), `created_at` as
/// `Wed Oct 10 20:19:24 +0000 2018`, the author in `user`, `retweeted_status` and `quoted_status`
/// embedded, `in_reply_to_status_id_str`/`in_reply_to_user_id_str`, `entities` (or
/// `extended_tweet.entities` for 280-character tweets in compatibility mode), the text in
/// `full_text`, `extended_tweet.full_text` or `text`, and `source` as an HTML anchor.
/// User objects on their own (`users/lookup` output) are listed accounts.
struct TwitterV1: JSONRecordHandler {
    /// Post times outside are rejected (`bad_time`).
    var times = PlausibleTimes.asOfNow()

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
        // An array of statuses cut short: each complete status stands alone.
        guard tape.kind(root) == .array else { return }
        try tape.forEach(root) { tape, v in
            if tape.isComplete(v) { try record(&tape, v, at, &builder, &log, &counts) }
        }
    }

    private func record(_ tape: inout JSONTape, _ v: JSONValue, _ at: JSONUnit, _ builder: inout DatasetBuilder,
                        _ log: inout RejectionLog, _ counts: inout JSONRowCounts) throws {
        counts.read += 1
        func reject(_ offset: Int, _ reason: RejectionReason, _ detail: String) throws {
            let (l, c) = at.position(offset)
            try log.reject(line: l, column: c, reason, detail)
        }
        guard tape.kind(v) == .object else {
            return try reject(tape.offset(v), .notATweet, "found a JSON \(tape.kind(v)), expected a status object")
        }
        if at.needsCheck, let f = at.fault(&tape, [v]) {
            return try reject(f.offset, f.reason, f.detail)
        }
        if tape.member(v, "text") != nil || tape.member(v, "full_text") != nil {
            if try status(&tape, v, &builder, reject) { counts.used += 1 }
            return
        }
        if tape.member(v, "screen_name") != nil {
            if try user(&tape, v, &builder, reject) { counts.used += 1 }
            return
        }
        if let e = tape.member(v, "errors") {
            return try reject(tape.offset(e), .apiError, "found an API error instead of a status: \(Twarc2.errorSummary(&tape, e))")
        }
        // Streaming control messages: {"delete": …}, {"limit": …}, {"warning": …} and so on.
        var first = "nothing"
        tape.forEachMember(v) { _, key, _ in if first == "nothing" { first = "'\(String(decoding: key.prefix(40), as: UTF8.self))'" } }
        try reject(tape.offset(v), .notATweet, "found an object whose first key is \(first) (a stream control message?), expected a status with text and user")
    }

    private func user(_ tape: inout JSONTape, _ u: JSONValue, _ builder: inout DatasetBuilder,
                      _ reject: (Int, RejectionReason, String) throws -> Void) throws -> Bool {
        let id = Self.id(&tape, u)
        if id.isEmpty {
            try reject(tape.offset(u), .missingValue, "found a user without id_str or id, expected the account's id")
            return false
        }
        let a = builder.account(id: id)
        builder.describe(a, Self.profile(&tape, u))
        builder.markOrigin(a, .listed)
        return true
    }

    /// `id_str`, or the digits of `id` as written.
    @inline(__always) static func id(_ tape: inout JSONTape, _ o: JSONValue) -> UnsafeRawBufferPointer {
        let s = tape.idBytes(tape.member(o, "id_str"))
        return s.isEmpty ? tape.idBytes(tape.member(o, "id")) : s
    }

    static func profile(_ tape: inout JSONTape, _ u: JSONValue) -> ProfileBytes {
        var p = ProfileBytes()
        p.handle = tape.text(tape.member(u, "screen_name"))
        p.displayName = tape.text(tape.member(u, "name"))
        p.description = tape.text(tape.member(u, "description"))
        p.location = tape.text(tape.member(u, "location"))
        p.profileURL = tape.text(tape.member(u, "url"))
        p.language = tape.text(tape.member(u, "lang"))
        p.created = TimeFormat.twitterV1.parse(tape.text(tape.member(u, "created_at"))) ?? noTime
        if let f = tape.int(tape.member(u, "followers_count")), f >= 0 { p.followers = Int32(clamping: f) }
        if let f = tape.int(tape.member(u, "friends_count")), f >= 0 { p.following = Int32(clamping: f) }
        return p
    }

    /// The anchor text of `<a href="…" rel="nofollow">Twitter for iPhone</a>`, or the bytes as they are.
    static func anchorText(_ b: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        guard b.first == 60, let gt = b.firstIndex(of: 62) else { return b }
        var e = gt + 1
        while e < b.count && b[e] != 60 { e += 1 }
        return FieldParse.trim(UnsafeRawBufferPointer(rebasing: b[(gt + 1)..<e]))
    }

    private func status(_ tape: inout JSONTape, _ v: JSONValue, _ builder: inout DatasetBuilder,
                        _ reject: (Int, RejectionReason, String) throws -> Void) throws -> Bool {
        guard let user = tape.member(v, "user"), tape.kind(user) == .object else {
            try reject(tape.offset(v), .missingValue, "found a status without a user object, expected the author in \"user\"")
            return false
        }
        let uid = Self.id(&tape, user)
        if uid.isEmpty {
            try reject(tape.offset(user), .missingValue, "found a user without id_str or id, expected the author's id")
            return false
        }
        guard let createdNode = tape.member(v, "created_at") else {
            try reject(tape.offset(v), .missingValue, "found a status without created_at, expected its time")
            return false
        }
        let created = tape.text(createdNode)
        guard let time = TimeFormat.twitterV1.parse(created) ?? CivilTime.parseISO(created) else {
            try reject(tape.offset(createdNode), .badTime, "found created_at '\(String(decoding: created.prefix(40), as: UTF8.self))', expected e.g. 'Wed Oct 10 20:19:24 +0000 2018'")
            return false
        }
        guard times.contains(time) else {
            try reject(tape.offset(createdNode), .badTime, "found created_at '\(String(decoding: created.prefix(40), as: UTF8.self))': \(times.outside(time))")
            return false
        }
        var retweeted = tape.member(v, "retweeted_status")
        if let r = retweeted, tape.kind(r) != .object { retweeted = nil }
        let replyTo = Self.nonNull(&tape, v, "in_reply_to_status_id_str", "in_reply_to_status_id")
        let replyUser = Self.nonNull(&tape, v, "in_reply_to_user_id_str", "in_reply_to_user_id")
        var quotedID = Self.nonNull(&tape, v, "quoted_status_id_str", "quoted_status_id")
        if quotedID.isEmpty, let q = tape.member(v, "quoted_status"), tape.kind(q) == .object { quotedID = Self.id(&tape, q) }
        let kind: PostKind = retweeted != nil ? .retweet : !replyTo.isEmpty ? .reply : !quotedID.isEmpty ? .quote : .original
        let extended = tape.member(v, "extended_tweet").flatMap { tape.kind($0) == .object ? $0 : nil }
        var text = tape.text(tape.member(v, "full_text"))
        if text.isEmpty, let x = extended { text = tape.text(tape.member(x, "full_text")) }
        if text.isEmpty { text = tape.text(tape.member(v, "text")) }

        let a = builder.account(id: uid)
        if !builder.isProfiled(a) { builder.describe(a, Self.profile(&tape, user)) }
        builder.addPost(key: Self.id(&tape, v), account: a, time: time, kind: kind, text: text,
                        language: tape.text(tape.member(v, "lang")), client: Self.anchorText(tape.text(tape.member(v, "source"))))
        // A retweet carries its original's retweet_count (and a favorite_count of 0): kept unknown.
        // quote_count and reply_count are in premium and enterprise payloads only.
        if retweeted == nil {
            func count(_ key: StaticString) -> Int32 { tape.int(tape.member(v, key)).map { $0 >= 0 ? Int32(clamping: $0) : -1 } ?? -1 }
            builder.setEngagement(likes: count("favorite_count"), reposts: count("retweet_count"), quotes: count("quote_count"), replies: count("reply_count"))
        }
        if let r = retweeted {
            var ra = noID
            if let ru = tape.member(r, "user"), tape.kind(ru) == .object {
                let rid = Self.id(&tape, ru)
                if !rid.isEmpty {
                    ra = builder.account(id: rid)
                    if !builder.isProfiled(ra) { builder.describe(ra, Self.profile(&tape, ru)) }
                }
            }
            if ra == noID, let h = FieldParse.retweetHandle(text) { ra = builder.account(handle: h) }
            builder.setRetweet(post: Self.id(&tape, r), account: ra)
        }
        if !replyTo.isEmpty || !replyUser.isEmpty {
            var ra = noID
            if !replyUser.isEmpty {
                ra = builder.account(id: replyUser)
                builder.setHandleIfMissing(ra, tape.text(tape.member(v, "in_reply_to_screen_name")))
            }
            builder.setReply(post: replyTo, account: ra)
        }
        if !quotedID.isEmpty { builder.setQuote(post: quotedID) }
        var entities = tape.member(v, "entities")
        if let x = extended, let e = tape.member(x, "entities") { entities = e }
        guard let ents = entities, tape.kind(ents) == .object else { return true }
        if let tags = tape.member(ents, "hashtags") {
            tape.forEach(tags) { tape, h in builder.addHashtag(tape.text(tape.member(h, "text"))) }
        }
        if let urls = tape.member(ents, "urls") {
            tape.forEach(urls) { tape, u in
                let expanded = tape.text(tape.member(u, "expanded_url"))
                builder.addURL(expanded.isEmpty ? tape.text(tape.member(u, "url")) : expanded)
            }
        }
        if let mentions = tape.member(ents, "user_mentions") {
            tape.forEach(mentions) { tape, m in
                let id = Self.id(&tape, m)
                let name = tape.text(tape.member(m, "screen_name"))
                let ma: Int32
                if !id.isEmpty {
                    ma = builder.account(id: id)
                    builder.setHandleIfMissing(ma, name)
                } else if !name.isEmpty {
                    ma = builder.account(handle: name)
                } else {
                    return
                }
                builder.addMention(ma)
            }
        }
        return true
    }

    /// The first of two members that is a non-empty string or number (`null` reads as absent).
    static func nonNull(_ tape: inout JSONTape, _ o: JSONValue, _ a: StaticString, _ b: StaticString) -> UnsafeRawBufferPointer {
        let x = tape.idBytes(tape.member(o, a))
        return x.isEmpty ? tape.idBytes(tape.member(o, b)) : x
    }
}

extension TwitterV1: InputReader {
    static let name = "twitter-v1"
    static let summary = "Twitter API v1.1 statuses JSON, one per line or an array (id_str, user, created_at, ...)"
    static var isJSON: Bool { true }
    static func recognises(_ s: FormatSample) -> Bool {
        guard let keys = s.jsonKeys else { return false }
        return keys.contains("id_str") || (keys.contains("user") && keys.contains("created_at") && !keys.contains("author_id"))
    }
    static func read(_ job: ReadJob, into builder: inout DatasetBuilder) throws -> CSVDriver.Outcome {
        try JSONDriver.read(source: job.source, file: job.file, options: job.csv, limits: JSONLimits(job.options), builder: &builder,
                            progress: job.progress, handler: TwitterV1(times: job.options.times))
    }
}
