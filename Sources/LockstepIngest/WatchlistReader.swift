import Foundation
import LockstepCore

/// A watchlist file that could not be read, with the file and line where it went wrong.
public struct WatchlistError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file as named on the command line.
    public var file: String
    /// 1-based line (0 when the file could not be opened).
    public var line: Int
    /// What was wrong, and what was expected.
    public var message: String
    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }
    /// `file:line: message`, the form editors jump to.
    public var description: String { "\(file):\(line): \(message)" }
}

/// Reads a watchlist CSV: a header row with a `label` column and one of `account`, `handle` or
/// `domain` (or several; each row fills exactly one of them), then one entry per row.
///
/// ```
/// handle,label
/// CGTNOfficial,state media
/// ```
public enum WatchlistReader {
    static let keyColumns: [Watchlist.Kind] = [.account, .handle, .domain]

    /// Reads the file at `url`.
    public static func read(_ url: URL) throws -> Watchlist {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw WatchlistError(file: url.path, line: 0, message: "cannot read the file: \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw WatchlistError(file: url.path, line: 1, message: "the file is not UTF-8 text")
        }
        return try parse(text, file: url.path)
    }

    /// Parses watchlist CSV text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws -> Watchlist {
        let rows = try records(text, file: file)
        guard let (headerLine, header) = rows.first else {
            throw WatchlistError(file: file, line: 1, message: "empty watchlist: expected a header row such as 'handle,label'")
        }
        let names = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let labelColumn = names.firstIndex(of: "label") else {
            throw WatchlistError(file: file, line: headerLine, message: "no 'label' column in the header (found: \(names.joined(separator: ", ")))")
        }
        let keyed = keyColumns.compactMap { k in names.firstIndex(of: k.rawValue).map { (k, $0) } }
        guard !keyed.isEmpty else {
            throw WatchlistError(file: file, line: headerLine, message: "the header needs an 'account', 'handle' or 'domain' column (found: \(names.joined(separator: ", ")))")
        }
        var list = Watchlist()
        for (line, fields) in rows.dropFirst() {
            if fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            guard fields.count == names.count else {
                throw WatchlistError(file: file, line: line, message: "expected \(names.count) fields, found \(fields.count)")
            }
            let label = fields[labelColumn].trimmingCharacters(in: .whitespaces)
            guard !label.isEmpty else { throw WatchlistError(file: file, line: line, message: "empty label") }
            let filled = keyed.filter { !fields[$0.1].trimmingCharacters(in: .whitespaces).isEmpty }
            guard filled.count == 1, let (kind, column) = filled.first else {
                let cols = keyed.map { $0.0.rawValue }.joined(separator: ", ")
                throw WatchlistError(file: file, line: line, message: filled.isEmpty
                    ? "no value in \(cols)" : "more than one of \(cols) filled; use one per row")
            }
            list.add(Watchlist.Entry(kind: kind, value: fields[column].trimmingCharacters(in: .whitespaces), label: label))
        }
        return list
    }

    /// RFC 4180 records with the 1-based line each starts on; quoted fields may hold commas and line breaks.
    static func records(_ text: String, file: String) throws -> [(Int, [String])] {
        var out: [(Int, [String])] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false, wasQuoted = false
        var line = 1, start = 1
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var i = 0
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        while i < bytes.count {
            let c = bytes[i]
            if quoted {
                if c == 34 {
                    if i + 1 < bytes.count && bytes[i + 1] == 34 { field.append(34); i += 1 } else { quoted = false }
                } else {
                    if c == 10 { line += 1 }
                    field.append(c)
                }
            } else if c == 34 {
                guard field.isEmpty && !wasQuoted else {
                    throw WatchlistError(file: file, line: line, message: "a quote inside an unquoted field")
                }
                quoted = true
                wasQuoted = true
            } else if c == 44 {
                endField()
            } else if c == 10 || c == 13 {
                if c == 13 && i + 1 < bytes.count && bytes[i + 1] == 10 { i += 1 }
                endField()
                out.append((start, fields))
                fields.removeAll()
                line += 1
                start = line
            } else {
                field.append(c)
            }
            i += 1
        }
        if quoted { throw WatchlistError(file: file, line: start, message: "unbalanced quote") }
        if !field.isEmpty || !fields.isEmpty || wasQuoted {
            endField()
            out.append((start, fields))
        }
        return out
    }
}
