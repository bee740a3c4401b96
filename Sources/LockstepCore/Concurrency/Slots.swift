import Foundation

/// Write-once result slots shared by worker threads: each index is written by the one job that
/// owns it and read once the jobs are done. A lock guards the array, so a slot's write is seen by
/// the thread that reads it.
package final class Slots<T>: @unchecked Sendable {
    private var storage: [T?]
    private let lock = NSLock()

    package init(_ count: Int) { storage = Array(repeating: nil, count: count) }

    package subscript(i: Int) -> T? {
        get { lock.lock(); defer { lock.unlock() }; return storage[i] }
        set { lock.lock(); storage[i] = newValue; lock.unlock() }
    }

    /// The value of slot `i`, leaving it empty (so a large result is not kept twice).
    package func take(_ i: Int) -> T? {
        lock.lock(); defer { lock.unlock() }
        let v = storage[i]
        storage[i] = nil
        return v
    }

    /// Every slot's value, in order; each must have been written.
    package func values() -> [T] {
        lock.lock(); defer { lock.unlock() }
        return storage.map { $0! }
    }
}
