import Foundation
import LockstepCore
import Testing
@testable import LockstepIngest

private let samples = "twarc2-samples"
private let haveSamples = TestData.has("\(samples)/flat.jsonl")

@Suite(.enabled(if: haveSamples, "needs ../shared/data/twarc2-samples"))
struct Twarc2Tests {
    func load(_ name: String, workers: Int = 2) throws -> Dataset {
        try TestData.load([TestData.path("\(samples)/\(name)")], workers: workers)
    }

    @Test func detectsEveryShape() throws {
        for name in ["flat.jsonl", "noflat.jsonl", "brexit.jsonl", "two_tweets.jsonl", "users.jsonl", "streaming_output_with_error.jsonl"] {
            let sample = try ByteSource.sample(path: TestData.path("\(samples)/\(name)"))
            #expect(InputFormat.detect(sample: sample) == .twarc2, "\(name)")
        }
    }

    @Test func pageAndFlattenedFormsGiveTheSameDataset() throws {
        let page = try load("noflat.jsonl"), flat = try load("flat.jsonl")
        #expect(page.posts.count == 100)
        #expect(flat.posts.count == 100)
        let a = DatasetText(page, sorted: true), b = DatasetText(flat, sorted: true)
        for (x, y) in zip(a.posts, b.posts) where x != y { Issue.record("post differs:\n  page: \(x)\n  flat: \(y)") }
        for (x, y) in zip(a.accounts, b.accounts) where x != y { Issue.record("account differs:\n  page: \(x)\n  flat: \(y)") }
        #expect(a == b)
        // The same tweets processed in the same order: even the interned ids agree.
        #expect(DatasetText(page) == DatasetText(flat))
    }

    @Test func pageFieldsAreRead() throws {
        let d = try load("noflat.jsonl")
        let kinds = Dictionary(grouping: d.posts.kind, by: { $0 }).mapValues(\.count)
        // Counted from the page with Python's json module: 47 retweeted, 31 replied_to, 8 quoted.
        #expect(kinds == [.retweet: 47, .reply: 31, .quote: 8, .original: 14])
        // Entities, likewise: 10 hashtags, 24 URLs, 110 mentions.
        #expect(d.posts.hashtags.values.count == 10)
        #expect(d.posts.urls.values.count == 24)
        #expect(d.posts.mentions.values.count == 110)
        let first = 0
        #expect(d.postKeys[d.posts.key[first]] == "1380242611781386245")
        #expect(d.posts.kind[first] == .retweet)
        #expect(d.postKeys[d.posts.retweetOf[first]] == "1380175475545362437")
        // The retweeted tweet's author comes from includes.tweets → includes.users.
        let ra = d.posts.retweetAccount[first]
        #expect(d.accounts.key[ra] == "2718660392")
        #expect(d.handle(of: ra) == "williamserafino")
        #expect(d.accounts.followers[Int(ra)] == 28341)
        #expect(CivilTime.iso8601(d.posts.time[first]) == "2021-04-08T19:34:16Z")
        #expect(d.languages[d.posts.language[first]] == "es")
        #expect(d.clients[d.posts.client[first]] == "Twitter for Android")
        #expect(d.posts.mentions[first].map { d.accounts.key[$0] } == ["2718660392"])
        // Escapes are decoded: "simult\u00e1nea".
        #expect(d.text(ofPost: first).contains("simultánea"))
        // The author profile from includes.users.
        let a = d.posts.account[first]
        #expect(d.accounts.key[a] == "1352661060663336960")
        #expect(d.accounts.origin[Int(a)].contains(.author))
        #expect(d.accounts.created[Int(a)] != noTime)
        // The suspended mentioned user (page errors) has no id: kept by handle.
        let handleOnly = (0..<Int32(d.accounts.count)).filter { d.accounts.key[$0] == "@gatewaypundit" }
        #expect(handleOnly.count == 1)
        #expect(d.urls.count > 0)
        #expect(d.accounting.rowsRead == 100 && d.accounting.rowsUsed == 100)
    }

    @Test func otherPagesRead() throws {
        let two = try load("two_tweets.jsonl")
        #expect(two.posts.count == 1)
        #expect(two.posts.kind[0] == .retweet)
        #expect(two.hashtags.strings == ["poiuytrewq"])
        #expect(two.handle(of: two.posts.retweetAccount[0]) == "bibaigna96")
        let brexit = try load("brexit.jsonl")
        #expect(brexit.posts.count == 100)
        #expect(brexit.accounting.rejectedTotal == 0)
        #expect(brexit.hashtags.strings.contains("brexit"))
    }

