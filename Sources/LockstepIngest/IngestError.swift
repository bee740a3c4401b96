import LockstepCore

/// Why an input could not be read at all (as opposed to a single rejected row, see ``Rejection``).
/// Each message says what was wrong, where, and how to fix it.
public enum IngestError: Error, CustomStringConvertible, Sendable, Equatable {
    case fileNotFound(String)
    case unreadable(String, String)
    case emptyInput(String)
    case unknownFormat(file: String, known: [String])
    case missingColumns(file: String, format: String, missing: [String], found: [String])
    /// A mapping file that cannot be used; `column` is 0 when the problem has no one place.
    case badMapping(file: String, line: Int, String, column: Int = 0)

    public var description: String {
        switch self {
        case .fileNotFound(let p):
            "\(p): no such file or folder; check the path (folders are read recursively)"
        case .unreadable(let p, let why):
            "\(p): cannot be read: \(why)"
        case .emptyInput(let what):
            "empty input: \(what)"
        case .unknownFormat(let f, let known):
            "\(f): not a format Lockstep recognises; known formats: \(known.joined(separator: ", ")). Name one with --format, or describe the columns in a mapping file (--mapping FILE.toml)"
        case .missingColumns(let f, let format, let missing, let found):
            "\(f):1: the \(format) format needs the column(s) \(missing.joined(separator: ", ")), but the header has: \(found.joined(separator: ", ")). Check the file, or use --format/--mapping"
        case .badMapping(let f, let line, let why, let column):
            column > 0 ? "\(f):\(line):\(column): \(why)" : "\(f):\(line): \(why)"
        }
    }
}
