import Foundation
import LockstepCore

/// Reads follower lists (`--followers`): CSV `target,follower_id,follower_created_at[,position]`
/// or twarc2 `followers` JSONL, rows in API order (newest follower first).
///
/// - CSV: an optional header row (recognised by its first field `target`) may name the columns in
///   any order; without one the columns are `target, follower_id, follower_created_at[, position]`.
///   Dates are `YYYY-MM-DD` or ISO date-times. Without a position column, a target's rows are in
///   API order as they come.
/// - JSONL: one user object per line (`id`, `created_at`), or a response page with `data: [users]`.
///   The target is named by the `target=FILE` form of the argument, else by the file name without
///   its extension (`@PRCgov.jsonl` -> `@PRCgov`).
/// - Every bad row is counted and the first ones kept with file and line (``RejectionLog``).
public enum FollowersReader {
    /// A `--followers` value: `FILE` or `target=FILE` (a name before the first `=` that holds no `/`).
    public static func parseArgument(_ argument: String) -> (target: String?, path: String) {
        if let eq = argument.firstIndex(of: "="), eq != argument.startIndex {
            let name = argument[..<eq]
            if !name.contains("/") { return (String(name), String(argument[argument.index(after: eq)...])) }
        }
        return (nil, argument)
    }

    /// The target name a JSONL file stands for when none is given: its name up to the first dot.
    public static func defaultTarget(forPath path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        let stem = file.split(separator: ".", omittingEmptySubsequences: false).first.map(String.init) ?? file
        return stem.isEmpty ? file : stem
    }

    /// Reads every `--followers` argument into one set of lists, with its accounting.
    public static func read(arguments: [String], strict: Bool = false) throws -> (FollowerLists, IngestAccounting) {
        var builder = FollowerListsBuilder()
        var accounting = IngestAccounting()
        for argument in arguments {
            let (target, path) = parseArgument(argument)
            accounting.merge(try read(path: path, target: target, strict: strict, into: &builder))
        }
        return (builder.finish(), accounting)
    }

    /// Reads one file into `builder`; the format comes from the first non-blank byte (`{` is JSONL).
    public static func read(path: String, target: String? = nil, strict: Bool = false,
                            into builder: inout FollowerListsBuilder) throws -> IngestAccounting {
        // ByteSource reads .gz transparently and reports a missing file as IngestError.fileNotFound.
        let bytes = try ByteSource.readAll(path: path)
        return try bytes.withUnsafeBytes { raw in
            try read(bytes: raw, file: path, target: target, strict: strict, into: &builder)
        }
    }

    /// Reads follower rows from bytes (`file` names them in rejections).
    public static func read(bytes: UnsafeRawBufferPointer, file: String, target: String? = nil, strict: Bool = false,
                            into builder: inout FollowerListsBuilder) throws -> IngestAccounting {
        var log = RejectionLog(file: file, strict: strict)
        var first = 0
        while first < bytes.count, bytes[first] == 32 || bytes[first] == 10 || bytes[first] == 13 || bytes[first] == 9 { first += 1 }
        let isJSON = first < bytes.count && bytes[first] == 123
        let (read, used) = isJSON
            ? try readJSONL(bytes, target: target ?? defaultTarget(forPath: file), log: &log, into: &builder)
            : try readCSV(bytes, target: target, log: &log, into: &builder)
        var accounting = IngestAccounting()
        accounting.files.append(IngestAccounting.FileCount(file: file, format: isJSON ? "followers-jsonl" : "followers-csv",
                                                           bytes: bytes.count, rowsRead: read, rowsUsed: used, rejected: log.countsByCode))
        accounting.examples = log.examples
        return accounting
    }

    // MARK: CSV

    /// Field ranges of one line, or nil when a quote is not closed on the line.
    @inline(__always)
    private static func splitFields(_ b: UnsafeRawBufferPointer, _ lo: Int, _ hi: Int, into fields: inout [Range<Int>],
                                    quoted: inout [Bool]) -> Bool {
        fields.removeAll(keepingCapacity: true)
        quoted.removeAll(keepingCapacity: true)
        var i = lo
        while true {
            if i < hi && b[i] == 34 {
                // Quoted: ids and names never hold quotes, so a doubled quote is kept as is.
                var j = i + 1
                while j < hi {
                    if b[j] == 34 { if j + 1 < hi && b[j + 1] == 34 { j += 2; continue }; break }
                    j += 1
                }
                guard j < hi else { return false }
                fields.append((i + 1)..<j)
                quoted.append(true)
                i = j + 1
                while i < hi && b[i] != 44 { i += 1 }
            } else {
                var j = i
                while j < hi && b[j] != 44 { j += 1 }
                fields.append(i..<j)
                quoted.append(false)
                i = j
            }
            if i >= hi { return true }
            i += 1  // the comma
            if i == hi { fields.append(hi..<hi); quoted.append(false); return true }
        }
    }

