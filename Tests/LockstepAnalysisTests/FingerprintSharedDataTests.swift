import Foundation
import LockstepCore
import LockstepIngest
import Testing
@testable import LockstepAnalysis

/// `../shared/data` next to the repository, present in CI and absent on most users' machines.
let fingerprintSharedData: URL? = {
    let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let d = repo.deletingLastPathComponent().appendingPathComponent("shared/data")
    return FileManager.default.fileExists(atPath: d.path) ? d : nil
}()

/// The figures quoted in docs/methodology for the real takedown data.
@Suite(.enabled(if: fingerprintSharedData != nil, "../shared/data is absent: real-data checks skipped"))
struct FingerprintSharedDataTests {
    static let ira: Dataset? = try? Ingest.load([fingerprintSharedData!.appendingPathComponent("ira-538-sample").path])

    @Test func ioArchivePersonasAndCohorts() throws {
        let ds = try Ingest.load([fingerprintSharedData!.appendingPathComponent("io-archive-china-082019").path])
        let p = try Personas(options: AnalysisOptions()).run(on: ds, context: AnalysisContext())
        #expect(p.zeroFollowers == 273 && p.accounts == 744)
        #expect(p.emptyDescription == 555)
        #expect(p.anonymizedHandles == 254)
        let c = try CreationCohorts(options: AnalysisOptions()).run(on: ds, context: AnalysisContext())
        let sizes = Dictionary(uniqueKeysWithValues: c.cohorts.map { ($0.date, $0.size) })
        // The 2017 wave: two large batches in August and the day after the first.
        #expect(sizes["2017-08-18"] == 97)
        #expect(sizes["2017-08-19"] == 13)
        #expect(sizes["2017-08-30"] == 119)
        let l = try Languages(options: AnalysisOptions()).run(on: ds, context: AnalysisContext())
        #expect(l.accountLanguages.first == Languages.LanguageCount(language: "zh", count: 592, share: 0.796))
    }

    @Test func iraHasNoWorkingWeekButARoundTheClockRhythm() throws {
        let ds = try #require(Self.ira)
        let f = try Schedule(options: AnalysisOptions()).run(on: ds, context: AnalysisContext()).group
        #expect(f.inference.verdict == "no-working-week")
        #expect(f.inference.fit < 0.2)
        #expect((f.weekdayWeekendRatio ?? 9) < 1.5)
        let floor = try #require(f.dayRhythm?.nightFloor)
        #expect(floor > 0.3 && floor < 0.6)
        #expect(f.silences.map(\.from) == ["2017-12-28"])
    }

    @Test func iraNewsFeedsAndTrollsDifferInTiesAndGaps() throws {
        let ds = try #require(Self.ira)
        let r = try Cadence(options: AnalysisOptions()).run(on: ds, context: AnalysisContext())
        var byHandle: [String: Int32] = [:]
        for a in ds.accountsInData { byHandle[ds.handle(of: a)] = a }
        for feed in ["NEWORLEANSON", "DAILYSANDIEGO", "HOUSTONTOPNEWS", "JACKSONCITYPOST"] {
            let a = try #require(byHandle[feed])
            let s = try #require(r.stats(of: a))
            #expect(s.label == .burstyHuman)
            #expect(Double(s.ties) / Double(s.gaps) < 0.05)
            #expect(s.median >= 900)
        }
        for troll in ["KATERITTERRRR", "CARRIETHORNTHON", "PRICEFORPIERCE"] {
            let a = try #require(byHandle[troll])
            let s = try #require(r.stats(of: a))
            #expect(Double(s.ties) / Double(s.gaps) > 0.4)
            #expect(s.median <= 60)
        }
        let batcher = try #require(byHandle["CHELSSJOHNT"])
        #expect(r.stats(of: batcher)?.label == .regular)
    }
}
