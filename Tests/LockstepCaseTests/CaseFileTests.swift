import Foundation
import GRDB
import LockstepAnalysis
import LockstepCore
import LockstepIngest
import LockstepReport
import Testing
@testable import LockstepCase

/// The example run, analysed once for the suite: its results folder is copied per test.
struct ExampleRun: Sendable {
    let dataset: Dataset
    let run: AnalysisRun
    let folder: URL

    static let shared: ExampleRun = {
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Examples/troll-factory")
        var dataset = try! Ingest.load([example.path])
        var context = AnalysisContext()
        (context.followers, context.watchlist) = try! Ingest.sideInputs(of: &dataset, followers: [], watchlists: [], strict: false)
        let run = try! AnalysisRun.run(AnalysisCatalogue.all, on: dataset, options: AnalysisOptions(), context: context)
        let folder = scratch()
        try! ResultsWriter.write(dataset: dataset, run: run, inputs: [example.path], directory: folder)
        return ExampleRun(dataset: dataset, run: run, folder: folder)
    }()

    /// A fresh results folder holding the example's files (no case yet).
    func copy() throws -> URL {
        let d = scratch()
        for f in try FileManager.default.contentsOfDirectory(atPath: folder.path) where f != CaseFile.fileName {
            try FileManager.default.copyItem(at: folder.appendingPathComponent(f), to: d.appendingPathComponent(f))
        }
        return d
    }

    @discardableResult
    func writeCase(_ dir: URL, posts: CaseWriter.Posts = .evidence) throws -> CaseWriter.Written {
        try CaseWriter.write(dataset: dataset, run: run, directory: dir, posts: posts)
    }
}

func scratch() -> URL {
    let d = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-case-tests").appendingPathComponent(UUID().uuidString)
    try! FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
    return d
}

@Suite struct CaseFileTests {
    let example = ExampleRun.shared

    @Test func holdsTheContractTablesAndVersion() throws {
        let dir = try example.copy()
        try example.writeCase(dir)
        let db = try CaseFile.open(CaseFile.url(in: dir))
        try db.read { db in
            for t in ["accounts", "posts", "edges", "clusters", "evidence", "partners", "labels", "runs", "narratives", "follower_surges", "operations", "schema_version"] {
                #expect(try db.tableExists(t), "table \(t)")
            }
            #expect(try Int.fetchOne(db, sql: "PRAGMA user_version") == CaseFile.schemaVersion)
            #expect(try Int.fetchOne(db, sql: "SELECT version FROM schema_version") == CaseFile.schemaVersion)
            let labelColumns = Set(try db.columns(in: "labels").map(\.name))
            #expect(labelColumns.isSuperset(of: ["account_id", "verdict", "note", "author", "created_at"]))
            // Declared foreign keys hold.
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
            #expect(try String.fetchOne(db, sql: "SELECT summary FROM runs")?.contains("\"findings\"") == true)
        }
    }

    @Test func accountsHoldEveryColumnAndRowOfAccountsCSV() throws {
        let dir = try example.copy()
        try example.writeCase(dir)
        let csv = try SimpleCSV.read(dir.appendingPathComponent("accounts.csv"))
        let db = try CaseFile.open(CaseFile.url(in: dir))
        try db.read { db in
            #expect(try db.columns(in: "accounts").map(\.name) == csv.header)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM accounts") == csv.rows.count)
            // Every cell, as text, equals the CSV's (numbers come back in the same form).
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM accounts")
            var byID: [String: [String: String]] = [:]
            for r in rows { byID[r["account_id"]] = CaseQueries.strings(r) }
            var mismatches = 0
            for row in csv.rows {
                let stored = byID[row[0]] ?? [:]
                for (k, name) in csv.header.enumerated() where stored[name] ?? "" != row[k] {
                    if Double(row[k]) == Double(stored[name] ?? "x") { continue }
                    mismatches += 1
                }
            }
            #expect(mismatches == 0)
        }
    }

    @Test func storesEveryPostOfFlaggedClusteredAndHijackSuspectAccounts() throws {
        let dir = try example.copy()
        let written = try example.writeCase(dir)
        let db = try CaseFile.open(CaseFile.url(in: dir))
        let ds = example.dataset
        try db.read { db in
            let ids = try String.fetchAll(db, sql: "SELECT account_id FROM accounts WHERE flagged = 'true' OR cluster IS NOT NULL OR hijack_suspect = 'true'")
            #expect(!ids.isEmpty)
            var index: [String: Int32] = [:]
            for a in ds.accountsInData { index[ds.accountID(of: a)] = a }
            let expected = ids.reduce(0) { $0 + ds.postCount(of: index[$1]!) }
            #expect(written.posts == expected)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM posts") == expected)
            // Text search finds a stored post's words.
            let text = try String.fetchOne(db, sql: "SELECT text FROM posts WHERE length(text) > 20 LIMIT 1")!
            let word = text.split(separator: " ").first { $0.count > 4 && $0.allSatisfy(\.isLetter) }.map(String.init) ?? ""
            if !word.isEmpty {
                #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM posts_fts WHERE posts_fts MATCH ?", arguments: [CaseQueries.ftsQuery(word)])! > 0)
            }
        }
        let all = try example.copy()
        #expect(try example.writeCase(all, posts: .all).posts == ds.posts.count)
    }

