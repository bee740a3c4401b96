import Foundation
import Testing
@testable import LockstepAnalysis

/// The parameter registry: one declaration per parameter drives parsing, validation, listing and docs.
@Suite struct ParametersTests {
    @Test func everyDefaultIsValidAndEveryAnalysisAcceptsItsDefaults() throws {
        for a in AnalysisCatalogue.all {
            for p in a.parameters { try p.validate(p.defaultValue, key: "\(a.name).\(p.name)") }
            _ = try a.init(options: AnalysisOptions())
        }
        try AnalysisCatalogue.validate(AnalysisOptions())
    }

    @Test(arguments: [
        ("60s", Int64(60)), ("5m", 300), ("2h", 7200), ("7d", 604_800), ("1w", 604_800), ("90", 90), ("1.5m", 90),
    ])
    func durationsParse(text: String, seconds: Int64) {
        #expect(ParameterSpec.parseDuration(text) == seconds)
    }

    @Test(arguments: ["1e999s", "99999999999999999999d", "1e15d", "-1s", "nan", "inf", "s", "", "5x"])
    func durationsThatDoNotFitAreRefusedNotTrapped(text: String) {
        #expect(ParameterSpec.parseDuration(text) == nil || ParameterSpec.parseDuration(text)! > 366 * 86_400)
    }

    @Test func unknownKeysAreRefusedWithTheNearestName() {
        #expect(throws: UnknownParameter.self) { try AnalysisCatalogue.validate(AnalysisOptions(["bogus.param": "1"])) }
        do {
            try AnalysisCatalogue.validate(AnalysisOptions(["Coordination.Window": "60s"]))
            Issue.record("accepted a misspelt key")
        } catch let e as UnknownParameter {
            #expect(e.suggestion == "coordination.window")
        } catch { Issue.record("\(error)") }
        // Bare keys are only the shared ones.
        #expect(throws: UnknownParameter.self) { try AnalysisCatalogue.validate(AnalysisOptions(["top": "5"])) }
        #expect(throws: Never.self) { try AnalysisCatalogue.validate(AnalysisOptions(["tz": "+08:00", "coordination.window.co_retweet": "5m"])) }
    }

    @Test func valuesOfEveryAnalysisAreCheckedWhicheverRun() {
        #expect(throws: OptionError.self) { try AnalysisCatalogue.validate(AnalysisOptions(["narratives.seed": "-1"])) }
        #expect(throws: OptionError.self) { try AnalysisCatalogue.validate(AnalysisOptions(["cadence.min_gaps": "1"])) }
        #expect(throws: OptionError.self) { try AnalysisCatalogue.validate(AnalysisOptions(["coordination.window.co_url": "auto"])) }
    }

    /// The methodology page of each analysis shows the table generated from the declarations, so
    /// the docs cannot drift from them; `LOCKSTEP_RECORD_DOCS=1` rewrites the tables.
    @Test func methodologyPagesShowTheGeneratedParameterTables() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/methodology")
        let begin = "<!-- parameters: generated", end = "<!-- end of parameters -->"
        for a in AnalysisCatalogue.all where !a.parameters.isEmpty {
            let page = docs.appendingPathComponent("\(a.name).md")
            let text = try String(contentsOf: page, encoding: .utf8)
            guard let b = text.range(of: begin), let e = text.range(of: end, range: b.upperBound..<text.endIndex) else {
                Issue.record("docs/methodology/\(a.name).md has no generated parameter block")
                continue
            }
            let headerEnd = text[b.lowerBound...].firstIndex(of: "\n")!
            let current = String(text[text.index(after: headerEnd)..<e.lowerBound])
            let wanted = AnalysisCatalogue.parameterTable(of: a) + "\n"
            if ProcessInfo.processInfo.environment["LOCKSTEP_RECORD_DOCS"] == "1" {
                try (String(text[..<text.index(after: headerEnd)]) + wanted + String(text[e.lowerBound...])).write(to: page, atomically: true, encoding: .utf8)
            } else {
                #expect(current == wanted, "docs/methodology/\(a.name).md: parameter table differs from the declarations (LOCKSTEP_RECORD_DOCS=1 rewrites it)")
            }
        }
    }
}
