import Dispatch
import Foundation
import LockstepAnalysis
import LockstepCore

/// Writes one extra output file (or several) from a finished run: `edges.csv`, `narratives.csv`, ...
///
/// Each writer lives in its own file and is listed once in ``ResultsWriter/artifactWriters``.
public protocol ArtifactWriter: Sendable {
    /// Writes its files into `directory` if the run holds the results it needs; returns the file names written.
    static func write(dataset: Dataset, run: AnalysisRun, directory: URL) throws -> [String]
}

/// Writes every output of an `analyze` run into a folder.
public enum ResultsWriter {
    /// Extra file writers, in the order they run.
    public static let artifactWriters: [any ArtifactWriter.Type] = [
        EdgesCSVWriter.self, ClustersCSVWriter.self, GEXFWriter.self, GraphMLWriter.self,
        NarrativesCSV.self,
        FollowerSurgesCSV.self,
        EngagementCSV.self,
        EvidenceWriter.self,
        HTMLReport.self,
    ]

    /// Writes `summary.json`, `accounts.csv` and every artifact; returns the file names written.
    @discardableResult
    public static func write(dataset: Dataset, run: AnalysisRun, inputs: [String], directory: URL) throws -> [String] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // The files are independent: write them on all cores, report them in a fixed order.
        let jobs: [@Sendable () throws -> [String]] = [
            {
                try SummaryWriter.write(dataset: dataset, run: run, inputs: inputs, to: directory.appendingPathComponent("summary.json"))
                return ["summary.json"]
            },
            {
                try AccountsTable.write(dataset: dataset, run: run, to: directory.appendingPathComponent("accounts.csv"))
                return ["accounts.csv"]
            },
        ] + artifactWriters.map { w in { try w.write(dataset: dataset, run: run, directory: directory) } }
        let results = Slots<Result<[String], any Error>>(jobs.count)
        DispatchQueue.concurrentPerform(iterations: jobs.count) { k in
            results[k] = Result { try jobs[k]() }
        }
        return try results.values().flatMap { try $0.get() }
    }
}
