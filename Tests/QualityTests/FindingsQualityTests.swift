import Foundation
import LockstepAnalysis
import LockstepCore
import LockstepIngest
import LockstepReport
import LockstepSimulation
import Testing

/// Issue 7's quality gates on the simulator, with every analysis running as `lockstep analyze`
/// runs them: flags against the truth on `troll-factory`, false flags on `organic-only`, bots
/// flagged for their clock on `botnet`, and every planted fact found. Seeds differ from the
/// coordination gates' and from the committed example's.
@Suite struct FindingsQualityTests {
    struct Run {
        var evaluation: Evaluation
        var findings: Findings.Result
        var narratives: Narratives.Result
        var truth: [String: String]
    }

    static func run(_ scenario: String, seed: UInt64, scale: Double) throws -> Run {
        let r = try SimulatedRun(scenario, seed: seed, scale: scale)
        return Run(evaluation: r.evaluation, findings: try #require(r.run.context.result(of: Findings.self)),
                   narratives: try #require(r.run.context.result(of: Narratives.self)), truth: r.truth)
    }

    @Test(arguments: [
        // (seed, scale): about 1,400 accounts and 54,000 posts at 0.15
        (UInt64(13), 0.15),
        (UInt64(29), 0.15),
    ])
    func trollFactoryFlagsTheOperationAndOnlyIt(seed: UInt64, scale: Double) throws {
        let r = try Self.run("troll-factory", seed: seed, scale: scale)
        let s = r.evaluation.flagged
        #expect((s.precision ?? 0) >= 0.97, "precision \(s.precision ?? 0)")
        #expect((s.recall ?? 0) >= 0.95, "recall \(s.recall ?? 0)")
        for p in ["core", "amplifier", "hijacked"] {
            let pop = try #require(r.evaluation.populations.first { $0.population == p })
            #expect((pop.flaggedRate ?? 0) >= 0.95, "\(p) recall \(pop.flaggedRate ?? 0)")
        }
        // Roles right for ≥ 95% of flagged accounts: core (and hijacked, run like core) as core,
        // amplifiers as amplifier, surge followers without a coordination role.
        var right = 0
        for a in r.findings.accounts {
            switch r.truth[a.account] {
            case "core", "hijacked": if a.role == "core" { right += 1 }
            case "amplifier": if a.role == "amplifier" { right += 1 }
            case "surge_follower", "bot": if a.role == nil { right += 1 }
            default: break
            }
        }
        #expect(Double(right) >= 0.95 * Double(r.findings.accounts.count), "\(right) of \(r.findings.accounts.count) roles right")
        // Every planted fact is found: the office's offset, the pivot, each follower surge.
        for f in r.evaluation.facts { #expect(f.status == "found", "\(f.name): \(f.status) — \(f.detail)") }
        // Every flag carries its evidence.
        #expect(r.findings.accounts.allSatisfy { !$0.evidence.isEmpty })
        // What the flagged accounts talk about has its own timeline.
        let flagged = try #require(r.narratives.groups.first { $0.group == "flagged" }, "no narratives group of flagged accounts")
        #expect(flagged.accounts > 0 && flagged.accounts <= r.findings.accounts.count)
    }

    /// The hijack evidence of every suspect counts, not only of those in the summary's list,
    /// which stops at `hijack.top`.
    @Test func everyHijackSuspectIsWeighedWhateverTheListLength() throws {
        let r = try SimulatedRun("troll-factory", seed: 13, scale: 0.15, options: AnalysisOptions(["hijack.top": "1"]))
        let hijack = try #require(r.run.context.result(of: HijackedAccounts.self))
        let findings = try #require(r.run.context.result(of: Findings.self))
        #expect(hijack.suspects > 1 && hijack.accounts.count == 1)
        let weighed = findings.accounts.filter { $0.evidence.contains { $0.code == "hijacked" } }.count
        #expect(weighed == hijack.suspects)
    }

    @Test func organicUsersAloneAreAlmostNeverFlagged() throws {
        let r = try Self.run("organic-only", seed: 17, scale: 0.15)
        let flagged = r.evaluation.flagged.falsePositives
        let organic = r.truth.values.filter { $0 == "organic" }.count
        #expect(Double(flagged) <= 0.005 * Double(organic), "\(flagged) of \(organic) organic accounts flagged")
    }

    @Test func botsAreFlaggedForTheirClock() throws {
        let r = try Self.run("botnet", seed: 19, scale: 0.3)
        let bots = r.truth.filter { $0.value == "bot" }.map(\.key)
        try #require(!bots.isEmpty)
        let byID = Dictionary(uniqueKeysWithValues: r.findings.accounts.map { ($0.account, $0) })
        let flagged = bots.filter { byID[$0] != nil }
        #expect(Double(flagged.count) >= 0.95 * Double(bots.count), "\(flagged.count) of \(bots.count) bots flagged")
        let withClock = flagged.filter { byID[$0]!.evidence.contains { $0.code == "cadence_regular" } }
        #expect(withClock.count == flagged.count, "\(flagged.count - withClock.count) flagged bots lack cadence_regular")
        let organic = r.truth.values.filter { $0 == "organic" }.count
        #expect(Double(r.evaluation.flagged.falsePositives) <= 0.005 * Double(organic))
    }
}
