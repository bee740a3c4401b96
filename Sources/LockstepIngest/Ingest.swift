import Foundation
import LockstepCore

/// Options for reading inputs.
public struct IngestOptions: Sendable {
    /// Stop at the first rejected row with its location instead of counting it.
    public var strict = false
    /// Force a format instead of detecting it per file.
    public var format: InputFormat?
    /// Worker threads for parsing (defaults to the number of cores).
    public var workers = ProcessInfo.processInfo.activeProcessorCount
    /// Path of a TOML mapping file naming the columns of a CSV no built-in format knows; CSV inputs
    /// are then read through it (JSON inputs are still detected).
    public var mapping: String?
    /// The longest field a row may hold (a post's text, a profile's description); a longer one
    /// rejects its row as `field_too_long`, so one damaged or hostile field cannot exhaust memory.
    public var maxFieldBytes = 1 << 20
    /// The longest record (a CSV row, a JSON line or one value of a JSON array file); a longer
    /// one is rejected as `record_too_long` and reading resumes after it.
    public var maxRecordBytes = 64 << 20
    /// Post and account-creation times outside this range are refused (`bad_time`, or a profile
    /// problem); the clock is read here, once.
    public var times = PlausibleTimes.asOfNow()
    public init() {}
}

/// Progress of a running ingest, for the command line's progress bar.
public struct IngestProgress: Sendable {
    public var file: String
    public var bytesDone: Int
    public var bytesTotal: Int
    public var rows: Int
}

