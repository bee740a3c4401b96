import Foundation

/// Builds RFC 4180 CSV text: fields with a comma, quote or line break are quoted, quotes doubled.
///
/// Cells are written exactly as the data has them (ids stay byte-for-byte): no spreadsheet
/// formula defanging, so open these files as text in a spreadsheet (see README).
package struct CSVOutput {
    package private(set) var bytes: [UInt8] = []

    package init(header: [String]) { row(header) }

    package mutating func row(_ fields: [String]) {
        for (i, f) in fields.enumerated() {
            if i > 0 { bytes.append(44) }
            field(f)
        }
        bytes.append(10)
    }

    package mutating func field(_ f: String) {
        var s = f
        s.withUTF8 { field(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// A field from raw UTF-8 bytes (quoted only when needed).
    package mutating func field(bytes b: UnsafeRawBufferPointer) {
        var needs = false
        for c in b where c == 44 || c == 34 || c == 10 || c == 13 { needs = true; break }
        if !needs { bytes.append(contentsOf: b); return }
        bytes.append(34)
        for c in b {
            if c == 34 { bytes.append(34) }
            bytes.append(c)
        }
        bytes.append(34)
    }

    /// A decimal integer field.
    package mutating func integer(_ v: Int) {
        if v < 0 { bytes.append(45) }
        var m = v.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat { d[n] = UInt8(48 + m % 10); m /= 10; n += 1 } while m > 0
            for k in stride(from: n - 1, through: 0, by: -1) { bytes.append(d[k]) }
        }
    }

    /// Text known to need no quoting (dates, numbers).
    package mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }
    package mutating func comma() { bytes.append(44) }
    package mutating func endRow() { bytes.append(10) }

    package func write(to url: URL) throws {
        try Data(bytes).write(to: url, options: .atomic)
    }
}
