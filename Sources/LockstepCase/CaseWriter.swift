import Foundation
import GRDB
import GRDBSQLite
import LockstepAnalysis
import LockstepCore

/// Writes `case.sqlite` into a results folder after the other outputs: every CSV as a table of the
/// same columns, the evidence, the run, and posts; labels already in the folder's case are kept.
public enum CaseWriter {
    /// Which posts the case holds.
    public enum Posts: String, Sendable, CaseIterable {
        /// Every post of a flagged, clustered or hijack-suspect account (the evidence behind flags).
        case evidence
        /// Every post in the input.
        case all
        /// No posts.
        case none
    }

    /// What a write did, for the terminal and BENCHMARKS.md.
    public struct Written: Sendable {
        public var accounts = 0
        public var posts = 0
        public var labelsKept = 0
        /// Wall time the case added to the run: starting it, waiting for the posts, results and swap.
        public var seconds = 0.0
        /// Wall time of the posts, their index and full-text index, built alongside the other outputs.
        public var postsSeconds = 0.0
    }

    /// Builds the case next to the old one and swaps it in, so a failure leaves the old case (and
    /// its labels) untouched. Needs the other outputs already in `directory`.
    @discardableResult
    public static func write(dataset ds: Dataset, run: AnalysisRun, directory: URL, posts: Posts = .evidence) throws -> Written {
        try begin(dataset: ds, run: run, directory: directory, posts: posts).finish()
    }

