import Dispatch
import Foundation
import LockstepCore

/// Rows a JSON reader looked at and used within one unit (a page holds many tweets).
struct JSONRowCounts {
    var read = 0
    var used = 0
}

/// Where a unit (one top-level JSON value) lies, to turn tape offsets into `line:column`.
struct JSONUnit {
    let base: UnsafeMutablePointer<UInt8>
    let start: Int
    /// Line of the unit's first byte, relative to the worker's first line (0-based).
    let line: Int

    /// Line (relative, as ``line``) and 1-based column of a byte offset inside the unit.
    func position(_ offset: Int) -> (line: Int, column: Int) {
        var line = self.line, lineStart = start
        for i in start..<(start + offset) where base[i] == 10 { line += 1; lineStart = i + 1 }
        return (line, start + offset - lineStart + 1)
    }
}

/// What a JSON format does with each top-level value: a line of a JSONL file, or an element of a
/// top-level array. Rejects bad records through `log` and counts what it reads and uses.
protocol JSONRecordHandler: Sendable {
    mutating func unit(_ tape: inout JSONTape, _ root: JSONValue, _ at: JSONUnit, builder: inout DatasetBuilder,
                       log: inout RejectionLog, counts: inout JSONRowCounts) throws
}

/// Reads JSON inputs on all cores, like ``CSVDriver`` does for CSV.
///
/// JSON Lines (one value per line; JSON strings cannot hold a raw line break, so every line break
/// ends a record) are read as CSV is (``readLines``): blocks cut at line breaks into chunks that the
/// workers take from one queue across blocks, remembering the accounts they met. A document that spans lines (a pretty-printed array or page) is read whole and cut into
/// its top-level values, or the elements of a top-level array. Each part fills its own
/// `DatasetBuilder`; parts are absorbed in input order, so the dataset is the same for any number of
/// workers. A response page on one huge line is one unit of work.
enum JSONDriver {
    static func read<H: JSONRecordHandler>(
        source: ByteSource, file: String, options: CSVDriver.Options, builder: inout DatasetBuilder,
        progress: ((_ bytes: Int, _ rows: Int) -> Void)? = nil, handler: H
    ) throws -> CSVDriver.Outcome {
        var outcome = CSVDriver.Outcome(log: RejectionLog(file: file, strict: options.strict))
        var buf: [UInt8] = []
        var eof = false
        var blockSize = max(options.blockSize, 1)
        func fill() throws {
            while !eof && buf.count < blockSize {
                if try source.read(into: &buf, max: blockSize - buf.count) == 0 { eof = true }
            }
        }
        try fill()
        if buf.count >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF { buf.removeFirst(3) }
        guard JSONPeek.firstByte(buf) != nil else { throw IngestError.emptyInput("\(file) is empty") }

        if spansLines(buf) {
            while !eof { blockSize *= 2; try fill() }
            try readDocument(&buf, file: file, options: options, handler: handler, builder: &builder, outcome: &outcome)
            progress?(outcome.bytes, outcome.rowsRead)
            return outcome
        }

        return try readLines(initial: buf, eof: eof, source: source, file: file, options: options, builder: &builder,
                             outcome: outcome, progress: progress, handler: handler)
    }

