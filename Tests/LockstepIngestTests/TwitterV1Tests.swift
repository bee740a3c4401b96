import Foundation
import LockstepCore
import Testing
@testable import LockstepIngest

// Hand-written statuses in the shape of Twitter's API v1.1 data dictionary
// (https://developer.twitter.com/en/docs/twitter-api/v1/data-dictionary/object-model/tweet and
// .../user, .../entities, .../extended-entities); the first is the dictionary's own example tweet.
private let user = #"{"id": 6253282, "id_str": "6253282", "name": "Twitter API", "screen_name": "TwitterAPI", "location": "San Francisco, CA", "url": "https://developer.twitter.com", "description": "The Real Twitter API.", "followers_count": 6133636, "friends_count": 12, "created_at": "Wed May 23 06:01:13 +0000 2007", "lang": "en"}"#
private let other = #"{"id_str": "783214", "name": "Twitter", "screen_name": "Twitter", "followers_count": 56000000, "friends_count": 100, "created_at": "Tue Feb 20 14:35:54 +0000 2007"}"#

private let statuses: [String] = [
    // 1: an original with entities; `id` is exact in the text, `id_str` is what we read
    #"{"created_at": "Wed Oct 10 20:19:24 +0000 2018", "id": 1050118621198921728, "id_str": "1050118621198921728", "text": "To make room for more expression, we will now count all emojis as equal #Emoji https://t.co/MkGjXf9aXm @Twitter", "source": "<a href=\"http://twitter.com\" rel=\"nofollow\">Twitter Web Client</a>", "user": \#(user), "lang": "en", "in_reply_to_status_id_str": null, "in_reply_to_user_id_str": null, "entities": {"hashtags": [{"text": "Emoji", "indices": [72, 78]}], "urls": [{"url": "https://t.co/MkGjXf9aXm", "expanded_url": "https://cards.twitter.com/cards/18ce53wgo4h/3xo1c", "display_url": "cards.twitter.com/cards/18ce53wg…"}], "user_mentions": [{"screen_name": "Twitter", "name": "Twitter", "id": 783214, "id_str": "783214"}]}}"#,
    // 2: a retweet, with the original embedded
    #"{"created_at": "Thu Oct 11 08:00:00 +0000 2018", "id_str": "1050300000000000001", "text": "RT @TwitterAPI: To make room for more expression", "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>", "user": \#(other), "lang": "en", "retweeted_status": {"created_at": "Wed Oct 10 20:19:24 +0000 2018", "id_str": "1050118621198921728", "text": "To make room", "user": \#(user)}, "entities": {"hashtags": [], "urls": [], "user_mentions": [{"screen_name": "TwitterAPI", "id_str": "6253282"}]}}"#,
    // 3: a reply; the replied-to account is known by id and screen name
    #"{"created_at": "Thu Oct 11 09:30:00 +0000 2018", "id_str": "1050300000000000002", "text": "@TwitterAPI thanks", "source": "web", "user": \#(other), "lang": "en", "in_reply_to_status_id_str": "1050118621198921728", "in_reply_to_user_id_str": "6253282", "in_reply_to_screen_name": "TwitterAPI", "entities": {"hashtags": [], "urls": [], "user_mentions": []}}"#,
    // 4: a quote; the quoted status is embedded
    #"{"created_at": "Thu Oct 11 10:00:00 +0000 2018", "id_str": "1050300000000000003", "text": "Look at this", "is_quote_status": true, "quoted_status_id_str": "1050118621198921728", "quoted_status": {"id_str": "1050118621198921728", "text": "To make room", "user": \#(user)}, "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>", "user": \#(other), "lang": "en"}"#,
    // 5: compatibility mode: truncated text, the full text and its entities in extended_tweet
    #"{"created_at": "Fri Oct 12 00:00:01 +0000 2018", "id_str": "1050300000000000004", "text": "A long tweet that is cut…", "truncated": true, "extended_tweet": {"full_text": "A long tweet that is cut here but goes on #Long #long", "entities": {"hashtags": [{"text": "Long"}, {"text": "long"}], "urls": [], "user_mentions": []}}, "entities": {"hashtags": [], "urls": [], "user_mentions": []}, "source": "<a href=\"x\">Bot &amp; Co</a>", "user": \#(user), "lang": "en"}"#,
    // 6: extended mode: full_text; ids only as numbers; a url without expanded_url
    #"{"created_at": "Fri Oct 12 00:00:02 +0000 2018", "id": 1050300000000000005, "full_text": "Full text \u00e9\ud83d\ude00", "user": {"id": 9007199254740993, "screen_name": "bigid", "followers_count": 0, "friends_count": 0}, "lang": "fr", "entities": {"urls": [{"url": "https://t.co/abc"}]}}"#,
]

