import Foundation
import LockstepAnalysis
import LockstepCore

/// Writes `narratives.csv`: the most used terms and hashtags per day and ISO week, per group.
///
/// Columns `period,group,term,count,share`; `period` is `YYYY-MM-DD` or `YYYY-Www`, hashtags keep
/// their `#`, and `share` is of all term uses (hashtag uses, for hashtags) in that period and group.
package enum NarrativesCSV: ArtifactWriter {
    /// The file this writer writes.
    package static let fileName = "narratives.csv"
    /// The header row.
    package static let columns = ["period", "group", "term", "count", "share"]

    /// Writes the file when the run holds the result it needs; returns the file names written.
    package static func write(dataset: Dataset, run: AnalysisRun, directory: URL) throws -> [String] {
        guard let r = run.context.result(of: Narratives.self) else { return [] }
        var out = CSVOutput(header: columns)
        for row in r.rows {
            out.row([row.period, row.group, row.term, String(row.count), NumberText.decimal(row.share, places: 6, rounding: .toNearestOrEven)])
        }
        try out.write(to: directory.appendingPathComponent(fileName))
        return [fileName]
    }
}
