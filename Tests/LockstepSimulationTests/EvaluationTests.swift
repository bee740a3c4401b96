import LockstepCore
import Foundation
import Testing
@testable import LockstepSimulation

@Suite struct SimpleCSVTests {
    @Test func readsQuotesLineBreaksCRLFAndBOM() {
        let csv = SimpleCSV(text: "\u{FEFF}a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n1,,\n\n3\n")
        #expect(csv.header == ["a", "b", "c"])
        #expect(csv.rows == [["x, y", "say \"hi\"", "two\nlines"], ["1", "", ""], ["3", "", ""]])
        #expect(csv.column("B") == 1)
    }
}

/// `evaluate` on small hand-made results whose scores are known.
@Suite struct EvaluationTests {
    // 4 core, 2 amplifiers, 1 hijacked, 1 surge follower, 10 organic.
    static let truth = """
        account_id,population
        c1,core
        c2,core
        c3,core
        c4,core
        a1,amplifier
        a2,amplifier
        h1,hijacked
        s1,surge_follower
        o1,organic
        o2,organic
        o3,organic
        o4,organic
        o5,organic
        o6,organic
        o7,organic
        o8,organic
        o9,organic
        o10,organic

        """
    // Flagged: c1 c2 c3 a1 h1 (true positives, 5) and o1 (false positive); s1 is missing from the results.
    static let accounts = """
        account_id,handle,posts,flagged,role,utc_offset_hours
        c1,x,1,true,core,8
        c2,x,1,1,core,+8
        c3,x,1,true,amplifier,8.0
        c4,x,1,,,-5
        a1,x,1,true,amplifier,
        a2,x,1,false,,
        h1,x,1,true,core,8
        o1,x,1,true,core,8
        o2,x,1,,,8
        o3,x,1,,,
        o4,x,1,,,
        o5,x,1,,,
        o6,x,1,,,
        o7,x,1,,,
        o8,x,1,,,
        o9,x,1,,,
        o10,x,1,0,,
        zz,x,1,true,core,

        """
    static let scenario = """
        {"operationUtcOffsetHours": 8, "pivotDate": "2020-01-13",
         "followerSurges": [{"target": "111", "targetHandle": "AmbOne", "start": "2019-10-22", "end": "2019-10-24", "size": 40},
                            {"target": "222", "targetHandle": "AmbTwo", "start": "2020-03-20", "end": "2020-03-22", "size": 40}]}
        """

    func results(summary: String? = nil, surges: String? = nil) -> (truth: URL, results: URL, scenario: URL) {
        let d = tempDir()
        write(Self.truth, "truth.csv", in: d)
        write(Self.scenario, "scenario.json", in: d)
        let r = d.appendingPathComponent("results")
        try! FileManager.default.createDirectory(at: r, withIntermediateDirectories: true)
        write(Self.accounts, "accounts.csv", in: r)
        if let summary { write(summary, "summary.json", in: r) }
        if let surges { write(surges, "follower_surges.csv", in: r) }
        return (d.appendingPathComponent("truth.csv"), r, d.appendingPathComponent("scenario.json"))
    }

    @Test func computesPrecisionRecallAndPerPopulationRates() throws {
        let f = results()
        let e = try Evaluation.run(truth: f.truth, results: f.results, scenario: f.scenario)
        #expect(e.flagged.truePositives == 5 && e.flagged.falsePositives == 1)
        #expect(e.flagged.falseNegatives == 3 && e.flagged.trueNegatives == 9)
        #expect(e.flagged.precision == 5.0 / 6)
        #expect(e.flagged.recall == 5.0 / 8)
        let f1 = 2 * (5.0 / 6) * (5.0 / 8) / (5.0 / 6 + 5.0 / 8)
        #expect(abs(e.flagged.f1! - f1) < 1e-12)
        #expect(e.flagged.falsePositiveRate == 0.1)
        let core = try #require(e.populations.first { $0.population == "core" })
        #expect(core.accounts == 4 && core.flagged == 3 && core.flaggedRate == 0.75)
        let surge = try #require(e.populations.first { $0.population == "surge_follower" })
        #expect(surge.inResults == 0 && surge.flagged == 0)
        #expect(e.truthAccountsMissingFromResults == 1 && e.resultAccountsNotInTruth == 1)
        #expect(e.roleConfusion["core"] == ["core": 2, "amplifier": 1, "none": 1])
        #expect(e.roleConfusion["organic"] == ["core": 1, "amplifier": 0, "none": 9])
        #expect(e.roleConfusion["surge_follower"] == ["core": 0, "amplifier": 0, "none": 1])
    }

    @Test func reportsPlantedFactsFoundAndMissed() throws {
        let summary = #"{"narratives": {"changePoints": [{"date": "2019-09-01"}, {"date": "2020-01-15"}]}}"#
        let surges = """
            target,start,end,size
            111,2019-10-21T00:00:00Z,2019-10-25T12:00:00Z,38
            @AmbTwo,2020-03-01,2020-03-03,12

            """
        let f = results(summary: summary, surges: surges)
        let e = try Evaluation.run(truth: f.truth, results: f.results, scenario: f.scenario)
        let facts = Dictionary(uniqueKeysWithValues: e.facts.map { ($0.name, $0) })
        // Core offsets: 8, +8, 8.0 and -5 (and c4's -5 is outvoted); the organic o1 does not count.
        #expect(facts["operation offset"]?.status == "found")
        #expect(facts["operation offset"]?.observed == "UTC+8")
        #expect(facts["pivot"]?.status == "found")
        #expect(facts["pivot"]?.observed == "2020-01-15")
        #expect(facts["follower surge @AmbOne"]?.status == "found")
        #expect(facts["follower surge @AmbTwo"]?.status == "missed")
        #expect(e.table().contains("follower surge @AmbTwo"))
    }

