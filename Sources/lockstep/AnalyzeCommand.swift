import ArgumentParser
import Foundation
import LockstepAnalysis
import LockstepCase
import LockstepCore
import LockstepIngest
import LockstepReport
import LockstepSpark

/// `lockstep analyze`: read inputs, run the analyses, write the results folder.
struct Analyze: LockstepCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read posts and accounts, run the analyses and write summary.json, accounts.csv and more.")

    @Argument(help: "Input files or folders (CSV, JSONL; .gz read transparently).")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "Folder for the results (created if needed).")
    var out: String

    @Option(help: "Comma-separated analyses to run (see `lockstep analyses`); default: all.")
    var analyses: String?

    @Option(help: "Force an input format instead of detecting it: \(InputFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: String?

    @Option(help: ArgumentHelp("A TOML file naming the columns of a CSV no built-in format knows (see docs/mapping.md).", valueName: "FILE.toml"))
    var mapping: String?

    // Unconditional: a negative offset (`--tz -05:00`) is the value, not another option.
    @Option(parsing: .unconditional, help: "Time zone for showing times and reading schedules: UTC (default), ±HH:MM, an IANA name such as Asia/Shanghai, or auto (the input's working-week offset).")
    var tz: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("An analysis parameter, as analysis.param=value (repeatable).", valueName: "analysis.param=value"))
    var settings: [String] = []

    @Option(help: ArgumentHelp("A CSV of accounts, handles or domains with a label (e.g. state media, diplomat); amplification toward each label is reported. A watchlist.csv inside an input folder is used too.", valueName: "FILE"))
    var watchlist: [String] = []

    @Option(help: ArgumentHelp("A follower list: CSV target,follower_id,follower_created_at[,position] in API order (newest first), or twarc2 followers JSONL (TARGET=FILE names its target). Repeatable; follower lists inside an input folder are used too.", valueName: "FILE"))
    var followers: [String] = []

    @Flag(help: "Stop at the first malformed row instead of counting and skipping it.")
    var strict = false

    @Option(help: ArgumentHelp("The longest field a row may hold; a longer one rejects the row as field_too_long.", valueName: "BYTES"))
    var maxFieldBytes: Int = IngestOptions().maxFieldBytes

    @Option(help: ArgumentHelp("The longest record (CSV row, JSON line or array element); a longer one is rejected as record_too_long.", valueName: "BYTES"))
    var maxRecordBytes: Int = IngestOptions().maxRecordBytes

    @Option(help: ArgumentHelp("Posts stored in case.sqlite: evidence (flagged, clustered and hijack-suspect accounts'), all, or none.", valueName: "WHICH"))
    var casePosts: String = CaseWriter.Posts.evidence.rawValue

    @Flag(name: .shortAndLong, help: "No progress output.")
    var quiet = false

    @Option(help: "Where the data-heavy steps run: embedded (default, in this process) or spark (co-action traces on Apache Spark; see docs/spark.md).")
    var engine: String = "embedded"

    @Option(help: ArgumentHelp("--engine spark: Spark's master: local[2], spark://HOST:7077, yarn, k8s://…", valueName: "MASTER"))
    var sparkMaster: String = "local[2]"

    @Option(help: ArgumentHelp("--engine spark: a Spark setting, e.g. spark.driver.memory=2g (repeatable).", valueName: "key=value"))
    var sparkConf: [String] = []

    @Option(help: ArgumentHelp("--engine spark: folder (or URI Spark and lockstep both reach) for the generated SQL, Spark's log and the intermediate tables; kept. Default: a temporary folder, removed after the run.", valueName: "DIR"))
    var sparkWork: String?

    @Option(help: .hidden)
    var workers: Int?

    func execute() throws {
        var options = AnalysisOptions()
        for s in settings {
            guard let eq = s.firstIndex(of: "="), !s[..<eq].trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError("--set \(s): expected analysis.param=value, e.g. --set overview.top=50")
            }
            options.values[s[..<eq].trimmingCharacters(in: .whitespaces)] = String(s[s.index(after: eq)...])
        }
        var context = AnalysisContext()
        if let tz {
            guard ZoneSpec.parse(tz) != nil else {
                throw ValidationError("--tz \(tz): expected UTC, ±HH:MM (e.g. +08:00), an IANA zone (e.g. Asia/Shanghai) or auto")
            }
            options.values["tz"] = tz
        }
        // Every given parameter is checked before reading anything, whichever analyses run.
        try AnalysisCatalogue.validate(options)
        guard engine == "embedded" || engine == "spark" else {
            throw ValidationError("--engine \(engine): expected embedded or spark")
        }
        let selected = try AnalysisCatalogue.resolve(analyses.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } })
        var ingest = IngestOptions()
        ingest.strict = strict
        ingest.mapping = mapping
        if let workers { ingest.workers = max(1, workers) }
        guard maxFieldBytes > 0, maxRecordBytes >= maxFieldBytes else {
            throw ValidationError("--max-field-bytes \(maxFieldBytes), --max-record-bytes \(maxRecordBytes): both must be positive, the record limit at least the field limit")
        }
        ingest.maxFieldBytes = maxFieldBytes
        ingest.maxRecordBytes = maxRecordBytes
        if let format {
            guard let f = InputFormat(rawValue: format) else {
                throw ValidationError("--format \(format): unknown; known formats: \(InputFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            ingest.format = f
        }
        guard let casePostsChoice = CaseWriter.Posts(rawValue: casePosts) else {
            throw ValidationError("--case-posts \(casePosts): expected \(CaseWriter.Posts.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let dir = try OutputFolder.prepare(out)
        let clock = ContinuousClock()
        let started = clock.now
        let bar = ProgressBar(enabled: !quiet)
        var dataset = try Ingest.load(inputs, options: ingest) { p in bar.update(p) }
        bar.finish()
        let ingestSeconds = Self.seconds(clock.now - started)
        if let tz { context.displayOffsetSeconds = DisplayZone.offsetSeconds(tz, dataset: dataset, settings: try Schedule.Settings(options: options)) ?? 0 }
        (context.followers, context.watchlist) = try Ingest.sideInputs(of: &dataset, followers: followers, watchlists: watchlist, strict: strict)
        let acc = dataset.accounting
        if !quiet {
            Terminal.err("read \(acc.rowsRead) rows from \(acc.files.count) file(s): \(acc.rowsUsed) used, \(acc.rejectedTotal) rejected")
            for e in acc.examples.prefix(3) { Terminal.err("  rejected \(e)") }
            for f in acc.skipped { Terminal.err("  not read as posts: \(f.file): \(f.reason)") }
            if acc.examples.count > 3 { Terminal.err("  (first \(acc.examples.count) rejections are listed in summary.json)") }
            let profileProblems = acc.profileProblems.values.reduce(0, +)
            if profileProblems > 0, let e = acc.profileExamples.first {
                Terminal.err("  \(profileProblems) profile field(s) could not be read and were left unknown, the posts kept (profileProblems in summary.json), e.g. \(e)")
            }
        }
        if engine == "spark" {
            let keep = sparkWork != nil
            let work = sparkWork.map { URL(fileURLWithPath: $0) }
                ?? FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-spark-\(UUID().uuidString)")
            defer { if !keep { try? FileManager.default.removeItem(at: work) } }
            let spark = SparkEngine(launcher: SparkLauncher(master: sparkMaster, conf: sparkConf), work: work)
            let quiet = quiet
            if let outcome = try spark.coordinationPairs(dataset: dataset, options: options, runsCoordination: selected.contains { $0.name == Coordination.name },
                                                         progress: { if !quiet { Terminal.err("  spark: " + $0) } }) {
                context.coActionPairs = outcome.pairs
                if !quiet {
                    Terminal.err("spark computed the co-action pairs of \(outcome.onSpark.joined(separator: ", "))"
                                 + (outcome.embedded.isEmpty ? "" : "; the embedded engine computes \(outcome.embedded.joined(separator: ", ")) (no SQL form yet, see docs/spark.md)"))
                }
            }
        }
        let run = try AnalysisRun.run(selected, on: dataset, options: options, context: context) { name in
            if !quiet { Terminal.err("running \(name)") }
        }
        let writeStart = clock.now
        // The case's posts are written alongside the other files; its results are copied from them after.
        let caseBuild = try CaseWriter.begin(dataset: dataset, run: run, directory: dir, posts: casePostsChoice)
        var written: [String]
        do { written = try ResultsWriter.write(dataset: dataset, run: run, inputs: inputs, directory: dir) } catch { caseBuild.discard(); throw error }
        let caseFile = try caseBuild.finish()
        written.append(CaseFile.fileName)
        if !quiet {
            let parts = ["read \(String(format: "%.2f", ingestSeconds)) s"] + run.order.map { "\($0) \(String(format: "%.2f", run.seconds[$0] ?? 0)) s" }
                + ["case \(String(format: "%.2f", caseFile.seconds)) s after the other files (posts \(String(format: "%.2f", caseFile.postsSeconds)) s alongside them; \(caseFile.posts) posts, \(caseFile.labelsKept) labels kept)", "write \(String(format: "%.2f", Self.seconds(clock.now - writeStart))) s", "total \(String(format: "%.2f", Self.seconds(clock.now - started))) s"]
            Terminal.err("timings: " + parts.joined(separator: ", "))
        }
        if !quiet {
            for line in RunSummary.lines(dataset, run) { Terminal.err(line) }
            Terminal.err("wrote \(written.map { dir.appendingPathComponent($0).path }.joined(separator: ", "))")
        }
        // Every file is written and closed: leave without tearing down a dataset of millions of
        // rows object by object (a few hundred milliseconds that nobody needs).
        Foundation.exit(0)
    }
}

extension Analyze {
    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
}

/// `lockstep analyses`: the catalogue with parameters and defaults.
struct ListAnalyses: LockstepCommand {
    static let configuration = CommandConfiguration(commandName: "analyses", abstract: "List the analyses and their parameters.")

    func execute() throws {
        for a in AnalysisCatalogue.all {
            var s = "\(a.name)\n    \(a.summary)\n"
            if !a.dependencies.isEmpty { s += "    uses: \(a.dependencies.joined(separator: ", "))\n" }
            for p in a.parameters {
                let name = p.suffixes.isEmpty ? p.name : "\(p.name)[.<trace>]"
                s += "    --set \(a.name).\(name)=\(p.defaultValue)    \(p.help) (\(p.expected))\n"
            }
            print(s)
        }
    }
}
