import Foundation
import GRDB

/// A page of the accounts table: search, filters, sort and paging, as `/accounts` takes them.
public struct AccountQuery: Sendable, Equatable {
    /// Account id (exact), handle (prefix, any case) or words in the account's stored posts.
    public var q = ""
    /// `true` or `false`; empty for any.
    public var flagged = ""
    public var role = ""
    public var cluster = ""
    public var operation = ""
    /// `confirmed`, `dismissed`, `unsure`, or `none` for accounts without a label.
    public var label = ""
    /// A reason code, or the start of one (`coordinated_cluster`).
    public var reason = ""
    /// A column of `accounts`; `-` first for descending. Default: score, highest first.
    public var sort = "-score"
    /// From 1.
    public var page = 1
    public var pageSize = 50

    public init() {}

    /// Reads the query parameters; unknown or malformed ones fall back to the defaults.
    public init(parameters p: [String: String]) {
        q = String((p["q"] ?? "").trimmingCharacters(in: .whitespaces).prefix(200))
        flagged = p["flagged"] ?? ""
        role = p["role"] ?? ""
        cluster = p["cluster"] ?? ""
        operation = p["operation"] ?? ""
        label = p["label"] ?? ""
        reason = p["reason"] ?? ""
        if let s = p["sort"], !s.isEmpty { sort = s }
        page = max(1, min(Int(p["page"] ?? "") ?? 1, 1_000_000))
    }
}

/// One page of accounts and how many match in all.
public struct AccountPage: Sendable {
    public var columns: [String]
    public var rows: [[String: String]]
    public var total: Int
    public var query: AccountQuery
    /// The sort actually used (an unknown column falls back to the default).
    public var sort: String
}

/// The reads the workspace makes, each one indexed (see ``CaseWriter/createIndexes(_:)``).
public enum CaseQueries {
    /// Columns shown in the accounts table when the case has them.
    public static let listColumns = ["account_id", "handle", "posts", "followers", "flagged", "role", "score", "cluster", "operation", "hijack_suspect", "reasons"]

    public static func accountColumns(_ db: Database) throws -> [String] {
        try db.columns(in: "accounts").map(\.name)
    }