    private static func readCSV(_ b: UnsafeRawBufferPointer, target: String?, log: inout RejectionLog,
                                into builder: inout FollowerListsBuilder) throws -> (Int, Int) {
        var fields: [Range<Int>] = [], quoted: [Bool] = []
        var col = (target: 0, id: 1, created: 2, position: 3)
        var expected = 0  // 0: 3 or 4 fields; else exactly this many (from the header)
        var read = 0, used = 0
        var line = 0
        var i = 0
        let n = b.count
        let fixedTarget: Int32? = target.map { builder.target($0) }
        var lastTargetRange = 0..<0
        var lastTarget: Int32 = -1
        while i < n {
            line += 1
            var end = i
            while end < n && b[end] != 10 { end += 1 }
            let next = end + 1
            var hi = end
            if hi > i && b[hi - 1] == 13 { hi -= 1 }
            defer { i = next }
            if hi == i { continue }  // blank line
            read += 1
            guard splitFields(b, i, hi, into: &fields, quoted: &quoted) else {
                try log.reject(line: line, .unbalancedQuote, "a quoted field is not closed on this line")
                continue
            }
            if line == 1 || (read == 1 && used == 0) {
                let f0 = String(decoding: UnsafeRawBufferPointer(rebasing: b[fields[0]]), as: UTF8.self).lowercased()
                if f0 == "target" {
                    read -= 1
                    let names = fields.map { String(decoding: UnsafeRawBufferPointer(rebasing: b[$0]), as: UTF8.self).lowercased() }
                    guard let t = names.firstIndex(of: "target"), let id = names.firstIndex(of: "follower_id"),
                          let c = names.firstIndex(of: "follower_created_at") else {
                        try log.reject(line: line, .missingValue, "header lacks target, follower_id or follower_created_at")
                        return (read, used)
                    }
                    col = (t, id, c, names.firstIndex(of: "position") ?? -1)
                    expected = names.count
                    continue
                }
            }
            if expected == 0 ? (fields.count != 3 && fields.count != 4) : fields.count != expected {
                try log.reject(line: line, .wrongFieldCount, "expected \(expected == 0 ? "3 or 4" : String(expected)) fields, found \(fields.count)")
                continue
            }
            let tr = fields[col.target], idr = fields[col.id], cr = fields[col.created]
            if idr.isEmpty {
                try log.reject(line: line, column: col.id + 1, .missingValue, "empty follower_id")
                continue
            }
            let t: Int32
            if tr.isEmpty {
                guard let fixedTarget else {
                    try log.reject(line: line, column: col.target + 1, .missingValue, "empty target")
                    continue
                }
                t = fixedTarget
            } else if lastTarget >= 0 && tr.count == lastTargetRange.count
                        && memcmp(b.baseAddress! + tr.lowerBound, b.baseAddress! + lastTargetRange.lowerBound, tr.count) == 0 {
                t = lastTarget  // rows of one target come together: skip the hash
            } else {
                let bytes = UnsafeRawBufferPointer(rebasing: b[tr])
                guard isValidUTF8(bytes) else {
                    try log.reject(line: line, column: col.target + 1, .invalidUTF8, "target is not valid UTF-8")
                    continue
                }
                t = builder.target(bytes)
                lastTarget = t
                lastTargetRange = tr
            }
            let idBytes = UnsafeRawBufferPointer(rebasing: b[idr])
            guard isValidUTF8(idBytes) else {
                try log.reject(line: line, column: col.id + 1, .invalidUTF8, "follower_id is not valid UTF-8")
                continue
            }
            guard let created = CivilTime.parseISO(UnsafeRawBufferPointer(rebasing: b[cr])) else {
                let shown = String(decoding: UnsafeRawBufferPointer(rebasing: b[cr.prefix(40)]), as: UTF8.self)
                try log.reject(line: line, column: col.created + 1, .badTime, "follower_created_at '\(shown)' is not YYYY-MM-DD or an ISO date-time")
                continue
            }
            var position: Int32?
            if col.position >= 0 && col.position < fields.count && !fields[col.position].isEmpty {
                var v: Int64 = 0
                var ok = true
                for k in fields[col.position] {
                    let d = b[k] &- 48
                    if d > 9 || v > Int64(Int32.max) { ok = false; break }
                    v = v * 10 + Int64(d)
                }
                guard ok, v <= Int64(Int32.max) else {
                    let shown = String(decoding: UnsafeRawBufferPointer(rebasing: b[fields[col.position]]), as: UTF8.self)
                    try log.reject(line: line, column: col.position + 1, .badNumber, "position '\(shown)' is not a whole number ≥ 0")
                    continue
                }
                position = Int32(v)
            }
            builder.add(target: t, follower: idBytes, created: created, position: position)
            used += 1
        }
        return (read, used)
    }

