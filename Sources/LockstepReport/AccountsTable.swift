import Foundation
import LockstepAnalysis
import LockstepCore

/// Writes `accounts.csv`: one row per account in the input, base columns first, then the
/// verdict columns (filled by the findings analyses), then every analysis's own columns.
public enum AccountsTable {
    /// Columns every `accounts.csv` has, in order.
    public static let baseColumns = ["account_id", "handle", "posts", "created", "followers", "following", "language"]
    /// Verdict columns, present from the start and filled by later analyses when they run.
    public static let verdictColumns = ["flagged", "role", "score", "cluster", "utc_offset_hours", "hijack_suspect", "reasons"]

    public static func write(dataset ds: Dataset, run: AnalysisRun, to url: URL) throws {
        var contributed: [AccountColumn] = []
        var reasons: [Int32: [String]] = [:]
        for name in run.order {
            guard let r = run.result(named: name) else { continue }
            contributed += r.accountColumns(ds)
            for (a, codes) in r.accountReasons(ds) { reasons[a, default: []] += codes }
        }
        var byName: [String: [String]] = [:]
        var extraNames: [String] = []
        for c in contributed where c.values.count == ds.accounts.count {
            if byName[c.name] == nil, !verdictColumns.contains(c.name), !baseColumns.contains(c.name) { extraNames.append(c.name) }
            byName[c.name] = c.values
        }
        var out = CSVOutput(header: baseColumns + verdictColumns + extraNames)
        let acc = ds.accounts
        for a in ds.accountsInData {
            let i = Int(a)
            var row: [String] = [
                acc.key[a],
                acc.handleString(a),
                String(ds.postCount(of: a)),
                acc.created[i] == noTime ? "" : CivilTime.iso8601(acc.created[i], offsetSeconds: run.context.displayOffsetSeconds),
                acc.followers[i] < 0 ? "" : String(acc.followers[i]),
                acc.following[i] < 0 ? "" : String(acc.following[i]),
                acc.language[i] == noID ? "" : ds.languages[acc.language[i]],
            ]
            for v in verdictColumns {
                if v == "reasons" {
                    // Several analyses may give the same code (findings repeats what it weighed): once each.
                    var seen = Set<String>()
                    row.append((reasons[a] ?? []).filter { seen.insert($0).inserted }.joined(separator: ";"))
                }
                else { row.append(byName[v]?[i] ?? "") }
            }
            for e in extraNames { row.append(byName[e]![i]) }
            out.row(row)
        }
        try out.write(to: url)
    }
}
