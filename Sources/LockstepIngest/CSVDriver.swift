import Dispatch
import Foundation
import LockstepCore

/// Reads a CSV file block by block and parses each block on all cores.
///
/// A block is cut at a row boundary found by quote parity (a line break is a row end only when an
/// even number of quotes precedes it since the block's start), so quoted fields with line breaks
/// never straddle two workers. Each worker fills its own `DatasetBuilder`; they are absorbed in
/// input order, so the dataset is identical whatever the number of workers.
package enum CSVDriver {
    package struct Options: Sendable {
        package var strict = false
        package var workers = ProcessInfo.processInfo.activeProcessorCount
        /// Bytes read at a time. Small enough that three blocks cost little memory and few page
        /// faults (measured on the 1M-row benchmark: 4 MB read 4% faster than 16 MB, 32 MB slower
        /// still); rows longer than a block make it grow.
        package var blockSize = 4 << 20
        /// A block is cut into parts no smaller than this (tests make it small to get many parts).
        package var minChunk = 256 << 10
        /// Field delimiter (`,` by default; `\t` or `;` for mapped files).
        package var delimiter: UInt8 = 44
        /// A row with a longer field is rejected as `field_too_long` (see ``IngestOptions``).
        package var maxFieldBytes = Int.max
        /// A longer record is rejected as `record_too_long` and skipped; no block grows past it.
        package var maxRecordBytes = Int.max
        package init() {}
    }

    package struct Outcome {
        package var rowsRead = 0
        package var rowsUsed = 0
        package var log: RejectionLog
        package var bytes = 0
    }

    /// Reads the header row: the field names, with a UTF-8 byte-order mark dropped.
    static func header(_ buf: inout [UInt8], delimiter: UInt8 = 44) -> (names: [String], end: Int, lines: Int)? {
        buf.withUnsafeMutableBufferPointer { header($0, delimiter: delimiter) }
    }

    /// `lines` counts the line breaks up to the header's end, blank lines before it included.
    static func header(_ b: UnsafeMutableBufferPointer<UInt8>, delimiter: UInt8 = 44) -> (names: [String], end: Int, lines: Int)? {
        let start = headerStart(UnsafeBufferPointer(b))
        guard let p = b.baseAddress, b.count > start, headerProblem(UnsafeBufferPointer(b)) == nil else { return nil }
        var fields = FieldBuffer()
        defer { fields.free() }
        var pos = start
        guard case .ok = CSVScan.parseRow(p, &pos, b.count, &fields, delimiter) else { return nil }
        let nl = CSVScan.countByte(p, pos, 10)
        var names: [String] = []
        for i in 0..<fields.count {
            names.append(String(decoding: UnsafeRawBufferPointer(start: p + fields.starts[i], count: fields.ends[i] - fields.starts[i]), as: UTF8.self)
                .trimmingCharacters(in: .whitespaces))
        }
        return (names, pos, nl)
    }

    /// Where the header row starts: after a UTF-8 byte-order mark and any blank lines (spaces,
    /// tabs and CRs only), which editors and spreadsheets leave before it.
    static func headerStart(_ b: UnsafeBufferPointer<UInt8>) -> Int {
        var start = 0
        if b.count >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF { start = 3 }
        var i = start
        while i < b.count {
            let c = b[i]
            if c == 10 { start = i + 1 } else if c != 32 && c != 9 && c != 13 { break }
            i += 1
        }
        return start
    }

    /// Why the first line of `b` cannot start a CSV file, or nil: binary data, or lines ended by
    /// a bare CR (which the reader takes as data, not as a line break).
    static func headerProblem(_ b: UnsafeBufferPointer<UInt8>) -> String? {
        let start = headerStart(b)
        guard let p = b.baseAddress, start < b.count else { return nil }
        let n = b.count - start
        let lineLength = memchr(p + start, 10, n).map { UnsafePointer<UInt8>(p).distance(to: $0.assumingMemoryBound(to: UInt8.self)) - start } ?? n
        if memchr(p + start, 0, lineLength) != nil {
            return "holds binary data (a NUL byte in its first line), not CSV text"
        }
        if let cr = memchr(p + start, 13, lineLength) {
            let i = UnsafePointer<UInt8>(p).distance(to: cr.assumingMemoryBound(to: UInt8.self))
            if i + 1 < b.count && p[i + 1] != 10 {
                return "its lines end with a bare CR (classic Mac OS line endings), which is not read as a line break; convert them first, e.g. tr '\\r' '\\n' < FILE > FIXED.csv"
            }
        }
        return nil
    }

    /// Whether the header row's line ends in `b` (the header is parsed only when it does).
    static func headerLineEnds(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = headerStart(b)
        guard let p = b.baseAddress, start < b.count else { return false }
        return memchr(p + start, 10, b.count - start) != nil
    }

    /// Parses the whole file behind `source` with a handler made from its header.
    package static func read<H: CSVRowHandler>(
        source: ByteSource, file: String, options: Options, builder: inout DatasetBuilder,
        progress: ((_ bytes: Int, _ rows: Int) -> Void)? = nil,
        makeHandler: ([String]) throws -> H
    ) throws -> Outcome {
        var outcome = Outcome(log: RejectionLog(file: file, strict: options.strict))
        // Three blocks take turns (see the loop below) and are reused for the whole file, so
        // reading costs no fresh pages after the first three.
        let buf = InputBlock(capacity: options.blockSize)
        var eof = false
        // The first block is small and the next ones double up to the full size, so that the
        // workers start after a millisecond of reading instead of a whole block's worth.
        var blockSize = min(options.blockSize, 1 << 20)
        func fill() throws {
            if !eof && buf.count < blockSize { eof = try buf.fill(from: source, upTo: blockSize) }
        }
        try fill()
        // The header must be complete in the buffer: grow it for absurdly long headers, up to the
        // record limit (binary data such as /dev/zero never has a line break).
        while !eof && !headerLineEnds(UnsafeBufferPointer(buf.bytes)) {
            if let problem = headerProblem(UnsafeBufferPointer(buf.bytes)) { throw IngestError.unreadable(file, problem) }
            guard buf.count <= options.maxRecordBytes else {
                throw IngestError.unreadable(file, "its first line is longer than \(options.maxRecordBytes) bytes (--max-record-bytes) without a line break: not a CSV header")
            }
            blockSize = min(blockSize * 2, options.maxRecordBytes < Int.max ? options.maxRecordBytes + 1 : Int.max)
            try fill()
        }
        if let problem = headerProblem(UnsafeBufferPointer(buf.bytes)) { throw IngestError.unreadable(file, problem) }
        guard let (names, headerEnd, headerLines) = header(buf.bytes, delimiter: options.delimiter) else {
            throw IngestError.emptyInput("\(file) is empty")
        }
        guard headerEnd <= options.maxRecordBytes else {
            throw IngestError.unreadable(file, "its header is longer than \(options.maxRecordBytes) bytes (--max-record-bytes)")
        }
        let handlerPrototype = try makeHandler(names)
        buf.dropFirst(headerEnd)
        let lineBase = 1 + max(headerLines, 1)

        // Columns sized once from the file's size and the first block's line density, so a
        // multi-gigabyte file is not copied again each time its columns outgrow their capacity.
        // Overestimates cost address space only: untouched pages are never resident.
        let plainSize = source.plainSize
        var rows = 0
        if let size = plainSize, buf.count > 0 {
            let lines = CSVScan.countByte(buf.base, buf.count, 10)
            rows = Int(Double(size) / Double(buf.count) * Double(max(lines, 1)) * 1.02)
            // Text now (address space only; the text window below needs it), the rest in the merger.
            builder.reserve(posts: 0, textBytes: builder.textBytes + size)
        }
        // Each chunk writes its posts' text straight into the part of the dataset's text that
        // matches its bytes in the file, so merging moves no text (plain files, whose size is known).
        let window = plainSize.flatMap { builder.openTextWindow(count: $0) }
        let memos = (0..<max(options.workers, 1)).map { _ in AccountMemo() }
        // Absorbing chunk builders into the dataset is sequential; it runs on its own queue so
        // that it overlaps the parsing of the next block instead of idling the workers.
        let merger = Merger(builder)
        builder = DatasetBuilder()
        if rows > 0 {
            let rows = rows
            // The id index is zeroed when reserved (tens of megabytes for a million rows): on the
            // merger's queue it overlaps the first block's parsing instead of delaying it.
            merger.run { b in
                b.reserve(posts: b.postCount + rows, textBytes: 0)
                // Post ids: each post's own, and about half as many again that posts point to.
                b.reserve(postKeys: b.postKeyCount + rows + rows / 2)
            }
        }
        defer {
            merger.group.wait()
            builder = merger.builder
            builder.forgetMemos()
            if window != nil { builder.settleWindowText() }
        }
        // Workers take chunks from a queue that runs across blocks, so that none waits at a
        // block's end for the others: while they parse one block, this thread reads the next
        // into another and queues its chunks, and collects the results of the one before in
        // file order. Three blocks are enough for that.
        let prototype = handlerPrototype
        let strict = options.strict
        let delimiter = options.delimiter
        let limits = Limits(field: options.maxFieldBytes, record: options.maxRecordBytes)
        let pipeline = ChunkPipeline(workers: memos.count) { job, w in
            var handler = prototype
            // Two specialisations: the comma one compiles to the scanner with a constant delimiter.
            return delimiter == 44
                ? parseChunk(job.block.base, job.start, job.end, isLast: job.isLast, handler: &handler, file: file, strict: strict,
                             limits: limits, textWindow: job.textWindow, memo: memos[w], separator: CommaSeparator())
                : parseChunk(job.block.base, job.start, job.end, isLast: job.isLast, handler: &handler, file: file, strict: strict,
                             limits: limits, textWindow: job.textWindow, memo: memos[w], separator: ByteSeparator(byte: delimiter))
        }
        defer { pipeline.finish() }
        let workers = options.workers, minChunk = max(options.minChunk, 1)
        // A record too long to hold ends, as a block's rows do, at the first line break after an
        // even number of quotes since its start.
        var quotes = 0
        try BlockLoop.run(first: buf, atEnd: eof, source: source, blockSize: blockSize, fullBlockSize: options.blockSize,
                          lineBase: lineBase, pipeline: pipeline, merger: merger, window: window,
                          outcome: &outcome, progress: progress, maxRecordBytes: options.maxRecordBytes,
                          recordEnd: { b, fromStart in
                              if fromStart { quotes = 0 }
                              guard let p = b.baseAddress else { return nil }
                              var i = 0
                              while i < b.count, let nl = memchr(p + i, 10, b.count - i) {
                                  let at = p.distance(to: nl.assumingMemoryBound(to: UInt8.self))
                                  quotes += CSVScan.countByte(p + i, at - i, 34)
                                  if quotes % 2 == 0 { return at + 1 }
                                  i = at + 1
                              }
                              quotes += CSVScan.countByte(p + i, b.count - i, 34)
                              return nil
                          }) { block, atEnd, idle in
            // Quotes are counted on all cores only while the workers have nothing queued (the
            // first block); later on this thread alone, as the workers are busy with earlier blocks.
            CSVScan.cut(block, parts: max(1, min(workers * 2, block.count / minChunk)), atEnd: atEnd, workers: idle ? workers : 1)
        }
        return outcome
    }

    /// The longest field and record a row may have.
    struct Limits: Sendable {
        var field = Int.max
        var record = Int.max
    }

    struct ChunkResult: ChunkOutcome {
        var builder = DatasetBuilder()
        var log: RejectionLog
        var rowsRead = 0
        var rowsUsed = 0
        var lines = 0
        var error: Rejection?
    }

    /// Parses rows in `[start, end)`; line numbers in the result are relative to the chunk start.
    static func parseChunk<H: CSVRowHandler, S: FieldSeparator>(_ p: UnsafeMutablePointer<UInt8>, _ start: Int, _ end: Int, isLast: Bool,
                                                                handler: inout H, file: String, strict: Bool, limits: Limits = Limits(),
                                                                textWindow: TextWindow? = nil,
                                                                memo: AccountMemo? = nil, separator: S) -> ChunkResult {
        var r = ChunkResult(log: RejectionLog(file: file, strict: strict))
        r.builder.writeText(into: textWindow)
        if let memo { r.builder.remember(in: memo) }
        r.builder.recordPostKeys()
        var fields = FieldBuffer(), ahead = FieldBuffer()
        defer { fields.free(); ahead.free() }
        var pos = start
        // Counted before parsing, while the bytes are as read (unescaping moves bytes), and used
        // to size the chunk's columns so that they never grow by copying: a chunk has at most one
        // row per line, and no more text than bytes.
        let newlines = CSVScan.countByte(p + start, end - start, 10)
        r.builder.reserve(posts: newlines + 1, textBytes: textWindow == nil ? end - start : 0)
        // With a memo, most rows name accounts the worker has met: account rows grow from a small start.
        if memo == nil { r.builder.reserve(accounts: newlines + 1, profileBytes: end - start) }
        r.builder.reserve(postKeys: 2 * (newlines + 1))
        // Checked here, before unescaping moves bytes; only a chunk that fails is checked field by field.
        let checkFields = !CSVScan.isValidUTF8(p + start, end - start)
        let counter = UnsafeMutablePointer<LineCounter>.allocate(capacity: 1)
        counter.initialize(to: LineCounter(base: UnsafePointer(p), start: start))
        defer { counter.deinitialize(count: 1); counter.deallocate() }
        // A row handed to `prefetch` counts lines with a counter of its own: the chunk's counter
        // only moves forward, and must not pass the row being added.
        let aheadCounter = UnsafeMutablePointer<LineCounter>.allocate(capacity: 1)
        aheadCounter.initialize(to: LineCounter(base: UnsafePointer(p), start: start))
        defer { aheadCounter.deinitialize(count: 1); aheadCounter.deallocate() }
        /// Parses the next row that is not blank into `f`; nil at the chunk's end. After a
        /// malformed row, `pos` moves on to where parsing picks up again: the line after the one
        /// at fault, so that the lines of a broken row before it are not read again as rows; after
        /// a quote that never closes, the next line, or the end of the input when that is where
        /// it ends (everything after the quote is inside it).
        func next(into f: inout FieldBuffer) -> (start: Int, end: Int, status: RowStatus)? {
            while pos < end {
                let rowStart = pos
                let status = CSVScan.parseRow(p, &pos, end, &f, separator.byte)
                let rowEnd = pos
                switch status {
                case .ok:
                    // Blank lines are not rows.
                    if f.count == 1 && f.ends[0] == f.starts[0] { continue }
                case .unbalancedQuote:
                    pos = isLast ? end : CSVScan.nextLine(p, from: rowStart, end: end)
                case .junkAfterQuote(let column, _):
                    pos = CSVScan.nextLine(p, from: rowStart + column - 1, end: end)
                }
                return (rowStart, rowEnd, status)
            }
            return nil
        }
        /// Line (chunk-relative) and column of byte `offset` of the row at `rowStart` on `rowLine`:
        /// the line of the fault itself, also deep inside a row over several lines.
        func locate(_ offset: Int, _ rowStart: Int, _ rowLine: Int) -> (line: Int, column: Int) {
            let (lines, column) = CSVScan.position(p, rowStart: rowStart, offset: offset)
            return (rowLine + lines, column)
        }
        // Rows are parsed one ahead of being added, so that what adding the next one looks up
        // (its account, in a table larger than the cache) is loading while this one is added.
        var current = next(into: &fields)
        do {
            while let (rowStart, rowEnd, status) = current {
                let upcoming = next(into: &ahead)
                if let u = upcoming, case .ok = u.status, ahead.count == handler.fieldCount {
                    handler.prefetch(CSVRow(base: p, starts: ahead.starts, ends: ahead.ends, count: ahead.count, lines: aheadCounter, rowStart: u.start),
                                     builder: r.builder)
                }
                defer {
                    current = upcoming
                    swap(&fields, &ahead)
                }
                let rowLine = counter.pointee.lines(upTo: rowStart)
                r.rowsRead += 1
                switch status {
                case .ok:
                    // One comparison per row: only a row longer than a field may be looked at
                    // field by field.
                    if rowEnd - rowStart > limits.field {
                        if rowEnd - rowStart > limits.record {
                            try r.log.reject(line: rowLine, column: 1, .recordTooLong,
                                             "found a row of \(rowEnd - rowStart) bytes, expected at most \(limits.record) (raise --max-record-bytes to read it)")
                            continue
                        }
                        if let k = (0..<fields.count).first(where: { fields.ends[$0] - fields.starts[$0] > limits.field }) {
                            let at = locate(fields.starts[k], rowStart, rowLine)
                            try r.log.reject(line: at.line, column: at.column, .fieldTooLong,
                                             "found a field of \(fields.ends[k] - fields.starts[k]) bytes (field \(k + 1)), expected at most \(limits.field) (raise --max-field-bytes to read it)")
                            continue
                        }
                    }
                    if fields.count != handler.fieldCount {
                        let at = locate(fields.count > 0 ? fields.ends[fields.count - 1] : rowStart, rowStart, rowLine)
                        try r.log.reject(line: at.line, column: at.column, .wrongFieldCount,
                                         "found \(fields.count) fields, expected \(handler.fieldCount) as in the header")
                        continue
                    }
                    // Fields, not the raw row: in-place unescaping leaves stale bytes between fields.
                    var badAt = -1
                    for k in 0..<(checkFields ? fields.count : 0) {
                        if let bad = CSVScan.firstInvalidUTF8(p + fields.starts[k], fields.ends[k] - fields.starts[k]) {
                            badAt = fields.starts[k] + bad
                            break
                        }
                    }
                    if badAt >= 0 {
                        let at = locate(badAt, rowStart, rowLine)
                        try r.log.reject(line: at.line, column: at.column, .invalidUTF8,
                                         "found byte 0x\(String(p[badAt], radix: 16, uppercase: true)) that is not valid UTF-8, expected UTF-8 text")
                        continue
                    }
                    let row = CSVRow(base: p, starts: fields.starts, ends: fields.ends, count: fields.count, lines: counter, rowStart: rowStart)
                    r.builder.rowLine = rowLine
                    // A handler names a rejected field by its row's first line and its offset in
                    // the row; moved here to the field's own line.
                    func relocate(_ e: inout Rejection) {
                        guard e.line == rowLine, let c = e.column, c > 1 else { return }
                        (e.line, e.column) = locate(rowStart + c - 1, rowStart, rowLine)
                    }
                    let logged = r.log.examples.count
                    do {
                        if try handler.row(row, builder: &r.builder, log: &r.log) { r.rowsUsed += 1 }
                    } catch var e as Rejection {
                        relocate(&e)
                        throw e
                    }
                    if r.log.examples.count > logged { r.log.relocateExamples(from: logged, relocate) }
                case .unbalancedQuote(let col):
                    let at = locate(rowStart + col - 1, rowStart, rowLine)
                    var detail = "found a quoted field that never closes (\(isLast ? "the file ends" : "the block ends") inside it), expected a closing quote"
                    if isLast {
                        let inside = CSVScan.countByte(p + rowStart + col - 1, end - (rowStart + col - 1), 10)
                        if inside > 0 { detail += "; the \(inside) line break(s) after it are inside the field, so no row after it was read" }
                    }
                    try r.log.reject(line: at.line, column: at.column, .unbalancedQuote, detail)
                case .junkAfterQuote(let col, let c):
                    let at = locate(rowStart + col - 1, rowStart, rowLine)
                    try r.log.reject(line: at.line, column: at.column, .unbalancedQuote,
                                     "found '\(Character(Unicode.Scalar(c)))' after a closing quote, expected a comma or a line break (is a quote inside the field not doubled?)")
                }
            }
        } catch let e as Rejection {
            r.error = e
        } catch {
            r.error = Rejection(file: file, line: 0, reason: .missingValue, detail: "\(error)")
        }
        r.lines = newlines
        return r
    }
}

