/// A buffer that parallel workers write at disjoint indices.
package final class SharedBuffer<T>: @unchecked Sendable {
    package let p: UnsafeMutableBufferPointer<T>
    package init(repeating v: T, count: Int) {
        p = .allocate(capacity: max(count, 1))
        p.initialize(repeating: v)
    }
    deinit { p.deallocate() }
}

/// A value parallel workers fill in, one box per worker.
package final class Box<T>: @unchecked Sendable {
    package var value: T
    package init(_ value: T) { self.value = value }
}
