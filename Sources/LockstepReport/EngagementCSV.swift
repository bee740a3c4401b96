import Foundation
import LockstepAnalysis
import LockstepCore

/// Writes `engagement.csv`: every post the engagement analysis found anomalous, highest z first
/// (nothing when the input carries no engagement counts). `summary.json` lists the first `list`.
///
/// Columns `post_id,account_id,handle,time,kind,likes,reposts,quotes,replies,engagement,followers,
/// expected,z,likes_z`; counts -1 where the input did not give them, `likes_z` empty without likes.
package enum EngagementCSV: ArtifactWriter {
    /// The file this writer writes.
    package static let fileName = "engagement.csv"
    /// The header row.
    package static let columns = ["post_id", "account_id", "handle", "time", "kind", "likes", "reposts", "quotes", "replies",
                                 "engagement", "followers", "expected", "z", "likes_z"]

    /// Writes the file when the run holds the result it needs; returns the file names written.
    package static func write(dataset: Dataset, run: AnalysisRun, directory: URL) throws -> [String] {
        guard let r = run.context.result(of: Engagement.self), r.hasCounts else { return [] }
        var out = CSVOutput(header: columns)
        func d(_ v: Double) -> String { NumberText.decimal(v, places: 3, rounding: .toNearestOrEven) }
        for p in r.allPosts {
            out.row([p.post.postID, p.post.account, p.post.handle, p.post.time, p.kind, String(p.likes), String(p.reposts),
                     String(p.quotes), String(p.replies), String(p.engagement), String(p.followers), d(p.expected), d(p.z),
                     p.likesZ.map(d) ?? ""])
        }
        try out.write(to: directory.appendingPathComponent(fileName))
        return [fileName]
    }
}
