import ArgumentParser
import Foundation
import LockstepAnalysis
import LockstepCore
import LockstepIngest
import LockstepReport

@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lockstep-bench",
        abstract: "Measures Lockstep on generated data of named sizes; every benchmark checks its result.",
        subcommands: [IngestBench.self, AnalyzeBench.self, ExportCNT.self, FloorBench.self])
}

/// Peak resident memory of this process so far, in bytes.
func peakRSS() -> Int {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return Int(u.ru_maxrss) * 1024
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

struct Common: ParsableArguments {
    @Option(help: "Rows of the generated IO-archive tweets file.")
    var rows = 1_000_000
    @Option(help: "Use this file instead of generating one (its row count is then not checked).")
    var file: String?
    @Option(help: "Folder for generated files.")
    var cache = "/tmp/lockstep-bench"
    @Option(help: "Repetitions (the best and the median are reported).")
    var repeats = 3

    func input() throws -> (path: String, rows: Int?) {
        if let file { return (file, nil) }
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        let path = "\(cache)/io-tweets-\(rows).csv"
        if !FileManager.default.fileExists(atPath: path) {
            FileHandle.standardError.write(Data("generating \(path)\n".utf8))
            try BenchData.writeIOTweets(rows: rows, to: path)
        }
        return (path, rows)
    }
}

struct IngestBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ingest", abstract: "Reading an IO-archive tweets CSV into a dataset.")
    @OptionGroup var common: Common
    @Option(help: "Worker threads (default: all cores).")
    var workers: Int?
    @Option(help: "Also time this many loads, each in a fresh process (what a user's run costs: no memory the allocator kept from an earlier load).")
    var coldRuns = 0
    @Flag(help: .hidden)
    var printSeconds = false

    func run() throws {
        let (path, rows) = try common.input()
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        if coldRuns > 0 && !printSeconds {
            var cold: [Double] = []
            var peaks: [Int] = []
            for _ in 0..<coldRuns {
                var args = ["ingest", "--rows", String(common.rows), "--cache", common.cache, "--repeats", "1", "--print-seconds"]
                if let f = common.file { args += ["--file", f] }
                if let workers { args += ["--workers", String(workers)] }
                let p = Process()
                p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
                p.arguments = args
                // Its one line goes to a file, read once it has exited: no pipe to read while a
                // child exits (FileHandle's read traps on the EINTR that can bring).
                let outFile = URL(fileURLWithPath: "\(common.cache)/cold-run.out")
                _ = FileManager.default.createFile(atPath: outFile.path, contents: nil)
                p.standardOutput = try FileHandle(forWritingTo: outFile)
                try p.run()
                p.waitUntilExit()
                let text = (try? String(contentsOf: outFile, encoding: .utf8)) ?? ""
                let parts = text.split(separator: " ")
                guard p.terminationStatus == 0, parts.count == 2, let t = Double(parts[0]), let m = Int(parts[1].trimmingCharacters(in: .whitespacesAndNewlines)) else {
                    throw ValidationError("a cold run failed: \(text)")
                }
                cold.append(t)
                peaks.append(m)
            }
            let sorted = cold.sorted()
            print(String(format: "ingest, %d fresh processes: best %.3f s (%.0f MB/s), median %.3f s (%.0f MB/s), worst %.3f s; peak RSS %.0f–%.0f MB (%.2f–%.2fx file)",
                         coldRuns, sorted[0], Double(size) / sorted[0] / 1e6, sorted[sorted.count / 2], Double(size) / sorted[sorted.count / 2] / 1e6,
                         sorted.last!, Double(peaks.min()!) / 1e6, Double(peaks.max()!) / 1e6,
                         Double(peaks.min()!) / Double(max(size, 1)), Double(peaks.max()!) / Double(max(size, 1))))
        }
        var times: [Double] = []
        var posts = 0
        var firstPeak = 0
        for repeatIndex in 0..<common.repeats {
            var o = IngestOptions()
            if let workers { o.workers = workers }
            let start = ContinuousClock.now
            let d = try Ingest.load([path], options: o)
            times.append(seconds(ContinuousClock.now - start))
            posts = d.posts.count
            // A fast wrong answer must fail.
            if let rows, d.accounting.rowsRead != rows || d.accounting.rejectedTotal != 0 || posts != rows {
                throw ValidationError("wrong result: read \(d.accounting.rowsRead), rejected \(d.accounting.rejectedTotal), posts \(posts); expected \(rows)")
            }
            if repeatIndex == 0 { firstPeak = peakRSS() }
        }
        if printSeconds {
            print("\(times[0]) \(firstPeak)")
            return
        }
        report("ingest", size: size, rows: posts, times: times, firstPeak: firstPeak)
    }
}

