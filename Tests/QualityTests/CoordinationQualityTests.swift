import Foundation
import LockstepAnalysis
import LockstepCore
import LockstepIngest
import LockstepReport
import LockstepSimulation
import Testing

/// Issue 5's "Must show" on the simulator: on `troll-factory`, core, hijacked and amplifier accounts
/// fall into clusters and organic users (including those who retweet the same viral posts) do not;
/// roles match the truth; watch-listed state media top the amplification targets. On `organic-only`,
/// every cluster is a false positive. Each case simulates, analyses, writes and evaluates in process.
@Suite struct CoordinationQualityTests {
    /// One simulate → analyze → write → evaluate run, with the clustering read back from accounts.csv.
    struct Outcome {
        var evaluation: Evaluation
        var result: Coordination.Result
        /// Truth population per account id.
        var truth: [String: String]
        /// Per account id in accounts.csv: (cluster, role), blank when none.
        var rows: [String: (cluster: String, role: String)]

        func count(_ population: String) -> Int { truth.values.filter { $0 == population }.count }
        func clustered(_ population: String) -> Int {
            rows.filter { !$0.value.cluster.isEmpty && truth[$0.key] == population }.count
        }
        var clusteredTotal: Int { rows.values.filter { !$0.cluster.isEmpty }.count }
        /// Clustered accounts whose role matches the truth: core and hijacked (campaign posting
        /// after the takeover, run like core) as `core`, amplifiers as `amplifier`; any other
        /// population in a cluster is wrong whatever its role.
        var rightRoles: Int {
            rows.filter { id, r in
                guard !r.cluster.isEmpty, let p = truth[id] else { return false }
                return (p == "core" || p == "hijacked") ? r.role == "core" : p == "amplifier" && r.role == "amplifier"
            }.count
        }
    }

    static func outcome(_ scenario: String, seed: UInt64, scale: Double) throws -> Outcome {
        let r = try SimulatedRun(scenario, seed: seed, scale: scale, analyses: [Overview.self, Coordination.self])
        let result = try #require(r.run.context.result(of: Coordination.self))
        let header = r.accounts.header
        let idCol = try #require(header.firstIndex(of: "account_id"))
        let clusterCol = try #require(header.firstIndex(of: "cluster")), roleCol = try #require(header.firstIndex(of: "role"))
        var rows: [String: (String, String)] = [:]
        for f in r.accounts.rows { rows[f[idCol]] = (f[clusterCol], f[roleCol]) }
        return Outcome(evaluation: r.evaluation, result: result, truth: r.truth, rows: rows)
    }

    @Test(arguments: [
        // seed 3 at scale 0.15: 1,213 organic, 15 core, 45 amplifiers, 3 hijacked
        (UInt64(3), 0.15),
        // seed 5 at scale 0.15, other draws of every population
        (UInt64(5), 0.15),
    ])
    func trollFactoryIsClusteredWithRightRoles(_ seed: UInt64, _ scale: Double) throws {
        let o = try Self.outcome("troll-factory", seed: seed, scale: scale)
        let organic = o.count("organic")
        #expect(organic > 1000)
        // Organic false clustering: at most 1% of organic accounts.
        #expect(Double(o.clustered("organic")) <= 0.01 * Double(organic))
        // Recall of the operation's posting accounts.
        let planted = o.count("core") + o.count("amplifier") + o.count("hijacked")
        let found = o.clustered("core") + o.clustered("amplifier") + o.clustered("hijacked")
        #expect(Double(found) >= 0.9 * Double(planted), "clustered \(found) of \(planted)")
        // Roles right for at least 95% of clustered accounts.
        #expect(o.clusteredTotal > 0)
        #expect(Double(o.rightRoles) >= 0.95 * Double(o.clusteredTotal), "\(o.rightRoles) of \(o.clusteredTotal) roles right")
        // The evaluator's confusion matrix agrees with the rows read here.
        let m = o.evaluation.roleConfusion
        let rightByEvaluator = (m["core"]?["core"] ?? 0) + (m["hijacked"]?["core"] ?? 0) + (m["amplifier"]?["amplifier"] ?? 0)
        #expect(rightByEvaluator == o.rightRoles)
        // State media top the largest cluster's amplification targets.
        let c = try #require(o.result.clusters.first)
        let top = try #require(c.amplification.accounts.first)
        #expect(top.label == "state media", "top target \(top.handle ?? top.target) labelled \(top.label ?? "nothing")")
        let shares = c.amplification.watchlistShares
        #expect((shares["state media"] ?? 0) > (shares["diplomat"] ?? 0))
        // The largest cluster is the operation: its core and amplifiers are the planted ones.
        #expect(c.core >= o.count("core"))
        #expect(c.amplifiers >= Int(0.9 * Double(o.count("amplifier"))))
    }

    /// On `organic-only` every cluster is a false positive. Bound: no cluster of more than 5 accounts,
    /// and at most 0.5% of organic accounts clustered (measured: none at seeds 1, 2, 3 and 7 at scale
    /// 0.15, none at seed 7 at scale 1).
    @Test func organicOnlyHasNoSizeableCluster() throws {
        let o = try Self.outcome("organic-only", seed: 4, scale: 0.15)
        #expect(o.result.clusters.allSatisfy { $0.size <= 5 })
        #expect(Double(o.clusteredTotal) <= 0.005 * Double(o.count("organic")))
    }
}
