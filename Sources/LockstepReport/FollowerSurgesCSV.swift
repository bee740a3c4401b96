import Foundation
import LockstepAnalysis
import LockstepCore

/// Writes `follower_surges.csv`: one row per surge (nothing when the run had no follower lists).
///
/// Columns `target,start,end,size,fresh,created_from,created_to,newest_position,oldest_position,
/// per_day,baseline_per_day`; dates `YYYY-MM-DD`, `start`/`end` estimated follow days (lower bounds).
package enum FollowerSurgesCSV: ArtifactWriter {
    /// The file this writer writes.
    package static let fileName = "follower_surges.csv"
    /// The header row.
    package static let columns = ["target", "start", "end", "size", "fresh", "created_from", "created_to",
                                 "newest_position", "oldest_position", "per_day", "baseline_per_day"]

    /// Writes the file when the run holds the result it needs; returns the file names written.
    package static func write(dataset: Dataset, run: AnalysisRun, directory: URL) throws -> [String] {
        guard let r = run.context.result(of: FollowerSurges.self), r.hasInput else { return [] }
        var out = CSVOutput(header: columns)
        for s in r.surges {
            out.row([s.target, s.start, s.end, String(s.size), String(s.fresh), s.createdFrom, s.createdTo,
                     String(s.newestPosition), String(s.oldestPosition), NumberText.decimal(s.perDay, places: 6, rounding: .toNearestOrEven), NumberText.decimal(s.baselinePerDay, places: 6, rounding: .toNearestOrEven)])
        }
        try out.write(to: directory.appendingPathComponent(fileName))
        return [fileName]
    }
}
