import Foundation
import GRDB

/// The case file `case.sqlite` in a results folder: a run's results, the posts behind them and
/// analysts' labels. Results are replaced by every `analyze`; labels are kept. Schema: docs/case.md.
public enum CaseFile {
    /// The file name inside a results folder.
    public static let fileName = "case.sqlite"

    /// Layout of the results tables, stored as `PRAGMA user_version` and in `schema_version`.
    /// Labels evolve through ``migrator`` instead, so an older case's labels are carried forward.
    public static let schemaVersion = 1

    /// The case file of a results folder.
    public static func url(in directory: URL) -> URL { directory.appendingPathComponent(fileName) }

    /// Migrations of what outlives a run: labels. Results tables are rebuilt by each run.
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-labels") { db in
            // One row per verdict given, never updated: the latest row for a target is its label,
            // the earlier ones its history (nothing an analyst said is lost).
            try db.execute(sql: """
                CREATE TABLE labels (
                    id INTEGER PRIMARY KEY,
                    target_kind TEXT NOT NULL DEFAULT 'account' CHECK (target_kind IN ('account', 'cluster', 'operation')),
                    target_id TEXT NOT NULL,
                    account_id TEXT GENERATED ALWAYS AS (CASE WHEN target_kind = 'account' THEN target_id END) VIRTUAL,
                    verdict TEXT NOT NULL CHECK (verdict IN ('confirmed', 'dismissed', 'unsure')),
                    note TEXT NOT NULL DEFAULT '',
                    author TEXT NOT NULL DEFAULT '',
                    created_at TEXT NOT NULL
                );
                CREATE INDEX labels_target ON labels (target_kind, target_id, created_at);
                CREATE VIEW current_labels AS
                    SELECT l.* FROM labels l
                    WHERE l.id = (SELECT m.id FROM labels m WHERE m.target_kind = l.target_kind AND m.target_id = l.target_id
                                  ORDER BY m.created_at DESC, m.id DESC LIMIT 1);
                """)
        }
        return m
    }

    static func configuration(readOnly: Bool = false) -> Configuration {
        var c = Configuration()
        c.readonly = readOnly
        c.foreignKeysEnabled = true
        c.busyMode = .timeout(5)
        return c
    }

    /// Opens (and migrates) a case for reading and labelling. A rollback journal, not WAL: a
    /// re-run swaps the file by rename, and a WAL file left beside it would belong to the old one.
    public static func open(_ url: URL, readOnly: Bool = false) throws -> DatabaseQueue {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw CaseError(path: url.path, what: "no case file here", fix: "run `lockstep analyze INPUT --out \(url.deletingLastPathComponent().path)` first")
        }
        do {
            if readOnly { return try DatabaseQueue(path: url.path, configuration: configuration(readOnly: true)) }
            let queue = try DatabaseQueue(path: url.path, configuration: configuration())
            try migrator.migrate(queue)
            try queue.write { db in
                try ensureSearchIndex(db)
                try ensureGroupIndex(db)
            }
            return queue
        } catch let e as DatabaseError {
            throw CaseError(path: url.path, what: "cannot be opened as a case (\(e.resultCode): \(e.message ?? ""))",
                            fix: "check it is a case.sqlite written by `lockstep analyze`; re-run analyze to rebuild it (labels are kept only if the file is readable)")
        }
    }
}

extension CaseFile {
    /// Builds the full-text index over the posts' text when the case has none: `analyze` leaves it
    /// to the first writable open (`serve`, `labels`), because building it there would lengthen every
    /// run by about a second per million stored posts for a search most runs never use.
    /// detail=none keeps only which posts hold a word (not where): a third of the build time and
    /// size; searches are words ANDed together (CaseQueries.ftsQuery), which needs no positions.
    static func ensureSearchIndex(_ db: Database) throws {
        guard try db.tableExists("posts"), try !db.tableExists("posts_fts") else { return }
        try db.execute(sql: "CREATE VIRTUAL TABLE posts_fts USING fts5(text, content='posts', content_rowid='rowid', detail=none)")
        try db.execute(sql: "INSERT INTO posts_fts (posts_fts) VALUES ('rebuild')")
    }

    /// The index a cluster or operation page reads its narratives by (the group's top terms): left
    /// to the first writable open with the full-text index, for the same reason (0.2 s per 500,000
    /// narrative rows on every run, for pages most runs never serve). Without it a group page scans
    /// every narrative row (90 ms at 527,000 rows).
    static func ensureGroupIndex(_ db: Database) throws {
        guard try db.tableExists("narratives") else { return }
        let columns = try db.columns(in: "narratives").map(\.name)
        guard columns.contains("group"), columns.contains("count") else { return }
        try db.execute(sql: "CREATE INDEX IF NOT EXISTS narratives_group ON narratives (\"group\", count)")
    }
}

/// A case file problem: what, where, and how to fix it.
public struct CaseError: Error, CustomStringConvertible {
    public var path: String
    public var what: String
    public var fix: String
    public var description: String { "\(path): \(what); \(fix)" }

    public init(path: String, what: String, fix: String) {
        self.path = path
        self.what = what
        self.fix = fix
    }
}
