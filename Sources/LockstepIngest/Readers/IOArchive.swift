import LockstepCore

/// Twitter's Information Operations archive, tweets file (hashed and unhashed releases).
struct IOArchiveTweets: CSVRowHandler {
    static let required = ["tweetid", "userid", "tweet_time"]

    let fieldCount: Int
    let tweetid, userid, time: Int
    let times: PlausibleTimes
    let profile: ProfileColumns
    let tweetLanguage, text, client, replyUser, replyTweet, quoted, isRetweet, retweetUser, retweetTweet, hashtags, urls, mentions: Int
    let likes, reposts, quotes, replies: Int

    init(header: HeaderMap, file: String, times: PlausibleTimes = .asOfNow()) throws {
        let r = try header.require(Self.required, file: file, format: Self.format.rawValue)
        (tweetid, userid, time) = (r[0], r[1], r[2])
        fieldCount = header.names.count
        self.times = times
        profile = ProfileColumns(header, times: times)
        tweetLanguage = header.optional("tweet_language")
        text = header.optional("tweet_text")
        client = header.optional("tweet_client_name")
        replyUser = header.optional("in_reply_to_userid")
        replyTweet = header.optional("in_reply_to_tweetid")
        quoted = header.optional("quoted_tweet_tweetid")
        isRetweet = header.optional("is_retweet")
        retweetUser = header.optional("retweet_userid")
        retweetTweet = header.optional("retweet_tweetid")
        hashtags = header.optional("hashtags")
        urls = header.optional("urls")
        mentions = header.optional("user_mentions")
        likes = header.optional("like_count")
        reposts = header.optional("retweet_count")
        quotes = header.optional("quote_count")
        replies = header.optional("reply_count")
    }

    @inline(__always) func f(_ row: CSVRow, _ i: Int) -> UnsafeRawBufferPointer { i < 0 ? FieldParse.empty : row[i] }

    func prefetch(_ row: CSVRow, builder: borrowing DatasetBuilder) {
        builder.prefetchAccount(id: FieldParse.trim(row[userid]))
        if retweetUser >= 0 { builder.prefetchAccount(id: FieldParse.trim(row[retweetUser])) }
    }

    mutating func row(_ row: CSVRow, builder: inout DatasetBuilder, log: inout RejectionLog) throws -> Bool {
        let idBytes = FieldParse.trim(row[userid])
        if idBytes.isEmpty {
            try log.reject(line: row.line, column: row.column(userid), .missingValue, "found an empty userid, expected the account's id")
            return false
        }
        let t: Int64
        do {
            t = try times.read(row[time])
        } catch {
            try log.reject(line: row.line, column: row.column(time), .badTime,
                           error.detail("tweet_time", row.string(time), expected: "YYYY-MM-DD HH:MM (UTC)"))
            return false
        }
        let a = builder.account(id: idBytes)
        if !builder.isProfiled(a) {
            builder.describe(a, try profile.read(row, log: &log))
        } else {
            // Checked on every row, not only where the profile is taken: otherwise how many profile
            // problems are counted would depend on where the file was cut for the workers.
            _ = try profile.numbers(row, log: &log)
        }
        let textBytes = f(row, text)
        let retweet = isRetweet >= 0 ? FieldParse.bool(row[isRetweet]) : FieldParse.retweetHandle(textBytes) != nil
        let replyPost = FieldParse.trim(f(row, replyTweet))
        let quotePost = FieldParse.trim(f(row, quoted))
        let kind: PostKind = retweet ? .retweet : !replyPost.isEmpty ? .reply : !quotePost.isEmpty ? .quote : .original
        builder.addPost(key: FieldParse.trim(row[tweetid]), account: a, time: t, kind: kind, text: textBytes,
                        language: FieldParse.trim(f(row, tweetLanguage)), client: f(row, client))
        if likes >= 0 || reposts >= 0 || quotes >= 0 || replies >= 0 {
            builder.setEngagement(likes: try row.count(likes, named: "like_count", log: &log),
                                  reposts: try row.count(reposts, named: "retweet_count", log: &log),
                                  quotes: try row.count(quotes, named: "quote_count", log: &log),
                                  replies: try row.count(replies, named: "reply_count", log: &log))
        }
        if retweet {
            let ru = FieldParse.trim(f(row, retweetUser))
            var ra = noID
            if !ru.isEmpty { ra = builder.account(id: ru) } else if let h = FieldParse.retweetHandle(textBytes) { ra = builder.account(handle: h) }
            if ra != noID, let h = FieldParse.retweetHandle(textBytes) { builder.setHandleIfMissing(ra, h) }
            builder.setRetweet(post: FieldParse.trim(f(row, retweetTweet)), account: ra)
        }
        if !replyPost.isEmpty || !FieldParse.trim(f(row, replyUser)).isEmpty {
            let ru = FieldParse.trim(f(row, replyUser))
            builder.setReply(post: replyPost, account: ru.isEmpty ? noID : builder.account(id: ru))
        }
        if !quotePost.isEmpty { builder.setQuote(post: quotePost) }
        if hashtags >= 0 { FieldParse.forEachListItem(row[hashtags]) { builder.addHashtag($0) } }
        if urls >= 0 { FieldParse.forEachListItem(row[urls]) { builder.addURL($0) } }
        if mentions >= 0 {
            FieldParse.forEachListItem(row[mentions]) { m in
                let id = builder.account(id: m)
                builder.addMention(id)
            }
        }
        return true
    }
}

