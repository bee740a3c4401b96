import Foundation

/// Runs independent jobs on a fixed number of worker threads and returns their results in job order,
/// so the output never depends on how many threads ran or which finished first.
enum Parallel {
    /// `body(i)` for every `i` in `0..<count`, on up to `threads` threads; results indexed by `i`.
    static func map<T: Sendable>(_ count: Int, threads: Int, _ body: @Sendable (Int) -> T) -> [T] {
        if count == 0 { return [] }
        let workers = max(1, min(threads, count))
        let slots = Slots<T>(count)
        if workers == 1 {
            for i in 0..<count { slots.set(i, body(i)) }
        } else {
            // Worker w takes jobs w, w + workers, ...: a fixed assignment, results stored by job index.
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var i = w
                while i < count {
                    slots.set(i, body(i))
                    i += workers
                }
            }
        }
        return slots.values()
    }

    /// Splits `0..<n` into `parts` contiguous ranges of near-equal size.
    static func chunks(_ n: Int, _ parts: Int) -> [Range<Int>] {
        let p = max(1, min(parts, n))
        return (0..<p).map { k in (n * k / p)..<(n * (k + 1) / p) }
    }

    /// The default worker count: the machine's active processors.
    static var defaultThreads: Int { ProcessInfo.processInfo.activeProcessorCount }
}

/// Write-once result slots shared by worker threads; each index is written by exactly one job.
private final class Slots<T>: @unchecked Sendable {
    private var storage: [T?]
    private let lock = NSLock()
    init(_ n: Int) { storage = Array(repeating: nil, count: n) }
    func set(_ i: Int, _ v: T) { lock.lock(); storage[i] = v; lock.unlock() }
    func values() -> [T] { storage.map { $0! } }
}
