import LockstepCore

/// FiveThirtyEight's release of the Clemson IRA tweets: no tweet ids, no client column and no
/// entity columns; hashtags, mentions and links are read from the text (``TextEntities``), a
/// retweet's original is known by its text (``RetweetIdentity``) and its source only from an
/// `RT @handle:` prefix.
struct IRA538: CSVRowHandler {
    static let required = ["author", "content", "publish_date"]

    let fieldCount: Int
    let author, content, publishDate: Int
    let externalID, language, following, followers, postType, retweet, category, accountType: Int
    let times: PlausibleTimes
    /// The release has no entity or retweeted-tweet columns: all of them come from the text.
    let entities: EntitiesFromText

    init(header: HeaderMap, file: String, times: PlausibleTimes = .asOfNow(), entities: EntitiesFromText = EntitiesFromText()) throws {
        self.times = times
        self.entities = entities
        let r = try header.require(Self.required, file: file, format: Self.format.rawValue)
        (author, content, publishDate) = (r[0], r[1], r[2])
        fieldCount = header.names.count
        externalID = header.optional("external_author_id")
        language = header.optional("language")
        following = header.optional("following")
        followers = header.optional("followers")
        postType = header.optional("post_type")
        retweet = header.optional("retweet")
        category = header.optional("account_category")
        accountType = header.optional("account_type")
    }

    @inline(__always) func f(_ row: CSVRow, _ i: Int) -> UnsafeRawBufferPointer { i < 0 ? FieldParse.empty : row[i] }

    mutating func row(_ row: CSVRow, builder: inout DatasetBuilder, log: inout RejectionLog) throws -> Bool {
        let handle = FieldParse.trim(row[author])
        let ext = FieldParse.trim(f(row, externalID))
        if handle.isEmpty && ext.isEmpty {
            try log.reject(line: row.line, column: row.column(author), .missingValue, "found no author and no external_author_id, expected at least one")
            return false
        }
        let t: Int64
        do {
            t = try times.read(row[publishDate])
        } catch {
            try log.reject(line: row.line, column: row.column(publishDate), .badTime,
                           error.detail("publish_date", row.string(publishDate), expected: "YYYY-MM-DD HH:MM:SS or M/D/YYYY H:MM"))
            return false
        }
        let fo = try row.count(followers, named: "followers", log: &log)
        let fi = try row.count(following, named: "following", log: &log)
        // The release's external_author_id went through a float: 18-digit ids are rounded and
        // collide (751000000000000000 is three accounts), so the handle, unique per account, is the id.
        let a = builder.account(id: handle.isEmpty ? ext : handle)
        if !builder.isProfiled(a) {
            var p = ProfileBytes()
            p.handle = handle
            p.followers = fo
            p.following = fi
            p.category = FieldParse.trim(f(row, category))
            builder.describe(a, p)
        }
        let text = row[content]
        let rtHandle = FieldParse.retweetHandle(text)
        let pt = FieldParse.trim(f(row, postType))
        let isRetweet = (retweet >= 0 && FieldParse.bool(row[retweet])) || rtHandle != nil || (pt.count == 7 && pt[0] == 82)
        let isQuote = !isRetweet && pt.count == 11 && pt[0] == 81  // QUOTE_TWEET
        builder.addPost(key: FieldParse.empty, account: a, time: t, kind: isRetweet ? .retweet : isQuote ? .quote : .original,
                        text: text, language: FieldParse.trim(f(row, language)), client: FieldParse.empty)
        if isRetweet {
            // No retweeted-tweet id: the original is known by its text, and its author by the prefix if any.
            let ra = rtHandle.map { builder.account(handle: $0) } ?? noID
            if !entities.setRetweet(text: text, source: FieldParse.empty, account: ra, to: &builder), ra != noID {
                builder.setRetweet(post: FieldParse.empty, account: ra)
            }
        }
        entities.add(text, to: &builder)
        return true
    }
}

extension IRA538: InputReader {
    static let name = "ira-538"
    static let summary = "FiveThirtyEight IRA tweets CSV (external_author_id, author, content, publish_date, ...)"
    static func recognises(_ s: FormatSample) -> Bool {
        guard let h = s.header else { return false }
        return h["author"] != nil && h["content"] != nil && h["publish_date"] != nil
    }
    static func read(_ job: ReadJob, into builder: inout DatasetBuilder) throws -> CSVDriver.Outcome {
        try CSVDriver.read(source: job.source, file: job.file, options: job.csv, builder: &builder, progress: job.progress) {
            try IRA538(header: HeaderMap($0), file: job.file, times: job.options.times)
        }
    }
}
