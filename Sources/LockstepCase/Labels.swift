import Foundation
import GRDB
import LockstepCore

/// An analyst's verdict on an account, cluster or operation.
public struct Label: Sendable, Equatable, Codable {
    /// What the verdict is about.
    public enum Kind: String, Sendable, Codable, CaseIterable { case account, cluster, operation }
    /// The verdicts an analyst can give.
    public enum Verdict: String, Sendable, Codable, CaseIterable { case confirmed, dismissed, unsure }

    public var kind: Kind
    public var target: String
    public var verdict: Verdict
    public var note: String
    public var author: String
    /// ISO 8601 UTC.
    public var createdAt: String

    public init(kind: Kind = .account, target: String, verdict: Verdict, note: String = "", author: String = "", createdAt: String) {
        self.kind = kind
        self.target = target
        self.verdict = verdict
        self.note = note
        self.author = author
        self.createdAt = createdAt
    }

    init(row: Row) {
        kind = Kind(rawValue: row["target_kind"]) ?? .account
        target = row["target_id"]
        verdict = Verdict(rawValue: row["verdict"]) ?? .unsure
        note = row["note"]
        author = row["author"]
        createdAt = row["created_at"]
    }
}

/// Reads and writes the labels of a case; labels export and import as CSV.
public enum Labels {
    /// Header of a labels export, which `labels import` and `evaluate --truth` read.
    public static let csvHeader = ["target_kind", "target_id", "verdict", "note", "author", "created_at"]

    /// Longest note or author kept; a longer one is refused rather than cut.
    public static let maxNoteBytes = 10_000

    /// Adds a verdict (the earlier ones stay as history).
    public static func add(_ l: Label, to db: Database) throws {
        guard !l.target.isEmpty, l.note.utf8.count <= maxNoteBytes, l.author.utf8.count <= 200 else {
            throw CaseError(path: "labels", what: "label for \(l.kind.rawValue) '\(l.target.prefix(40))' refused: empty target or a note over \(maxNoteBytes) bytes / author over 200",
                            fix: "shorten the note or author")
        }
        try db.execute(sql: "INSERT INTO labels (target_kind, target_id, verdict, note, author, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [l.kind.rawValue, l.target, l.verdict.rawValue, l.note, l.author, l.createdAt])
    }

    /// The current label of a target, or nil.
    public static func current(_ kind: Label.Kind, _ target: String, in db: Database) throws -> Label? {
        try Row.fetchOne(db, sql: "SELECT * FROM labels WHERE target_kind = ? AND target_id = ? ORDER BY created_at DESC, id DESC LIMIT 1",
                         arguments: [kind.rawValue, target]).map(Label.init(row:))
    }

    /// Every verdict given on a target, newest first.
    public static func history(_ kind: Label.Kind, _ target: String, in db: Database) throws -> [Label] {
        try Row.fetchAll(db, sql: "SELECT * FROM labels WHERE target_kind = ? AND target_id = ? ORDER BY created_at DESC, id DESC",
                         arguments: [kind.rawValue, target]).map(Label.init(row:))
    }

    /// Every label row, oldest first (the export: history travels too).
    public static func all(in db: Database) throws -> [Label] {
        try Row.fetchAll(db, sql: "SELECT * FROM labels ORDER BY created_at, id").map(Label.init(row:))
    }

    /// The export as CSV text.
    public static func exportCSV(_ labels: [Label]) -> String {
        var out = csvHeader.joined(separator: ",") + "\n"
        for l in labels {
            out += [l.kind.rawValue, l.target, l.verdict.rawValue, l.note, l.author, l.createdAt].map(csvField).joined(separator: ",") + "\n"
        }
        return out
    }

    /// Parses an export; a bad row stops with its line number and what is wrong.
    public static func parseCSV(_ text: String, file: String) throws -> [Label] {
        let csv = SimpleCSV(text: text)
        func col(_ n: String) -> Int? { csv.column(n) }
        guard let t = col("target_id") ?? col("account_id"), let v = col("verdict") else {
            throw CaseError(path: file, what: "not a labels export: needs columns target_id (or account_id) and verdict, found \(csv.header.joined(separator: ","))",
                            fix: "use a file written by `lockstep labels export`")
        }
        let k = col("target_kind"), n = col("note"), a = col("author"), c = col("created_at")
        var out: [Label] = []
        for (i, row) in csv.rows.enumerated() {
            let line = i + 2
            let kindText = k.map { row[$0].isEmpty ? "account" : row[$0] } ?? "account"
            guard let kind = Label.Kind(rawValue: kindText) else {
                throw CaseError(path: "\(file):\(line)", what: "target_kind '\(kindText.prefix(40))' is not account, cluster or operation", fix: "correct or remove the row")
            }
            guard let verdict = Label.Verdict(rawValue: row[v].lowercased()) else {
                throw CaseError(path: "\(file):\(line)", what: "verdict '\(row[v].prefix(40))' is not confirmed, dismissed or unsure", fix: "correct or remove the row")
            }
            guard !row[t].isEmpty else {
                throw CaseError(path: "\(file):\(line)", what: "empty target_id", fix: "correct or remove the row")
            }
            out.append(Label(kind: kind, target: row[t], verdict: verdict, note: n.map { row[$0] } ?? "",
                             author: a.map { row[$0] } ?? "", createdAt: c.map { row[$0] }.flatMap { $0.isEmpty ? nil : $0 } ?? CaseWriter.now()))
        }
        return out
    }

    /// Adds the labels not already in the case (same target, verdict, note, author and time);
    /// returns how many were added.
    public static func importLabels(_ labels: [Label], into db: Database) throws -> Int {
        var added = 0
        for l in labels {
            let exists = try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM labels WHERE target_kind = ? AND target_id = ? AND verdict = ? AND note = ? AND author = ? AND created_at = ?)
                """, arguments: [l.kind.rawValue, l.target, l.verdict.rawValue, l.note, l.author, l.createdAt]) ?? false
            if !exists {
                try add(l, to: db)
                added += 1
            }
        }
        return added
    }

    /// A labels export as a truth file for `evaluate`: the current verdict per account; confirmed
    /// accounts are positives (population `analyst_confirmed`), dismissed ones negatives (`organic`),
    /// unsure ones left out.
    public static func truthCSV(_ labels: [Label]) -> String {
        var latest: [String: Label] = [:]
        var order: [String] = []
        for l in labels where l.kind == .account {
            if let old = latest[l.target] {
                if l.createdAt >= old.createdAt { latest[l.target] = l }
            } else {
                latest[l.target] = l
                order.append(l.target)
            }
        }
        var out = "account_id,population\n"
        for id in order {
            switch latest[id]!.verdict {
            case .confirmed: out += csvField(id) + ",analyst_confirmed\n"
            case .dismissed: out += csvField(id) + ",organic\n"
            case .unsure: continue
            }
        }
        return out
    }

    static func csvField(_ s: String) -> String {
        // A leading = + - @ is left as typed: the export is data for Lockstep, not a spreadsheet;
        // docs/case.md says to import it as text.
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
