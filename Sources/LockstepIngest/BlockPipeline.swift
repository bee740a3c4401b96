import Foundation
import LockstepCore

// The machinery the CSV and JSON Lines readers share: input blocks reused from block to block,
// worker threads that take chunks of blocks from one queue, and the merger that absorbs the
// chunks' partial datasets in file order.

/// One chunk of a block for a worker: rows in `start..<end` of `block`. The job holds the
/// block, so that it outlives every worker still on it, also when reading stops at an error
/// with chunks of the block in flight.
struct ChunkJob: Sendable {
    let index: Int
    let block: InputBlock
    let start: Int, end: Int
    let isLast: Bool
    let textWindow: TextWindow?
}

/// Worker threads that parse queued chunks, and their results by chunk number.
///
/// Workers take chunks in the order they were queued, across blocks, so that none waits at a
/// block's end for the others; each worker is numbered, so that a reader can keep per-worker
/// state across its chunks (``AccountMemo``).
///
/// Threads of its own, not Dispatch's pool: they block on a condition variable, which the pool
/// does not see, and the merger's queue must never wait for a pool thread they hold.
final class ChunkPipeline<Result: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [ChunkJob] = []
    private var head = 0
    private var closed = false
    private var results: [Int: Result] = [:]
    private let done = DispatchGroup()

    /// Starts `workers` threads; worker `w` runs `parse(job, w)` on the chunks it takes, which
    /// it takes in file order.
    init(workers: Int, parse: @escaping @Sendable (ChunkJob, Int) -> Result) {
        for w in 0..<max(workers, 1) {
            done.enter()
            let t = Thread { [self] in
                while let job = take() {
                    let r = parse(job, w)
                    condition.lock()
                    results[job.index] = r
                    condition.broadcast()
                    condition.unlock()
                }
                done.leave()
            }
            t.stackSize = 8 << 20  // as the main thread's: readers walk nested JSON; untouched pages cost nothing
            t.start()
        }
    }

    func submit(_ job: ChunkJob) {
        condition.lock()
        jobs.append(job)
        condition.broadcast()
        condition.unlock()
    }

    private func take() -> ChunkJob? {
        condition.lock()
        defer { condition.unlock() }
        while head == jobs.count && !closed { condition.wait() }
        guard head < jobs.count else { return nil }
        head += 1
        let job = jobs[head - 1]
        // Taken jobs are dropped now and then, so the queue does not keep every block's jobs.
        if head >= 256 { jobs.removeFirst(head); head = 0 }
        return job
    }

    /// Whether every chunk in `range` is parsed.
    func ready(_ range: Range<Int>) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        return range.allSatisfy { results[$0] != nil }
    }

    /// The result of chunk `k`, waiting for it if a worker is still on it.
    func result(_ k: Int) -> Result {
        condition.lock()
        defer { condition.unlock() }
        while results[k] == nil { condition.wait() }
        return results.removeValue(forKey: k)!
    }

    /// Lets the workers finish the chunks they hold, drops the rest, and waits for them.
    func finish() {
        condition.lock()
        closed = true
        jobs.removeAll()
        head = 0
        condition.broadcast()
        condition.unlock()
        done.wait()
    }
}