private func lines(_ items: [String]) -> String { items.joined(separator: "\n") + "\n" }

@Suite struct TwitterV1Tests {
    @Test func detectsV1() {
        #expect(InputFormat.detect(sample: Array(lines(statuses).utf8)) == .twitterV1)
        #expect(InputFormat.detect(sample: Array(("[" + statuses[0]).utf8)) == .twitterV1)
        #expect(InputFormat.detect(sample: Array(user.utf8)) == .twitterV1)
    }

    @Test func readsStatuses() throws {
        let d = try TestData.load([try TestData.temp(lines(statuses))])
        #expect(d.posts.count == 6)
        #expect(d.accounting.rejectedTotal == 0)
        func post(_ id: String) -> Int { (0..<d.posts.count).first { d.postKeys[d.posts.key[$0]] == id }! }
        let p1 = post("1050118621198921728")
        #expect(d.posts.kind[p1] == .original)
        #expect(CivilTime.iso8601(d.posts.time[p1]) == "2018-10-10T20:19:24Z")
        #expect(d.clients[d.posts.client[p1]] == "Twitter Web Client")
        #expect(d.posts.hashtags[p1].map { d.hashtags[$0] } == ["emoji"])
        #expect(d.posts.urls[p1].map { d.urls[$0] } == ["https://cards.twitter.com/cards/18ce53wgo4h/3xo1c"])
        #expect(d.posts.mentions[p1].map { d.accounts.key[$0] } == ["783214"])
        let a = d.posts.account[p1]
        #expect(d.accounts.key[a] == "6253282")
        #expect(d.handle(of: a) == "TwitterAPI")
        #expect(d.accounts.followers[Int(a)] == 6_133_636)
        #expect(d.accounts.following[Int(a)] == 12)
        #expect(CivilTime.iso8601(d.accounts.created[Int(a)]) == "2007-05-23T06:01:13Z")
        #expect(d.languages[d.accounts.language[Int(a)]] == "en")
        #expect(d.accounts.profileArena.string(d.accounts.location[Int(a)]) == "San Francisco, CA")

        let p2 = post("1050300000000000001")
        #expect(d.posts.kind[p2] == .retweet)
        #expect(d.postKeys[d.posts.retweetOf[p2]] == "1050118621198921728")
        #expect(d.accounts.key[d.posts.retweetAccount[p2]] == "6253282")
        #expect(d.clients[d.posts.client[p2]] == "Twitter for iPhone")

        let p3 = post("1050300000000000002")
        #expect(d.posts.kind[p3] == .reply)
        #expect(d.postKeys[d.posts.replyTo[p3]] == "1050118621198921728")
        #expect(d.accounts.key[d.posts.replyAccount[p3]] == "6253282")
        #expect(d.clients[d.posts.client[p3]] == "web")  // not an anchor: taken as it is

        let p4 = post("1050300000000000003")
        #expect(d.posts.kind[p4] == .quote)
        #expect(d.postKeys[d.posts.quoteOf[p4]] == "1050118621198921728")

        let p5 = post("1050300000000000004")
        #expect(d.text(ofPost: p5) == "A long tweet that is cut here but goes on #Long #long")
        #expect(d.posts.hashtags[p5].map { d.hashtags[$0] } == ["long", "long"])

        // Numbers as ids keep all their digits (9007199254740993 is 2^53 + 1: a Double would round it).
        let p6 = post("1050300000000000005")
        #expect(d.accounts.key[d.posts.account[p6]] == "9007199254740993")
        #expect(d.text(ofPost: p6) == "Full text é😀")
        #expect(d.posts.urls[p6].map { d.urls[$0] } == ["https://t.co/abc"])
        #expect(d.posts.client[p6] == noID)
    }