extension CSVScan {
    /// Cut positions for a block: `[0, c1, ..., end]`, where `end` is the last row boundary (the
    /// buffer's end at end of input) and each cut starts a row. Quotes are counted once, in
    /// parallel slices; prefix sums give the quote parity at each slice start, and each cut is the
    /// first line break at even parity after its slice start. Nil when no row ends in the block.
    static func cut(_ b: UnsafeBufferPointer<UInt8>, parts: Int, atEnd: Bool, workers: Int) -> [Int]? {
        let n = b.count
        guard n > 0 else { return nil }
        let p = b.baseAddress!
        let slices = max(parts, 1)
        let len = (n + slices - 1) / slices
        let counts = Slots<Int>(slices)
        let shared = SharedConstBytes(p: p)
        let body: @Sendable (Int) -> Void = { k in
            let lo = min(k * len, n), hi = min(lo + len, n)
            counts[k] = countByte(shared.p + lo, hi - lo, 34)
        }
        if slices == 1 || workers < 2 { for k in 0..<slices { body(k) } } else { DispatchQueue.concurrentPerform(iterations: slices, execute: body) }
        var before = [Int](repeating: 0, count: slices + 1)
        for k in 0..<slices { before[k + 1] = before[k] + counts[k]! }
        var end = n
        if !atEnd {
            // Walk back from the end to the last line break preceded by an even number of quotes.
            var quotesAfter = 0
            var i = n - 1
            var found = -1
            while i >= 0 {
                let c = p[i]
                if c == 34 { quotesAfter += 1 } else if c == 10 && (before[slices] - quotesAfter) % 2 == 0 { found = i + 1; break }
                i -= 1
            }
            guard found > 0 else { return nil }
            end = found
        }
        var cuts = [0]
        for k in 1..<slices {
            let start = k * len
            if start >= end { break }
            var parity = before[k] % 2
            var i = start
            var found = -1
            while i < end {
                let c = p[i]
                if c == 34 { parity ^= 1 } else if c == 10 && parity == 0 { found = i + 1; break }
                i += 1
            }
            if found < 0 || found >= end { break }
            if found > cuts.last! { cuts.append(found) }
        }
        cuts.append(end)
        return cuts
    }

    static func hasNoLineBreak(_ b: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        b.count == 0 || memchr(b.baseAddress!, 10, b.count) == nil
    }
}

