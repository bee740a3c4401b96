import Foundation

/// A small RFC 4180 reader for modest files Lockstep itself wrote (results, truth, watchlists); not a hot path.
package struct SimpleCSV: Sendable {
    /// The first row.
    package var header: [String]
    /// Every later row; short rows are padded with empty fields.
    package var rows: [[String]]

    /// Parses CSV text: quoted fields, doubled quotes, line breaks inside quotes, LF or CRLF, a UTF-8 BOM.
    package init(text: String) {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var fieldStarted = false
        var scalars = text.unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        var iterator = scalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func endRecord() {
            record.append(field)
            if !(record.count == 1 && record[0].isEmpty && !fieldStarted) { records.append(record) }
            record = []
            field = ""
            fieldStarted = false
        }
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let n = iterator.next() {
                        if n == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = n }
                    } else { quoted = false }
                } else {
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty:
                quoted = true
                fieldStarted = true
            case ",":
                record.append(field)
                field = ""
                fieldStarted = true
            case "\r":
                if let n = iterator.next(), n != "\n" { pending = n }
                endRecord()
            case "\n":
                endRecord()
            default:
                field.unicodeScalars.append(c)
                fieldStarted = true
            }
        }
        if fieldStarted || !field.isEmpty || !record.isEmpty { endRecord() }
        header = records.first ?? []
        let width = header.count
        rows = records.dropFirst().map { $0.count < width ? $0 + Array(repeating: "", count: width - $0.count) : $0 }
    }

    /// Reads and parses a file.
    package static func read(_ url: URL) throws -> SimpleCSV {
        let data = try Data(contentsOf: url)
        return SimpleCSV(text: String(decoding: data, as: UTF8.self))
    }

    /// Index of a column by name (exact, then case-insensitive and trimmed).
    package func column(_ name: String) -> Int? {
        header.firstIndex(of: name)
            ?? header.firstIndex { $0.trimmingCharacters(in: .whitespaces).lowercased() == name.lowercased() }
    }
}
