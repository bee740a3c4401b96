import Foundation
import LockstepCore
import LockstepIngest

/// One posts file as Spark reads it: where it is, its place in the input order and the columns its
/// header names (optional columns it lacks are read as empty, as the embedded reader does).
package struct SparkInput: Sendable, Equatable {
    /// A local path or any Hadoop-compatible URI.
    package var path: String
    /// The embedded reader's format name (``supportedFormats``).
    package var format: String
    /// Header column names, as the file spells them.
    package var columns: [String]

    package init(path: String, format: String, columns: [String]) {
        self.path = path
        self.format = format
        self.columns = columns
    }

    /// Formats whose rows the generated SQL reads the way the embedded reader does.
    package static let supportedFormats: Set<String> = ["io-tweets"]
    /// Formats whose files hold posts (account lists, follower lists and watchlists do not).
    static let postFormats: Set<String> = ["io-tweets", "twitter-v1", "twarc2", "ira-538", "mapped"]

    /// The posts files of an ingest, in input order (the order that breaks ties between actions at
    /// the same second), with their headers; throws for a posts file Spark cannot read yet.
    package static func from(_ accounting: IngestAccounting) throws -> [SparkInput] {
        var out: [SparkInput] = []
        for f in accounting.files where postFormats.contains(f.format) {
            guard supportedFormats.contains(f.format) else {
                throw SparkError(what: "\(f.file) is in the \(f.format) format, which --engine spark does not read yet",
                                 fix: "run this input with --engine embedded, or convert it to the IO archive tweets layout (supported: \(supportedFormats.sorted().joined(separator: ", ")))")
            }
            // Spark's executors may run elsewhere and in another folder: a local path is made absolute.
            let path = f.file.contains("://") || f.file.hasPrefix("/") ? f.file
                : URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(f.file).standardizedFileURL.path
            out.append(SparkInput(path: path, format: f.format, columns: try header(of: f.file)))
        }
        guard !out.isEmpty else {
            throw SparkError(what: "the input holds no posts file", fix: "name a tweets file (CSV, IO archive layout)")
        }
        return out
    }

    /// The column names of a CSV file's first line (.gz read transparently).
    static func header(of path: String) throws -> [String] {
        let sample: [UInt8]
        do { sample = try ByteSource.sample(path: path, bytes: 1 << 16) } catch {
            throw SparkError(what: "cannot read \(path): \(error)", fix: "check that the file exists and is readable")
        }
        let line = sample.prefix { $0 != 10 && $0 != 13 }
        return SimpleCSV(text: String(decoding: line, as: UTF8.self) + "\n").header
    }
}

/// A problem running the Spark engine: what went wrong and how to fix it.
package struct SparkError: Error, CustomStringConvertible, Sendable {
    package var what: String
    package var fix: String

    package init(what: String, fix: String) {
        self.what = what
        self.fix = fix
    }

    package var description: String { "--engine spark: \(what); \(fix)" }
}
