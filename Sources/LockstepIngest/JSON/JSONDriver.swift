import Dispatch
import Foundation
import LockstepCore

/// Rows a JSON reader looked at and used within one unit (a page holds many tweets).
struct JSONRowCounts {
    var read = 0
    var used = 0
}

/// How long a JSON string and a JSON record may be (``IngestOptions/maxFieldBytes`` and
/// ``IngestOptions/maxRecordBytes``).
struct JSONLimits: Sendable {
    var maxFieldBytes = 1 << 20
    var maxRecordBytes = 64 << 20

    init() {}

    init(_ options: IngestOptions) {
        maxFieldBytes = options.maxFieldBytes
        maxRecordBytes = options.maxRecordBytes
    }
}

/// Why a row cannot be used although its JSON is well formed: a byte offset in its unit, a reason
/// and what was found against what was expected.
struct JSONFault {
    var offset: Int
    var reason: RejectionReason
    var detail: String
}

/// Where a unit (one top-level JSON value) lies, to turn tape offsets into `line:column`, and what
/// its rows must be checked for.
struct JSONUnit {
    let base: UnsafeMutablePointer<UInt8>
    let start: Int
    /// Line of the unit's first byte, relative to the worker's first line (0-based).
    let line: Int
    /// Bytes before the unit on its first line (an indented array element).
    var indent = 0
    /// Offsets (from `start`) of the unit's line breaks, found before any string was decoded in
    /// place: a decoded `\n` escape becomes a line-break byte, which must not count as a line.
    /// Empty for a unit on one line (JSON Lines).
    var lineBreaks: [Int] = []
    /// Bytes in the unit, for the UTF-8 checks.
    var count = 0
    /// Whether some byte of the unit is not valid UTF-8: rows are then checked one by one.
    var hasInvalidUTF8 = false
    /// The longest string a row may hold.
    var maxFieldBytes = Int.max
    /// The longest string in the unit (escapes undecoded), from the tape.
    var longestString = 0

    init(base: UnsafeMutablePointer<UInt8>, start: Int, line: Int) {
        self.base = base
        self.start = start
        self.line = line
    }

    /// Line (relative, as ``line``) and 1-based column of a byte offset inside the unit.
    func position(_ offset: Int) -> (line: Int, column: Int) {
        var lo = 0, hi = lineBreaks.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if lineBreaks[mid] < offset { lo = mid + 1 } else { hi = mid }
        }
        let lineStart = lo == 0 ? 0 : lineBreaks[lo - 1] + 1
        return (line + lo, offset - lineStart + 1 + (lo == 0 ? indent : 0))
    }

    /// Whether rows must be checked (``fault``): the unit holds a byte that is not UTF-8 or a
    /// string longer than the field limit.
    var needsCheck: Bool { hasInvalidUTF8 || longestString > maxFieldBytes }

    /// Why a row cannot be used, or nil: a byte that is not UTF-8, or a string longer than
    /// `maxFieldBytes`, in one of `values` — the row's own object and the included objects it takes
    /// facts from (a page's `includes`), so that a tweet is rejected for a bad byte in its author's
    /// profile on a page as it is in a flattened file, where the profile is part of its line.
    /// Costs nothing for the units that hold neither.
    func fault(_ tape: inout JSONTape, _ values: [JSONValue]) -> JSONFault? {
        guard needsCheck else { return nil }
        for v in values {
            if hasInvalidUTF8 {
                let r = tape.extent(v).clamped(to: 0..<count)
                if let bad = CSVScan.firstInvalidUTF8(base + start + r.lowerBound, r.count) {
                    let at = r.lowerBound + bad
                    return JSONFault(offset: at, reason: .invalidUTF8,
                                     detail: "found byte 0x\(String(base[start + at], radix: 16, uppercase: true)) that is not valid UTF-8, expected UTF-8 text")
                }
            }
            if longestString > maxFieldBytes, let long = tape.firstString(in: v, longerThan: maxFieldBytes) {
                return JSONFault(offset: tape.offset(long), reason: .fieldTooLong,
                                 detail: "found a string of \(tape.length(long)) bytes, expected at most \(maxFieldBytes) (raise --max-field-bytes to read it)")
            }
        }
        return nil
    }

    /// Rejects the fault that made a unit unreadable as JSON, as one row.
    func rejectBreak(_ error: JSONError, log: inout RejectionLog, counts: inout JSONRowCounts) throws {
        counts.read += 1
        let offset = min(error.offset, count)
        let (l, c) = position(offset)
        if hasInvalidUTF8 && error.kind == .unexpected && offset < count && base[start + offset] >= 0x80 {
            try log.reject(line: l, column: c, .invalidUTF8,
                           "found byte 0x\(String(base[start + offset], radix: 16, uppercase: true)) that is not valid UTF-8, expected UTF-8 text")
        } else {
            try log.reject(line: l, column: c, .badJSON, "not valid JSON: \(error.message)")
        }
    }
}

