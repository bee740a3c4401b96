import Foundation
import LockstepCore
import Testing
@testable import LockstepIngest

/// Engagement counts (#16) from every format that carries them; retweets' API counts (their
/// original's) stay unknown; a malformed count is a profile problem, the post kept.
@Suite struct EngagementCountsTests {
    func counts(_ d: Dataset, _ p: Int) -> [Int32] {
        let e = d.posts.engagement
        return [e.likes[p], e.reposts[p], e.quotes[p], e.replies[p]]
    }

    @Test func ioArchiveCountsAreRead() throws {
        // Columns quote_count, reply_count, like_count, retweet_count are fields 24 to 27 of the header.
        func row(_ id: String, _ c: [String], retweet: Bool = false) -> String {
            var f = ioRow(id: id, user: "9", text: retweet ? "RT @x: y" : "hello", isRetweet: retweet)
                .split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            for (k, v) in c.enumerated() { f[23 + k] = "\"\(v)\"" }
            return f.joined(separator: ",")
        }
        let text = ioTweetsHeader + "\n" + row("1", ["2", "3", "57", "11"]) + "\n" + row("2", ["", "0", "x7", "4"]) + "\n"
            + row("3", ["0", "0", "0", "0"], retweet: true) + "\n"
        let d = try TestData.load([try TestData.temp(text, name: "t.csv")])
        #expect(d.posts.count == 3)
        #expect(counts(d, 0) == [57, 11, 2, 3])
        // An empty count is unknown; "x7" too, and it is counted as a profile problem with the row kept.
        #expect(counts(d, 1) == [-1, 4, -1, 0])
        #expect(d.accounting.profileProblems["bad_number"] == 1)
        #expect(d.posts.engagement.total(0) == 73 && d.posts.engagement.total(1) == 4)
        #expect(d.posts.engagement.isPresent)
    }

    @Test func aFileWithoutCountsHasNone() throws {
        let header = "tweetid,userid,tweet_time,tweet_text"
        let d = try TestData.load([try TestData.temp(header + "\n1,9,2020-01-02 03:04,hi\n", name: "t.csv")])
        #expect(d.posts.count == 1 && counts(d, 0) == [-1, -1, -1, -1] && !d.posts.engagement.isPresent)
        #expect(d.posts.engagement.total(0) == -1)
    }

    @Test func v1CountsAndRetweetsOriginalCounts() throws {
        let user = #"{"id_str": "6253282", "screen_name": "TwitterAPI", "followers_count": 10}"#
        let original = #"{"created_at": "Wed Oct 10 20:19:24 +0000 2018", "id_str": "1", "text": "hi", "user": \#(user), "favorite_count": 12, "retweet_count": 5, "quote_count": 1, "reply_count": 2}"#
        let retweet = #"{"created_at": "Wed Oct 10 21:19:24 +0000 2018", "id_str": "2", "text": "RT @TwitterAPI: hi", "user": \#(user), "favorite_count": 0, "retweet_count": 5, "retweeted_status": \#(original)}"#
        let plain = #"{"created_at": "Wed Oct 10 22:19:24 +0000 2018", "id_str": "3", "text": "standard API", "user": \#(user), "favorite_count": 4, "retweet_count": 0}"#
        let d = try TestData.load([try TestData.temp([original, retweet, plain].joined(separator: "\n") + "\n")])
        func post(_ id: String) -> Int { (0..<d.posts.count).first { d.postKeys[d.posts.key[$0]] == id }! }
        #expect(counts(d, post("1")) == [12, 5, 1, 2])
        #expect(counts(d, post("2")) == [-1, -1, -1, -1])
        // The standard API has no quote or reply counts: unknown, not zero.
        #expect(counts(d, post("3")) == [4, 0, -1, -1])
    }

    @Test func twarc2PublicMetrics() throws {
        let tweet = #"{"id": "10", "author_id": "7", "created_at": "2020-03-16T04:00:00.000Z", "text": "hello", "public_metrics": {"retweet_count": 3, "reply_count": 1, "like_count": 40, "quote_count": 0}}"#
        let rt = #"{"id": "11", "author_id": "8", "created_at": "2020-03-16T05:00:00.000Z", "text": "RT @a: hello", "referenced_tweets": [{"type": "retweeted", "id": "10"}], "public_metrics": {"retweet_count": 3, "reply_count": 0, "like_count": 0, "quote_count": 0}}"#
        let d = try TestData.load([try TestData.temp(tweet + "\n" + rt + "\n")])
        func post(_ id: String) -> Int { (0..<d.posts.count).first { d.postKeys[d.posts.key[$0]] == id }! }
        #expect(counts(d, post("10")) == [40, 3, 0, 1])
        #expect(counts(d, post("11")) == [-1, -1, -1, -1])
    }

    @Test func mappedColumns() throws {
        let mapping = "[columns]\naccount = \"user\"\ntime = \"date\"\ntext = \"msg\"\nlikes = \"reactions\"\nreposts = \"forwards\"\nreplies = \"comments\"\n"
        let csv = "user,date,msg,reactions,forwards,comments\nu1,2020-01-01T00:00:00Z,hi,9,2,\nu1,2020-01-02T00:00:00Z,yo,many,1,3\n"
        let m = try TestData.temp(mapping, name: "m.toml"), c = try TestData.temp(csv, name: "x.csv")
        let d = try TestData.load([c], mapping: m)
        #expect(counts(d, 0) == [9, 2, -1, -1])
        #expect(counts(d, 1) == [-1, 1, -1, 3])
        #expect(d.accounting.profileProblems["bad_number"] == 1)
        #expect(d.accounting.rowsUsed == 2)
    }

    @Test(arguments: [1, 2, 4])
    func countsDoNotDependOnWorkers(workers: Int) throws {
        var text = ioTweetsHeader + "\n"
        for i in 0..<3000 {
            var f = ioRow(id: String(i), user: "u\(i % 40)", text: "line \(i)").split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            f[25] = "\"\(i % 97)\""
            text += f.joined(separator: ",") + "\n"
        }
        let path = try TestData.temp(text, name: "w.csv")
        let d = try TestData.load([path], workers: workers)
        #expect(d.posts.count == 3000)
        for p in 0..<d.posts.count { #expect(Int(d.posts.engagement.likes[p]) == Int(d.postID(d.posts.key[p]))! % 97) }
    }
}
