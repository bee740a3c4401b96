import Foundation
import LockstepSimulation
import Testing

/// The impact plants (#16) recovered on simulated worlds the analyses were not tuned to: bought
/// engagement with precision and recall of 0.9 or more, the planted influencers and no other
/// account, state media's hashtag lead within a day, and the operation's organic engagement
/// within 5%. Seeds and scales vary; docs/methodology/engagement.md has the wider table.
@Suite(.serialized) struct ImpactQualityTests {
    @Test(arguments: [("troll-factory", 21 as UInt64, 0.12), ("hard", 7 as UInt64, 0.3)])
    func plantsAreRecovered(scenario: String, seed: UInt64, scale: Double) throws {
        let r = try SimulatedRun(scenario, seed: seed, scale: scale, impact: true)
        let impact = try #require(r.evaluation.impact)
        let posts = try #require(impact.boughtPosts), accounts = try #require(impact.boughtAccounts)
        #expect(posts.planted > 20)
        #expect((posts.precision ?? 0) >= 0.9 && (posts.recall ?? 0) >= 0.9, "bought posts \(posts)")
        #expect((accounts.precision ?? 0) >= 0.9 && (accounts.recall ?? 0) >= 0.9, "bought accounts \(accounts)")
        let influencers = try #require(impact.influencers)
        #expect(influencers.planted == 4 && influencers.truePositives == 4 && influencers.found == 4, "influencers \(influencers)")
        #expect(impact.leads.count == 2)
        for lead in impact.leads {
            let found = try #require(lead.foundHours, "no lead found for #\(lead.hashtag)")
            #expect(abs(found - lead.plantedHours) <= 24, "#\(lead.hashtag): planted \(lead.plantedHours) h, found \(found) h")
        }
        let planted = try #require(impact.breakoutPlanted), found = try #require(impact.breakoutFound)
        #expect(planted > 0 && abs(Double(found - planted)) <= 0.05 * Double(planted), "breakout planted \(planted), found \(found)")
        #expect(r.evaluation.facts.filter { $0.name.hasPrefix("hashtag lead") || $0.name.hasPrefix("bought") }.allSatisfy { $0.status == "found" })
    }
}
