import LockstepCore

/// The groups whose reach the impact analyses measure (breakout, influencers, hashtag lead-lag):
/// an id, a label and the member accounts.
///
/// A group is an operation of the `operations` analysis with the verdict `operation` when that
/// analysis ran (authentic coordination and undetermined groups are left out), else a coordinated
/// cluster. ``from(_:)`` is the one place that decides.
public struct ImpactGroup: Sendable, Equatable {
    /// The operation (or cluster) id as the other outputs show it.
    public var id: Int
    /// `operation 2`, or `cluster 3` when operations did not run.
    public var label: String
    /// Member account ids, sorted.
    public var members: [Int32]

    public init(id: Int, label: String, members: [Int32]) {
        self.id = id
        self.label = label
        self.members = members.sorted()
    }
}

extension ImpactGroup {
    /// The groups of a run: one per found operation (verdict `operation`) when operations ran, else
    /// one per coordinated cluster; empty when neither ran.
    public static func from(_ context: AnalysisContext) -> [ImpactGroup] {
        if let o = context.result(of: Operations.self) {
            return o.operations.filter { $0.verdict == "operation" }.map { ImpactGroup(id: $0.id, label: "operation \($0.id)", members: $0.memberIDs) }
        }
        guard let c = context.result(of: Coordination.self) else { return [] }
        return c.clusters.map { ImpactGroup(id: $0.id, label: "cluster \($0.id)", members: $0.memberIDs) }
    }

    /// The analyses whose results ``from(_:)`` reads, for `runsAfter`.
    public static let sources = [Coordination.name, Operations.name]

    /// Per account id: the index of its group in `groups`, or -1.
    public static func membership(_ groups: [ImpactGroup], accounts n: Int) -> [Int32] {
        var of = [Int32](repeating: -1, count: n)
        for (g, group) in groups.enumerated() { for a in group.members where of[Int(a)] < 0 { of[Int(a)] = Int32(g) } }
        return of
    }
}

/// How the impact analyses name a post in their evidence.
public struct PostRef: Codable, Sendable, Equatable {
    /// The post id as the input gave it; empty when the input has none (the IRA release).
    public var postID: String
    /// The author's account id.
    public var account: String
    /// The author's handle.
    public var handle: String
    /// UTC, ISO 8601.
    public var time: String

    init(_ ds: Dataset, _ p: Int) {
        let k = ds.posts.key[p]
        postID = k == noID ? "" : ds.postID(k)
        let a = ds.posts.account[p]
        account = ds.accountID(of: a)
        handle = ds.handle(of: a)
        time = CivilTime.iso8601(ds.posts.time[p])
    }
}
