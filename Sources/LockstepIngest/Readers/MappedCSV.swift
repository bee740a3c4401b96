import Foundation
import LockstepCore

/// The dataset fields a mapping file can fill from a CSV column (keys of its `[columns]` table).
enum MappedField: String, CaseIterable, Sendable {
    case account, handle, time, text, kind
    case postID = "post_id"
    case language, client
    case retweetOf = "retweet_of"
    case retweetAccount = "retweet_account"
    case replyTo = "reply_to"
    case replyAccount = "reply_account"
    case quoteOf = "quote_of"
    case hashtags, urls, mentions, followers, following, created
    case displayName = "display_name"
    case description, location
    case likes, reposts, quotes, replies

    static let required: [MappedField] = [.account, .time]
}

/// A mapping file: which column holds what, how times are written and what the kind values mean.
/// Documented, with a full example, in docs/mapping.md.
struct CSVMapping: Sendable {
    /// Column names by field, as written in `[columns]`.
    var columns: [MappedField: String] = [:]
    var delimiter: UInt8 = 44
    var listSeparator: UInt8 = 44
    var time = try! TimeFormat("iso")
    /// Format of the `created` column; defaults to the `[time]` format, with ISO dates also accepted.
    var created: TimeFormat?
    /// Lowercased cell values of the `kind` column for each kind.
    var kindValues: [(PostKind, [[UInt8]])] = [
        (.retweet, ["retweet", "rt", "retweeted"].map { Array($0.utf8) }),
        (.reply, ["reply", "replied_to"].map { Array($0.utf8) }),
        (.quote, ["quote", "quoted", "quote_tweet"].map { Array($0.utf8) }),
        (.original, ["original", "tweet", "post"].map { Array($0.utf8) }),
    ]
    /// `[entities] from_text`: read hashtags, mentions and links from the text when no column
    /// holds them, and identify a retweet's original by its text when no column gives its id.
    var entitiesFromText = true
    /// Path of the mapping file, for messages.
    var file = ""

    /// What a row takes from its text: each entity kind no column is mapped for, when `from_text` is on.
    var textEntities: EntitiesFromText {
        guard entitiesFromText, columns[.text] != nil else { return .none }
        return EntitiesFromText(hashtags: columns[.hashtags] == nil, mentions: columns[.mentions] == nil,
                                urls: columns[.urls] == nil, retweetIdentity: true)
    }

    /// Reads and checks a mapping file; every problem names the file, line and column.
    static func load(path: String) throws -> CSVMapping {
        guard let data = FileManager.default.contents(atPath: path) else { throw IngestError.fileNotFound(path) }
        return try parse(bytes: Array(data), file: path)
    }

    static func parse(_ text: String, file: String) throws -> CSVMapping {
        try parse(bytes: Array(text.utf8), file: file)
    }

