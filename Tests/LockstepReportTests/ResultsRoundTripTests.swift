import Foundation
import LockstepAnalysis
import LockstepCore
import LockstepIngest
import Testing
@testable import LockstepReport

/// Every analysis's result is Codable: the sections of `summary.json` decode back into the typed
/// results and encode again to the same bytes, so explain, evaluate and a case file can read results
/// through their types instead of searching text.
@Suite struct ResultsRoundTripTests {
    @Test func summarySectionsDecodeIntoTheirResultTypes() throws {
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Examples/troll-factory")
        var dataset = try Ingest.load([example.path])
        let (followers, watchlist) = try Ingest.sideInputs(of: &dataset, followers: [], watchlists: [], strict: false)
        var context = AnalysisContext()
        context.followers = followers
        context.watchlist = watchlist
        let run = try AnalysisRun.run(AnalysisCatalogue.all, on: dataset, options: AnalysisOptions(), context: context)
        let summary = try SummaryWriter.encode(dataset: dataset, run: run, inputs: [example.path])
        let decoded = try AnalysisCatalogue.decodeSections(of: summary)
        #expect(Set(decoded.keys) == Set(run.order))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        for name in run.order {
            let original = try encoder.encode(run.result(named: name)!)
            let again = try encoder.encode(decoded[name]!)
            #expect(original == again, "\(name): the decoded section encodes differently")
        }
    }
}