/// The user columns shared by the IO archive's users and tweets files.
struct ProfileColumns: Sendable {
    let handle, displayName, location, description, url, followers, following, created, language: Int
    let times: PlausibleTimes

    init(_ h: HeaderMap, times: PlausibleTimes) {
        self.times = times
        handle = h.optional("user_screen_name")
        displayName = h.optional("user_display_name")
        location = h.optional("user_reported_location")
        description = h.optional("user_profile_description")
        url = h.optional("user_profile_url")
        followers = h.optional("follower_count")
        following = h.optional("following_count")
        created = h.optional("account_creation_date")
        language = h.optional("account_language")
    }

    /// Reads the profile; a malformed number or date is left unknown and counted as a profile problem.
    func read(_ row: CSVRow, log: inout RejectionLog) throws -> ProfileBytes {
        let n = try numbers(row, log: &log)
        var p = ProfileBytes()
        @inline(__always) func f(_ i: Int) -> UnsafeRawBufferPointer { i < 0 ? FieldParse.empty : row[i] }
        p.handle = FieldParse.trim(f(handle))
        p.displayName = f(displayName)
        p.location = f(location)
        p.description = f(description)
        p.profileURL = FieldParse.trim(f(url))
        p.language = FieldParse.trim(f(language))
        (p.followers, p.following, p.created) = n
        return p
    }

    /// The profile's counts and creation time: -1 and `noTime` where absent or unreadable, which
    /// is counted as a profile problem.
    func numbers(_ row: CSVRow, log: inout RejectionLog) throws -> (followers: Int32, following: Int32, created: Int64) {
        (try row.count(followers, named: "follower_count", log: &log),
         try row.count(following, named: "following_count", log: &log),
         try row.created(created, named: "account_creation_date", expected: "YYYY-MM-DD", times: times, log: &log))
    }
}

/// Twitter's Information Operations archive, users file: one account per row, no posts.
struct IOArchiveUsers: CSVRowHandler {
    let fieldCount: Int
    let userid: Int
    let profile: ProfileColumns

    init(header: HeaderMap, file: String, times: PlausibleTimes = .asOfNow()) throws {
        userid = try header.require(["userid"], file: file, format: Self.format.rawValue)[0]
        fieldCount = header.names.count
        profile = ProfileColumns(header, times: times)
    }

    mutating func row(_ row: CSVRow, builder: inout DatasetBuilder, log: inout RejectionLog) throws -> Bool {
        let idBytes = FieldParse.trim(row[userid])
        if idBytes.isEmpty {
            try log.reject(line: row.line, column: row.column(userid), .missingValue, "found an empty userid, expected the account's id")
            return false
        }
        let p = try profile.read(row, log: &log)
        let a = builder.account(id: idBytes)
        builder.describe(a, p)
        builder.markOrigin(a, .listed)
        return true
    }
}

extension IOArchiveTweets: InputReader {
    static let name = "io-tweets"
    static let summary = "Twitter IO archive tweets CSV (tweetid, userid, tweet_time, ...)"
    static func recognises(_ s: FormatSample) -> Bool {
        guard let h = s.header else { return false }
        return h["tweetid"] != nil && h["userid"] != nil && h["tweet_time"] != nil
    }
    static func read(_ job: ReadJob, into builder: inout DatasetBuilder) throws -> CSVDriver.Outcome {
        try CSVDriver.read(source: job.source, file: job.file, options: job.csv, builder: &builder, progress: job.progress) {
            try IOArchiveTweets(header: HeaderMap($0), file: job.file, times: job.options.times)
        }
    }
}

extension IOArchiveUsers: InputReader {
    static let name = "io-users"
    static let summary = "Twitter IO archive users CSV (userid, follower_count, account_creation_date, ...)"
    static func recognises(_ s: FormatSample) -> Bool {
        guard let h = s.header else { return false }
        return h["userid"] != nil && (h["account_creation_date"] != nil || h["follower_count"] != nil) && h["tweetid"] == nil
    }
    static func read(_ job: ReadJob, into builder: inout DatasetBuilder) throws -> CSVDriver.Outcome {
        try CSVDriver.read(source: job.source, file: job.file, options: job.csv, builder: &builder, progress: job.progress) {
            try IOArchiveUsers(header: HeaderMap($0), file: job.file, times: job.options.times)
        }
    }
}