    /// Any TOML spelling of the same tables gives the same mapping: `[columns]` with `account = …`,
    /// `columns = { account = … }`, `columns.account = …`, quoted keys.
    static func parse(bytes: [UInt8], file: String) throws -> CSVMapping {
        let root: TOMLTable
        do {
            root = try TOML.parse(bytes: bytes)
        } catch {
            throw IngestError.badMapping(file: file, line: error.line, error.message, column: error.column)
        }
        var m = CSVMapping()
        m.file = file
        func bad(_ p: TOMLPosition, _ why: String) -> IngestError { .badMapping(file: file, line: p.line, why, column: p.column) }
        func string(_ t: TOMLTable, _ key: String, in section: String) throws -> String? {
            guard let v = t[key] else { return nil }
            guard case .string(let s) = v else { throw bad(t.position(of: key), "\(section)\(key) is \(v.typeName), expected a string") }
            return s
        }
        func oneByte(_ s: String, _ key: String, _ t: TOMLTable) throws -> UInt8 {
            let u = Array((s == "\\t" || s.lowercased() == "tab") ? "\t".utf8 : s.utf8)
            guard u.count == 1, u[0] != 34, u[0] != 10, u[0] != 13 else {
                throw bad(t.position(of: key), "\(key) = \"\(s)\": expected one character such as \",\", \"\\t\" or \";\" (not a quote or a line break)")
            }
            return u[0]
        }
        let topKeys: Set<String> = ["delimiter", "list_separator", "columns", "time", "kind", "entities"]
        for key in root.values.keys.sorted() where !topKeys.contains(key) {
            throw bad(root.position(of: key), "unknown key '\(key)'; a mapping file has delimiter, list_separator, [columns], [time], [kind] and [entities]")
        }
        if let d = try string(root, "delimiter", in: "") { m.delimiter = try oneByte(d, "delimiter", root) }
        if let d = try string(root, "list_separator", in: "") { m.listSeparator = try oneByte(d, "list_separator", root) }

        guard case .table(let cols)? = root["columns"] else {
            throw bad(root.position(of: "columns"), "a [columns] table is required, naming at least the account and time columns (see docs/mapping.md)")
        }
        for key in cols.values.keys.sorted() {
            guard let f = MappedField(rawValue: key) else {
                throw bad(cols.position(of: key), "unknown field '\(key)' in [columns]; known: \(MappedField.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let name = try string(cols, key, in: "columns."), !name.isEmpty else {
                throw bad(cols.position(of: key), "columns.\(key) is empty; name a column of the CSV header")
            }
            m.columns[f] = name
        }
        for f in MappedField.required where m.columns[f] == nil {
            throw bad(root.position(of: "columns"), "[columns] must name the \(f.rawValue) column (\(f.rawValue) = \"header name\")")
        }

        if let tv = root["time"] {
            guard case .table(let t) = tv else { throw bad(root.position(of: "time"), "time must be a table: [time] with format and zone") }
            for key in t.values.keys.sorted() where !["format", "zone", "created_format"].contains(key) {
                throw bad(t.position(of: key), "unknown key '\(key)' in [time]; known: format, zone, created_format")
            }
            let zone = try string(t, "zone", in: "time.") ?? "UTC"
            // A bad zone fails both formats; it is named at format when there is one, else at zone.
            for (key, fallback) in [("format", "iso"), ("created_format", nil)] {
                guard let spec = try string(t, key, in: "time.") ?? fallback else { continue }
                do {
                    let f = try TimeFormat(spec, zone: zone)
                    if key == "format" { m.time = f } else { m.created = f }
                } catch {
                    throw bad(t.position(of: t[key] == nil ? "zone" : key), error.description)
                }
            }
        }

        if let ev = root["entities"] {
            guard case .table(let t) = ev else { throw bad(root.position(of: "entities"), "entities must be a table: [entities] with from_text = true or false") }
            for key in t.values.keys.sorted() where key != "from_text" {
                throw bad(t.position(of: key), "unknown key '\(key)' in [entities]; known: from_text")
            }
            if let v = t["from_text"] {
                guard case .bool(let on) = v else { throw bad(t.position(of: "from_text"), "entities.from_text is \(v.typeName), expected true or false") }
                m.entitiesFromText = on
            }
        }

        if let kv = root["kind"] {
            guard case .table(let t) = kv else { throw bad(root.position(of: "kind"), "kind must be a table: [kind] with retweet = [...] and so on") }
            let names: [String: PostKind] = ["original": .original, "retweet": .retweet, "reply": .reply, "quote": .quote]
            var given: [PostKind: [[UInt8]]] = [:]
            for key in t.values.keys.sorted() {
                guard let kind = names[key] else { throw bad(t.position(of: key), "unknown kind '\(key)' in [kind]; known: original, retweet, reply, quote") }
                var values: [String] = []
                switch t[key]! {
                case .string(let s): values = [s]
                case .array(let items):
                    for item in items {
                        guard case .string(let s) = item else { throw bad(t.position(of: key), "kind.\(key) must list strings, found \(item.typeName)") }
                        values.append(s)
                    }
                default: throw bad(t.position(of: key), "kind.\(key) must be a list of strings, e.g. [\"RT\", \"retweet\"]")
                }
                given[kind] = values.map { Array($0.lowercased().utf8) }
            }
            // Values named in the file replace the defaults for that kind only.
            m.kindValues = m.kindValues.map { ($0.0, given[$0.0] ?? $0.1) }
        }
        return m
    }
}

/// Any CSV, read through a ``CSVMapping``.
struct MappedCSV: CSVRowHandler {
    let fieldCount: Int
    let mapping: CSVMapping
    /// Column positions per field, -1 when not mapped.
    let account, time, handle, displayName, description, location, followers, following, created: Int
    let text, kind, postID, language, client, retweetOf, retweetAccount, replyTo, replyAccount, quoteOf: Int
    let hashtags, urls, mentions: Int
    let likes, reposts, quotes, replies: Int
    let times: PlausibleTimes
    let entities: EntitiesFromText