    @Test func arrayAndLinesGiveTheSameDataset() throws {
        let l = try TestData.load([try TestData.temp(lines(statuses))])
        let oneLine = try TestData.load([try TestData.temp("[" + statuses.joined(separator: ",") + "]", name: "a.json")])
        let pretty = try TestData.load([try TestData.temp("[\n  " + statuses.joined(separator: ",\n  ") + "\n]\n", name: "b.json")])
        #expect(DatasetText(oneLine) == DatasetText(l))
        #expect(DatasetText(pretty) == DatasetText(l))
    }

    @Test func badRecordsAreCountedWithTheirLine() throws {
        let text = lines([
            statuses[0],
            #"{"delete": {"status": {"id": 1, "id_str": "1", "user_id": 3, "user_id_str": "3"}, "timestamp_ms": "1539202764000"}}"#,
            #"{"created_at": "Oct 10 2018", "id_str": "5", "text": "bad time", "user": {"id_str": "1"}}"#,
            #"{"created_at": "Wed Oct 10 20:19:24 +0000 2018", "id_str": "6", "text": "no user"}"#,
            #"{"created_at": "Wed Oct 10 20:19:24 +0000 2018", "id_str": "7", "text": "cut"#,
            #"{"errors": [{"code": 88, "message": "Rate limit exceeded"}]}"#,
        ])
        let d = try TestData.load([try TestData.temp(text)])
        #expect(d.posts.count == 1)
        #expect(d.accounting.rowsRead == 6)
        #expect(d.accounting.rejected == ["not_a_tweet": 1, "bad_time": 1, "missing_value": 1, "bad_json": 1, "api_error": 1])
        #expect(d.accounting.examples.map(\.line) == [2, 3, 4, 5, 6])
        let time = try #require(d.accounting.examples.first { $0.reason == .badTime })
        #expect(time.column == 16)  // the opening quote of the value
        #expect(time.detail.contains("Oct 10 2018"))
        #expect(d.accounting.examples.last?.detail.contains("Rate limit exceeded") == true)
    }

    @Test func usersAloneAreListedAccounts() throws {
        let d = try TestData.load([try TestData.temp(lines([user, other]))])
        #expect(d.posts.count == 0)
        #expect(d.accountsInData.map { d.accounts.key[$0] } == ["6253282", "783214"])
        #expect(d.accountsInData.allSatisfy { d.accounts.origin[Int($0)].contains(.listed) })
    }

    /// Chunks of a few kilobytes over many blocks, each worker remembering its accounts across
    /// them (`AccountMemo`), give the dataset of the file read as one chunk.
    @Test(arguments: [1, 2, 3])
    func manySmallChunksGiveTheDatasetOfOne(workers: Int) throws {
        var rows: [String] = []
        for k in 0..<600 {
            // Accounts vary from row to row, so that one is replied to in one chunk and writes in a
            // later one, and its follower count differs between its rows (the first profile wins).
            rows.append(statuses[k % statuses.count]
                .replacingOccurrences(of: "\"id_str\": \"1050", with: "\"id_str\": \"\(k)1050")
                .replacingOccurrences(of: "6253282", with: String(6_253_282 + (k * 7) % 50))
                .replacingOccurrences(of: "783214", with: String(783_214 + (k * 3) % 40))
                .replacingOccurrences(of: "6133636", with: String(k)))
        }
        let path = try TestData.temp(lines(rows))
        func read(blockSize: Int, minChunk: Int, workers: Int) throws -> Dataset {
            var builder = DatasetBuilder()
            var o = CSVDriver.Options()
            o.workers = workers
            o.blockSize = blockSize
            o.minChunk = minChunk
            let out = try JSONDriver.read(source: ByteSource(path: path), file: path, options: o, builder: &builder, handler: TwitterV1())
            #expect(out.rowsRead == 600)
            return builder.finish(accounting: IngestAccounting())
        }
        let one = DatasetText(try read(blockSize: 64 << 20, minChunk: 64 << 20, workers: 1))
        let many = DatasetText(try read(blockSize: 16 << 10, minChunk: 2 << 10, workers: workers))
        #expect(one.posts == many.posts)
        #expect(one.accounts == many.accounts)
    }