/// A block of input bytes in memory of its own, reused from block to block (an array would
/// be grown by appends, each growth fresh pages to fault in and the old bytes copied).
final class InputBlock: @unchecked Sendable {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        guard let p = malloc(self.capacity) else { fatalError("out of memory allocating a \(capacity)-byte input block") }
        base = p.assumingMemoryBound(to: UInt8.self)
    }

    deinit { free(base) }

    var bytes: UnsafeMutableBufferPointer<UInt8> { UnsafeMutableBufferPointer(start: base, count: count) }

    /// Reads from `source` until the block holds `size` bytes; true when the source ran out.
    func fill(from source: ByteSource, upTo size: Int) throws -> Bool {
        if size > capacity {
            guard let p = realloc(base, size) else { fatalError("out of memory growing an input block to \(size) bytes") }
            base = p.assumingMemoryBound(to: UInt8.self)
            capacity = size
        }
        let n = try source.fill(base + count, max: size - count)
        count += n
        return count < size
    }

    /// Appends bytes read before the block existed (the start of a file, read to detect its shape).
    func append(_ bytes: UnsafeRawBufferPointer) {
        if count + bytes.count > capacity {
            guard let p = realloc(base, count + bytes.count) else { fatalError("out of memory growing an input block to \(count + bytes.count) bytes") }
            base = p.assumingMemoryBound(to: UInt8.self)
            capacity = count + bytes.count
        }
        if let src = bytes.baseAddress { memcpy(base + count, src, bytes.count) }
        count += bytes.count
    }

    /// Gives back memory beyond `size` bytes (after a record too long to read made the block grow).
    func shrink(to size: Int) {
        let size = max(size, count, 1)
        guard capacity > size, let p = realloc(base, size) else { return }
        base = p.assumingMemoryBound(to: UInt8.self)
        capacity = size
    }

    /// Drops the first `n` bytes (the header row, or a record skipped as too long).
    func dropFirst(_ n: Int) {
        memmove(base, base + n, count - n)
        count -= n
    }

    /// Makes this block hold `other`'s bytes from `start` on (the unparsed tail of a block).
    func replaceContents(with other: InputBlock, from start: Int) {
        count = 0
        let n = other.count - start
        if n > capacity {
            guard let p = realloc(base, n) else { fatalError("out of memory growing an input block to \(n) bytes") }
            base = p.assumingMemoryBound(to: UInt8.self)
            capacity = n
        }
        memcpy(base, other.base + start, n)
        count = n
    }
}

/// Owns the growing dataset while background absorbs run; `group` tracks them.
final class Merger: @unchecked Sendable {
    var builder: DatasetBuilder
    let group = DispatchGroup()
    private let queue = DispatchQueue(label: "lockstep.csv.merge")
    init(_ b: DatasetBuilder) { builder = b }

    func run(_ job: @escaping @Sendable (inout DatasetBuilder) -> Void) {
        queue.async(group: group) { job(&self.builder) }
    }

    /// Absorbs chunks' builders, each with the line its rows' lines are relative to.
    func absorb(_ parts: [(DatasetBuilder, lineBase: Int)]) {
        queue.async(group: group) {
            for (p, line) in parts { self.builder.absorb(p, lineShift: line) }
        }
    }
}

/// What parsing a chunk gives back: its partial dataset, its rejections (lines relative to the
/// chunk's first line) and how many line breaks it spans, for the next chunk's line numbers.
protocol ChunkOutcome: Sendable {
    var builder: DatasetBuilder { get }
    var log: RejectionLog { get set }
    var error: Rejection? { get set }
    var rowsRead: Int { get }
    var rowsUsed: Int { get }
    var lines: Int { get }
}

