/// Why a row was not used. Stable codes: they appear in `summary.json` and in tests.
public enum RejectionReason: String, Sendable, Codable, CaseIterable {
    case unbalancedQuote = "unbalanced_quote"
    case wrongFieldCount = "wrong_field_count"
    case invalidUTF8 = "invalid_utf8"
    case badTime = "bad_time"
    case badNumber = "bad_number"
    case missingValue = "missing_value"
    case fieldTooLong = "field_too_long"
    /// A CSV row, JSON line or JSON array element longer than `--max-record-bytes`.
    case recordTooLong = "record_too_long"
    case badJSON = "bad_json"
    case apiError = "api_error"
    case notATweet = "not_a_tweet"
    /// The same post id was already read (overlapping collections, or two forms of one collection).
    case duplicatePost = "duplicate_post"
}

/// One rejected row: where, why, and what was found against what was expected.
public struct Rejection: Sendable, Codable, Equatable, Error, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int?
    public var reason: RejectionReason
    public var detail: String

    public init(file: String, line: Int, column: Int? = nil, reason: RejectionReason, detail: String) {
        self.file = file
        self.line = line
        self.column = column
        self.reason = reason
        self.detail = detail
    }

    /// `file:line:column: detail`, the form compilers use so editors can jump to it.
    public var description: String {
        "\(file):\(line):\(column.map(String.init) ?? "1"): \(detail) [\(reason.rawValue)]"
    }
}

/// Rows read, used and rejected, per file and in total. Nothing is lost without being counted here.
public struct IngestAccounting: Sendable, Codable, Equatable {
    public struct FileCount: Sendable, Codable, Equatable {
        public var file: String
        public var format: String
        public var bytes: Int
        public var rowsRead: Int
        public var rowsUsed: Int
        public var rejected: [String: Int]
        /// Rows kept whose profile had a field that could not be read (an account's creation date or
        /// follower count), by reason; the field is left unknown. Counted on every row it appears in.
        public var profileProblems: [String: Int]

        public init(file: String, format: String, bytes: Int = 0, rowsRead: Int = 0, rowsUsed: Int = 0, rejected: [String: Int] = [:],
                    profileProblems: [String: Int] = [:]) {
            self.file = file
            self.format = format
            self.bytes = bytes
            self.rowsRead = rowsRead
            self.rowsUsed = rowsUsed
            self.rejected = rejected
            self.profileProblems = profileProblems
        }
        public var rejectedTotal: Int { rejected.values.reduce(0, +) }
    }

    /// How many rejections are kept with their location.
    public static let exampleLimit = 20

    public var files: [FileCount] = []
    public var examples: [Rejection] = []
    /// The first profile problems with their location (`reason` says what kind: `bad_time`, `bad_number`).
    public var profileExamples: [Rejection] = []
    /// Files found in input folders that hold no posts or accounts, with what they are instead.
    public var skipped: [SkippedFile] = []

    public init() {}

    public var rowsRead: Int { files.reduce(0) { $0 + $1.rowsRead } }
    public var rowsUsed: Int { files.reduce(0) { $0 + $1.rowsUsed } }
    public var bytes: Int { files.reduce(0) { $0 + $1.bytes } }
    public var rejected: [String: Int] {
        files.reduce(into: [:]) { acc, f in for (k, v) in f.rejected { acc[k, default: 0] += v } }
    }
    public var rejectedTotal: Int { files.reduce(0) { $0 + $1.rejectedTotal } }
    public var profileProblems: [String: Int] {
        files.reduce(into: [:]) { acc, f in for (k, v) in f.profileProblems { acc[k, default: 0] += v } }
    }

    package mutating func merge(_ other: IngestAccounting) {
        files += other.files
        for e in other.examples where examples.count < Self.exampleLimit { examples.append(e) }
        for e in other.profileExamples where profileExamples.count < Self.exampleLimit { profileExamples.append(e) }
    }
}

/// A file in an input folder that was not read as posts or accounts.
public struct SkippedFile: Sendable, Codable, Equatable {
    /// What it holds: `followers` (a follower list), `watchlist`, or `other`.
    public var kind: String
    public var file: String
    public var reason: String
    public init(kind: String, file: String, reason: String) {
        self.kind = kind
        self.file = file
        self.reason = reason
    }
}

/// Collects rejections while a file is read; `strict` turns the first into a thrown error.
package struct RejectionLog: Sendable {
    package let file: String
    package let strict: Bool
    package private(set) var counts: [RejectionReason: Int] = [:]
    package private(set) var examples: [Rejection] = []
    /// Profile fields that could not be read, in rows that were kept.
    package private(set) var profileCounts: [RejectionReason: Int] = [:]
    package private(set) var profileExamples: [Rejection] = []

    package init(file: String, strict: Bool) {
        self.file = file
        self.strict = strict
    }

    package var total: Int { counts.values.reduce(0, +) }

    /// Turns chunk-relative line numbers into file line numbers (parallel readers number each
    /// chunk from zero and learn its first line only when the chunks before it are counted).
    package mutating func shiftLines(by offset: Int) {
        for k in examples.indices { examples[k].line += offset }
        for k in profileExamples.indices { profileExamples[k].line += offset }
    }

    package mutating func reject(line: Int, column: Int? = nil, _ reason: RejectionReason, _ detail: String) throws {
        counts[reason, default: 0] += 1
        let r = Rejection(file: file, line: line, column: column, reason: reason, detail: detail)
        if strict { throw r }
        if examples.count < IngestAccounting.exampleLimit { examples.append(r) }
    }

    /// A profile field that could not be read: the row is kept with the field unknown and the
    /// problem counted, except under `strict`, which stops at it as at a rejection.
    package mutating func profileProblem(line: Int, column: Int? = nil, _ reason: RejectionReason, _ detail: String) throws {
        profileCounts[reason, default: 0] += 1
        let r = Rejection(file: file, line: line, column: column, reason: reason, detail: detail)
        if strict { throw r }
        if profileExamples.count < IngestAccounting.exampleLimit { profileExamples.append(r) }
    }

    /// Rewrites the locations of the examples from `index` on (a driver placing a row's
    /// rejection on the line of the field at fault, which a handler knows only as an offset).
    package mutating func relocateExamples(from index: Int, _ change: (inout Rejection) -> Void) {
        for k in index..<examples.count { change(&examples[k]) }
    }

    /// Folds another log (a later chunk of the same file) into this one, keeping examples in line order.
    package mutating func absorb(_ other: RejectionLog) {
        for (k, v) in other.counts { counts[k, default: 0] += v }
        for e in other.examples where examples.count < IngestAccounting.exampleLimit { examples.append(e) }
        for (k, v) in other.profileCounts { profileCounts[k, default: 0] += v }
        for e in other.profileExamples where profileExamples.count < IngestAccounting.exampleLimit { profileExamples.append(e) }
    }

    package var countsByCode: [String: Int] {
        counts.reduce(into: [:]) { $0[$1.key.rawValue] = $1.value }
    }

    package var profileCountsByCode: [String: Int] {
        profileCounts.reduce(into: [:]) { $0[$1.key.rawValue] = $1.value }
    }
}