/// What a JSON format does with each top-level value: a line of a JSONL file, or an element of a
/// top-level array. Rejects bad records through `log` and counts what it reads and uses.
protocol JSONRecordHandler: Sendable {
    mutating func unit(_ tape: inout JSONTape, _ root: JSONValue, _ at: JSONUnit, builder: inout DatasetBuilder,
                       log: inout RejectionLog, counts: inout JSONRowCounts) throws

    /// A unit that is not valid JSON: `tape` holds what was parsed before `error`, sealed
    /// (``JSONTape/sealPartial(at:)``), with `root` incomplete. Counts each row it can still tell
    /// apart (using those that stand alone, rejecting those that depend on what was lost) and
    /// rejects the rest of the unit as one row at the fault (``JSONUnit/rejectBreak``).
    mutating func salvage(_ tape: inout JSONTape, _ root: JSONValue, _ at: JSONUnit, _ error: JSONError,
                          builder: inout DatasetBuilder, log: inout RejectionLog, counts: inout JSONRowCounts) throws
}

extension JSONRecordHandler {
    mutating func salvage(_ tape: inout JSONTape, _ root: JSONValue, _ at: JSONUnit, _ error: JSONError,
                          builder: inout DatasetBuilder, log: inout RejectionLog, counts: inout JSONRowCounts) throws {
        try at.rejectBreak(error, log: &log, counts: &counts)
    }
}

/// Reads JSON inputs on all cores, like ``CSVDriver`` does for CSV.
///
/// JSON Lines (one value per line; JSON strings cannot hold a raw line break, so every line break
/// ends a record) are read as CSV is (``readLines``): blocks cut at line breaks into chunks that the
/// workers take from one queue across blocks, remembering the accounts they met. A document that
/// spans lines (a pretty-printed array or page) is cut into its top-level values, or the elements
/// of a top-level array, as its blocks arrive (``DocumentCutter``), and batches of them are parsed
/// on all cores; a value longer than the record limit is skipped, not held. Each part fills its own
/// `DatasetBuilder`; parts are absorbed in input order, so the dataset is the same for any number of
/// workers. A response page on one huge line is one unit of work.
enum JSONDriver {
    static func read<H: JSONRecordHandler>(
        source: ByteSource, file: String, options: CSVDriver.Options, limits: JSONLimits = JSONLimits(),
        builder: inout DatasetBuilder, progress: ((_ bytes: Int, _ rows: Int) -> Void)? = nil, handler: H
    ) throws -> CSVDriver.Outcome {
        var outcome = CSVDriver.Outcome(log: RejectionLog(file: file, strict: options.strict))
        var buf: [UInt8] = []
        var eof = false
        let blockSize = max(options.blockSize, 1)
        // A block, and at least the first line when it is short (``spansLines`` decides on it).
        while !eof && (buf.count < blockSize || (buf.count < 1 << 16 && !buf.contains(10))) {
            if try source.read(into: &buf, max: max(blockSize - buf.count, 1 << 12)) == 0 { eof = true }
        }
        if buf.count >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF { buf.removeFirst(3) }
        guard JSONPeek.firstByte(buf) != nil else { throw IngestError.emptyInput("\(file) is empty") }

        if spansLines(buf) {
            try readDocument(first: buf, eof: eof, source: source, file: file, options: options, limits: limits,
                             handler: handler, builder: &builder, outcome: &outcome, progress: progress)
            return outcome
        }

        return try readLines(initial: buf, eof: eof, source: source, file: file, options: options, limits: limits,
                             builder: &builder, outcome: outcome, progress: progress, handler: handler)
    }

