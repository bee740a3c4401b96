import Foundation
import LockstepCore
import Testing
@testable import LockstepAnalysis

/// Cross-check against coordination-network-toolkit (CNT), the reference Python implementation:
/// on the same seeded input, window and minimum weight, Lockstep's co-retweet, co-tweet and co-reply
/// networks hold the same account pairs with the same weights. Runs only where CNT is installed.
@Suite struct CNTCrossCheckTests {
    static let available: Bool = python(["-c", "import coordination_network_toolkit"]) == 0

    @discardableResult
    static func python(_ args: [String]) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3"] + args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }

    struct Row {
        var id: String, user: String, repost: String, reply: String, text: String, time: Int64
    }

    /// Seeded input: a fast retweet clique among random retweeters, copy-pasted messages with case,
    /// spacing and mention variants, and replies to the same posts; each account acts at most once per item.
    static func rows(seed: UInt64) -> [Row] {
        var g = SeededGenerator(seed: seed)
        var rows: [Row] = []
        var n = 0
        func id() -> String { n += 1; return "m\(n)" }
        let users = (0..<40).map { "u\($0)" }
        for k in 0..<60 {
            let t0 = Int64(k) * 2000
            let src = id()
            rows.append(Row(id: src, user: "s\(k % 5)", repost: "", reply: "", text: "source post \(k)", time: t0))
            for (i, u) in users.enumerated() {
                let fast = i < 6 && g.unit() < 0.7
                if fast || g.unit() < 0.2 {
                    let delay = fast ? Int64(g.unit() * 40) : Int64(g.unit() * 600)
                    rows.append(Row(id: id(), user: u, repost: src, reply: "", text: "RT source post \(k)", time: t0 + 5 + delay))
                }
            }
        }
        for k in 0..<30 {
            let t0 = 200_000 + Int64(k) * 3000
            let base = "Campaign message number \(k) is here"
            for (i, u) in users.enumerated() where (i >= 30 && g.unit() < 0.8) || g.unit() < 0.15 {
                var text = g.unit() < 0.5 ? base.uppercased() : base
                if g.unit() < 0.3 { text = text.replacingOccurrences(of: " ", with: "   ") }
                if g.unit() < 0.3 { text += " @friend\(i)" }
                rows.append(Row(id: id(), user: u, repost: "", reply: "", text: text, time: t0 + Int64(g.unit() * (i >= 30 ? 50 : 400))))
            }
        }
        for k in 0..<30 {
            let t0 = 400_000 + Int64(k) * 3000
            let parent = id()
            rows.append(Row(id: parent, user: "s\(k % 5)", repost: "", reply: "", text: "question \(k)", time: t0))
            for (i, u) in users.enumerated() where ((10..<16).contains(i) && g.unit() < 0.8) || g.unit() < 0.15 {
                rows.append(Row(id: id(), user: u, repost: "", reply: parent, text: "answer \(k) from \(u)",
                                time: t0 + Int64(g.unit() * ((10..<16).contains(i) ? 45 : 500))))
            }
        }
        return rows
    }

