import Foundation
import Testing
import LockstepCore
@testable import LockstepIngest

/// Real takedown data from ../shared/data: present in CI, absent on most machines (then skipped).
@Suite(.enabled(if: sharedData != nil, "../shared/data is absent: real-data checks skipped"))
struct SharedDataTests {
    @Test func ioArchiveUsersFileMatchesItsREADME() throws {
        let d = try Ingest.load([sharedData!.appendingPathComponent("io-archive-china-082019").path])
        #expect(d.accounting.rowsRead == 744 && d.accounting.rejectedTotal == 0)
        let inData = d.accountsInData
        #expect(inData.count == 744)
        #expect(inData.filter { d.accounts.followers[Int($0)] == 0 }.count == 273)
        #expect(inData.filter { d.accounts.description[Int($0)].isEmpty }.count == 555)
        var langs: [String: Int] = [:]
        for a in inData { langs[d.languages[d.accounts.language[Int(a)]], default: 0] += 1 }
        #expect(langs == ["zh-cn": 569, "en": 104, "ru": 36, "zh-CN": 13, "zh-tw": 10, "es": 8, "en-gb": 3, "ja": 1])
        // Hashed accounts keep their hash as the id, exactly as given.
        #expect(d.accounts.key.strings.contains("vMm2zemFOF7kmXoDyX24Bo+TorqhNutpZlATYyxsE="))
    }

    @Test func iraSampleReadsEveryRow() throws {
        let d = try Ingest.load([sharedData!.appendingPathComponent("ira-538-sample").path])
        #expect(d.accounting.rowsRead == 270_319)
        #expect(d.accounting.rowsUsed + d.accounting.rejectedTotal == 270_319)
        #expect(d.accounting.rejectedTotal == 0)
        #expect(d.accountsInData.count == 284)
        // 120,115 rows carry the release's retweet flag; 909 more are unflagged `RT @handle:` texts.
        let retweets = d.posts.kind.filter { $0 == .retweet }.count
        #expect(retweets == 120_115 + 909)
        #expect(CivilTime.iso8601(d.posts.time.min()!) == "2012-02-02T00:35:00Z")
        #expect(CivilTime.iso8601(d.posts.time.max()!) == "2018-04-23T15:24:00Z")
        #expect(d.languages.strings.contains("Russian") && d.languages.strings.contains("English"))
        // The release strips the `RT @handle:` prefix from most retweets, so only the 1,082 that keep it
        // name their source; each of those resolves to an account.
        let named = (0..<d.posts.count).filter { d.posts.kind[$0] == .retweet && d.posts.retweetAccount[$0] != noID }.count
        let prefixed = (0..<d.posts.count).filter { d.posts.kind[$0] == .retweet && d.text(ofPost: $0).hasPrefix("RT @") }.count
        #expect(named >= prefixed - 5 && named > 1000)
    }
}