    /// JSON Lines, as ``CSVDriver`` reads CSV: blocks cut at line breaks into chunks that workers
    /// take from one queue across blocks, each worker keeping the accounts it met (``AccountMemo``),
    /// results merged in file order while the next blocks are parsed.
    static func readLines<H: JSONRecordHandler>(
        initial: [UInt8], eof atStart: Bool, source: ByteSource, file: String, options: CSVDriver.Options, limits: JSONLimits,
        builder: inout DatasetBuilder, outcome start: CSVDriver.Outcome,
        progress: ((_ bytes: Int, _ rows: Int) -> Void)?, handler: H
    ) throws -> CSVDriver.Outcome {
        var outcome = start
        let blockSize = max(options.blockSize, 1)
        let buf = InputBlock(capacity: max(blockSize, initial.count))
        initial.withUnsafeBytes { buf.append($0) }
        let memos = (0..<max(options.workers, 1)).map { _ in AccountMemo() }
        let merger = Merger(builder)
        builder = DatasetBuilder()
        defer {
            merger.group.wait()
            builder = merger.builder
            builder.forgetMemos()
        }
        let strict = options.strict
        let pipeline = ChunkPipeline(workers: memos.count) { job, w in
            parseLines(job.block.base, job.start, job.end, handler: handler, file: file, strict: strict, limits: limits, memo: memos[w])
        }
        defer { pipeline.finish() }
        let workers = options.workers, minChunk = max(options.minChunk, 1)
        try BlockLoop.run(first: buf, atEnd: atStart, source: source, blockSize: blockSize, fullBlockSize: blockSize,
                          lineBase: 1, pipeline: pipeline, merger: merger, window: nil,
                          outcome: &outcome, progress: progress, maxRecordBytes: options.maxRecordBytes) { block, atEnd, _ in
            var regionEnd = block.count
            if !atEnd {
                var nl = block.count - 1
                while nl >= 0 && block[nl] != 10 { nl -= 1 }
                guard nl >= 0 else { return nil }  // a line longer than the block (a response page on one line)
                regionEnd = nl + 1
            }
            return lineCuts(UnsafeRawPointer(block.baseAddress!), end: regionEnd, parts: max(1, min(workers * 2, regionEnd / minChunk)))
        }
        return outcome
    }

    /// A worker's share: its own builder, log and counts, with lines relative to its first line.
    struct Part: ChunkOutcome {
        var builder = DatasetBuilder()
        var log: RejectionLog
        var counts = JSONRowCounts()
        var lines = 0
        var error: Rejection?
        var rowsRead: Int { counts.read }
        var rowsUsed: Int { counts.used }
    }

    static func absorb(_ part: Part, lineBase: Int, into builder: inout DatasetBuilder,
                       outcome: inout CSVDriver.Outcome, file: String) throws {
        var r = part
        if var e = r.error {
            e.line += lineBase
            throw e
        }
        r.log.shiftLines(by: lineBase)
        outcome.log.absorb(r.log)
        outcome.rowsRead += r.counts.read
        outcome.rowsUsed += r.counts.used
        builder.absorb(r.builder, lineShift: lineBase)
    }

    /// Whether the text is one value written over several lines (pretty-printed) rather than JSON
    /// Lines: the first line is cut short right after an opening bracket or a separator.
    static func spansLines(_ buf: [UInt8]) -> Bool {
        buf.withUnsafeBufferPointer { b in
            guard let p = b.baseAddress else { return false }
            var i = 0
            while i < b.count && (p[i] == 32 || p[i] == 9 || p[i] == 10 || p[i] == 13) { i += 1 }
            var e = i
            while e < b.count && p[e] != 10 { e += 1 }
            guard e < b.count else { return false }  // no complete first line in the block: a long line
            var last = e - 1
            while last > i && (p[last] == 32 || p[last] == 9 || p[last] == 13) { last -= 1 }
            guard last >= i else { return false }
            let c = p[last]
            return c == 0x7B || c == 0x5B || c == 0x2C || c == 0x3A
        }
    }