struct AnalyzeBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "analyze", abstract: "The whole analyze run: ingest, every analysis, every output.")
    @OptionGroup var common: Common
    @Option(help: "Comma-separated analyses (default all).")
    var analyses: String?

    func run() throws {
        let (path, rows) = try common.input()
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        var times: [Double] = []
        var perAnalysis: [String: [Double]] = [:]
        for _ in 0..<common.repeats {
            let start = ContinuousClock.now
            let d = try Ingest.load([path])
            let selected = try AnalysisCatalogue.resolve(analyses.map { $0.split(separator: ",").map(String.init) })
            let run = try AnalysisRun.run(selected, on: d, options: AnalysisOptions())
            let out = URL(fileURLWithPath: "\(common.cache)/out")
            try ResultsWriter.write(dataset: d, run: run, inputs: [path], directory: out)
            times.append(seconds(ContinuousClock.now - start))
            for (k, v) in run.seconds { perAnalysis[k, default: []].append(v) }
            guard let o = run.context.result(of: Overview.self), rows == nil || o.posts == rows else {
                throw ValidationError("wrong result: overview missing or post count differs")
            }
        }
        report("analyze", size: size, rows: rows ?? 0, times: times)
        for (k, v) in perAnalysis.sorted(by: { $0.key < $1.key }) {
            print(String(format: "  %-18@ median %.3f s", k as NSString, v.sorted()[v.count / 2]))
        }
    }
}

/// Writes what Lockstep reads from a file in coordination-network-toolkit's CSV format, so that CNT
/// is timed on the same posts (`Benchmarks/compare/side_by_side.sh`).
struct ExportCNT: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export-cnt", abstract: "Exports a data file's posts in coordination-network-toolkit's CSV format.")
    @Argument(help: "A data file or folder Lockstep reads.")
    var input: String
    @Argument(help: "The CSV file to write.")
    var output: String

    func run() throws {
        let ds = try Ingest.load([input])
        guard ds.posts.count > 0 else { throw ValidationError("no posts read from \(input)") }
        // Written a few megabytes at a time: one String for 1M posts would hold the file twice.
        FileManager.default.createFile(atPath: output, contents: nil)
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        defer { try? h.close() }
        var out = "message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n"
        func q(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        for p in 0..<ds.posts.count {
            let a = ds.posts.account[p]
            let rt = ds.posts.retweetOf[p], rp = ds.posts.replyTo[p]
            let urls = ds.posts.urls[p].map { ds.urls[$0] }.joined(separator: " ")
            let k = ds.posts.key[p]
            out += "\(k == noID ? "p\(p)" : q(ds.postID(k))),\(q(ds.accounts.key[a])),\(q(ds.accounts.key[a])),\(rt == noID ? "" : q(ds.postID(rt))),"
            out += "\(rp == noID ? "" : q(ds.postID(rp))),\(q(ds.text(ofPost: p))),\(ds.posts.time[p]),\(q(urls))\n"
            if out.utf8.count > 4 << 20 { h.write(Data(out.utf8)); out = "" }
        }
        h.write(Data(out.utf8))
        print("exported \(ds.posts.count) posts to \(output)")
    }
}

/// What no reader or analysis can beat on a file: a pass over its bytes (read(2) into one reused
/// 4 MB buffer and memchr for line breaks, as `wc -l` does) and a sort of one 64-bit key per post
/// (the actions coordination groups by item and time).
struct FloorBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "floor", abstract: "Times a byte scan of a file and a sort of one key per line.")
    @Option(help: "The file to scan.")
    var file: String
    @Option(help: "Keys to sort (default: one per line of the file).")
    var keys: Int?
    @Option(help: "Repetitions (the median is reported).")
    var repeats = 3

    func run() throws {
        var scans: [Double] = []
        var lines = 0
        let size = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 4 << 20, alignment: 64)
        defer { buffer.deallocate() }
        for _ in 0..<repeats {
            let start = ContinuousClock.now
            let fd = open(file, O_RDONLY)
            guard fd >= 0 else { throw ValidationError("cannot open \(file)") }
            var n = 0
            while true {
                let got = read(fd, buffer, 4 << 20)
                if got <= 0 { break }
                var p = buffer
                var left = got
                while left > 0, let hit = memchr(p, 10, left) {
                    n += 1
                    let skip = hit - p + 1
                    p = hit + 1
                    left -= skip
                }
            }
            close(fd)
            scans.append(seconds(ContinuousClock.now - start))
            lines = n
        }
        guard lines > 0 else { throw ValidationError("no line breaks in \(file)") }
        let scan = scans.sorted()[scans.count / 2]
        print(String(format: "byte scan: %d lines, median %.3f s (%.0f MB/s)", lines, scan, Double(size) / scan / 1e6))
        let count = keys ?? lines
        var sorts: [Double] = []
        for r in 0..<repeats {
            var g = SeededGenerator(seed: UInt64(r + 1))
            var k = (0..<count).map { _ in g.next() }
            let start = ContinuousClock.now
            k.sort()
            sorts.append(seconds(ContinuousClock.now - start))
            // A fast wrong answer must fail.
            for i in 1..<k.count where k[i - 1] > k[i] { throw ValidationError("not sorted") }
        }
        print(String(format: "sort of %d 64-bit keys: median %.3f s", count, sorts.sorted()[sorts.count / 2]))
    }
}