/// The reading loop of the CSV and JSON Lines readers.
///
/// This thread reads a block into one of three buffers, cuts it (`cut`, which returns chunk
/// boundaries ending at the last complete record, or nil when no record ends in the block), queues
/// its chunks to `pipeline`'s workers and, while they parse, takes the results of earlier blocks in
/// file order and hands their datasets to `merger`. A block is waited for only when its buffer is
/// needed for the next one.
///
/// A block grows to hold a record longer than it, up to `maxRecordBytes`: a longer record is
/// rejected as `record_too_long` and passed over as it is read, `recordEnd` saying where it ends
/// (it is handed the record's bytes piece by piece, `fromStart` on the first; the default ends
/// it at a line break), so memory stays about the limit however long the record is.
enum BlockLoop {
    static func run<R: ChunkOutcome>(
        first: InputBlock, atEnd: Bool, source: ByteSource, blockSize start: Int, fullBlockSize: Int,
        lineBase firstLine: Int, pipeline: ChunkPipeline<R>, merger: Merger, window: TextWindow?,
        outcome: inout CSVDriver.Outcome, progress: ((_ bytes: Int, _ rows: Int) -> Void)?,
        maxRecordBytes: Int = .max,
        recordEnd: (_ bytes: UnsafeBufferPointer<UInt8>, _ fromStart: Bool) -> Int? = lineEnd,
        cut: (_ block: UnsafeBufferPointer<UInt8>, _ atEnd: Bool, _ workersIdle: Bool) -> [Int]?
    ) throws {
        var buf = first
        var eof = atEnd
        var blockSize = start
        var lineBase = firstLine
        var free = [InputBlock(capacity: fullBlockSize), InputBlock(capacity: fullBlockSize)]
        var queued: [(block: InputBlock, first: Int, count: Int, bytes: Int)] = []
        var nextChunk = 0
        var consumed = 0
        func collectOldest() throws {
            let q = queued.removeFirst()
            var finished: [(DatasetBuilder, lineBase: Int)] = []
            for k in q.first..<(q.first + q.count) {
                var r = pipeline.result(k)
                if var e = r.error {
                    e.line += lineBase
                    throw e
                }
                r.log.shiftLines(by: lineBase)
                outcome.log.absorb(r.log)
                outcome.rowsRead += r.rowsRead
                outcome.rowsUsed += r.rowsUsed
                finished.append((r.builder, lineBase))
                lineBase += r.lines
            }
            merger.absorb(finished)
            outcome.bytes += q.bytes
            progress?(outcome.bytes, outcome.rowsRead)
            free.append(q.block)
        }
        /// Rejects the record that `buf` starts with, too long to hold, and reads past it.
        func skipRecord() throws {
            // Earlier rows first: their rejections come before this one, and the line it starts on
            // is known once they are counted.
            while !queued.isEmpty { try collectOldest() }
            outcome.rowsRead += 1
            try outcome.log.reject(line: lineBase, column: 1, .recordTooLong,
                                   "found a record longer than \(maxRecordBytes) bytes, expected at most that (raise --max-record-bytes to read it); reading resumes after it")
            var fromStart = true
            var skipped = 0
            while true {
                let b = UnsafeBufferPointer(buf.bytes)
                let end = recordEnd(b, fromStart)
                fromStart = false
                let n = end ?? b.count
                if n > 0 { lineBase += CSVScan.countByte(b.baseAddress!, n, 10) }
                skipped += n
                buf.dropFirst(n)
                if end != nil || eof { break }
                eof = try buf.fill(from: source, upTo: fullBlockSize)
            }
            consumed += skipped
            outcome.bytes += skipped
            progress?(outcome.bytes, outcome.rowsRead)
            blockSize = fullBlockSize
            buf.shrink(to: fullBlockSize)
        }
        while true {
            if !eof && buf.count < blockSize { eof = try buf.fill(from: source, upTo: blockSize) }
            if buf.count == 0 { break }
            guard let cuts = cut(UnsafeBufferPointer(buf.bytes), eof, queued.isEmpty) else {
                if buf.count > maxRecordBytes {
                    try skipRecord()
                    continue
                }
                // One record longer than the block: read more first (at once up to the full block
                // size, if a small first block was too short), but no more than the record limit.
                blockSize = min(max(blockSize * 2, fullBlockSize), maxRecordBytes < Int.max ? maxRecordBytes + 1 : .max)
                continue
            }
            let regionEnd = cuts.last!
            let parts = cuts.count - 1
            for k in 0..<parts {
                pipeline.submit(ChunkJob(index: nextChunk + k, block: buf, start: cuts[k], end: cuts[k + 1], isLast: eof && k == parts - 1,
                                         textWindow: window?.slice(at: consumed + cuts[k], count: cuts[k + 1] - cuts[k])))
            }
            queued.append((buf, nextChunk, parts, regionEnd))
            nextChunk += parts
            consumed += regionEnd
            if eof && regionEnd == buf.count { break }
            if blockSize < fullBlockSize { blockSize = min(blockSize * 2, fullBlockSize) }
            // Results ready are merged at once (the merger then overlaps the parsing).
            while let q = queued.first, q.block !== buf, pipeline.ready(q.first..<(q.first + q.count)) { try collectOldest() }
            if free.isEmpty { try collectOldest() }
            // The next block starts with this one's unparsed tail.
            let next = free.removeLast()
            next.replaceContents(with: buf, from: regionEnd)
            buf = next
        }
        while !queued.isEmpty { try collectOldest() }
    }

    /// Where a record of JSON Lines ends: after its line break.
    static func lineEnd(_ b: UnsafeBufferPointer<UInt8>, _ fromStart: Bool) -> Int? {
        guard let p = b.baseAddress, let nl = memchr(p, 10, b.count) else { return nil }
        return UnsafeRawPointer(p).distance(to: UnsafeRawPointer(nl)) + 1
    }
}