    @Test func missingOptionalFilesAreNotEvaluatedRatherThanFailures() throws {
        let f = results()
        let e = try Evaluation.run(truth: f.truth, results: f.results, scenario: f.scenario)
        let facts = Dictionary(uniqueKeysWithValues: e.facts.map { ($0.name, $0) })
        #expect(facts["pivot"]?.status == "not evaluated")
        #expect(facts["pivot"]?.detail == "no summary.json in the results")
        #expect(facts["follower surge @AmbOne"]?.status == "not evaluated")
        #expect(facts["follower surge @AmbOne"]?.detail == "no follower_surges.csv in the results")
        #expect(facts["operation offset"]?.status == "found")

        let d = tempDir()
        write(Self.truth, "truth.csv", in: d)
        write("account_id,flagged,role,utc_offset_hours\nc1,true,core,\no1,,,\n", "accounts.csv", in: d)
        let noSchedule = try Evaluation.run(truth: d.appendingPathComponent("truth.csv"), results: d, scenario: f.scenario)
        #expect(noSchedule.facts.first { $0.name == "operation offset" }?.status == "not evaluated")

        let noScenario = try Evaluation.run(truth: f.truth, results: f.results, scenario: nil)
        #expect(noScenario.facts.map(\.status) == ["not evaluated"])
        #expect(noScenario.table().contains("no scenario.json given"))

        let summaryWithoutNarratives = results(summary: #"{"overview": {}}"#)
        let e2 = try Evaluation.run(truth: summaryWithoutNarratives.truth, results: summaryWithoutNarratives.results,
                                    scenario: summaryWithoutNarratives.scenario)
        #expect(e2.facts.first { $0.name == "pivot" }?.detail.contains("no narratives.changePoints") == true)
    }

    @Test func missingAccountsOrTruthIsAClearError() throws {
        let f = results()
        let empty = tempDir()
        #expect {
            try Evaluation.run(truth: f.truth, results: empty, scenario: nil)
        } throws: { ($0 as? Evaluation.InputError)?.description.contains("no accounts.csv in") == true }
        #expect {
            try Evaluation.run(truth: empty.appendingPathComponent("truth.csv"), results: f.results, scenario: nil)
        } throws: { ($0 as? Evaluation.InputError)?.description.contains("no truth file") == true }
    }

    @Test func organicOnlyHasNoRecallButAFalsePositiveRate() throws {
        let d = tempDir()
        write("account_id,population\no1,organic\no2,organic\no3,organic\no4,organic\n", "truth.csv", in: d)
        write("account_id,flagged,role\no1,true,core\no2,,\no3,,\no4,,\n", "accounts.csv", in: d)
        let e = try Evaluation.run(truth: d.appendingPathComponent("truth.csv"), results: d, scenario: nil)
        #expect(e.flagged.recall == nil && e.flagged.precision == 0 && e.flagged.f1 == nil)
        #expect(e.flagged.falsePositiveRate == 0.25)
        #expect(e.table().contains("n/a"))
        let json = try JSONSerialization.jsonObject(with: e.json()) as? [String: Any]
        #expect((json?["flagged"] as? [String: Any])?["falsePositiveRate"] as? NSNumber == 0.25)
    }

    @Test func flaggedBenignAccountsAreFalsePositivesReportedApartFromOrganic() throws {
        let d = tempDir()
        // 2 core (1 flagged), 4 organic (1 flagged), 4 fans (2 flagged), 2 news sites (1 flagged), 1 unknown benign (flagged).
        write("""
            account_id,population
            c1,core
            c2,core
            o1,organic
            o2,organic
            o3,organic
            o4,organic
            f1,benign_fans
            f2,benign_fans
            f3,benign_fans
            f4,benign_fans
            n1,benign_news
            n2,benign_news
            x1,benign_choir

            """, "truth.csv", in: d)
        write("""
            account_id,flagged,role
            c1,true,core
            c2,,
            o1,true,amplifier
            o2,,
            o3,,
            o4,,
            f1,true,amplifier
            f2,true,amplifier
            f3,,
            f4,,
            n1,true,core
            n2,,
            x1,true,

            """, "accounts.csv", in: d)
        let e = try Evaluation.run(truth: d.appendingPathComponent("truth.csv"), results: d, scenario: nil)
        #expect(e.flagged.truePositives == 1 && e.flagged.falseNegatives == 1)
        #expect(e.flagged.falsePositives == 5 && e.flagged.trueNegatives == 6)
        #expect(e.flagged.precision == 1.0 / 6)
        #expect(e.flagged.recall == 0.5)
        #expect(e.flagged.falsePositiveRate == 0.25, "organic only")
        #expect(e.flagged.benignFalsePositiveRate == 4.0 / 7)
        let fans = try #require(e.populations.first { $0.population == "benign_fans" })
        #expect(fans.kind == "benign" && fans.flaggedRate == 0.5)
        #expect(e.populations.first { $0.population == "core" }?.kind == "operation")
        #expect(e.populations.first { $0.population == "organic" }?.kind == "organic")
        #expect(e.benignPopulations == ["benign_fans", "benign_news", "benign_choir"])
        #expect(!e.positivePopulations.contains { $0.hasPrefix("benign") })
        let table = e.table()
        #expect(table.contains("benign false-positive rate 0.571"))
        #expect(table.split(separator: "\n").contains { $0.hasPrefix("benign_fans") && $0.hasSuffix("false-positive rate (benign)") })
        let json = try JSONSerialization.jsonObject(with: e.json()) as? [String: Any]
        #expect((json?["flagged"] as? [String: Any])?["benignFalsePositiveRate"] as? NSNumber == NSNumber(value: 4.0 / 7))
    }
}
