import Foundation
import LockstepCore
@testable import LockstepIngest

/// One folder for this test process's files, removed when the process exits.
let testScratch: URL = {
    let d = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-tests-\(getpid())")
    try! FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(at: testScratch) }
    return d
}()

/// A fresh temporary folder per test.
func tempDir() -> URL {
    let d = testScratch.appendingPathComponent(UUID().uuidString)
    try! FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
    return d
}

@discardableResult
func write(_ bytes: [UInt8], _ name: String, in dir: URL) -> String {
    let u = dir.appendingPathComponent(name)
    try! Data(bytes).write(to: u)
    return u.path
}

@discardableResult
func write(_ text: String, _ name: String, in dir: URL) -> String { write(Array(text.utf8), name, in: dir) }

/// `../shared/data` next to the repository, present in CI and absent on most users' machines.
let sharedData: URL? = {
    let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let d = repo.deletingLastPathComponent().appendingPathComponent("shared/data")
    return FileManager.default.fileExists(atPath: d.path) ? d : nil
}()

let ioTweetsHeader = "tweetid,userid,user_display_name,user_screen_name,user_reported_location,user_profile_description,user_profile_url,follower_count,following_count,account_creation_date,account_language,tweet_language,tweet_text,tweet_time,tweet_client_name,in_reply_to_userid,in_reply_to_tweetid,quoted_tweet_tweetid,is_retweet,retweet_userid,retweet_tweetid,latitude,longitude,quote_count,reply_count,like_count,retweet_count,hashtags,urls,user_mentions"

/// One IO-archive tweets row with sensible defaults, every field quoted.
func ioRow(id: String, user: String, handle: String = "h", followers: String = "0", text: String = "hello",
           time: String = "2020-01-02 03:04", lang: String = "zh", client: String = "Twitter Web Client",
           isRetweet: Bool = false, rtUser: String = "", rtTweet: String = "", replyTweet: String = "", replyUser: String = "",
           hashtags: String = "[]", urls: String = "[]", mentions: String = "[]") -> String {
    let f = [id, user, "Name", handle, "", "", "", followers, "3", "2017-09-03", "zh-cn", lang, text, time, client,
             replyUser, replyTweet, "", isRetweet ? "True" : "False", rtUser, rtTweet, "", "", "0", "0", "0", "0", hashtags, urls, mentions]
    return f.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ",")
}

/// A seeded IO-archive tweets file of `n` rows with multi-line and quoted texts.
func seededTweets(_ n: Int, seed: UInt64 = 1) -> String {
    var g = SeededGenerator(seed: seed)
    var s = ioTweetsHeader + "\n"
    let words = ["香港", "police", "\"quoted\"", "a,b", "line\nbreak", "新冠", "news", "RT"]
    for i in 0..<n {
        let u = Int(g.next() % 50)
        let rt = g.next() % 3 == 0
        var text = (0..<Int(3 + g.next() % 8)).map { _ in words[Int(g.next() % UInt64(words.count))] }.joined(separator: " ")
        if rt { text = "RT @user\(u / 2): " + text }
        s += ioRow(id: String(1_000_000 + i), user: "u\(u)", handle: "user\(u)", followers: String(g.next() % 20),
                   text: text, time: String(format: "2020-01-%02d %02d:%02d", 1 + Int(g.next() % 28), Int(g.next() % 24), Int(g.next() % 60)),
                   isRetweet: rt, rtUser: rt ? "u\(u / 2)" : "", rtTweet: rt ? String(1_000_000 + Int(g.next() % UInt64(max(i, 1)))) : "",
                   hashtags: g.next() % 4 == 0 ? "['HongKong', '香港']" : "[]") + (g.next() % 5 == 0 ? "\r\n" : "\n")
    }
    return s
}
