// Lockstep used as a library, through its public API only: this package depends on Lockstep by
// path like any outside project would, so `package` declarations are out of its reach and a
// build of it checks that what a library user needs is public.
//
//   swift run --package-path Benchmarks library-example Examples/troll-factory [--out DIR]
import Foundation
import LockstepAnalysis
import LockstepCore
import LockstepIngest
import LockstepReport

let arguments = Array(CommandLine.arguments.dropFirst())
guard let input = arguments.first else {
    FileHandle.standardError.write(Data("usage: library-example FILE_OR_FOLDER [--out DIR]\n".utf8))
    exit(64)
}
let out = arguments.firstIndex(of: "--out").flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }

do {
    // Read: one columnar dataset, and the account of every row read, used or rejected.
    let dataset = try Ingest.load([input])
    let accounting = dataset.accounting
    print("read \(accounting.rowsRead) rows, used \(accounting.rowsUsed), rejected \(accounting.rejectedTotal)")
    print("\(dataset.posts.count) posts from \(dataset.accountsInData.count) accounts")

    // Analyse: every analysis in the catalogue, with one parameter changed as `--set` would.
    let options = AnalysisOptions(["coordination.min_weight": "3"])
    try AnalysisCatalogue.validate(options)
    let run = try AnalysisRun.run(try AnalysisCatalogue.resolve(nil), on: dataset, options: options)

    // Results are typed: no text to parse.
    if let findings = run.context.result(of: Findings.self) {
        print("\(findings.flagged) of \(findings.accountsScored) accounts flagged (threshold \(findings.threshold))")
        for account in findings.accounts.filter(\.flagged).prefix(3) {
            print("  @\(account.handle) score \(account.score), cluster \(account.cluster.map(String.init) ?? "none")")
            for evidence in account.evidence.prefix(2) { print("    \(evidence.code): \(evidence.detail)") }
        }
        if let offset = findings.flaggedSchedule?.inference.offsetHours {
            print("the flagged accounts keep a working week at UTC\(offset >= 0 ? "+" : "")\(offset)")
        }
    }
    if let coordination = run.context.result(of: Coordination.self) {
        print("\(coordination.clusters.count) coordinated clusters")
    }

    // Write the same files `lockstep analyze` writes.
    if let out {
        let files = try ResultsWriter.write(dataset: dataset, run: run, inputs: [input],
                                            directory: URL(fileURLWithPath: out))
        print("wrote \(files.count) files to \(out)")
    }
} catch {
    FileHandle.standardError.write(Data("library-example: \(error)\n".utf8))
    exit(1)
}