    public static func accounts(_ query: AccountQuery, in db: Database) throws -> AccountPage {
        let all = try accountColumns(db)
        let shown = listColumns.filter { all.contains($0) }
        var clauses: [String] = []
        var args: [any DatabaseValueConvertible] = []
        // The account the search names comes first: exact id or handle, then handles it starts, then posts.
        var rank = ""
        var rankArgs: [any DatabaseValueConvertible] = []
        if !query.q.isEmpty {
            let handle = query.q.hasPrefix("@") ? String(query.q.dropFirst()) : query.q
            var parts = ["a.account_id = ?", "a.handle LIKE ? ESCAPE '\\'"]
            args += [query.q, likePrefix(handle)]
            rank = "CASE WHEN a.account_id = ? OR a.handle = ? COLLATE NOCASE THEN 0 WHEN a.handle LIKE ? ESCAPE '\\' THEN 1 ELSE 2 END, "
            rankArgs = [query.q, handle, likePrefix(handle)]
            if try db.tableExists("posts_fts"), !ftsQuery(query.q).isEmpty {
                parts.append("a.account_id IN (SELECT p.account_id FROM posts p WHERE p.rowid IN (SELECT rowid FROM posts_fts WHERE posts_fts MATCH ?))")
                args.append(ftsQuery(query.q))
            }
            clauses.append("(" + parts.joined(separator: " OR ") + ")")
        }
        if query.flagged == "true" { clauses.append("a.flagged = 'true'") }
        if query.flagged == "false" { clauses.append("a.flagged IS NOT 'true'") }
        for (name, value) in [("role", query.role), ("cluster", query.cluster), ("operation", query.operation)] where !value.isEmpty && all.contains(name) {
            clauses.append("a.\(name) = ?")
            args.append(value)
        }
        // A reason code or the start of one: an index range over `account_reasons` (cases written
        // before it existed fall back to matching the `reasons` text).
        let reasonIndexed = try !query.reason.isEmpty && db.tableExists("account_reasons")
        if reasonIndexed {
            let code = query.reason.lowercased()
            clauses.append("a.rowid IN (SELECT account_rowid FROM account_reasons WHERE reason >= ? AND reason < ?)")
            args += [code, code + "\u{10FFFF}"]
        } else if !query.reason.isEmpty, all.contains("reasons") {
            clauses.append("(';' || a.reasons) LIKE ? ESCAPE '\\'")
            args.append("%;" + likeEscape(query.reason) + "%")
        }
        switch query.label {
        case "confirmed", "dismissed", "unsure":
            clauses.append("a.account_id IN (SELECT target_id FROM current_labels WHERE target_kind = 'account' AND verdict = ?)")
            args.append(query.label)
        case "none":
            clauses.append("a.account_id NOT IN (SELECT target_id FROM labels WHERE target_kind = 'account')")
        default: break
        }
        let descending = query.sort.hasPrefix("-")
        var sortColumn = descending ? String(query.sort.dropFirst()) : query.sort
        if !all.contains(sortColumn) { sortColumn = all.contains("score") ? "score" : "account_id" }
        let sort = (descending ? "-" : "") + sortColumn
        let whereSQL = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
        let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM accounts a" + whereSQL, arguments: StatementArguments(args)) ?? 0
        let select = shown.map { "a.\(CSVTable.quote($0))" }.joined(separator: ", ")
        // The row order (accounts.csv's) breaks ties so pages never overlap; sorting by the column
        // and rowid in one direction lets the column's index deliver the page without sorting the
        // table (SQLite puts NULLs first ascending, last descending).
        let direction = descending ? "DESC" : "ASC"
        // Without `account_reasons` a reason is matched inside a text column no index serves: walking the sort column's index
        // would fetch every row to test it (5x the CPU of scanning and sorting the matches), so `+`
        // keeps the planner off that index.
        let unindexed = !reasonIndexed && !query.reason.isEmpty && all.contains("reasons")
        let order = rank + "\(unindexed ? "+" : "")a.\(CSVTable.quote(sortColumn)) \(direction), a.rowid \(direction)"
        let sql = """
            SELECT \(select),
                   (SELECT verdict FROM labels l WHERE l.target_kind = 'account' AND l.target_id = a.account_id ORDER BY l.created_at DESC, l.id DESC LIMIT 1) AS label
            FROM accounts a\(whereSQL) ORDER BY \(order) LIMIT ? OFFSET ?
            """
        let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args + rankArgs + [query.pageSize, (query.page - 1) * query.pageSize]))
        return AccountPage(columns: shown + ["label"], rows: rows.map(strings), total: total, query: query, sort: sort)
    }

    /// A row as display strings (NULL as empty).
    public static func strings(_ row: Row) -> [String: String] {
        var d: [String: String] = [:]
        for (k, v) in row { d[k] = display(v) }
        return d
    }

    /// Rows as ordered (column, value) pairs, for tables showing every column.
    public static func pairs(_ row: Row) -> [(String, String)] {
        row.map { ($0.0, display($0.1)) }
    }

    static func display(_ v: DatabaseValue) -> String {
        switch v.storage {
        case .null: ""
        case .int64(let i): String(i)
        case .double(let d): d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .string(let s): s
        case .blob(let b): "\(b.count) bytes"
        }
    }

    static func likeEscape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    static func likePrefix(_ s: String) -> String { likeEscape(s) + "%" }

    /// The query's words, each an FTS5 string ANDed with the others: the user's quotes and
    /// operators are text, never syntax.
    static func ftsQuery(_ s: String) -> String {
        // Split as the tokenizer does (letters and digits), so no string becomes a phrase.
        let words = s.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).prefix(16)
        return words.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: " ")
    }
}
