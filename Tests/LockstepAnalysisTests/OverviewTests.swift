import Testing
import LockstepCore
@testable import LockstepAnalysis

/// Builds a small dataset: `accounts` authors with given follower counts, posts spread over days.
func overviewDataset() -> Dataset {
    var b = DatasetBuilder()
    let followers: [Int32] = [0, 0, 3, 10, 250]
    for (i, f) in followers.enumerated() {
        var id = "a\(i)"
        let a = id.withUTF8 { b.account(id: UnsafeRawBufferPointer($0)) }
        var p = ProfileBytes()
        p.followers = f
        p.created = CivilTime.seconds(year: 2017 + i % 2, month: 9, day: 3)
        b.describe(a, p)
        for k in 0..<(i + 1) {
            var text = "post", lang = i < 3 ? "zh" : "en", client = "Twitter Web Client", key = "p\(i)-\(k)"
            text.withUTF8 { t in lang.withUTF8 { l in client.withUTF8 { c in key.withUTF8 { kk in
                _ = b.addPost(key: UnsafeRawBufferPointer(kk), account: a, time: CivilTime.seconds(year: 2020, month: 1, day: 1 + k),
                              kind: k == 0 ? .original : .retweet, text: UnsafeRawBufferPointer(t),
                              language: UnsafeRawBufferPointer(l), client: UnsafeRawBufferPointer(c))
            } } } }
            var tag = k % 2 == 0 ? "HongKong" : "香港"
            tag.withUTF8 { b.addHashtag(UnsafeRawBufferPointer($0)) }
            var url = "https://www.Example.com/x?y=1"
            url.withUTF8 { b.addURL(UnsafeRawBufferPointer($0)) }
        }
    }
    return b.finish(accounting: IngestAccounting())
}

@Suite struct OverviewTests {
    @Test func countsTheHeadlineFigures() throws {
        let d = overviewDataset()
        let r = try Overview(options: AnalysisOptions()).run(on: d, context: AnalysisContext())
        #expect(r.posts == 15 && r.accounts == 5 && r.authors == 5)
        #expect(r.zeroFollowers == 2 && r.zeroFollowersShare == 0.4)
        #expect(r.medianFollowers == 3)
        #expect(r.firstPost == "2020-01-01T00:00:00Z" && r.lastPost == "2020-01-05T00:00:00Z")
        #expect(r.postLanguages.map(\.value) == ["en", "zh"])          // 9 English posts, 6 Chinese
        #expect(r.postLanguages.first?.count == 9)
        #expect(r.kinds.first { $0.value == "retweet" }?.count == 10)
        #expect(r.topDomains.first?.value == "example.com")             // lowercased, www. dropped
        #expect(r.topHashtags.map(\.value) == ["hongkong", "香港"])
        #expect(r.createdPerYear == ["2017": 3, "2018": 2])
        #expect(r.headline.hasPrefix("5 accounts sent 15 posts between 2020-01-01 and 2020-01-05, mostly in en (60%)"))
    }

    @Test func displayOffsetShiftsShownTimes() throws {
        var c = AnalysisContext()
        c.displayOffsetSeconds = 8 * 3600
        let r = try Overview(options: AnalysisOptions()).run(on: overviewDataset(), context: c)
        #expect(r.firstPost == "2020-01-01T08:00:00+08:00")
    }

    @Test func rejectsABadParameter() {
        #expect(throws: OptionError.self) { try Overview(options: AnalysisOptions(["overview.top": "0"])) }
        #expect(throws: OptionError.self) { try Overview(options: AnalysisOptions(["overview.top": "ten"])) }
    }

    @Test func catalogueResolvesSelectionsAndRejectsUnknownNames() throws {
        #expect(try AnalysisCatalogue.resolve(["overview"]).map { $0.name } == ["overview"])
        #expect(throws: UnknownAnalysis.self) { try AnalysisCatalogue.resolve(["nope"]) }
    }

    @Test(arguments: [
        ("https://www.Example.com/a", "example.com"),
        ("http://t.co", "t.co"),
        ("example.org/path", "example.org"),   // no scheme
        ("https://host:8080/x", "host"),       // port dropped
        ("", "(none)"),
    ])
    func urlHosts(url: String, host: String) {
        var u = url
        #expect(u.withUTF8 { URLHost.host(of: UnsafeRawBufferPointer($0)) } == host)
    }
}