/// Reads input files into one ``Dataset``.
public enum Ingest {
    /// Reads every file (folders expanded), detecting each one's format, into one dataset.
    public static func load(_ paths: [String], options: IngestOptions = IngestOptions(),
                            progress: (@Sendable (IngestProgress) -> Void)? = nil) throws -> Dataset {
        let (marked, passedOver) = try InputFiles.walk(paths)
        guard !marked.isEmpty else { throw IngestError.emptyInput("no input files were given") }
        var builder = DatasetBuilder()
        var accounting = IngestAccounting()
        accounting.skipped = passedOver
        let total = marked.reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: $1.path)[.size] as? Int) ?? 0) }
        var done = 0
        var files: [String] = []
        var postsAfterFile: [Int] = []
        for (file, inFolder) in marked {
            // A folder may hold more than posts (follower lists, watchlists, notes): say what each
            // such file is and skip it, instead of failing on it.
            if inFolder, let side = try sideInput(file, strict: options.strict, named: options.format != nil || options.mapping != nil) {
                accounting.skipped.append(side)
                continue
            }
            files.append(file)
            let count = try read(file: file, options: options, into: &builder) { bytes, rows in
                progress?(IngestProgress(file: file, bytesDone: done + bytes, bytesTotal: total, rows: rows))
            }
            done += count.bytes
            accounting.files.append(count.fileCount)
            postsAfterFile.append(builder.postCount)
            for e in count.examples where accounting.examples.count < IngestAccounting.exampleLimit { accounting.examples.append(e) }
            for e in count.profileExamples where accounting.profileExamples.count < IngestAccounting.exampleLimit { accounting.profileExamples.append(e) }
        }
        if files.isEmpty {
            throw IngestError.emptyInput("the input folders hold no posts or accounts; skipped: " + accounting.skipped.map { "\($0.file) (\($0.reason))" }.joined(separator: "; "))
        }
        if accounting.rowsRead == 0 {
            throw IngestError.emptyInput("\(files.joined(separator: ", ")) hold\(files.count == 1 ? "s" : "") no rows (a CSV header alone, or JSON without tweets or users)")
        }
        let lines = builder.takePostLines()
        var dataset = builder.finish(accounting: accounting)
        // The same post read twice (overlapping collections, both forms of a twarc2 collection) is
        // kept once; the later copies are counted as rejected rows of the file they came from, with
        // their line among the examples. Not an error under --strict: the row is well formed, and
        // reading overlapping collections is expected.
        let dups = dataset.duplicatePosts()
        if !dups.isEmpty {
            var first = [Int32](repeating: -1, count: dataset.postKeys.count)
            for (p, k) in dataset.posts.key.enumerated() where k != noID && first[Int(k)] < 0 { first[Int(k)] = Int32(p) }
            func place(_ p: Int) -> (file: Int, line: Int)? {
                guard let f = postsAfterFile.firstIndex(where: { p < $0 }) else { return nil }
                return (f, p < lines.count ? Int(lines[p]) : 0)
            }
            for d in dups {
                guard let (f, line) = place(d) else { continue }
                dataset.accounting.files[f].rowsUsed -= 1
                dataset.accounting.files[f].rejected[RejectionReason.duplicatePost.rawValue, default: 0] += 1
                if dataset.accounting.examples.count < IngestAccounting.exampleLimit {
                    let key = dataset.posts.key[d]
                    let firstAt = place(Int(first[Int(key)])).map { "\(files[$0.file]):\($0.line)" } ?? "an earlier row"
                    dataset.accounting.examples.append(Rejection(file: files[f], line: line, reason: .duplicatePost,
                                                                 detail: "found post id \(dataset.postKeys[key]) again, first read at \(firstAt); the first copy is kept"))
                }
            }
            dataset.removePosts(dups)
        }
        return dataset
    }

    /// The follower lists and watchlist an analysis run uses: the files named, then those found
    /// in input folders (the dataset's skipped side inputs). Follower rows are added to the
    /// dataset's accounting; nil where there is no such file.
    public static func sideInputs(of dataset: inout Dataset, followers: [String] = [], watchlists: [String] = [],
                                  strict: Bool = false) throws -> (followers: FollowerLists?, watchlist: Watchlist?) {
        let skipped = dataset.accounting.skipped
        var lists: FollowerLists?
        let followerFiles = followers + skipped.filter { $0.kind == "followers" }.map(\.file)
        if !followerFiles.isEmpty {
            let (f, accounting) = try FollowersReader.read(arguments: followerFiles, strict: strict)
            lists = f
            dataset.accounting.merge(accounting)
        }
        var watchlist: Watchlist?
        let watchlistFiles = watchlists + skipped.filter { $0.kind == "watchlist" }.map(\.file)
        if !watchlistFiles.isEmpty {
            var merged = Watchlist()
            for w in watchlistFiles { for e in try WatchlistReader.read(URL(fileURLWithPath: w)).entries { merged.add(e) } }
            watchlist = merged
        }
        return (lists, watchlist)
    }

    /// Extensions of files that hold data when found in a folder: one of them that no format
    /// recognises is a damaged data file, not a note (`.txt` is both; see ``sideInput(_:strict:)``).
    static let postExtensions: Set<String> = ["csv", "tsv", "json", "jsonl", "ndjson"]

    /// What a file in a folder is when it is not posts or accounts, or nil when it should be read.
    ///
    /// A file that should hold posts but is not recognised (a data extension, or a `.txt` that
    /// starts like JSON: a damaged header, say) is not passed over quietly: under `strict` it is
    /// the error naming it would give; otherwise it is listed as `unrecognised` with a warning.
    /// With `named` (`--format` or `--mapping` given) a data file no format recognises is read as
    /// named: a folder of mapped CSVs is what `--mapping` is for.
    static func sideInput(_ file: String, strict: Bool = false, named: Bool = false) throws -> SkippedFile? {
        // As much as reading samples, so that what reading would recognise is not called unrecognised.
        guard let sample = try? ByteSource.sample(path: file, bytes: 1 << 16) else { return nil }
        if sample.allSatisfy({ $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 }) {
            return SkippedFile(kind: "other", file: file, reason: "empty file")
        }
        if InputFormat.detect(sample: sample) != nil { return nil }
        var buf = sample
        if let (names, _, _) = CSVDriver.header(&buf) {
            let h = HeaderMap(names)
            if h["target"] != nil && h["follower_id"] != nil {
                return SkippedFile(kind: "followers", file: file, reason: "a follower list (target, follower_id, ...), not posts: `lockstep analyze` reads it as follower lists")
            }
            if h["label"] != nil && (h["account"] != nil || h["handle"] != nil || h["domain"] != nil) {
                return SkippedFile(kind: "watchlist", file: file, reason: "a watchlist (account/handle/domain, label), not posts: `lockstep analyze` uses it to label amplification targets")
            }
            if h["population"] != nil && h["account_id"] != nil {
                return SkippedFile(kind: "truth", file: file, reason: "ground truth of a simulation: used by `lockstep evaluate`, never by analyze")
            }
        }
        let name = (file as NSString).lastPathComponent.lowercased()
        var ext = (name as NSString).pathExtension
        if ext == "gz" { ext = ((name as NSString).deletingPathExtension as NSString).pathExtension }
        let jsonLike = JSONPeek.firstByte(sample).map { $0 == 0x7B || $0 == 0x5B } ?? false
        // `lockstep simulate` writes its knobs beside the posts; only `evaluate` reads them.
        if jsonLike && Self.holds(sample, "\"windowStart\"") && Self.holds(sample, "\"seed\"") && Self.holds(sample, "\"organic\"") {
            return SkippedFile(kind: "scenario", file: file, reason: "a simulation's scenario: used by `lockstep evaluate`, never by analyze")
        }
        guard postExtensions.contains(ext) || jsonLike else {
            return SkippedFile(kind: "other", file: file, reason: "not a format Lockstep recognises")
        }
        if named && postExtensions.contains(ext) { return nil }
        let problem = unrecognised(file: file, sample: sample)
        if strict { throw problem }
        var why = "its first line matches no format Lockstep knows (a damaged header?)"
        if case .unreadable(_, let p) = problem { why = p }
        return SkippedFile(kind: "unrecognised", file: file,
                           reason: "WARNING: NOT READ, though it should hold posts: \(why); name a format with --format or --mapping, or see the error with --strict")
    }

    static func holds(_ sample: [UInt8], _ text: String) -> Bool { sample.firstRange(of: Array(text.utf8)) != nil }

    /// The error for a file no format recognises: what is wrong with its first line when that
    /// is clear (binary data, bare CR line ends), or else the list of formats.
    static func unrecognised(file: String, sample: [UInt8]) -> IngestError {
        if let problem = sample.withUnsafeBufferPointer({ CSVDriver.headerProblem($0) }) { return .unreadable(file, problem) }
        return .unknownFormat(file: file, known: InputFormat.allCases.map { "\($0.rawValue) (\($0.summary))" })
    }

    struct FileResult {
        var fileCount: IngestAccounting.FileCount
        var examples: [Rejection]
        var profileExamples: [Rejection] = []
        var bytes: Int
    }

    static func read(file: String, options: IngestOptions, into builder: inout DatasetBuilder,
                     progress: @escaping (Int, Int) -> Void) throws -> FileResult {
        // One open file for detecting and reading: a pipe or device named on the command line
        // cannot be opened twice and give the same bytes.
        let source = try ByteSource(path: file)
        let sample = try source.peek(1 << 16)
        if sample.allSatisfy({ $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 }) {
            throw IngestError.emptyInput("\(file) is empty")
        }
        let detected = InputFormat.detect(sample: sample)
        let isJSON = detected?.isJSON == true
        guard let format = options.format ?? (options.mapping != nil && !isJSON ? .mapped : detected) else {
            throw unrecognised(file: file, sample: sample)
        }
        // JSON text never holds a raw NUL byte: binary data (/dev/zero) forced to a JSON format
        // would otherwise be read as one endless record, skipped for ever in bounded memory.
        if format.isJSON && memchr(sample, 0, sample.count) != nil {
            throw IngestError.unreadable(file, "holds binary data (a NUL byte in its first \(sample.count) bytes), not JSON text")
        }
        var csv = CSVDriver.Options()
        csv.strict = options.strict
        csv.workers = options.workers
        csv.maxFieldBytes = options.maxFieldBytes
        csv.maxRecordBytes = options.maxRecordBytes
        let job = ReadJob(source: source, file: file, csv: csv, options: options, progress: { b, r in progress(b, r) })
        let outcome = try format.reader.read(job, into: &builder)
        let fc = IngestAccounting.FileCount(file: file, format: format.rawValue, bytes: source.rawBytesRead,
                                            rowsRead: outcome.rowsRead, rowsUsed: outcome.rowsUsed, rejected: outcome.log.countsByCode, profileProblems: outcome.log.profileCountsByCode)
        return FileResult(fileCount: fc, examples: outcome.log.examples, profileExamples: outcome.log.profileExamples, bytes: source.rawBytesRead)
    }
}