    @Test func streamingOutputCountsTheBrokenLine() throws {
        let d = try load("streaming_output_with_error.jsonl")
        #expect(d.posts.count == 7)
        #expect(d.accounting.rowsRead == 8)
        #expect(d.accounting.rowsUsed == 7)
        #expect(d.accounting.rejected["bad_json"] == 1)
        let e = try #require(d.accounting.examples.first)
        #expect(e.line == 8)
        #expect(e.file.hasSuffix("streaming_output_with_error.jsonl"))
        #expect(e.detail.contains("cut short"))
        // --strict stops there with the location.
        #expect {
            try TestData.load([TestData.path("\(samples)/streaming_output_with_error.jsonl")], strict: true)
        } throws: { e in
            (e as? Rejection).map { $0.line == 8 && $0.column == 45 && $0.reason == .badJSON } ?? false
        }
    }

    @Test func errorLinesAreRejectedAsAPIErrors() throws {
        // A filter stream interleaves error objects (e.g. operational disconnects) with tweets.
        guard let good = try String(contentsOfFile: TestData.path("\(samples)/streaming_output_with_error.jsonl"), encoding: .utf8)
            .split(separator: "\n").first else { Issue.record("no line"); return }
        let text = """
        \(good)
        {"errors": [{"title": "operational-disconnect", "disconnect_type": "UpstreamOperationalDisconnect", "detail": "This stream has been disconnected upstream for operational reasons.", "type": "https://api.twitter.com/2/problems/operational-disconnect"}]}

        \(good)
        [1, 2]
        {"something": "else"}
        {"meta": {"result_count": 0}, "__twarc": {"version": "2.0.3"}}
        """
        let d = try TestData.load([try TestData.temp(text)])
        // The same tweet twice is one post; the second copy is counted as a duplicate.
        #expect(d.posts.count == 1)
        #expect(d.accounting.rejected["duplicate_post"] == 1)
        #expect(d.accounting.rejected["api_error"] == 1)
        #expect(d.accounting.rejected["not_a_tweet"] == 3)
        // An empty result page is no row at all.
        #expect(d.accounting.rowsRead == 6)
        let api = try #require(d.accounting.examples.first { $0.reason == .apiError })
        #expect(api.line == 2)
        #expect(api.detail.contains("operational-disconnect"))
        #expect(d.accounting.examples.filter { $0.reason == .notATweet }.map(\.line) == [5, 5, 6])
    }

    @Test func usersPageGivesListedAccounts() throws {
        let d = try load("users.jsonl")
        #expect(d.posts.count == 0)
        let listed = d.accountsInData
        #expect(listed.count > 80 && listed.count <= 96)
        #expect(listed.allSatisfy { d.accounts.origin[Int($0)].contains(.listed) })
        #expect(listed.allSatisfy { d.accounts.followers[Int($0)] >= 0 && d.accounts.created[Int($0)] != noTime })
        #expect(d.accounting.rowsRead == 96 && d.accounting.rowsUsed == 96)
    }

    @Test func emptyFileSaysSo() {
        #expect {
            try TestData.load([TestData.path("\(samples)/empty.json")])
        } throws: { e in
            "\(e)".contains("empty input") && "\(e)".contains("empty.json")
        }
    }

    @Test func resultsDoNotDependOnWorkers() throws {
        // flat.jsonl repeated 6 times (~4.4 MB) cut into 256 kB parts, and the page file too.
        let flat = try ByteSource.readAll(path: TestData.path("\(samples)/flat.jsonl"))
        let page = try ByteSource.readAll(path: TestData.path("\(samples)/noflat.jsonl"))
        var big: [UInt8] = []
        for k in 0..<6 { big += k == 3 ? page + [10] : flat }
        let path = try TestData.temp(big, name: "big.jsonl")
        let one = DatasetText(try TestData.load([path], workers: 1))
        for w in [2, 4] {
            #expect(DatasetText(try TestData.load([path], workers: w)) == one, "\(w) workers")
        }
        // Six copies of the same 100 tweets: each counted once, the rest as duplicates.
        #expect(one.posts.count == 100)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/gzip"), "needs /usr/bin/gzip"))
    func gzippedLinesRead() throws {
        let path = try TestData.temp(try ByteSource.readAll(path: TestData.path("\(samples)/flat.jsonl")), name: "flat.jsonl")
        let gz = Process()
        gz.executableURL = URL(fileURLWithPath: "/usr/bin/gzip")
        gz.arguments = [path]
        try gz.run()
        gz.waitUntilExit()
        #expect(DatasetText(try TestData.load([path + ".gz"])) == DatasetText(try load("flat.jsonl")))
    }

    @Test func prettyPrintedPagesAndArraysRead() throws {
        // A pretty-printed page (a document spanning lines) and a JSON array of flattened tweets.
        let page = try ByteSource.readAll(path: TestData.path("\(samples)/two_tweets.jsonl"))
        let obj = try JSONSerialization.jsonObject(with: Data(page))
        let pretty = try JSONSerialization.data(withJSONObject: obj, options: [.prettyPrinted])
        let d = try TestData.load([try TestData.temp([UInt8](pretty), name: "pretty.json")])
        #expect(d.posts.count == 1)
        #expect(DatasetText(d) == DatasetText(try load("two_tweets.jsonl")))
        let lines = try String(contentsOfFile: TestData.path("\(samples)/flat.jsonl"), encoding: .utf8).split(separator: "\n")
        let array = "[\n" + lines.prefix(10).joined(separator: ",\n") + "\n]\n"
        let arr = try TestData.load([try TestData.temp(array, name: "array.json")], workers: 4)
        #expect(arr.posts.count == 10)
        // A cut-off array: the elements before the cut are read, the cut one is reported.
        let cut = String(array.prefix(array.count - 200))
        let c = try TestData.load([try TestData.temp(cut, name: "cut.json")])
        #expect(c.posts.count == 9)
        #expect(c.accounting.rejected["bad_json"] == 1)
        #expect(c.accounting.examples.first?.line == 11)
    }
}
