import Foundation
import LockstepAnalysis
import LockstepCore

/// Writes `accounts.csv`: one row per account in the input, base columns first, then the
/// verdict columns (filled by the findings analyses), then every analysis's own columns.
package enum AccountsTable {
    /// Columns every `accounts.csv` has, in order.
    package static let baseColumns = ["account_id", "handle", "posts", "created", "followers", "following", "language"]
    /// Verdict columns, present from the start and filled by later analyses when they run.
    package static let verdictColumns = ["flagged", "role", "score", "cluster", "utc_offset_hours", "hijack_suspect", "reasons"]

    /// Columns two analyses write on purpose: `age_at_first_post_days` with the same values (a test
    /// compares them); `role`, which coordination gives every clustered account and findings, run
    /// later, narrows to the flagged ones (the later analysis's column is the one written).
    static let sharedColumns: Set<String> = ["age_at_first_post_days", "role"]

    package static func write(dataset ds: Dataset, run: AnalysisRun, to url: URL) throws {
        var contributed: [AccountColumn] = []
        var reasons: [Int32: [String]] = [:]
        for name in run.order {
            guard let r = run.result(named: name) else { continue }
            contributed += r.accountColumns(ds)
            for (a, codes) in r.accountReasons(ds) { reasons[a, default: []] += codes }
        }
        var byName: [String: [String]] = [:]
        var extraNames: [String] = []
        for c in contributed {
            // An analysis that returns a column of the wrong length, or one another analysis already
            // wrote, is a bug in that analysis: stop in debug builds rather than drop or overwrite it.
            assert(c.values.count == ds.accounts.count, "column \(c.name) has \(c.values.count) values for \(ds.accounts.count) accounts")
            assert(byName[c.name] == nil || Self.sharedColumns.contains(c.name), "column \(c.name) is written by two analyses")
            guard c.values.count == ds.accounts.count else { continue }
            if byName[c.name] == nil, !verdictColumns.contains(c.name), !baseColumns.contains(c.name) { extraNames.append(c.name) }
            byName[c.name] = c.values
        }
        var out = CSVOutput(header: baseColumns + verdictColumns + extraNames)
        let acc = ds.accounts
        let offset = run.context.displayOffsetSeconds
        // Columns resolved once, not looked up by name per row.
        let verdictValues: [[String]?] = verdictColumns.map { $0 == "reasons" ? nil : byName[$0] }
        let extraValues: [[String]] = extraNames.map { byName[$0]! }
        // Written as bytes straight from the dataset's arenas: a million-account table costs no
        // per-cell String for the base columns.
        for a in ds.accountsInData {
            let i = Int(a)
            acc.key.withBytes(a) { out.field(bytes: $0) }
            out.comma()
            acc.profileArena.withBytes(acc.handle[i]) { out.field(bytes: $0) }
            out.comma()
            out.integer(ds.postCount(of: a))
            out.comma()
            if acc.created[i] != noTime { out.raw(CivilTime.iso8601(acc.created[i], offsetSeconds: offset)) }
            out.comma()
            if acc.followers[i] >= 0 { out.integer(Int(acc.followers[i])) }
            out.comma()
            if acc.following[i] >= 0 { out.integer(Int(acc.following[i])) }
            out.comma()
            if acc.language[i] != noID { ds.languages.withBytes(acc.language[i]) { out.field(bytes: $0) } }
            for (k, values) in verdictValues.enumerated() {
                out.comma()
                if let values { out.field(values[i]) }
                else if verdictColumns[k] == "reasons", let codes = reasons[a] {
                    // Several analyses may give the same code (findings repeats what it weighed): once each.
                    var seen = Set<String>()
                    out.field(codes.filter { seen.insert($0).inserted }.joined(separator: ";"))
                }
            }
            for values in extraValues {
                out.comma()
                out.field(values[i])
            }
            out.endRow()
        }
        try out.write(to: url)
    }
}
