import LockstepCore

/// A result that defines groups of accounts other analyses follow separately (narratives gives
/// each its own timeline): typed account ids, never `accounts.csv` text.
public protocol AccountGroupSource {
    /// Named groups of account ids, each non-empty; clusters limited to the `largestClusters` largest.
    func accountGroups(_ ds: Dataset, largestClusters: Int) -> [(String, [Int32])]
}

extension Findings.Result: AccountGroupSource {
    public func accountGroups(_ ds: Dataset, largestClusters: Int) -> [(String, [Int32])] {
        let members = (0..<Int32(ds.accounts.count)).filter { isFlagged($0) }
        return members.isEmpty ? [] : [("flagged", members)]
    }
}

extension Coordination.Result: AccountGroupSource {
    public func accountGroups(_ ds: Dataset, largestClusters: Int) -> [(String, [Int32])] {
        var byCluster: [Int32: [Int32]] = [:]
        for (a, c) in accountCluster.enumerated() where c >= 0 { byCluster[c, default: []].append(Int32(a)) }
        // Ties by the id as text, the order of the group names.
        let largest = byCluster.sorted { $0.value.count != $1.value.count ? $0.value.count > $1.value.count : String($0.key) < String($1.key) }
        return largest.prefix(largestClusters).map { ("cluster:\($0.key)", $0.value) }
    }
}

extension Operations.Result: AccountGroupSource {
    /// Groups judged operations, each with its own timeline: an operation's narratives are its own,
    /// not diluted by the authentic coordination around it. At most `largestClusters`, in id order.
    public func accountGroups(_ ds: Dataset, largestClusters: Int) -> [(String, [Int32])] {
        operations.filter { $0.verdict == GroupSignals.Verdict.operation.rawValue && !$0.memberIDs.isEmpty }
            .prefix(largestClusters).map { ("operation:\($0.id)", $0.memberIDs.sorted()) }
    }
}

extension HijackedAccounts.Result: AccountGroupSource {
    public func accountGroups(_ ds: Dataset, largestClusters: Int) -> [(String, [Int32])] {
        let members = perAccount.filter { $0.value.suspect }.keys.sorted()
        return members.isEmpty ? [] : [("hijack_suspect", members)]
    }
}
