import Foundation
import LockstepCore
import LockstepAnalysis
import LockstepIngest

/// `--engine spark`: the co-action pair figures of every trace whose item key has an SQL form,
/// computed by Spark from the input files, read back as ``CoActionPairSource`` for coordination.
package struct SparkEngine: Sendable {
    package var launcher: SparkLauncher
    /// Where the SQL, the runner, Spark's log and the result tables go.
    package var work: URL

    package init(launcher: SparkLauncher, work: URL) {
        self.launcher = launcher
        self.work = work
    }

    /// What a run computed and where.
    package struct Outcome: Sendable {
        /// Pair figures per trace, for coordination.
        package var pairs: SparkPairs
        /// Traces computed on Spark and those left to the embedded engine, in table order.
        package var onSpark: [String]
        package var embedded: [String]
    }

    /// Generates the SQL for `settings`' traces over `inputs`, runs it, reads the tables back.
    package func run(inputs: [SparkInput], settings: [String: SweepSettings], dataset ds: Dataset,
                     earliest: Int64, latest: Int64, progress: (@Sendable (String) -> Void)? = nil) throws -> Outcome {
        let out = work.appendingPathComponent("tables")
        let sql = SparkSQL(inputs: inputs, settings: settings, output: out.absoluteString.trimmingSuffix("/"),
                           earliest: earliest, latest: latest)
        let onSpark = sql.sparkTraces.map(\.name)
        let embedded = CoActionTrace.all.map(\.name).filter { settings[$0] != nil && !onSpark.contains($0) }
        guard !onSpark.isEmpty else { return Outcome(pairs: SparkPairs(traces: [:]), onSpark: [], embedded: embedded) }
        try? FileManager.default.removeItem(at: out)
        try launcher.run(sql: sql.script, name: "coaction", work: work, progress: progress)
        // Not run: the physical plans, for whoever sizes a cluster (`spark-submit run_sql.py explain.sql`).
        try sql.explainScript.write(to: work.appendingPathComponent("explain.sql"), atomically: true, encoding: .utf8)
        let pairs = try SparkPairs.read(out, traces: onSpark, settings: settings, dataset: ds)
        return Outcome(pairs: pairs, onSpark: onSpark, embedded: embedded)
    }
}

/// The pair figures Spark wrote, by trace, with the settings they were computed with.
package struct SparkPairs: CoActionPairSource {
    package var traces: [String: (settings: SweepSettings, pairs: CoActionPairs)]

    package init(traces: [String: (settings: SweepSettings, pairs: CoActionPairs)]) {
        self.traces = traces
    }

    package func pairs(trace: String, settings: SweepSettings) -> CoActionPairs? {
        guard let t = traces[trace], t.settings == settings else { return nil }
        return t.pairs
    }

    /// Reads `dir/pairs/<trace>/part-*.csv` and `dir/stats/<trace>/part-*.csv`. Accounts are matched to
    /// the dataset's by id; an account Spark saw that the embedded reader did not is an error, as
    /// the two readers then disagree about the input.
    package static func read(_ dir: URL, traces names: [String], settings: [String: SweepSettings], dataset ds: Dataset) throws -> SparkPairs {
        var idOf: [String: Int32] = [:]
        idOf.reserveCapacity(ds.accounts.count)
        for a in 0..<Int32(ds.accounts.count) { idOf[ds.accounts.key[a]] = a }
        var pairCount: [String: Int] = [:]
        for name in names {
            for table in try parts(dir.appendingPathComponent("stats").appendingPathComponent(name)) {
                guard let t = table.column("trace"), let p = table.column("pairs") else { throw malformed(dir, "stats/\(name)") }
                for r in table.rows { pairCount[r[t]] = Int(r[p]) }
            }
        }
        var out: [String: (settings: SweepSettings, pairs: CoActionPairs)] = [:]
        for name in names {
            let cols = ["u", "v", "weight", "u_leads", "v_leads", "ties", "lag_sum", "first_at", "last_at"]
            var figures: [PairFigures] = []
            for table in try parts(dir.appendingPathComponent("pairs").appendingPathComponent(name)) {
                let idx = cols.compactMap { table.column($0) }
                guard idx.count == cols.count else { throw malformed(dir, "pairs/\(name)") }
                for r in table.rows {
                    guard let a = idOf[r[idx[0]]], let b = idOf[r[idx[1]]] else {
                        throw SparkError(what: "Spark paired account '\(r[idx[0]])' with '\(r[idx[1]])' on \(name), and the embedded reader has no such account",
                                         fix: "the two readers disagree about the input: please report it with the input's layout")
                    }
                    let n = idx[2...].map { Int64(r[$0]) }
                    guard !n.contains(nil) else { throw malformed(dir, "pairs/\(name)") }
                    figures.append(PairFigures(a: a, b: b, weight: Int32(n[0]!), aLeads: Int32(n[1]!), bLeads: Int32(n[2]!), ties: Int32(n[3]!),
                                               lagSum: n[4]!, first: n[5]!, last: n[6]!))
                }
            }
            guard let s = settings[name], let count = pairCount[name] else { throw malformed(dir, "stats/\(name)") }
            out[name] = (s, CoActionPairs(figures: figures, pairCount: count, minWeight: s.minWeight))
        }
        return SparkPairs(traces: out)
    }

    /// The CSV part files of a Spark output directory, in name order.
    static func parts(_ dir: URL) throws -> [SimpleCSV] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: dir.path) } catch {
            throw SparkError(what: "Spark wrote no table at \(dir.path)", fix: "see the Spark log in the work directory")
        }
        return try names.filter { $0.hasPrefix("part-") && $0.hasSuffix(".csv") }.sorted().map {
            try SimpleCSV.read(dir.appendingPathComponent($0))
        }
    }

    static func malformed(_ dir: URL, _ table: String) -> SparkError {
        SparkError(what: "the table \(table) under \(dir.path) is not what lockstep's SQL writes", fix: "remove the work directory and run again")
    }
}

extension String {
    func trimmingSuffix(_ s: String) -> String { hasSuffix(s) ? String(dropLast(s.count)) : self }
}

extension SparkEngine {
    /// For `lockstep analyze --engine spark`: when coordination runs, its windowed traces' pair
    /// figures from Spark (settings resolved as coordination will resolve them), else nil.
    package func coordinationPairs(dataset ds: Dataset, options: AnalysisOptions, runsCoordination: Bool,
                                   progress: (@Sendable (String) -> Void)? = nil) throws -> Outcome? {
        guard runsCoordination else { return nil }
        let coordination = try Coordination(options: options)
        let settings = coordination.sweepSettings(ds)
        guard !settings.isEmpty else { return nil }
        let inputs = try SparkInput.from(ds.accounting)
        let times = PlausibleTimes.asOfNow()
        var outcome = try run(inputs: inputs, settings: settings, dataset: ds, earliest: times.earliest, latest: times.latest, progress: progress)
        // The whole-period trace has no sweep settings but runs all the same: say where.
        outcome.embedded = coordination.selectedTraces.map(\.name).filter { !outcome.onSpark.contains($0) }
        return outcome
    }
}
