import Foundation
import LockstepAnalysis
import LockstepCore

// A synthetic dataset of about `posts` posts: organic users who post, retweet celebrities' viral
// posts at random delays and reply; and troll factories whose amplifiers retweet their core accounts
// within seconds and whose core accounts post copy-pasted text, hashtags and links. Then every trace,
// significance, fusion, Leiden and roles, timed; the result is checked, so a fast wrong answer fails.

func main() throws {
    let target = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 1_000_000 : 1_000_000
    let viral = CommandLine.arguments.contains("--viral")
    let scale = Double(target) / 1_000_000
    var g = SeededGenerator(seed: 2024)
    var b = DatasetBuilder()
    let none = UnsafeRawBufferPointer(start: nil, count: 0)
    let vocabulary = (0..<5000).map { "w\($0)" }
    var postCount = 0
    let t0 = CivilTime.seconds(year: 2024, month: 1, day: 1)
    let span: Int64 = 30 * 86_400

    func acc(_ s: String) -> Int32 { b.account(id: s) }
    func post(_ a: Int32, _ t: Int64, _ kind: PostKind, _ text: String) -> String {
        postCount += 1
        var k = "p\(postCount)", x = text
        _ = k.withUTF8 { kk in x.withUTF8 { xx in b.addPost(key: UnsafeRawBufferPointer(kk), account: a, time: t, kind: kind,
                                                              text: UnsafeRawBufferPointer(xx), language: none, client: none) } }
        return k
    }
    func tag(_ s: String) { var x = s; x.withUTF8 { b.addHashtag(UnsafeRawBufferPointer($0)) } }
    func url(_ s: String) { var x = s; x.withUTF8 { b.addURL(UnsafeRawBufferPointer($0)) } }
    func retweet(_ key: String, _ author: Int32) { var x = key; x.withUTF8 { b.setRetweet(post: UnsafeRawBufferPointer($0), account: author) } }
    func reply(_ key: String, _ author: Int32) { var x = key; x.withUTF8 { b.setReply(post: UnsafeRawBufferPointer($0), account: author) } }
    func words(_ n: Int) -> String { (0..<n).map { _ in vocabulary[Int(g.next() % 5000)] }.joined(separator: " ") }

    let lines = (0..<500).map { _ in words(8) }
    let factories = max(1, Int(20 * scale)), coreSize = 10, ampSize = 50, corePosts = 40
    let celebrities = max(10, Int(2000 * scale)), viralPerCeleb = 10
    let organic = Int(60_000 * scale)
    let started = ContinuousClock.now
    var coreIDs: [Int32] = [], ampIDs: [Int32] = []
    for f in 0..<factories {
        let core = (0..<coreSize).map { acc("f\(f)c\($0)") }
        let amps = (0..<ampSize).map { acc("f\(f)a\($0)") }
        coreIDs += core; ampIDs += amps
        for k in 0..<(coreSize * corePosts) {
            let c = core[k % coreSize]
            let t = t0 + Int64(g.unit() * Double(span))
            // Copy-paste: 25 lines per factory, each posted by several core accounts.
            let key = post(c, t, .original, "factory \(f) line \(k % 25) " + lines[(f * 25 + k % 25) % lines.count])
            tag("f\(f)tag\(k % 4)")
            tag("f\(f)tag\((k + 1) % 4)")
            url("https://www.site\(f).example/article/\(k)?utm_source=tw")
            for a in amps where g.unit() < 0.7 {
                _ = post(a, t + 1 + Int64(g.unit() * 20), .retweet, "")
                retweet(key, c)
            }
        }
    }
    var viralKeys: [(String, Int32, Int64)] = []
    for c in 0..<celebrities {
        let a = acc("celeb\(c)")
        for _ in 0..<viralPerCeleb {
            let t = t0 + Int64(g.unit() * Double(span))
            viralKeys.append((post(a, t, .original, words(12)), a, t))
            tag("tag\(g.next() % 2000)")
        }
    }
    let organicIDs = (0..<organic).map { acc("u\($0)") }
    var recent: [(String, Int32)] = []
    for u in organicIDs {
        for _ in 0..<11 {
            let r = g.unit()
            if r < 0.4 {
                // Some organic posts repeat a popular phrase (organic co-tweets) or a quote with a word changed.
            let text = g.unit() < 0.05 ? "happy new year everyone" : g.unit() < 0.05 ? lines[Int(g.next() % 500)] + " " + words(1) : words(10)
            let k = post(u, t0 + Int64(g.unit() * Double(span)), .original, text)
                if g.unit() < 0.5 { tag("tag\(g.next() % 2000)") }
                if g.unit() < 0.3 { url("https://news\(g.next() % 5000).example/story/\(g.next() % 100)") }
            if g.unit() < 0.3 { b.addMention(viralKeys[Int(g.next() % UInt64(viralKeys.count))].1) }
                if recent.count < 100_000 { recent.append((k, u)) }
            } else if r < 0.9 {
                let (k, a, t) = viralKeys[Int(g.next() % UInt64(viralKeys.count))]
                _ = post(u, t + 5 + Int64(-log(max(g.unit(), 1e-9)) * 3600), .retweet, "")
                retweet(k, a)
            } else if !recent.isEmpty {
                let (k, a) = recent[Int(g.next() % UInt64(recent.count))]
                _ = post(u, t0 + Int64(g.unit() * Double(span)), .reply, "@x " + words(6))
                reply(k, a)
            }
        }
    }
    if viral {
        let star = acc("star")
        let key = post(star, t0, .original, "the viral post")
        for i in 0..<200_000 {
            _ = post(acc("fan\(i)"), t0 + Int64(g.unit() * 3600), .retweet, "")
            retweet(key, star)
        }
    }
    let ds = b.finish(accounting: IngestAccounting())
    let built = ContinuousClock.now - started
    print("dataset: \(ds.posts.count) posts, \(ds.accounts.count) accounts, built in \(built)")

    // `--export FILE` writes the dataset in coordination-network-toolkit's CSV format, to time CNT on the same posts.
    if let i = CommandLine.arguments.firstIndex(of: "--export"), i + 1 < CommandLine.arguments.count {
        var out = "message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n"
        func q(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        for p in 0..<ds.posts.count {
            let a = ds.posts.account[p]
            let rt = ds.posts.retweetOf[p], rp = ds.posts.replyTo[p]
            let urls = ds.posts.urls[p].map { ds.urls[$0] }.joined(separator: " ")
            out += "\(ds.postID(ds.posts.key[p])),\(ds.accounts.key[a]),\(ds.accounts.key[a]),\(rt == noID ? "" : ds.postID(rt)),"
            out += "\(rp == noID ? "" : ds.postID(rp)),\(q(ds.text(ofPost: p))),\(ds.posts.time[p]),\(q(urls))\n"
        }
        try out.write(toFile: CommandLine.arguments[i + 1], atomically: true, encoding: .utf8)
        print("exported \(ds.posts.count) posts to \(CommandLine.arguments[i + 1])")
        return
    }

    func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
    let threadCounts = ProcessInfo.processInfo.environment["THREADS"].flatMap(Int.init).map { [$0] } ?? [ProcessInfo.processInfo.activeProcessorCount, 1]
    for threads in threadCounts {
        let analysis = try Coordination(options: AnalysisOptions(["coordination.threads": String(threads)]))
        var best = Double.infinity
        var result: Coordination.Result?
        for _ in 0..<(ProcessInfo.processInfo.environment["RUNS"].flatMap(Int.init) ?? 3) {
            let s = ContinuousClock.now
            result = try analysis.run(on: ds, context: AnalysisContext())
            best = min(best, seconds(ContinuousClock.now - s))
        }
        let r = result!
        var right = 0
        for c in coreIDs where r.accountRole[Int(c)] == .core { right += 1 }
        for a in ampIDs where r.accountRole[Int(a)] == .amplifier { right += 1 }
        let organicClustered = organicIDs.filter { r.accountCluster[Int($0)] >= 0 }.count
        print("threads \(threads): best of runs \(String(format: "%.3f", best)) s; edges \(r.edges), clusters \(r.clusters.count), clustered \(r.clusteredAccounts), roles right \(right)/\(coreIDs.count + ampIDs.count), organic clustered \(organicClustered)")
        for t in r.traces { print("  \(t.trace): actions \(t.actions), items \(t.items), pairs \(t.pairs), candidates \(t.candidates), edges \(t.edges)") }
        guard r.clusters.count >= factories, Double(right) >= 0.95 * Double(coreIDs.count + ampIDs.count), organicClustered == 0 else {
            print("RESULT CHECK FAILED"); exit(1)
        }
    }
    var usage = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
    print("max RSS \(usage.ru_maxrss / 1024) MB")
}

try main()
