import Foundation
import LockstepAnalysis
import LockstepCore
import LockstepSimulation
import Testing

/// Issue 15's gates on the `hard` world, where fans, activists, syndicated newsrooms and a live-event
/// crowd coordinate authentically beside the operation: the operation is flagged and judged an
/// operation at its office clock, the benign populations are not flagged, and no group of them is
/// judged an operation. Seeds differ from every other quality test's and from the evaluation runs
/// the methodology page reports.
@Suite struct OperationsQualityTests {
    @Test(arguments: [
        // (seed, scale): about 1,300 accounts at 0.15
        (UInt64(41), 0.15),
        (UInt64(57), 0.2),
    ])
    func authenticCoordinationIsNotAnOperation(seed: UInt64, scale: Double) throws {
        let r = try SimulatedRun("hard", seed: seed, scale: scale)
        let s = r.evaluation.flagged
        #expect((s.precision ?? 0) >= 0.97, "precision \(s.precision ?? 0)")
        #expect((s.recall ?? 0) >= 0.95, "recall \(s.recall ?? 0)")
        for p in r.evaluation.populations where Population.isBenign(p.population) {
            // ≤ 1% of each benign population, with one account of slack for the small ones.
            #expect(Double(p.flagged) <= max(1, 0.01 * Double(p.accounts)), "\(p.population): \(p.flagged) of \(p.accounts) flagged")
        }
        let ops = try #require(r.run.context.result(of: Operations.self))
        // Every group judged an operation is mostly the planted operation's accounts.
        let index = r.dataset.accounts.key.index()
        for o in ops.operations where o.verdict == "operation" {
            let planted = o.memberIDs.filter { Population(rawValue: r.truth[r.dataset.accountID(of: $0)] ?? "")?.isOperation == true }.count
            #expect(Double(planted) >= 0.9 * Double(o.accounts), "operation \(o.id): \(planted) of \(o.accounts) planted")
        }
        // The core comes out as one operation, at the office's clock read from its pace-setters.
        let core = r.truth.filter { $0.value == "core" }.compactMap { index[$0.key] }
        let ids = Dictionary(grouping: core.compactMap { ops.operation(of: $0)?.id }, by: { $0 })
        let main = try #require(ids.max { $0.value.count < $1.value.count })
        #expect(Double(main.value.count) >= 0.95 * Double(core.count), "core split over \(ids.mapValues(\.count))")
        let op = ops.operations[main.key - 1]
        #expect(op.verdict == "operation")
        #expect(op.utcOffsetHours == 8, "office clock \(String(describing: op.utcOffsetHours)) from \(op.offsetBasis)")
        // Benign clusters carry their reasons in words.
        for v in ops.clusterVerdicts where v.verdict != "operation" { #expect(!v.reasons.isEmpty) }
    }
}

/// Two offices in one world — a PRC office at UTC+8 and a Russian-language office at UTC+3 that
/// boosts the same diplomats and the first office — come out as two operations with their own
/// clocks, and the second's boosting of the first is reported.
@Suite struct SeveralOperationsQualityTests {
    @Test func twoOfficesAreTwoOperations() throws {
        let r = try SimulatedRun("two-offices", seed: 61, scale: 0.2)
        #expect((r.evaluation.flagged.recall ?? 0) >= 0.95, "recall \(r.evaluation.flagged.recall ?? 0)")
        #expect((r.evaluation.flagged.precision ?? 0) >= 0.97, "precision \(r.evaluation.flagged.precision ?? 0)")
        let ops = try #require(r.run.context.result(of: Operations.self))
        let found = ops.operations.filter { $0.verdict == "operation" }
        #expect(found.count == 2, "\(found.map { ($0.id, $0.accounts, $0.utcOffsetHours as Any) })")
        let prc = try #require(found.first { $0.utcOffsetHours == 8 }, "no operation at UTC+8")
        // The working-week template reads this office an hour early on these seeds (UTC+2 for +3): within ±1.
        let ru = try #require(found.first { $0.id != prc.id })
        let h = try #require(ru.utcOffsetHours)
        #expect(abs(h - 3) <= 1, "second office at UTC\(h)")
        let boost = try #require(ru.amplifies.first { $0.operation == prc.id }, "the second office's reposts of the first are not reported")
        #expect(boost.reposts > 0 && !boost.examples.isEmpty)
    }
}