    /// Cuts `[0, end)` of the bytes at `p` into about `parts` runs of whole lines.
    static func lineCuts(_ p: UnsafeRawPointer, end: Int, parts: Int) -> [Int] {
        guard parts > 1 else { return [0, end] }
        var cuts = [0]
        for k in 1..<parts {
            let target = max(end * k / parts, cuts.last!)
            guard target < end, let nl = memchr(p + target, 10, end - target) else { break }
            let cut = p.distance(to: UnsafeRawPointer(nl)) + 1
            if cut >= end { break }
            if cut > cuts.last! { cuts.append(cut) }
        }
        cuts.append(end)
        return cuts
    }

    /// Parses each line of `[start, end)` as one unit.
    static func parseLines<H: JSONRecordHandler>(_ p: UnsafeMutablePointer<UInt8>, _ start: Int, _ end: Int, handler: H, file: String,
                                                 strict: Bool, limits: JSONLimits = JSONLimits(), memo: AccountMemo? = nil) -> Part {
        var part = Part(log: RejectionLog(file: file, strict: strict))
        if let memo { part.builder.remember(in: memo) }
        // The whole chunk at once, sixteen bytes at a time; lines are checked one by one (to name
        // the line and column) only in a chunk that fails.
        let checkUTF8 = !CSVScan.isValidUTF8(p + start, end - start)
        var handler = handler
        var tape = JSONTape()
        var pos = start
        var line = 0
        do {
            while pos < end {
                var lineEnd = end
                if let nl = memchr(p + pos, 10, end - pos) { lineEnd = p.distance(to: nl.assumingMemoryBound(to: UInt8.self)) }
                let next = lineEnd + 1
                try unit(p, pos, lineEnd, line: line, checkUTF8: checkUTF8, limits: limits, tape: &tape, handler: &handler, part: &part)
                line += 1
                pos = next
            }
        } catch let e as Rejection {
            part.error = e
        } catch {
            part.error = Rejection(file: file, line: line, reason: .badJSON, detail: "\(error)")
        }
        part.lines = line
        return part
    }

    /// Parses one unit and hands it to the format. A byte that is not UTF-8, or a string over the
    /// field limit, rejects only the rows that hold it (``JSONUnit/fault``); a unit that is not
    /// valid JSON still has the rows parsed before the fault counted (``JSONRecordHandler/salvage``).
    @inline(__always)
    static func unit<H: JSONRecordHandler>(_ p: UnsafeMutablePointer<UInt8>, _ s: Int, _ e: Int, line: Int, checkUTF8: Bool = true,
                                           spansLines: Bool = false, column: Int = 1, limits: JSONLimits = JSONLimits(),
                                           tape: inout JSONTape, handler: inout H, part: inout Part) throws {
        if JSONTape.skipSpace(p, s, e) == e { return }  // blank lines are not records
        // Without its trailing white space, a unit cut short is located right after its last byte,
        // not on the line below.
        var e = e
        while p[e - 1] == 0x20 || p[e - 1] == 0x0A || p[e - 1] == 0x0D || p[e - 1] == 0x09 { e -= 1 }
        var at = JSONUnit(base: p, start: s, line: line)
        part.builder.rowLine = line
        at.count = e - s
        at.indent = column - 1
        at.maxFieldBytes = limits.maxFieldBytes
        if spansLines {
            var k = s
            while k < e, let nl = memchr(p + k, 10, e - k) {
                let i = p.distance(to: nl.assumingMemoryBound(to: UInt8.self))
                at.lineBreaks.append(i - s)
                k = i + 1
            }
        }
        at.hasInvalidUTF8 = checkUTF8 && CSVScan.firstInvalidUTF8(p + s, e - s) != nil
        let root: JSONValue
        do {
            root = try tape.parse(p, from: s, to: e)
        } catch {
            at.longestString = tape.longestString
            guard tape.sealPartial(at: error.offset) else {
                return try at.rejectBreak(error, log: &part.log, counts: &part.counts)
            }
            if tape.isComplete(tape.root) {
                // A whole value followed by something else: the value is read, what follows is a row of its own.
                try handler.unit(&tape, tape.root, at, builder: &part.builder, log: &part.log, counts: &part.counts)
                return try at.rejectBreak(error, log: &part.log, counts: &part.counts)
            }
            return try handler.salvage(&tape, tape.root, at, error, builder: &part.builder, log: &part.log, counts: &part.counts)
        }
        at.longestString = tape.longestString
        try handler.unit(&tape, root, at, builder: &part.builder, log: &part.log, counts: &part.counts)
    }