    /// JSON Lines, as ``CSVDriver`` reads CSV: blocks cut at line breaks into chunks that workers
    /// take from one queue across blocks, each worker keeping the accounts it met (``AccountMemo``),
    /// results merged in file order while the next blocks are parsed.
    static func readLines<H: JSONRecordHandler>(
        initial: [UInt8], eof atStart: Bool, source: ByteSource, file: String, options: CSVDriver.Options,
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
            parseLines(job.block.base, job.start, job.end, handler: handler, file: file, strict: strict, memo: memos[w])
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
    static func parseLines<H: JSONRecordHandler>(_ p: UnsafeMutablePointer<UInt8>, _ start: Int, _ end: Int,
                                                 handler: H, file: String, strict: Bool, memo: AccountMemo? = nil) -> Part {
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
                try unit(p, pos, lineEnd, line: line, checkUTF8: checkUTF8, tape: &tape, handler: &handler, part: &part)
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

    /// Parses one unit and hands it to the format, rejecting it whole when it is not valid JSON.
    @inline(__always)
    static func unit<H: JSONRecordHandler>(_ p: UnsafeMutablePointer<UInt8>, _ s: Int, _ e: Int, line: Int, checkUTF8: Bool = true,
                                           tape: inout JSONTape, handler: inout H, part: inout Part) throws {
        if JSONTape.skipSpace(p, s, e) == e { return }  // blank lines are not records
        let at = JSONUnit(base: p, start: s, line: line)
        part.builder.rowLine = line
        if checkUTF8, let bad = CSVScan.firstInvalidUTF8(p + s, e - s) {
            part.counts.read += 1
            let (l, c) = at.position(bad)
            try part.log.reject(line: l, column: c, .invalidUTF8,
                                "found byte 0x\(String(p[s + bad], radix: 16, uppercase: true)) that is not valid UTF-8, expected UTF-8 text")
            return
        }
        let root: JSONValue
        do {
            root = try tape.parse(p, from: s, to: e)
        } catch {
            part.counts.read += 1
            let (l, c) = at.position(min(error.offset, e - s))
            try part.log.reject(line: l, column: c, .badJSON, "not valid JSON: \(error.message)")
            return
        }
        try handler.unit(&tape, root, at, builder: &part.builder, log: &part.log, counts: &part.counts)
    }

    // MARK: Documents spanning lines

    /// A top-level value (or an element of the top-level array) and the line it starts on.
    struct Span: Sendable {
        var start: Int
        var end: Int
        var line: Int
    }

    static func readDocument<H: JSONRecordHandler>(_ buf: inout [UInt8], file: String, options: CSVDriver.Options, handler: H,
                                                   builder: inout DatasetBuilder, outcome: inout CSVDriver.Outcome) throws {
        let spans = buf.withUnsafeBufferPointer { split($0.baseAddress!, $0.count) }
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
                        try unit(shared.p, spans[s].start, spans[s].end, line: spans[s].line - first, tape: &tape, handler: &h, part: &part)
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
        outcome.bytes += buf.count
    }

    /// Cuts a text into its top-level values, opening a top-level array into its elements. Only
    /// brackets and strings are tracked; the parser reports anything malformed inside a span. After
    /// a structural problem the rest of the text becomes one span, so it is reported, not lost.
    static func split(_ p: UnsafePointer<UInt8>, _ n: Int) -> [Span] {
        var spans: [Span] = []
        var line = 1
        var counted = 0
        func lineAt(_ i: Int) -> Int {
            for k in counted..<i where p[k] == 10 { line += 1 }
            counted = i
            return line
        }
        func space(_ i: Int) -> Int {
            var i = i
            while i < n && (p[i] == 32 || p[i] == 9 || p[i] == 10 || p[i] == 13) { i += 1 }
            return i
        }
        func valueEnd(_ s: Int) -> Int {
            var i = s
            var depth = 0
            while i < n {
                let c = p[i]
                if c == 0x22 {
                    i += 1
                    while i < n && p[i] != 0x22 { if p[i] == 0x5C { i += 1 }; i += 1 }
                    i += 1
                    if depth == 0 { return min(i, n) }
                    continue
                }
                if c == 0x7B || c == 0x5B { depth += 1 }
                else if c == 0x7D || c == 0x5D {
                    depth -= 1
                    if depth <= 0 { return i + 1 }
                } else if depth == 0 && (c == 0x2C || c == 32 || c == 10 || c == 13 || c == 9) { return i }
                i += 1
            }
            return n
        }
        var i = space(0)
        if i < n && p[i] == 0x5B {
            var separator = i
            i = space(i + 1)
            if i < n && p[i] == 0x5D { return [] }
            while true {
                if i >= n {
                    // Cut short after `[` or `,`: a span from the separator makes the parser say so.
                    spans.append(Span(start: separator, end: n, line: lineAt(separator)))
                    return spans
                }
                let e = valueEnd(i)
                let s = i
                i = space(e)
                if i < n && (p[i] == 0x2C || p[i] == 0x5D) {
                    spans.append(Span(start: s, end: e, line: lineAt(s)))
                    if p[i] == 0x5D { break }
                    separator = i
                    i = space(i + 1)
                    continue
                }
                // Neither `,` nor `]` after an element, or the text ends: the rest is one span, so the
                // parser says what is wrong and where.
                spans.append(Span(start: s, end: n, line: lineAt(s)))
                return spans
            }
            i = space(i + 1)
            if i < n { spans.append(Span(start: i, end: n, line: lineAt(i))) }
            return spans
        }
        while i < n {
            let e = valueEnd(i)
            spans.append(Span(start: i, end: e, line: lineAt(i)))
            i = space(e)
        }
        return spans
    }
}