    /// Damaged lines through the block queue on 1–3 workers: nothing crashes, and each damaged
    /// line is rejected on its own while the rest are read.
    @Test(arguments: [1, 2, 3])
    func damagedLinesAreRejectedOneByOne(workers: Int) throws {
        var g = SeededGenerator(seed: 31 + UInt64(workers))
        var rows: [String] = []
        for k in 0..<400 {
            rows.append(statuses[k % statuses.count].replacingOccurrences(of: "\"id_str\": \"1050", with: "\"id_str\": \"\(k)1050"))
        }
        var bytes = Array(lines(rows).utf8)
        let noise: [UInt8] = [34, 123, 125, 44, 0xC3, 0xFF, 0x80, 58, 92]
        for _ in 0..<30 {
            let at = Int(g.next() % UInt64(bytes.count))
            if bytes[at] != 10 { bytes[at] = noise[Int(g.next() % UInt64(noise.count))] }
        }
        let path = try TestData.temp(bytes, name: "damaged.jsonl")
        var builder = DatasetBuilder()
        var o = CSVDriver.Options()
        o.workers = workers
        o.blockSize = 8 << 10
        o.minChunk = 1 << 10
        let out = try JSONDriver.read(source: ByteSource(path: path), file: path, options: o, builder: &builder, handler: TwitterV1())
        #expect(out.log.total > 0 && out.log.total <= 30)
        #expect(out.rowsUsed > 300, "\(out.rowsUsed) used")
        _ = builder.finish(accounting: IngestAccounting())
    }

    @Test func resultsDoNotDependOnWorkers() throws {
        // ~3 MB of distinct statuses, so the reader cuts several parts.
        var rows: [String] = []
        for k in 0..<3000 {
            let s = statuses[k % statuses.count]
                .replacingOccurrences(of: "\"id_str\": \"1050", with: "\"id_str\": \"\(k)1050")
            rows.append(s)
        }
        let path = try TestData.temp(lines(rows))
        let loaded = try TestData.load([path], workers: 1)
        let one = DatasetText(loaded)
        // Statuses whose id the rewrite does not touch repeat: they count once, as duplicates after.
        #expect(loaded.posts.count + (loaded.accounting.rejected["duplicate_post"] ?? 0) == 3000)
        #expect(loaded.posts.count > 2000)
        for w in [2, 4] { #expect(DatasetText(try TestData.load([path], workers: w)) == one, "\(w) workers") }
    }

    @Test(arguments: [
        // the API's own form
        ("Wed Oct 10 20:19:24 +0000 2018", "2018-10-10T20:19:24Z"),
        // an offset other than +0000 (archives re-exported in local time)
        ("Wed Oct 10 22:19:24 +0200 2018", "2018-10-10T20:19:24Z"),
        // leap day
        ("Thu Feb 29 00:00:00 +0000 2024", "2024-02-29T00:00:00Z"),
    ])
    func parsesV1Times(text: String, iso: String) {
        var t = text
        let v = t.withUTF8 { TimeFormat.twitterV1.parse(UnsafeRawBufferPointer($0)) }
        #expect(v.map { CivilTime.iso8601($0) } == iso)
    }

    @Test func anchorText() {
        var s = #"<a href="http://twitter.com/download/android" rel="nofollow">Twitter for Android</a>"#
        let a = s.withUTF8 { String(decoding: TwitterV1.anchorText(UnsafeRawBufferPointer($0)), as: UTF8.self) }
        #expect(a == "Twitter for Android")
    }
}