    init(header: HeaderMap, mapping: CSVMapping, file: String, times: PlausibleTimes = .asOfNow()) throws {
        self.times = times
        var missing: [String] = []
        for f in MappedField.allCases {
            if let name = mapping.columns[f], header[name] == nil { missing.append("\(name) (\(f.rawValue))") }
        }
        if !missing.isEmpty {
            throw IngestError.missingColumns(file: file, format: "mapped (\(mapping.file))", missing: missing, found: header.names)
        }
        func c(_ f: MappedField) -> Int { mapping.columns[f].flatMap { header[$0] } ?? -1 }
        (account, time, handle, displayName, description) = (c(.account), c(.time), c(.handle), c(.displayName), c(.description))
        (location, followers, following, created, text) = (c(.location), c(.followers), c(.following), c(.created), c(.text))
        (kind, postID, language, client, retweetOf) = (c(.kind), c(.postID), c(.language), c(.client), c(.retweetOf))
        (retweetAccount, replyTo, replyAccount, quoteOf) = (c(.retweetAccount), c(.replyTo), c(.replyAccount), c(.quoteOf))
        (hashtags, urls, mentions) = (c(.hashtags), c(.urls), c(.mentions))
        (likes, reposts, quotes, replies) = (c(.likes), c(.reposts), c(.quotes), c(.replies))
        fieldCount = header.names.count
        self.mapping = mapping
        entities = mapping.textEntities
    }

    @inline(__always) func f(_ row: CSVRow, _ i: Int) -> UnsafeRawBufferPointer { i < 0 ? FieldParse.empty : FieldParse.trim(row[i]) }

    mutating func row(_ row: CSVRow, builder: inout DatasetBuilder, log: inout RejectionLog) throws -> Bool {
        let id = FieldParse.trim(row[account])
        if id.isEmpty {
            try log.reject(line: row.line, column: row.column(account), .missingValue,
                           "found an empty \(mapping.columns[.account]!), expected the account's id")
            return false
        }
        let t: Int64
        do {
            t = try times.read(row[time], as: mapping.time)
        } catch {
            try log.reject(line: row.line, column: row.column(time), .badTime,
                           error.detail(mapping.columns[.time]!, row.string(time), expected: "a time as '\(mapping.time.spec)'"))
            return false
        }
        let a = builder.account(id: id)
        // Counts and the creation time are checked on every row, not only where the profile is
        // taken: otherwise how many profile problems are counted would depend on where the file
        // was cut for the workers.
        let fo = try row.count(followers, named: mapping.columns[.followers] ?? "followers", log: &log)
        let fi = try row.count(following, named: mapping.columns[.following] ?? "following", log: &log)
        let createdAt = try createdTime(row, log: &log)
        if !builder.isProfiled(a) {
            var p = ProfileBytes()
            p.handle = f(row, self.handle)
            p.displayName = f(row, self.displayName)
            p.description = f(row, self.description)
            p.location = f(row, self.location)
            (p.followers, p.following) = (fo, fi)
            p.created = createdAt
            builder.describe(a, p)
        }
        let textBytes = text < 0 ? FieldParse.empty : row[text]
        let rtOf = f(row, retweetOf), rtAccount = f(row, retweetAccount)
        let replyToBytes = f(row, replyTo), replyAccountBytes = f(row, replyAccount)
        let quoteOfBytes = f(row, quoteOf)
        // A kind column decides when its value is known; otherwise the links (or an RT prefix) do.
        var postKind: PostKind? = nil
        if kind >= 0 { postKind = kindOf(f(row, kind)) }
        if postKind == nil {
            postKind = !rtOf.isEmpty || !rtAccount.isEmpty || FieldParse.retweetHandle(textBytes) != nil ? .retweet
                : !replyToBytes.isEmpty || !replyAccountBytes.isEmpty ? .reply : !quoteOfBytes.isEmpty ? .quote : .original
        }
        builder.addPost(key: f(row, postID), account: a, time: t, kind: postKind!, text: textBytes,
                        language: f(row, language), client: f(row, client))
        if postKind == .retweet || !rtOf.isEmpty || !rtAccount.isEmpty {
            var ra = noID
            let h = FieldParse.retweetHandle(textBytes)
            if !rtAccount.isEmpty { ra = builder.account(id: rtAccount) } else if let h { ra = builder.account(handle: h) }
            if ra != noID, let h { builder.setHandleIfMissing(ra, h) }
            // Without the original's id, its text identifies it; a retweeted-account id, when
            // given, keeps apart originals of different accounts with the same text.
            var fromText = false
            if rtOf.isEmpty && postKind == .retweet {
                fromText = entities.setRetweet(text: textBytes, source: h == nil ? rtAccount : FieldParse.empty, account: ra, to: &builder)
            }
            if !fromText && (!rtOf.isEmpty || ra != noID) { builder.setRetweet(post: rtOf, account: ra) }
        }
        if !replyToBytes.isEmpty || !replyAccountBytes.isEmpty {
            builder.setReply(post: replyToBytes, account: replyAccountBytes.isEmpty ? noID : builder.account(id: replyAccountBytes))
        }
        if !quoteOfBytes.isEmpty { builder.setQuote(post: quoteOfBytes) }
        if likes >= 0 || reposts >= 0 || quotes >= 0 || replies >= 0 {
            func n(_ c: Int, _ field: MappedField) throws -> Int32 { try row.count(c, named: mapping.columns[field] ?? field.rawValue, log: &log) }
            builder.setEngagement(likes: try n(likes, .likes), reposts: try n(reposts, .reposts), quotes: try n(quotes, .quotes), replies: try n(replies, .replies))
        }
        let sep = mapping.listSeparator
        if hashtags >= 0 { Self.forEachItem(row[hashtags], sep) { builder.addHashtag($0) } }
        if urls >= 0 { Self.forEachItem(row[urls], sep) { builder.addURL($0) } }
        if mentions >= 0 {
            Self.forEachItem(row[mentions], sep) { m in
                // `@name` is a handle; anything else an account id.
                if m.first == 64 { builder.addMention(builder.account(handle: UnsafeRawBufferPointer(rebasing: m[1...]))) }
                else { builder.addMention(builder.account(id: m)) }
            }
        }
        entities.add(textBytes, to: &builder)
        return true
    }