    // MARK: Documents spanning lines

    /// A top-level value (or an element of the top-level array), and the line and column it starts at.
    struct Span: Sendable {
        var start: Int
        var end: Int
        var line: Int
        var column = 1
    }

    /// Reads a document that spans lines: cuts it into values as blocks arrive, parses them in
    /// batches of about a block on all cores, and keeps in memory only the batch and the value
    /// being cut — at most `maxRecordBytes` of it, a longer value being skipped and rejected.
    static func readDocument<H: JSONRecordHandler>(
        first: [UInt8], eof atStart: Bool, source: ByteSource, file: String, options: CSVDriver.Options, limits: JSONLimits,
        handler: H, builder: inout DatasetBuilder, outcome: inout CSVDriver.Outcome, progress: ((_ bytes: Int, _ rows: Int) -> Void)?
    ) throws {
        var buf = first
        var base = 0  // offset in the text of buf[0]
        var eof = atStart
        var cutter = DocumentCutter(maxRecordBytes: limits.maxRecordBytes)
        var pending: [Span] = []
        var pendingBytes = 0
        let blockSize = max(options.blockSize, 1)
        func flush() throws {
            guard !pending.isEmpty else { return }
            let spans = pending.map { Span(start: $0.start - base, end: $0.end - base, line: $0.line, column: $0.column) }
            pending.removeAll()
            pendingBytes = 0
            try parseSpans(&buf, spans, file: file, options: options, limits: limits, handler: handler, builder: &builder, outcome: &outcome)
            progress?(base + buf.count, outcome.rowsRead)
        }
        var cuts: [DocumentCutter.Cut] = []
        while true {
            buf.withUnsafeBufferPointer { b in
                if let p = b.baseAddress { cutter.cut(p, base: base, count: b.count, into: &cuts) }
            }
            if eof { cutter.finish(into: &cuts) }
            for c in cuts {
                switch c {
                case .span(let s):
                    pending.append(s)
                    pendingBytes += s.end - s.start
                case .fault(let line, let column, let reason, let detail):
                    try flush()
                    outcome.rowsRead += 1
                    try outcome.log.reject(line: line, column: column, reason, detail)
                }
            }
            cuts.removeAll(keepingCapacity: true)
            if eof { break }
            // A value being skipped must not hold the batch before it, and the bytes after it, in memory.
            if pendingBytes >= blockSize || cutter.isSkipping { try flush() }
            // Bytes before both the unparsed values and the value being cut are done with.
            let keep = min(cutter.keepFrom, pending.first?.start ?? .max) - base
            if keep > 0 {
                buf.removeFirst(keep)
                base += keep
            }
            if try source.read(into: &buf, max: blockSize) == 0 { eof = true }
        }
        try flush()
        outcome.bytes += base + buf.count
    }