    /// Starts the case: its posts (the bulk of its cost, needing only the dataset and the flags) are
    /// written on a thread of their own while the caller writes the other outputs, then
    /// ``Building/finish()`` adds the results copied from those outputs. `analyze` would otherwise
    /// wait for the posts after everything else.
    public static func begin(dataset ds: Dataset, run: AnalysisRun, directory: URL, posts: Posts = .evidence) throws -> Building {
        let opened = ContinuousClock.now
        let fresh = directory.appendingPathComponent(CaseFile.fileName + ".new")
        try? FileManager.default.removeItem(at: fresh)
        var config = Configuration()
        // Foreign keys are declared for sqlite3 and Datasette, and checked by the tests; while the
        // case is built they are not enforced (rows arrive table by table, and checks cost time).
        config.foreignKeysEnabled = false
        // A half-written file is discarded, never read: no journal, no syncs until the swap.
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA page_size = 8192; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY")
        }
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: fresh.path, configuration: config)
            try CaseFile.migrator.migrate(queue)
        } catch {
            try? FileManager.default.removeItem(at: fresh)
            throw error
        }
        let building = Building(queue: queue, fresh: fresh, target: CaseFile.url(in: directory), directory: directory, dataset: ds, run: run)
        building.startPosts(posts)
        building.beginSeconds = seconds(building.clock.now - opened)
        return building
    }

    /// A case being built; ``finish()`` or ``discard()`` must follow.
    public final class Building: @unchecked Sendable {
        let queue: DatabaseQueue
        let fresh: URL
        let target: URL
        let directory: URL
        let dataset: Dataset
        let run: AnalysisRun
        let clock = ContinuousClock()
        // Set by the posts thread before it leaves `done`, read after `done.wait()`: never at once.
        private let done = DispatchGroup()
        private var postsResult: Result<Int, any Error> = .success(0)
        private var postsSeconds = 0.0
        var beginSeconds = 0.0

        init(queue: DatabaseQueue, fresh: URL, target: URL, directory: URL, dataset: Dataset, run: AnalysisRun) {
            self.queue = queue
            self.fresh = fresh
            self.target = target
            self.directory = directory
            self.dataset = dataset
            self.run = run
        }

        func startPosts(_ which: Posts) {
            done.enter()
            // Its own thread, not a pool's: the other writers fill the pool, and the posts are the longest job.
            let thread = Thread { [self] in
                let t0 = clock.now
                let m0 = mark()
                postsResult = Result {
                    try queue.inDatabase { db in
                        try db.execute(sql: "BEGIN")
                        let n = try CaseWriter.writePosts(dataset, run, which, db)
                        lap("posts", m0)
                        let m1 = mark()
                        try CaseWriter.createPostIndexes(db)
                        lap("posts index", m1)
                        // The evidence comes from the run, not from a file: it need not wait either.
                        let m2 = mark()
                        try CaseWriter.writeEvidence(run, db)
                        lap("evidence and partners", m2)
                        try db.execute(sql: "COMMIT")
                        return n
                    }
                }
                postsSeconds = CaseWriter.seconds(clock.now - t0)
                done.leave()
            }
            // SQLite recurses; a secondary thread's default stack is 512 KiB on Darwin.
            thread.stackSize = 8 << 20
            thread.start()
        }

        /// Waits for the posts, copies the results from the outputs already written, keeps the old
        /// case's labels and swaps the new case in.
        public func finish() throws -> Written {
            let waitStart = clock.now
            let waitMark = mark()
            done.wait()
            lap("waiting for posts", waitMark)
            var written = Written()
            written.postsSeconds = postsSeconds
            do {
                written.posts = try postsResult.get()
                try queue.inDatabase { db in
                    try db.execute(sql: "BEGIN")
                    var m = mark()
                    try CaseWriter.writeResults(dataset, run, directory, db, &written)
                    lap("results", m)
                    m = mark()
                    try CaseWriter.createResultIndexes(db)
                    lap("results indexes", m)
                    try db.execute(sql: "COMMIT")
                    // ATTACH cannot run inside a transaction.
                    written.labelsKept = try CaseWriter.carryLabels(from: target, into: db)
                    try db.execute(sql: "PRAGMA user_version = \(CaseFile.schemaVersion)")
                }
                try queue.close()
            } catch {
                try? queue.close()
                try? FileManager.default.removeItem(at: fresh)
                throw error
            }
            // rename(2) replaces the old file in one step: a reader sees the old case or the new one.
            guard rename(fresh.path, target.path) == 0 else {
                throw CaseError(path: target.path, what: "cannot replace the case file (\(String(cString: strerror(errno))))",
                                fix: "check the folder is writable; the new case is left at \(fresh.path)")
            }
            written.seconds = beginSeconds + CaseWriter.seconds(clock.now - waitStart)
            return written
        }

        /// Abandons the case (another output failed): the old case stays as it was.
        public func discard() {
            done.wait()
            try? queue.close()
            try? FileManager.default.removeItem(at: fresh)
        }

        /// A phase's start: wall clock and this thread's CPU time.
        struct Mark {
            var wall: ContinuousClock.Instant
            var cpu: Double
        }

        func mark() -> Mark { Mark(wall: clock.now, cpu: Self.threadCPU()) }

        // LOCKSTEP_CASE_TIMINGS=1: where the case's time goes, for BENCHMARKS.md. The thread's CPU
        // time beside the wall time: on a shared machine the wall time mostly measures the others.
        func lap(_ what: String, _ since: Mark) {
            guard ProcessInfo.processInfo.environment["LOCKSTEP_CASE_TIMINGS"] != nil else { return }
            let wall = CaseWriter.seconds(clock.now - since.wall), cpu = Self.threadCPU() - since.cpu
            FileHandle.standardError.write(Data("case \(what) \(String(format: "%.2f", wall)) s wall, \(String(format: "%.2f", cpu)) s CPU\n".utf8))
        }

        static func threadCPU() -> Double {
            var t = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
        }
    }

    static func writeResults(_ ds: Dataset, _ run: AnalysisRun, _ dir: URL, _ db: Database, _ w: inout Written) throws {
        try db.execute(sql: """
            CREATE TABLE schema_version (version INTEGER NOT NULL);
            INSERT INTO schema_version VALUES (\(CaseFile.schemaVersion));
            """)
        try writeRun(dir, db)
        try CSVTable.copy(dir.appendingPathComponent("accounts.csv"), into: "accounts", primaryKey: "account_id", db: db)
        w.accounts = try Int.fetchOne(db, sql: "SELECT count(*) FROM accounts") ?? 0
        try CSVTable.copy(dir.appendingPathComponent("edges.csv"), into: "edges",
                          foreignKeys: ["account_a": "accounts(account_id)", "account_b": "accounts(account_id)"], db: db)
        try CSVTable.copy(dir.appendingPathComponent("clusters.csv"), into: "clusters", primaryKey: "cluster", db: db)
        try CSVTable.copy(dir.appendingPathComponent("narratives.csv"), into: "narratives", db: db)
        try CSVTable.copy(dir.appendingPathComponent("follower_surges.csv"), into: "follower_surges", db: db)
        // Every table the workspace reads exists, empty when its analysis did not run.
        for (table, columns) in [("edges", "account_a TEXT REFERENCES accounts(account_id), account_b TEXT REFERENCES accounts(account_id), trace TEXT, weight NUMERIC"),
                                 ("clusters", "cluster NUMERIC PRIMARY KEY, size NUMERIC, members TEXT"),
                                 ("narratives", "period TEXT, \"group\" TEXT, term TEXT, count NUMERIC, share NUMERIC"),
                                 ("follower_surges", "target TEXT, start TEXT, \"end\" TEXT, size NUMERIC")] {
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS \(table) (\(columns))")
        }
    }

    /// `runs`: the whole summary.json, with its parameters and input accounting apart for queries.
    /// No clock time or folder path: the same input gives the same case, byte for byte, like every
    /// other output (the file's own modification time says when it was written).
    static func writeRun(_ dir: URL, _ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE runs (
                id INTEGER PRIMARY KEY,
                parameters TEXT,
                input TEXT,
                summary TEXT
            )
            """)
        let data = FileManager.default.contents(atPath: dir.appendingPathComponent("summary.json").path)
        var parameters: String?, input: String?
        var operations: [[String: Any]] = []
        if let data, let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            parameters = json(obj["parameters"])
            input = json(obj["input"])
            operations = obj["operations"] as? [[String: Any]] ?? []
        }
        try db.execute(sql: "INSERT INTO runs (parameters, input, summary) VALUES (?, ?, ?)",
                       arguments: [parameters, input, data.map { String(decoding: $0, as: UTF8.self) }])
        try writeOperations(operations, db)
    }

    /// `operations` from summary.json's `operations` array when the run has one: one column per key,
    /// lists and objects as JSON text, so keys the analysis adds arrive without a change here.
    static func writeOperations(_ ops: [[String: Any]], _ db: Database) throws {
        var keys: [String] = ["id"]
        for o in ops { for k in o.keys.sorted() where !keys.contains(k) { keys.append(k) } }
        let defs = keys.map { k in "\(CSVTable.quote(k)) \(k == "id" ? "TEXT PRIMARY KEY" : CSVTable.isText(k) ? "TEXT" : "NUMERIC")" }
        try db.execute(sql: "CREATE TABLE operations (\(defs.joined(separator: ", ")))")
        let st = try db.makeStatement(sql: "INSERT INTO operations VALUES (\(keys.map { _ in "?" }.joined(separator: ",")))")
        for o in ops {
            let values: [(any DatabaseValueConvertible)?] = keys.map { k in
                switch o[k] {
                case nil, is NSNull: return nil
                case let s as String: return s
                case let n as NSNumber: return k == "id" ? n.stringValue : n.doubleValue == n.doubleValue.rounded() ? n.int64Value as (any DatabaseValueConvertible) : n.doubleValue
                case let v?: return json(v)
                }
            }
            try st.execute(arguments: StatementArguments(values))
        }
    }

    /// `evidence` (each piece behind a flag) and `partners` (with the shared items and both times).
    static func writeEvidence(_ run: AnalysisRun, _ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE evidence (
                account_id TEXT NOT NULL REFERENCES accounts(account_id),
                rank INTEGER NOT NULL,
                code TEXT NOT NULL,
                weight REAL,
                detail TEXT,
                PRIMARY KEY (account_id, rank)
            );
            CREATE TABLE partners (
                account_id TEXT NOT NULL REFERENCES accounts(account_id),
                partner_id TEXT NOT NULL REFERENCES accounts(account_id),
                partner_handle TEXT,
                trace TEXT,
                weight INTEGER,
                p_value REAL,
                leads INTEGER,
                follows INTEGER,
                examples TEXT
            );
            """)
        guard let f = run.context.result(of: Findings.self) else { return }
        let ev = try db.makeStatement(sql: "INSERT INTO evidence VALUES (?, ?, ?, ?, ?)")
        let pa = try db.makeStatement(sql: "INSERT INTO partners VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        for a in f.accounts {
            for (k, e) in a.evidence.enumerated() {
                try ev.execute(arguments: [a.account, k, e.code, e.weight, e.detail])
            }
            for p in a.partners {
                // One shared item a line: `item thisPost@time partnerPost@time`.
                try pa.execute(arguments: [a.account, p.account, p.handle, p.trace, p.weight, p.pValue, p.leads, p.follows,
                                           p.examples.joined(separator: "\n")])
            }
        }
    }

    /// `posts` of the chosen accounts, bound straight from the dataset's arenas.
    static func writePosts(_ ds: Dataset, _ run: AnalysisRun, _ which: Posts, _ db: Database) throws -> Int {
        try db.execute(sql: """
            CREATE TABLE posts (
                post_id TEXT,
                account_id TEXT NOT NULL REFERENCES accounts(account_id),
                time TEXT NOT NULL,
                unix_time INTEGER NOT NULL,
                kind TEXT NOT NULL,
                text TEXT,
                language TEXT,
                client TEXT,
                retweet_of TEXT,
                retweet_account_id TEXT,
                quote_of TEXT,
                reply_to TEXT,
                reply_account_id TEXT,
                hashtags TEXT,
                urls TEXT,
                mentions TEXT
            )
            """)
        // Which accounts' posts, as a bitmap: the posts are then read in input order, each column
        // front to back, instead of jumping through the columns account by account (a cache miss
        // per column per post, most of the Swift side's time).
        var wanted = [Bool](repeating: false, count: ds.accounts.count)
        switch which {
        case .none: return 0
        case .all: for a in ds.accountsInData { wanted[Int(a)] = true }
        case .evidence: for a in evidenceAccounts(ds, run) { wanted[Int(a)] = true }
        }
        let st = try db.makeStatement(sql: "INSERT INTO posts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        let h = st.sqliteStatement
        let P = ds.posts
        var list: [UInt8] = []
        var n = 0
        func bindString(_ idx: Int32, _ s: String) {
            var s = s
            s.withUTF8 { bindText(h, idx, UnsafeRawBufferPointer($0)) }
        }
        func bindID(_ idx: Int32, _ table: StringTable, _ id: Int32) {
            if id == noID { sqlite3_bind_null(h, idx) } else { table.withBytes(id) { bindText(h, idx, $0) } }
        }
        func bindPost(_ idx: Int32, _ key: Int32) {
            if key == noID { sqlite3_bind_null(h, idx) } else { bindString(idx, ds.postID(key)) }
        }
        func bindList(_ idx: Int32, _ column: ListColumn, _ row: Int, _ table: StringTable) {
            // Space-separated: hashtags, URLs and account ids hold no spaces.
            list.removeAll(keepingCapacity: true)
            for v in column[row] {
                if !list.isEmpty { list.append(0x20) }
                table.withBytes(v) { list.append(contentsOf: $0) }
            }
            list.withUnsafeBytes { bindText(h, idx, $0) }
        }
        for p in 0..<P.count {
            let a = P.account[p]
            guard wanted[Int(a)] else { continue }
            do {
                sqlite3_reset(h)
                bindPost(1, P.key[p])
                ds.accounts.key.withBytes(a) { bindText(h, 2, $0) }
                bindString(3, CivilTime.iso8601(P.time[p]))
                sqlite3_bind_int64(h, 4, P.time[p])
                bindString(5, P.kind[p].name)
                P.textArena.withBytes(P.text[p]) { bindText(h, 6, $0) }
                bindID(7, ds.languages, P.language[p])
                bindID(8, ds.clients, P.client[p])
                bindPost(9, P.retweetOf[p])
                bindID(10, ds.accounts.key, P.retweetAccount[p])
                bindPost(11, P.quoteOf[p])
                bindPost(12, P.replyTo[p])
                bindID(13, ds.accounts.key, P.replyAccount[p])
                bindList(14, P.hashtags, p, ds.hashtags)
                bindList(15, P.urls, p, ds.urls)
                bindList(16, P.mentions, p, ds.accounts.key)
                let rc = sqlite3_step(h)
                guard rc == SQLITE_DONE else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: "posts: " + String(cString: sqlite3_errmsg(db.sqliteConnection)))
                }
                n += 1
            }
        }
        return n
    }

    /// Accounts whose posts are evidence: flagged, in a cluster, or hijack suspects, read from the
    /// same columns accounts.csv shows.
    static func evidenceAccounts(_ ds: Dataset, _ run: AnalysisRun) -> [Int32] {
        var columns: [String: [String]] = [:]
        for name in run.order {
            guard let r = run.result(named: name) else { continue }
            for c in r.accountColumns(ds) where ["flagged", "cluster", "hijack_suspect"].contains(c.name) && c.values.count == ds.accounts.count {
                columns[c.name] = c.values
            }
        }
        let flagged = columns["flagged"], cluster = columns["cluster"], hijack = columns["hijack_suspect"]
        return ds.accountsInData.filter { a in
            let i = Int(a)
            return flagged?[i] == "true" || !(cluster?[i].isEmpty ?? true) || hijack?[i] == "true"
        }
    }

    /// The index for what the workspace asks of posts: an account's posts by time. The full-text
    /// index is built on the case's first writable open (``CaseFile/ensureSearchIndex(_:)``).
    static func createPostIndexes(_ db: Database) throws {
        try db.execute(sql: "CREATE INDEX posts_account ON posts (account_id, unix_time)")
    }

    /// Indexes for what the workspace asks of the results: lookups by account, filters, sorts.
    static func createResultIndexes(_ db: Database) throws {
        let accountColumns = try db.columns(in: "accounts").map(\.name)
        var sql = ["CREATE INDEX edges_a ON edges (account_a)", "CREATE INDEX edges_b ON edges (account_b)",
                   "CREATE INDEX partners_account ON partners (account_id)"]
        // LIKE ignores case, so only a NOCASE index serves a handle prefix search.
        if accountColumns.contains("handle") { sql.append("CREATE INDEX accounts_handle ON accounts (handle COLLATE NOCASE)") }
        for c in ["flagged", "role", "cluster", "score", "posts", "followers", "created", "hijack_suspect", "operation"] where accountColumns.contains(c) {
            sql.append("CREATE INDEX accounts_\(c) ON accounts (\(CSVTable.quote(c)))")
        }
        for s in sql { try db.execute(sql: s) }
        if accountColumns.contains("reasons") { try writeAccountReasons(db) }
    }

    /// `account_reasons`: each account's reason codes one a row, keyed by code, so the workspace's
    /// reason filter is an index range instead of a LIKE over every account's `reasons` text (which
    /// read every row twice, for the count and the page: 21 ms of CPU a request at 28,595 accounts).
    static func writeAccountReasons(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE account_reasons (
                reason TEXT NOT NULL,
                account_rowid INTEGER NOT NULL,
                PRIMARY KEY (reason, account_rowid)
            ) WITHOUT ROWID;
            WITH RECURSIVE split(rid, rest, code) AS (
                SELECT rowid, reasons || ';', NULL FROM accounts WHERE reasons IS NOT NULL
                UNION ALL
                SELECT rid, substr(rest, instr(rest, ';') + 1), substr(rest, 1, instr(rest, ';') - 1)
                FROM split WHERE rest <> ''
            )
            INSERT OR IGNORE INTO account_reasons SELECT lower(code), rid FROM split WHERE code IS NOT NULL AND code <> '';
            """)
    }

    /// Labels of the case being replaced, migrated to this version first. An unreadable old case
    /// stops the run rather than silently dropping its labels.
    static func carryLabels(from old: URL, into db: Database) throws -> Int {
        guard FileManager.default.fileExists(atPath: old.path) else { return 0 }
        do {
            let oldQueue = try DatabaseQueue(path: old.path, configuration: CaseFile.configuration())
            try CaseFile.migrator.migrate(oldQueue)
            try oldQueue.close()
        } catch {
            throw CaseError(path: old.path, what: "the existing case cannot be read, so its labels cannot be kept (\(error))",
                            fix: "move it away (its labels: `lockstep labels export` if it opens elsewhere) and run again")
        }
        try db.execute(sql: "ATTACH DATABASE ? AS old", arguments: [old.path])
        defer { try? db.execute(sql: "DETACH DATABASE old") }
        try db.execute(sql: """
            INSERT INTO labels (id, target_kind, target_id, verdict, note, author, created_at)
            SELECT id, target_kind, target_id, verdict, note, author, created_at FROM old.labels ORDER BY id
            """)
        return db.changesCount
    }

    static func json(_ v: Any?) -> String? {
        guard let v, !(v is NSNull), JSONSerialization.isValidJSONObject(v) || v is String || v is NSNumber,
              let d = try? JSONSerialization.data(withJSONObject: v, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes]) else { return nil }
        return String(decoding: d, as: UTF8.self)
    }

    static func now() -> String { CivilTime.iso8601(Int64(Date().timeIntervalSince1970)) }

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
}
