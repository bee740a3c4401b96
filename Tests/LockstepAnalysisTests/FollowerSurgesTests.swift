import LockstepAnalysis
import LockstepCore
import Testing

@Suite struct FollowerSurgesTests {
    /// Organic followers at `perDay` over 2018-01 to 2020-06 (a share `freshShare` with brand-new
    /// accounts), plus an optional surge of `size` accounts created 0-5 days before following (so the
    /// bound at the first member alone would put the start days early).
    static func add(_ b: inout FollowerListsBuilder, target: String, seed: UInt64, perDay: Int, freshShare: Double,
                    surge: (from: Int64, to: Int64, size: Int)?) {
        var g = SeededGenerator(seed: seed)
        var follows: [(Int64, Int64)] = []  // (follow time, created)
        let from = at(2018, 1, 1), to = at(2020, 7, 1)
        for _ in 0..<Int(Double(perDay) * Double(to - from) / 86_400) {
            let f = from + Int64(g.unit() * Double(to - from))
            let age = g.unit() < freshShare ? Int64(g.unit() * 30 * 86_400) : Int64(30 * 86_400 + g.unit() * 3600 * 86_400)
            follows.append((f, f - age))
        }
        if let surge {
            for _ in 0..<surge.size {
                let f = surge.from + Int64(g.unit() * Double(surge.to - surge.from))
                follows.append((f, f - Int64(g.unit() * 5 * 86_400)))
            }
        }
        // API order: newest follower first.
        follows.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 > $1.1 }
        let t = b.target(target)
        for (k, f) in follows.enumerated() { b.add(target: t, follower: "\(target)-\(k)", created: f.1) }
    }

    @Test func findsPlantedSurgeAndNoneOnOrganicLists() throws {
        var b = FollowerListsBuilder()
        let surgeFrom = at(2020, 3, 10), surgeTo = at(2020, 3, 14)
        Self.add(&b, target: "diplomat", seed: 1, perDay: 4, freshShare: 0.1, surge: (surgeFrom, surgeTo, 300))
        Self.add(&b, target: "organic", seed: 2, perDay: 4, freshShare: 0.1, surge: nil)
        Self.add(&b, target: "popular", seed: 3, perDay: 40, freshShare: 0.25, surge: nil)
        var context = AnalysisContext()
        context.followers = b.finish()
        let r = try FollowerSurges(options: AnalysisOptions()).run(on: Dataset(), context: context)
        #expect(r.hasInput)
        #expect(r.surges.count == 1, "surges: \(r.surges)")
        let s = try #require(r.surges.first)
        #expect(s.target == "diplomat")
        #expect(abs(CivilTime.parseISO(s.start)! - surgeFrom) <= 2 * 86_400, "start \(s.start)")
        #expect(abs(CivilTime.parseISO(s.end)! - surgeTo) <= 2 * 86_400, "end \(s.end)")
        #expect(s.size >= 290 && s.size <= 330 && s.fresh >= 290)
        #expect(s.newestPosition < s.oldestPosition)
        let diplomat = try #require(r.targets.first { $0.target == "diplomat" })
        #expect(diplomat.series.order.count <= 1000 && diplomat.series.order.first == 0)
        #expect(diplomat.surges == 1)
    }

    @Test func noInputGivesAnEmptyResult() throws {
        let r = try FollowerSurges(options: AnalysisOptions()).run(on: Dataset(), context: AnalysisContext())
        #expect(!r.hasInput && r.surges.isEmpty)
    }
}