    @Test func labelsSurviveARerunAndReopening() throws {
        let dir = try example.copy()
        try example.writeCase(dir)
        let url = CaseFile.url(in: dir)
        let target = try CaseFile.open(url).read { try String.fetchOne($0, sql: "SELECT account_id FROM accounts WHERE flagged = 'true' LIMIT 1")! }
        try CaseFile.open(url).write { db in
            try Labels.add(Label(target: target, verdict: .dismissed, note: "first look", author: "ana", createdAt: "2026-01-01T00:00:00Z"), to: db)
            try Labels.add(Label(target: target, verdict: .confirmed, note: "same client, \"same\" minute", author: "ana", createdAt: "2026-01-02T00:00:00Z"), to: db)
            try Labels.add(Label(kind: .cluster, target: "1", verdict: .unsure, author: "bo", createdAt: "2026-01-02T00:00:00Z"), to: db)
        }
        let again = try example.writeCase(dir)
        #expect(again.labelsKept == 3)
        // A second re-run keeps them too, and the file is a new one each time (the swap).
        try example.writeCase(dir)
        let db = try CaseFile.open(url)
        try db.read { db in
            let current = try Labels.current(.account, target, in: db)
            #expect(current?.verdict == .confirmed)
            #expect(current?.note == "same client, \"same\" minute")
            #expect(try Labels.history(.account, target, in: db).count == 2)
            #expect(try Labels.current(.cluster, "1", in: db)?.verdict == .unsure)
            #expect(try String.fetchOne(db, sql: "SELECT verdict FROM current_labels WHERE account_id = ?", arguments: [target]) == "confirmed")
        }
    }

    @Test func labelsRoundTripThroughAnExport() throws {
        let a = try example.copy(), b = try example.copy()
        try example.writeCase(a)
        try example.writeCase(b)
        let labels = [
            Label(target: "35908873", verdict: .confirmed, note: "a, \"quoted\"\nsecond line", author: "ana", createdAt: "2026-01-01T00:00:00Z"),
            Label(kind: .operation, target: "op-1", verdict: .dismissed, note: "=1+1", author: "bo", createdAt: "2026-01-03T00:00:00Z"),
        ]
        try CaseFile.open(CaseFile.url(in: a)).write { db in for l in labels { try Labels.add(l, to: db) } }
        let text = Labels.exportCSV(try CaseFile.open(CaseFile.url(in: a)).read { try Labels.all(in: $0) })
        let parsed = try Labels.parseCSV(text, file: "labels.csv")
        #expect(parsed == labels)
        let dbB = try CaseFile.open(CaseFile.url(in: b))
        #expect(try dbB.write { try Labels.importLabels(parsed, into: $0) } == 2)
        #expect(try dbB.write { try Labels.importLabels(parsed, into: $0) } == 0, "importing twice adds nothing")
        #expect(try dbB.read { try Labels.all(in: $0) } == labels)
    }

    @Test func aBadLabelsFileSaysWhichLine() throws {
        #expect(throws: CaseError.self) { try Labels.parseCSV("target_id,verdict\n1,confirmed\n2,maybe\n", file: "x.csv") }
        do { _ = try Labels.parseCSV("target_id,verdict\n1,confirmed\n2,maybe\n", file: "x.csv") } catch let e as CaseError {
            #expect(e.path == "x.csv:3")
        }
        #expect(throws: CaseError.self) { try Labels.parseCSV("id,population\n1,core\n", file: "truth.csv") }
    }

    @Test func labelsBecomeTruthForEvaluate() {
        let labels = [
            Label(target: "1", verdict: .dismissed, createdAt: "2026-01-01T00:00:00Z"),
            Label(target: "1", verdict: .confirmed, createdAt: "2026-01-02T00:00:00Z"),  // the later verdict counts
            Label(target: "2", verdict: .dismissed, createdAt: "2026-01-01T00:00:00Z"),
            Label(target: "3", verdict: .unsure, createdAt: "2026-01-01T00:00:00Z"),     // left out
            Label(kind: .cluster, target: "4", verdict: .confirmed, createdAt: "2026-01-01T00:00:00Z"),  // not an account
        ]
        #expect(Labels.truthCSV(labels) == "account_id,population\n1,analyst_confirmed\n2,organic\n")
    }

    @Test func anUnreadableOldCaseStopsTheRunAndIsLeftAlone() throws {
        let dir = try example.copy()
        let url = CaseFile.url(in: dir)
        try Data("not a database, but maybe someone's labels".utf8).write(to: url)
        #expect(throws: CaseError.self) { try example.writeCase(dir) }
        #expect(try String(contentsOf: url, encoding: .utf8) == "not a database, but maybe someone's labels")
        #expect(!FileManager.default.fileExists(atPath: url.path + ".new"))
    }

