import Foundation
import LockstepAnalysis
import LockstepCore
import LockstepIngest
import LockstepReport
import LockstepSimulation
import Testing

/// One simulate → analyze → write → evaluate run in process, as `lockstep` runs it: follower
/// lists and a watchlist inside the input folder are used. The folder is removed afterwards.
struct SimulatedRun {
    var dataset: Dataset
    var run: AnalysisRun
    var evaluation: Evaluation
    /// Truth population per account id.
    var truth: [String: String]
    /// accounts.csv as read back: header and rows.
    var accounts: SimpleCSV

    init(_ scenario: String, seed: UInt64, scale: Double, analyses: [any Analysis.Type] = AnalysisCatalogue.all,
         options: AnalysisOptions = AnalysisOptions(), impact: Bool = false) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-quality-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let sim = dir.appendingPathComponent("sim"), out = dir.appendingPathComponent("results")
        var s = try #require(Scenario.preset(scenario, seed: seed, scale: scale))
        if impact { s.impact = ImpactParameters() }
        _ = try Simulation.run(s, to: sim)
        var ds = try Ingest.load([sim.path])
        var context = AnalysisContext()
        (context.followers, context.watchlist) = try Ingest.sideInputs(of: &ds)
        run = try AnalysisRun.run(analyses, on: ds, options: options, context: context)
        try ResultsWriter.write(dataset: ds, run: run, inputs: [sim.path], directory: out)
        let truthURL = sim.appendingPathComponent("truth.csv")
        evaluation = try Evaluation.run(truth: truthURL, results: out, scenario: sim.appendingPathComponent("scenario.json"))
        truth = [:]
        for row in try SimpleCSV.read(truthURL).rows { truth[row[0]] = row[1] }
        accounts = try SimpleCSV.read(out.appendingPathComponent("accounts.csv"))
        dataset = ds
    }
}