    /// The creation time: as `created_format` (else the time format), else in any form the
    /// built-in readers know (ISO, `M/D/YYYY`, Twitter v1.1); a value that is none of them is a
    /// profile problem, not a reason to lose the post.
    func createdTime(_ row: CSVRow, log: inout RejectionLog) throws -> Int64 {
        guard created >= 0, !FieldParse.trim(row[created]).isEmpty else { return noTime }
        let format = mapping.created ?? mapping.time
        var problem: TimeProblem
        do { return try times.read(row[created], as: format) } catch { problem = error }
        do { return try times.read(row[created]) } catch { if problem.reason == nil { problem = error } }
        try log.profileProblem(line: row.line, column: row.column(created), .badTime,
                               problem.detail(mapping.columns[.created]!, row.string(created), expected: "a time as '\(format.spec)' or ISO"))
        return noTime
    }

    /// The kind a cell names, matched case-insensitively against the mapping's values.
    func kindOf(_ cell: UnsafeRawBufferPointer) -> PostKind? {
        guard !cell.isEmpty else { return nil }
        for (kind, values) in mapping.kindValues {
            for v in values where v.count == cell.count {
                var same = true
                for k in 0..<v.count where IncludeIndex.lower(cell[k]) != v[k] { same = false; break }
                if same { return kind }
            }
        }
        return nil
    }

    /// Items of a list cell: bracketed lists (`['a', 'b']`) as the IO archive writes them, or items
    /// split on the mapping's separator, each trimmed and unquoted.
    static func forEachItem(_ raw: UnsafeRawBufferPointer, _ sep: UInt8, _ body: (UnsafeRawBufferPointer) -> Void) {
        let b = FieldParse.trim(raw)
        guard !b.isEmpty else { return }
        if b.first == 91 || sep == 44 { FieldParse.forEachListItem(b, body); return }
        var s = 0
        while s <= b.count {
            var e = s
            while e < b.count && b[e] != sep { e += 1 }
            var item = FieldParse.trim(UnsafeRawBufferPointer(rebasing: b[s..<e]))
            if item.count >= 2, let q = item.first, (q == 34 || q == 39), item.last == q {
                item = UnsafeRawBufferPointer(rebasing: item[1..<(item.count - 1)])
            }
            if !item.isEmpty { body(item) }
            s = e + 1
        }
    }
}

extension MappedCSV: InputReader {
    static let name = "mapped"
    static let summary = "any CSV, with its columns named in a mapping file given by --mapping FILE.toml"
    /// Never detected: a CSV is read through a mapping when `--mapping` is given.
    static func recognises(_ s: FormatSample) -> Bool { false }
    static func read(_ job: ReadJob, into builder: inout DatasetBuilder) throws -> CSVDriver.Outcome {
        guard let path = job.options.mapping else {
            throw IngestError.badMapping(file: job.file, line: 1, "--format mapped needs a mapping file: add --mapping FILE.toml (see docs/mapping.md)")
        }
        let mapping = try CSVMapping.load(path: path)
        var csv = job.csv
        csv.delimiter = mapping.delimiter
        return try CSVDriver.read(source: job.source, file: job.file, options: csv, builder: &builder, progress: job.progress) {
            try MappedCSV(header: HeaderMap($0), mapping: mapping, file: job.file, times: job.options.times)
        }
    }
}
