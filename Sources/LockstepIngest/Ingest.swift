import Foundation
import LockstepCore

/// The input formats Lockstep reads; names are what `--format` takes.
public enum InputFormat: String, CaseIterable, Sendable {
    /// Twitter Information Operations archive, tweets file.
    case ioArchiveTweets = "io-tweets"
    /// Twitter Information Operations archive, users file.
    case ioArchiveUsers = "io-users"
    /// FiveThirtyEight's IRA tweets release.
    case ira538 = "ira-538"

    /// One line for help text and error messages.
    public var summary: String {
        switch self {
        case .ioArchiveTweets: "Twitter IO archive tweets CSV (tweetid, userid, tweet_time, ...)"
        case .ioArchiveUsers: "Twitter IO archive users CSV (userid, follower_count, account_creation_date, ...)"
        case .ira538: "FiveThirtyEight IRA tweets CSV (external_author_id, author, content, publish_date, ...)"
        }
    }

    /// Recognises a format from the first bytes of a file (decompressed), or nil.
    public static func detect(sample: [UInt8]) -> InputFormat? {
        var buf = sample
        guard let (names, _, _) = CSVDriver.header(&buf) else { return nil }
        let h = HeaderMap(names)
        if h["tweetid"] != nil && h["userid"] != nil && h["tweet_time"] != nil { return .ioArchiveTweets }
        if h["userid"] != nil && (h["account_creation_date"] != nil || h["follower_count"] != nil) && h["tweetid"] == nil { return .ioArchiveUsers }
        if h["author"] != nil && h["content"] != nil && h["publish_date"] != nil { return .ira538 }
        return nil
    }
}

/// Options for reading inputs.
public struct IngestOptions: Sendable {
    /// Stop at the first rejected row with its location instead of counting it.
    public var strict = false
    /// Force a format instead of detecting it per file.
    public var format: InputFormat?
    /// Worker threads for parsing (defaults to the number of cores).
    public var workers = ProcessInfo.processInfo.activeProcessorCount
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
        let files = try InputFiles.expand(paths)
        guard !files.isEmpty else { throw IngestError.emptyInput("no input files were given") }
        var builder = DatasetBuilder()
        var accounting = IngestAccounting()
        let total = files.reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
        var done = 0
        for file in files {
            let count = try read(file: file, options: options, into: &builder) { bytes, rows in
                progress?(IngestProgress(file: file, bytesDone: done + bytes, bytesTotal: total, rows: rows))
            }
            done += count.bytes
            accounting.files.append(count.fileCount)
            for e in count.examples where accounting.examples.count < IngestAccounting.exampleLimit { accounting.examples.append(e) }
        }
        if accounting.rowsUsed == 0 {
            if accounting.rowsRead == 0 {
                throw IngestError.emptyInput("\(files.joined(separator: ", ")) hold\(files.count == 1 ? "s" : "") a header but no rows")
            }
        }
        return builder.finish(accounting: accounting)
    }

    struct FileResult {
        var fileCount: IngestAccounting.FileCount
        var examples: [Rejection]
        var bytes: Int
    }

    static func read(file: String, options: IngestOptions, into builder: inout DatasetBuilder,
                     progress: @escaping (Int, Int) -> Void) throws -> FileResult {
        let sample = try ByteSource.sample(path: file)
        if sample.allSatisfy({ $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 }) {
            throw IngestError.emptyInput("\(file) is empty")
        }
        guard let format = options.format ?? InputFormat.detect(sample: sample) else {
            throw IngestError.unknownFormat(file: file, known: InputFormat.allCases.map { "\($0.rawValue) (\($0.summary))" })
        }
        let source = try ByteSource(path: file)
        var csv = CSVDriver.Options()
        csv.strict = options.strict
        csv.workers = options.workers
        let report: (Int, Int) -> Void = { b, r in progress(b, r) }
        let outcome: CSVDriver.Outcome
        switch format {
        case .ioArchiveTweets:
            outcome = try CSVDriver.read(source: source, file: file, options: csv, builder: &builder, progress: report) {
                try IOArchiveTweets(header: HeaderMap($0), file: file)
            }
        case .ioArchiveUsers:
            outcome = try CSVDriver.read(source: source, file: file, options: csv, builder: &builder, progress: report) {
                try IOArchiveUsers(header: HeaderMap($0), file: file)
            }
        case .ira538:
            outcome = try CSVDriver.read(source: source, file: file, options: csv, builder: &builder, progress: report) {
                try IRA538(header: HeaderMap($0), file: file)
            }
        }
        let fc = IngestAccounting.FileCount(file: file, format: format.rawValue, bytes: source.rawBytesRead,
                                            rowsRead: outcome.rowsRead, rowsUsed: outcome.rowsUsed, rejected: outcome.log.countsByCode)
        return FileResult(fileCount: fc, examples: outcome.log.examples, bytes: source.rawBytesRead)
    }
}
