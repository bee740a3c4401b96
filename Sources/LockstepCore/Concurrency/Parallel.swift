import Foundation

/// Runs independent jobs on a fixed number of worker threads and returns their results in job order,
/// so the output never depends on how many threads ran or which finished first.
///
/// Workers are threads of their own, not `DispatchQueue.concurrentPerform`: libdispatch runs an
/// apply nested inside another apply serially, and the analyses of a wave already run inside one
/// (`AnalysisRun.run`), so coordination's parallel steps would all run on a single core.
package enum Parallel {
    /// `body(i)` for every `i` in `0..<count` on all cores, for jobs that store their own results.
    package static func forEach(_ count: Int, _ body: @Sendable (Int) -> Void) {
        _ = map(count, threads: defaultThreads) { body($0) }
    }

    /// `body(i)` for every `i` in `0..<count`, on up to `threads` threads; results indexed by `i`.
    package static func map<T: Sendable>(_ count: Int, threads: Int, _ body: @Sendable (Int) -> T) -> [T] {
        map(count, threads: threads, state: { () }) { _, i in body(i) }
    }

    /// Like `map`, with working storage made by `state()` once per worker (on its first job) and
    /// handed to every job that worker runs, so large scratch arrays are not rebuilt per job. Jobs
    /// must leave the state fit for the next job; results must not depend on which worker ran them.
    package static func map<S, T: Sendable>(_ count: Int, threads: Int, state: @Sendable () -> S,
                                    _ body: @Sendable (inout S, Int) -> T) -> [T] {
        if count == 0 { return [] }
        let available = min(threads, budget ?? threads)
        let workers = max(1, min(available, count))
        // A map inside a worker gets a share of this one's threads. Up to twice the fair share, so
        // that when the other jobs finish early a long one still uses the idle cores; nested maps
        // (traces, then each trace's sweep) stay within a small multiple of the cores.
        let inner = workers == 1 ? available : max(1, 2 * available / workers)
        let slots = Slots<T>(count)
        let next = JobCounter(count)
        withoutActuallyEscaping(state) { make in
            withoutActuallyEscaping(body) { body in
                let work: @Sendable () -> Void = {
                    let outer = budget
                    budget = inner
                    defer { budget = outer }
                    var s: S?
                    while let i = next.take() {
                        if s == nil { s = make() }
                        slots[i] = body(&s!, i)
                    }
                }
                if workers == 1 { work(); return }
                let done = DispatchSemaphore(value: 0)
                // A thread object outlives its block's run, so the block reaches `work` only through
                // a box emptied before returning: `make` and `body` must not escape this call.
                let box = WorkBox(work)
                for _ in 1..<workers { Thread.detachNewThread { box.run(); done.signal() } }
                work()
                for _ in 1..<workers { done.wait() }
                box.clear()
            }
        }
        return slots.values()
    }

    /// Splits `0..<n` into `parts` contiguous ranges of near-equal size.
    package static func chunks(_ n: Int, _ parts: Int) -> [Range<Int>] {
        let p = max(1, min(parts, n))
        return (0..<p).map { k in (n * k / p)..<(n * (k + 1) / p) }
    }

    /// The default worker count: the machine's active processors.
    package static var defaultThreads: Int { ProcessInfo.processInfo.activeProcessorCount }

    private static let budgetKey = "LockstepCore.Parallel.threads"

    /// Threads a map started on this thread may use (nil outside every map's workers).
    private static var budget: Int? {
        get { Thread.current.threadDictionary[budgetKey] as? Int }
        set { Thread.current.threadDictionary[budgetKey] = newValue }
    }
}

/// The worker loop, reachable from the spawned threads until `clear()`.
private final class WorkBox: @unchecked Sendable {
    private var work: (@Sendable () -> Void)?
    private let lock = NSLock()
    init(_ work: @escaping @Sendable () -> Void) { self.work = work }
    func run() { lock.lock(); let w = work; lock.unlock(); w?() }
    func clear() { lock.lock(); work = nil; lock.unlock() }
}

/// Hands out job indices `0..<count` in order, each once, to whichever worker asks first.
private final class JobCounter: @unchecked Sendable {
    private var next = 0
    private let count: Int
    private let lock = NSLock()
    init(_ count: Int) { self.count = count }
    func take() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard next < count else { return nil }
        next += 1
        return next - 1
    }
}