    @Test(.enabled(if: available, "coordination-network-toolkit is not installed here (pip install coordination-network-toolkit); cross-check skipped"))
    func samePairsAsCNT() throws {
        let window = 60, minWeight = 2
        let rows = Self.rows(seed: 11)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-cnt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var csv = "message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n"
        for r in rows { csv += "\(r.id),\(r.user),\(r.user),\(r.repost),\(r.reply),\"\(r.text)\",\(r.time),\n" }
        try csv.write(to: dir.appendingPathComponent("input.csv"), atomically: true, encoding: .utf8)
        let script = """
        import sys, sqlite3
        from coordination_network_toolkit.preprocess import preprocess_csv_files
        from coordination_network_toolkit import compute_networks as cn
        db, src, out, w, mw = sys.argv[1:6]
        w, mw = int(w), int(mw)
        preprocess_csv_files(db, [src])
        cn.compute_co_retweet_parallel(db, w, n_threads=1, min_edge_weight=mw)
        cn.compute_co_tweet_network(db, w, min_edge_weight=mw, n_threads=1)
        cn.compute_co_reply_network(db, w, min_edge_weight=mw, n_threads=1)
        con = sqlite3.connect(db)
        with open(out, "w") as f:
            for t in ["co_retweet", "co_tweet", "co_reply"]:
                for u1, u2, wt in con.execute(f"select user_1, user_2, weight from {t}_network"):
                    f.write(f"{t}\\t{u1}\\t{u2}\\t{wt}\\n")
        """
        try script.write(to: dir.appendingPathComponent("cnt.py"), atomically: true, encoding: .utf8)
        let status = Self.python([dir.appendingPathComponent("cnt.py").path, dir.appendingPathComponent("cnt.db").path,
                                  dir.appendingPathComponent("input.csv").path, dir.appendingPathComponent("out.tsv").path,
                                  String(window), String(minWeight)])
        try #require(status == 0)

        // CNT's edges are directed and include self-loops; Lockstep's are unordered pairs of two accounts.
        var cnt: [String: Int] = [:]
        for line in try String(contentsOf: dir.appendingPathComponent("out.tsv"), encoding: .utf8).split(separator: "\n") {
            let f = line.split(separator: "\t").map(String.init)
            guard f[1] != f[2] else { continue }
            let key = "\(f[0]) \(min(f[1], f[2])) \(max(f[1], f[2]))"
            if let w = cnt[key] { #expect(w == Int(f[3])!, "CNT weight differs by direction for \(key)") }
            cnt[key] = Int(f[3])!
        }

        var w = PostWriter()
        for r in rows {
            let kind: PostKind = !r.repost.isEmpty ? .retweet : !r.reply.isEmpty ? .reply : .original
            let author = rows.first { $0.id == (r.repost.isEmpty ? r.reply : r.repost) }?.user ?? ""
            w.post(r.id, by: r.user, at: r.time, kind: kind, text: r.text,
                   retweetOf: r.repost.isEmpty ? nil : (r.repost, author), replyTo: r.reply.isEmpty ? nil : (r.reply, author))
        }
        let ds = w.finish()
        let result = try Coordination(options: AnalysisOptions([
            "coordination.traces": "co_retweet,co_tweet,co_reply", "coordination.window": "\(window)s",
            "coordination.min_weight": String(minWeight), "coordination.max_p": "1", "coordination.null_rounds": "0",
            "coordination.max_partners": "100000",
        ])).run(on: ds, context: AnalysisContext())
        var ours: [String: Int] = [:]
        for e in result.edgeList {
            let x = ds.accounts.key[e.a], y = ds.accounts.key[e.b]
            ours["\(e.trace) \(min(x, y)) \(max(x, y))"] = e.weight
        }
        for t in ["co_retweet", "co_tweet", "co_reply"] {
            #expect(cnt.keys.contains { $0.hasPrefix(t + " ") }, "CNT found no \(t) edges: the input does not exercise it")
        }
        let onlyCNT = cnt.keys.filter { ours[$0] == nil }.sorted()
        let onlyOurs = ours.keys.filter { cnt[$0] == nil }.sorted()
        #expect(onlyCNT.isEmpty, "pairs only CNT found: \(onlyCNT.prefix(10))")
        #expect(onlyOurs.isEmpty, "pairs only Lockstep found: \(onlyOurs.prefix(10))")
        let differing = cnt.keys.filter { ours[$0] != nil && ours[$0] != cnt[$0] }.sorted()
        #expect(differing.isEmpty, "weights differ: \(differing.prefix(10).map { "\($0): CNT \(cnt[$0]!) Lockstep \(ours[$0]!)" })")
        print("CNT cross-check: \(cnt.count) pairs in CNT, \(ours.count) in Lockstep")
    }
}