    /// Parses `spans` (offsets into `buf`, lines of the file) in about two parts per worker.
    static func parseSpans<H: JSONRecordHandler>(_ buf: inout [UInt8], _ spans: [Span], file: String, options: CSVDriver.Options,
                                                 limits: JSONLimits, handler: H, builder: inout DatasetBuilder,
                                                 outcome: inout CSVDriver.Outcome) throws {
        guard !spans.isEmpty else { return }
        // Group spans into about one part per worker (two, for balance), by bytes.
        let total = spans.last!.end - spans[0].start
        let parts = max(1, min(options.workers * 2, spans.count, total / (256 << 10)))
        var cutGroups: [Range<Int>] = []
        var from = 0
        for k in 1...parts {
            let target = spans[0].start + total * k / parts
            var to = from
            while to < spans.count && (spans[to].end <= target || to == from) { to += 1 }
            if k == parts { to = spans.count }
            if to > from { cutGroups.append(from..<to) }
            from = to
            if from >= spans.count { break }
        }
        let groups = cutGroups
        let results = Slots<Part>(groups.count)
        let strict = options.strict
        buf.withUnsafeMutableBufferPointer { b in
            let shared = SharedBytes(p: b.baseAddress!)
            let body: @Sendable (Int) -> Void = { k in
                var part = Part(log: RejectionLog(file: file, strict: strict))
                var h = handler
                var tape = JSONTape()
                let first = spans[groups[k].lowerBound].line
                do {
                    for s in groups[k] {
                        try unit(shared.p, spans[s].start, spans[s].end, line: spans[s].line - first, spansLines: true,
                                 column: spans[s].column, limits: limits,
                                 tape: &tape, handler: &h, part: &part)
                    }
                } catch let e as Rejection {
                    part.error = e
                } catch {
                    part.error = Rejection(file: file, line: 0, reason: .badJSON, detail: "\(error)")
                }
                results[k] = part
            }
            if groups.count == 1 { body(0) } else { DispatchQueue.concurrentPerform(iterations: groups.count, execute: body) }
        }
        for k in 0..<groups.count {
            try absorb(results.take(k)!, lineBase: spans[groups[k].lowerBound].line, into: &builder, outcome: &outcome, file: file)
        }
    }
}

/// Cuts a JSON text that spans lines into its top-level values, opening a top-level array into
/// its elements, as its bytes arrive. Only brackets, strings and separators are tracked (without
/// recursion, so nesting depth costs nothing here); the parser reports anything malformed inside a
/// value. Every byte of the text ends up in a value handed on or in a fault, and each step moves
/// forward, so no input can make it loop: a stray separator is a one-byte value the parser rejects,
/// and after a fault in the array's structure (an element not followed by `,` or `]`) the rest of
/// the text is one rejected row, since where the next element begins cannot be known.
struct DocumentCutter {
    enum Cut {
        /// A value to parse.
        case span(JSONDriver.Span)
        /// A row rejected without parsing (1-based line and column in the text).
        case fault(line: Int, column: Int, RejectionReason, String)
    }

    private enum Phase {
        case begin, arrayFirst, arrayElement, arrayAfter, afterArray, sequence, value, rest
    }

    let maxRecordBytes: Int
    private var phase = Phase.begin
    /// Where a value leads when it ends: `arrayAfter` in an array, `sequence` otherwise.
    private var then = Phase.sequence
    /// Offset of the next byte to look at, its line, and where that line starts.
    private var pos = 0
    private var line = 1
    private var lineStart = 0
    /// The value being cut.
    private var spanStart = 0
    private var spanLine = 0
    private var spanColumn = 0
    private var depth = 0
    private var inString = false
    private var afterBackslash = false
    private var scalar = false
    /// The value is longer than the limit: its bytes are no longer kept.
    private var skipping = false

    init(maxRecordBytes: Int) { self.maxRecordBytes = max(maxRecordBytes, 1) }

    /// Whether the value being cut is over the limit and its bytes are let go.
    var isSkipping: Bool { phase == .value && skipping }

    /// Offset of the first byte still needed: the value being cut, or the next byte.
    var keepFrom: Int { phase == .value && !skipping ? spanStart : pos }

    /// Looks at the bytes `p[0..<count]`, which hold the text from offset `base`, from where the
    /// last call stopped.
    mutating func cut(_ p: UnsafePointer<UInt8>, base: Int, count: Int, into cuts: inout [Cut]) {
        let end = base + count
        while pos < end {
            let c = p[pos - base]
            if phase == .value {
                if inString && !afterBackslash {
                    // Eight bytes at a time while none is a quote, a backslash or a control
                    // character (a line break among them), as the parser does.
                    let i = JSONTape.skipPlainStringBytes(p, from: pos - base, to: count)
                    if i > pos - base {
                        pos = base + i
                        if !skipping && pos - spanStart > maxRecordBytes { skipping = true }
                        continue
                    }
                }
                scan(c, into: &cuts)
                continue
            }
            if c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A {
                step(c)
                continue
            }
            switch phase {
            case .begin:
                if c == 0x5B {
                    phase = .arrayFirst
                    step(c)
                } else {
                    phase = .sequence
                }
            case .arrayFirst where c == 0x5D:
                phase = .afterArray
                step(c)
            case .arrayFirst, .arrayElement:
                if c == 0x2C || c == 0x5D {
                    // An empty element (`[1,,2]`, `[1,]`).
                    cuts.append(fault(.badJSON, "found \(JSONTape.describe(c)), expected an array element"))
                    phase = c == 0x2C ? .arrayElement : .afterArray
                    step(c)
                } else {
                    begin(c, then: .arrayAfter, into: &cuts)
                }
            case .arrayAfter:
                if c == 0x2C {
                    phase = .arrayElement
                    step(c)
                } else if c == 0x5D {
                    phase = .afterArray
                    step(c)
                } else {
                    cuts.append(fault(.badJSON, "found \(JSONTape.describe(c)), expected ',' or ']' after an array element; the rest of the text cannot be cut into elements"))
                    phase = .rest
                }
            case .afterArray:
                cuts.append(fault(.badJSON, "found \(JSONTape.describe(c)) after the array's closing ']', expected the end of the text"))
                phase = .rest
            case .sequence:
                begin(c, then: .sequence, into: &cuts)
            case .rest:
                step(c)
            case .value:
                break
            }
        }
    }