    @inline(__always)
    private static func isValidUTF8(_ b: UnsafeRawBufferPointer) -> Bool {
        guard let p = b.baseAddress else { return true }
        return CSVScan.isValidUTF8(p.assumingMemoryBound(to: UInt8.self), b.count)
    }

    // MARK: JSONL

    private static func readJSONL(_ b: UnsafeRawBufferPointer, target: String, log: inout RejectionLog,
                                  into builder: inout FollowerListsBuilder) throws -> (Int, Int) {
        let t = builder.target(target)
        var read = 0, used = 0, line = 0
        var i = 0
        let n = b.count
        func add(_ user: [String: Any], line: Int, item: String) throws -> Bool {
            let id: String
            if let s = user["id"] as? String, !s.isEmpty { id = s }
            else if let v = user["id"] as? NSNumber { id = v.stringValue }
            else { try log.reject(line: line, .missingValue, "\(item)has no id"); return false }
            guard let c = user["created_at"] as? String else {
                try log.reject(line: line, .missingValue, "\(item)user \(id) has no created_at"); return false
            }
            guard let created = CivilTime.parseISO(c) ?? parseClassic(c) else {
                try log.reject(line: line, .badTime, "\(item)created_at '\(c.prefix(40))' is not a date"); return false
            }
            builder.add(target: t, follower: id, created: created)
            return true
        }
        while i < n {
            line += 1
            var end = i
            while end < n && b[end] != 10 { end += 1 }
            let lo = i
            i = end + 1
            var hi = end
            while hi > lo && (b[hi - 1] == 13 || b[hi - 1] == 32) { hi -= 1 }
            if hi == lo { continue }
            let object: Any
            do {
                object = try JSONSerialization.jsonObject(with: Data(UnsafeRawBufferPointer(rebasing: b[lo..<hi])))
            } catch {
                read += 1
                try log.reject(line: line, .badJSON, "not a JSON object")
                continue
            }
            guard let dict = object as? [String: Any] else {
                read += 1
                try log.reject(line: line, .badJSON, "not a JSON object")
                continue
            }
            if let page = dict["data"] {
                guard let users = page as? [Any] else {
                    read += 1
                    try log.reject(line: line, .badJSON, "'data' is not a list of users")
                    continue
                }
                for (k, u) in users.enumerated() {
                    read += 1
                    guard let user = u as? [String: Any] else {
                        try log.reject(line: line, .badJSON, "data[\(k)] is not a user object")
                        continue
                    }
                    if try add(user, line: line, item: "data[\(k)]: ") { used += 1 }
                }
            } else if dict["id"] != nil {
                read += 1
                if try add(dict, line: line, item: "") { used += 1 }
            } else if dict["errors"] != nil || dict["title"] != nil {
                read += 1
                try log.reject(line: line, .apiError, "an API error, not a user")
            } else {
                read += 1
                try log.reject(line: line, .badJSON, "neither a user object nor a page with 'data'")
            }
        }
        return (read, used)
    }

    /// `Wed Oct 10 20:19:24 +0000 2018`, the v1.1 API's `created_at`.
    static func parseClassic(_ s: String) -> Int64? {
        let parts = s.split(separator: " ")
        guard parts.count == 6, parts[4] == "+0000", let day = Int(parts[2]), let year = Int(parts[5]) else { return nil }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard let m = months.firstIndex(of: String(parts[1])) else { return nil }
        let hms = parts[3].split(separator: ":").compactMap { Int($0) }
        guard hms.count == 3, (1...31).contains(day), hms[0] < 24, hms[1] < 60, hms[2] < 61 else { return nil }
        return CivilTime.seconds(year: year, month: m + 1, day: day, hour: hms[0], minute: hms[1], second: hms[2])
    }
}
