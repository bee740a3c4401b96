import Foundation
import LockstepCore

/// One input format: its `--format` name, a line of help, how a file is recognised and how it is read.
///
/// Each format lives in one file under `Readers/` and is listed once in ``ReaderCatalogue``; detection,
/// `--format`, the error that lists the known formats and the docs' format table all come from there.
protocol InputReader: Sendable {
    /// The `--format` value, also written in `summary.json`'s per-file counts.
    static var name: String { get }
    /// One line for help text and error messages.
    static var summary: String { get }
    /// JSON formats are still detected when a mapping file is given (it maps CSV columns).
    static var isJSON: Bool { get }
    /// Whether a file's first bytes are this format's.
    static func recognises(_ sample: FormatSample) -> Bool
    /// Reads the whole file into the builder.
    static func read(_ job: ReadJob, into builder: inout DatasetBuilder) throws -> CSVDriver.Outcome
}

extension InputReader {
    static var isJSON: Bool { false }
    static var format: InputFormat { InputFormat(known: name) }
}

/// The first bytes of a file as detection sees them: JSON keys when it starts like JSON, else the
/// CSV header's names. Computed once per file, whatever the number of formats.
struct FormatSample {
    let bytes: [UInt8]
    /// Keys of the first JSON values, when the file starts with `{` or `[`.
    let jsonKeys: Set<String>?
    /// The header, when the file does not start like JSON and has one.
    let header: HeaderMap?

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        if let first = JSONPeek.firstByte(bytes), first == 0x7B || first == 0x5B {
            jsonKeys = JSONPeek.keys(bytes)
            header = nil
        } else {
            jsonKeys = nil
            var buf = bytes
            header = CSVDriver.header(&buf).map { HeaderMap($0.0) }
        }
    }
}

/// What a reader is given to read one file.
struct ReadJob {
    let source: ByteSource
    let file: String
    let csv: CSVDriver.Options
    let options: IngestOptions
    let progress: (Int, Int) -> Void
}

/// Every input format Lockstep reads, in detection order: the first that recognises a file reads
/// it. Add a new format here, once, after writing its file in `Readers/`.
enum ReaderCatalogue {
    static let all: [any InputReader.Type] = [
        TwitterV1.self, Twarc2.self,
        IOArchiveTweets.self, IOArchiveUsers.self, IRA538.self,
        MappedCSV.self,
    ]

    static func named(_ name: String) -> (any InputReader.Type)? { all.first { $0.name == name } }
}

/// An input format by name; `--format` takes these names. The formats are ``ReaderCatalogue``'s.
public struct InputFormat: RawRepresentable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    public let rawValue: String

    /// A known format's name, or nil.
    public init?(rawValue: String) {
        guard ReaderCatalogue.named(rawValue) != nil else { return nil }
        self.rawValue = rawValue
    }

    init(known name: String) { rawValue = name }

    /// Every format, in detection order.
    public static var allCases: [InputFormat] { ReaderCatalogue.all.map { InputFormat(known: $0.name) } }

    public var description: String { rawValue }

    var reader: any InputReader.Type { ReaderCatalogue.named(rawValue)! }

    /// One line for help text and error messages.
    public var summary: String { reader.summary }

    var isJSON: Bool { reader.isJSON }

    /// Recognises a format from the first bytes of a file (decompressed), or nil.
    public static func detect(sample: [UInt8]) -> InputFormat? {
        let s = FormatSample(sample)
        return ReaderCatalogue.all.first { $0.recognises(s) }.map { InputFormat(known: $0.name) }
    }

    /// Twitter Information Operations archive, tweets file.
    public static var ioArchiveTweets: InputFormat { IOArchiveTweets.format }
    /// Twitter Information Operations archive, users file.
    public static var ioArchiveUsers: InputFormat { IOArchiveUsers.format }
    /// FiveThirtyEight's IRA tweets release.
    public static var ira538: InputFormat { IRA538.format }
    /// Twitter API v2 JSON as twarc2 writes it.
    public static var twarc2: InputFormat { Twarc2.format }
    /// Twitter API v1.1 statuses.
    public static var twitterV1: InputFormat { TwitterV1.format }
    /// Any other CSV, read through a mapping file.
    public static var mapped: InputFormat { MappedCSV.format }
}