    /// The text has ended: a value cut short goes to the parser, which says where and why.
    mutating func finish(into cuts: inout [Cut]) {
        switch phase {
        case .value:
            end(at: pos, into: &cuts)
        case .arrayFirst, .arrayElement:
            cuts.append(fault(.badJSON, "found the end of the text, expected an array element or ']' (is the file cut short?)"))
        case .arrayAfter:
            cuts.append(fault(.badJSON, "found the end of the text, expected ',' or ']' (is the file cut short?)"))
        default:
            break
        }
        phase = .rest
    }

    @inline(__always) private mutating func step(_ c: UInt8) {
        pos += 1
        if c == 0x0A {
            line += 1
            lineStart = pos
        }
    }

    /// A fault at the next byte.
    private func fault(_ reason: RejectionReason, _ detail: String) -> Cut {
        .fault(line: line, column: pos - lineStart + 1, reason, detail)
    }

    private mutating func begin(_ c: UInt8, then next: Phase, into cuts: inout [Cut]) {
        spanStart = pos
        spanLine = line
        spanColumn = pos - lineStart + 1
        then = next
        depth = 0
        inString = false
        afterBackslash = false
        scalar = false
        skipping = false
        phase = .value
        switch c {
        case 0x22: inString = true
        case 0x7B, 0x5B: depth = 1
        case 0x2C, 0x3A, 0x5D, 0x7D:
            // A separator or closing bracket where a value should start: one byte for the parser
            // to reject, so that the cut always moves on.
            step(c)
            end(at: pos, into: &cuts)
            return
        default: scalar = true
        }
        step(c)
    }

    private mutating func scan(_ c: UInt8, into cuts: inout [Cut]) {
        if !skipping && pos - spanStart >= maxRecordBytes { skipping = true }
        if inString {
            step(c)
            if afterBackslash { afterBackslash = false }
            else if c == 0x5C { afterBackslash = true }
            else if c == 0x22 {
                inString = false
                if depth == 0 { end(at: pos, into: &cuts) }
            }
            return
        }
        if scalar {
            switch c {
            case 0x20, 0x09, 0x0D, 0x0A, 0x2C, 0x3A, 0x5B, 0x5D, 0x7B, 0x7D, 0x22:
                end(at: pos, into: &cuts)
            default:
                step(c)
            }
            return
        }
        step(c)
        switch c {
        case 0x22: inString = true
        case 0x7B, 0x5B: depth += 1
        case 0x7D, 0x5D:
            depth -= 1
            if depth == 0 { end(at: pos, into: &cuts) }
        default: break
        }
    }

    private mutating func end(at e: Int, into cuts: inout [Cut]) {
        if skipping || e - spanStart > maxRecordBytes {
            cuts.append(.fault(line: spanLine, column: spanColumn, .recordTooLong,
                               "found a value of \(e - spanStart) bytes, expected at most \(maxRecordBytes) (raise --max-record-bytes to read it)"))
        } else {
            cuts.append(.span(JSONDriver.Span(start: spanStart, end: e, line: spanLine, column: spanColumn)))
        }
        phase = then
    }
}
