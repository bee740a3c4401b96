import LockstepCore

/// A clustered account's part in its cluster.
public enum CoordinationRole: String, Sendable, Codable {
    /// Originates what other members amplify.
    case core
    /// Mostly reposts other members.
    case amplifier
}

/// Assigns roles inside clusters from who reposts whom.
///
/// For each clustered account: `amplifiedBy` counts retweets and quotes of its posts by other members
/// of its cluster; `amplifies` counts its own retweets and quotes of other members' posts. An account
/// is `core` when members amplify it at least once and at least as often as it amplifies them;
/// otherwise `amplifier` when reposts of members make up at least `amplifierShare` of its posts;
/// otherwise it has no role (it co-acts with the cluster but neither originates nor reposts it).
struct Roles: Sendable {
    var amplifierShare: Double

    func assign(_ ds: Dataset, cluster: [Int32], links: RepostLinks) -> [CoordinationRole?] {
        let n = ds.accounts.count
        var amplifiedBy = [Int32](repeating: 0, count: n)
        var amplifies = [Int32](repeating: 0, count: n)
        for a in 0..<n where cluster[a] >= 0 {
            for t in links.targets(of: Int32(a)) where cluster[Int(t)] == cluster[a] {
                amplifies[a] += 1
                amplifiedBy[Int(t)] += 1
            }
        }
        var roles = [CoordinationRole?](repeating: nil, count: n)
        for a in 0..<n where cluster[a] >= 0 {
            let posts = ds.postCount(of: Int32(a))
            if amplifiedBy[a] > 0 && amplifiedBy[a] >= amplifies[a] {
                roles[a] = .core
            } else if posts > 0 && Double(amplifies[a]) >= amplifierShare * Double(posts) {
                roles[a] = .amplifier
            }
        }
        return roles
    }

    /// The author of the post that post `p` retweets or quotes, or ``noID``.
    @inline(__always)
    static func repostedAuthor(_ ds: Dataset, _ p: Int, _ postAuthorByKey: [Int32]) -> Int32 {
        switch ds.posts.kind[p] {
        case .retweet:
            if ds.posts.retweetAccount[p] != noID { return ds.posts.retweetAccount[p] }
            let k = ds.posts.retweetOf[p]
            return k == noID ? noID : postAuthorByKey[Int(k)]
        case .quote:
            let k = ds.posts.quoteOf[p]
            return k == noID ? noID : postAuthorByKey[Int(k)]
        default:
            return noID
        }
    }
}
