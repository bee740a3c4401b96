import Foundation
import LockstepAnalysis
import LockstepCore

/// Writes `narratives.csv`: the most used terms and hashtags per day and ISO week, per group.
///
/// Columns `period,group,term,count,share`; `period` is `YYYY-MM-DD` or `YYYY-Www`, hashtags keep
/// their `#`, and `share` is of all term uses (hashtag uses, for hashtags) in that period and group.
public enum NarrativesCSV: ArtifactWriter {
    /// The file this writer writes.
    public static let fileName = "narratives.csv"
    /// The header row.
    public static let columns = ["period", "group", "term", "count", "share"]

    /// Writes the file when the run holds the result it needs; returns the file names written.
    public static func write(dataset: Dataset, run: AnalysisRun, directory: URL) throws -> [String] {
        guard let r = run.context.result(of: Narratives.self) else { return [] }
        var out = CSVOutput(header: columns)
        for row in r.rows {
            out.row([row.period, row.group, row.term, String(row.count), CSVNumber.format(row.share)])
        }
        try out.write(to: directory.appendingPathComponent(fileName))
        return [fileName]
    }
}

/// Numbers in CSV cells: at most six significant decimals, no exponent, so files diff cleanly.
enum CSVNumber {
    /// Up to six decimals, trailing zeros dropped; integer arithmetic because `String(format:)`
    /// dominated writing a narratives.csv of a million rows.
    static func format(_ x: Double) -> String {
        guard x.isFinite else { return "" }
        if x == x.rounded() && abs(x) < 1e15 { return String(Int(x)) }
        guard abs(x) < 9e12 else { return String(x) }
        let scaled = Int((abs(x) * 1_000_000).rounded(.toNearestOrEven))  // as printf rounds
        var whole = String(scaled / 1_000_000)
        var frac = scaled % 1_000_000
        if x < 0 && scaled > 0 { whole = "-" + whole }
        guard frac > 0 else { return whole }
        var digits = 6
        while frac % 10 == 0 { frac /= 10; digits -= 1 }
        let f = String(frac)
        return whole + "." + String(repeating: "0", count: digits - f.count) + f
    }
}