    @Test func accountQueriesSearchFilterSortAndPage() throws {
        let dir = try example.copy()
        try example.writeCase(dir)
        let db = try CaseFile.open(CaseFile.url(in: dir))
        try db.read { db in
            var q = AccountQuery()
            q.q = "@sarah9"  // handle prefix, any case, with or without @
            let found = try CaseQueries.accounts(q, in: db)
            #expect(found.rows.contains { $0["handle"] == "Sarah9117" })
            q = AccountQuery(parameters: ["flagged": "true", "sort": "-score"])
            let flagged = try CaseQueries.accounts(q, in: db)
            #expect(flagged.total == (try Int.fetchOne(db, sql: "SELECT count(*) FROM accounts WHERE flagged = 'true'")))
            let scores = flagged.rows.compactMap { Double($0["score"] ?? "") }
            #expect(scores == scores.sorted(by: >))
            var p1 = AccountQuery(parameters: ["sort": "handle"]), p2 = p1
            p2.page = 2
            let a = try CaseQueries.accounts(p1, in: db).rows.map { $0["account_id"]! }
            let b = try CaseQueries.accounts(p2, in: db).rows.map { $0["account_id"]! }
            #expect(a.count == p1.pageSize && Set(a).isDisjoint(with: b))
            // Unknown sort columns and hostile search text are data, never SQL.
            p1.sort = "score; DROP TABLE accounts"
            p1.q = "\" OR 1=1 --"
            #expect(try CaseQueries.accounts(p1, in: db).total == 0)
            #expect(try db.tableExists("accounts"))
            let reason = try CaseQueries.accounts(AccountQuery(parameters: ["reason": "hijacked"]), in: db)
            #expect(reason.total > 0 && reason.rows.allSatisfy { ($0["reasons"] ?? "").contains("hijacked") })
        }
        // The reason filter (an index range over account_reasons) finds exactly the accounts whose
        // reasons hold a code starting with it, as matching the text does on a case without the table.
        var byIndex: [String: [String]] = [:]
        for code in ["hijacked", "coordinated_cluster", "Coordinated_Cluster:", "office_hours_utc+", "no_such_reason"] {
            try db.read { db in
                #expect(try db.tableExists("account_reasons"))
                let expected = try Int.fetchOne(db, sql: "SELECT count(*) FROM accounts WHERE (';' || lower(reasons)) LIKE ? ESCAPE '\\'",
                                                arguments: ["%;" + code.lowercased().replacingOccurrences(of: "_", with: "\\_") + "%"]) ?? -1
                let page = try CaseQueries.accounts(AccountQuery(parameters: ["reason": code, "sort": "created"]), in: db)
                #expect(page.total == expected, "reason \(code)")
                byIndex[code] = page.rows.map { $0["account_id"]! }
            }
        }
        #expect((byIndex["coordinated_cluster"]?.count ?? 0) > 0 && byIndex["no_such_reason"] == [])
        try db.write { try $0.execute(sql: "DROP TABLE account_reasons") }
        try db.read { db in
            for code in ["hijacked", "coordinated_cluster", "office_hours_utc+"] {
                let page = try CaseQueries.accounts(AccountQuery(parameters: ["reason": code, "sort": "created"]), in: db)
                #expect(page.rows.map { $0["account_id"]! } == byIndex[code], "reason \(code) without account_reasons")
            }
        }
        try db.write { try Labels.add(Label(target: "35908873", verdict: .confirmed, createdAt: "2026-01-01T00:00:00Z"), to: $0) }
        try db.read { db in
            let confirmed = try CaseQueries.accounts(AccountQuery(parameters: ["label": "confirmed"]), in: db)
            #expect(confirmed.rows.map { $0["account_id"] } == ["35908873"] && confirmed.rows[0]["label"] == "confirmed")
            let none = try CaseQueries.accounts(AccountQuery(parameters: ["label": "none"]), in: db)
            #expect(none.total == (try Int.fetchOne(db, sql: "SELECT count(*) FROM accounts"))! - 1)
        }
    }

    @Test(arguments: [
        // plain, quoted with comma, doubled quotes, newline inside quotes, CRLF, empty last field
        ("a,b\n1,2\n", [["a", "b"], ["1", "2"]]),
        ("a,b\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n", [["a", "b"], ["x,y", "say \"hi\""]]),
        ("a,b\n\"two\nlines\",\n", [["a", "b"], ["two\nlines", ""]]),
        ("\u{FEFF}a\n1", [["a"], ["1"]]),
    ])
    func csvBytesReadsWhatTheWritersWrite(text: String, expected: [[String]]) {
        var records: [[String]] = []
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { raw in
            var r = CSVBytes(UnsafeRawBufferPointer(raw))
            while r.advance() { records.append((0..<r.fieldCount).map { r.string($0) }) }
        }
        #expect(records == expected)
    }
}