/// Prints the timings. `firstPeak`, when given, is the peak RSS after the first repeat: one load's
/// own peak, which the issue's memory target is about; the process's peak over all repeats is
/// higher, because the allocator keeps memory between repeats.
func report(_ name: String, size: Int, rows: Int, times: [Double], firstPeak: Int? = nil) {
    let sorted = times.sorted()
    let best = sorted[0], median = sorted[sorted.count / 2]
    let file = Double(max(size, 1))
    var memory = String(format: "peak RSS %.0f MB (%.2fx file)", Double(peakRSS()) / 1e6, Double(peakRSS()) / file)
    if let firstPeak {
        memory = String(format: "peak RSS of one load %.0f MB (%.2fx file), over all repeats %.0f MB",
                        Double(firstPeak) / 1e6, Double(firstPeak) / file, Double(peakRSS()) / 1e6)
    }
    print(String(format: "%@: %.1f MB, %d rows; best %.3f s (%.0f MB/s, %.2f M rows/s), median %.3f s; %@; %d cores",
                 name, Double(size) / 1e6, rows, best, Double(size) / best / 1e6, Double(rows) / best / 1e6, median,
                 memory, ProcessInfo.processInfo.activeProcessorCount))
}

/// Seeded IO-archive tweets with the archive's shape: quoted fields, Chinese and English text,
/// retweets with `RT @` prefixes, list fields, multi-line descriptions.
enum BenchData {
    static func writeIOTweets(rows: Int, to path: String) throws {
        var g = SeededGenerator(seed: 20_200_611)
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? h.close() }
        var out = ""
        out += "\"tweetid\",\"userid\",\"user_display_name\",\"user_screen_name\",\"user_reported_location\",\"user_profile_description\",\"user_profile_url\",\"follower_count\",\"following_count\",\"account_creation_date\",\"account_language\",\"tweet_language\",\"tweet_text\",\"tweet_time\",\"tweet_client_name\",\"in_reply_to_userid\",\"in_reply_to_tweetid\",\"quoted_tweet_tweetid\",\"is_retweet\",\"retweet_userid\",\"retweet_tweetid\",\"latitude\",\"longitude\",\"quote_count\",\"reply_count\",\"like_count\",\"retweet_count\",\"hashtags\",\"urls\",\"user_mentions\"\n"
        let words = ["香港", "警察", "暴徒", "示威", "防疫", "the", "police", "protest", "hong", "kong", "news", "today", "china", "virus", "support", "truth", "\"quoted\"", "a,b"]
        let users = 50_000
        for i in 0..<rows {
            let u = Int(g.next() % UInt64(users))
            let rt = g.next() % 10 < 4
            var text = rt ? "RT @user\(Int(g.next() % UInt64(users))): " : ""
            for k in 0..<Int(8 + g.next() % 32) { if k > 0 { text += " " }; text += words[Int(g.next() % UInt64(words.count))] }
            let desc = u % 3 == 0 ? "热爱生活, \"\"quoted\"\" text\nsecond line" : (u % 3 == 1 ? "" : "hello world")
            let month = 1 + Int(g.next() % 12), day = 1 + Int(g.next() % 28), hour = Int(g.next() % 24), minute = Int(g.next() % 60)
            let time = "2019-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day) \(hour < 10 ? "0" : "")\(hour):\(minute < 10 ? "0" : "")\(minute)"
            let fields: [String] = [
                String(1_200_000_000_000_000_000 + i), String(100_000_000_000_000_000 + u * 7919), "Name \(u) 名字", "user\(u)",
                u % 2 == 0 ? "Hong Kong" : "", desc, "", String(g.next() % 100), String(g.next() % 500),
                "2017-\(1 + u % 12 < 10 ? "0" : "")\(1 + u % 12)-15", "zh-cn", ["zh", "en", "und"][Int(g.next() % 3)],
                text.replacingOccurrences(of: "\"", with: "\"\""), time, g.next() % 2 == 0 ? "Twitter Web Client" : "Twitter for iPhone",
                "", "", "", rt ? "True" : "False", rt ? String(100_000_000_000_000_000 + Int(g.next() % UInt64(users)) * 7919) : "",
                rt ? String(1_100_000_000_000_000_000 + Int(g.next() % 1_000_000)) : "", "", "", "0", "0", String(g.next() % 5), "0",
                g.next() % 10 < 3 ? "['香港', 'HongKong']" : "[]", g.next() % 10 < 2 ? "['https://www.example.com/a?utm_source=x']" : "[]", "[]",
            ]
            out += "\"" + fields.joined(separator: "\",\"") + "\"\n"
            if out.utf8.count > 8 << 20 { h.write(Data(out.utf8)); out = "" }
        }
        h.write(Data(out.utf8))
    }
}
