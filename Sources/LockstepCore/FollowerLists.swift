/// Who follows each target account, in the order the API lists them (newest follower first).
///
/// Follow times are not in the data: the platforms list followers newest first and give each
/// follower's account creation date, which is all a follower-surge analysis has to go on.
public struct FollowerLists: Sendable {
    /// Target names (as given in the input), by target index.
    public var targets = StringTable()
    /// The rows of target `t` are `targetStart[t]..<targetStart[t + 1]`, in API order (newest first).
    public var targetStart: [Int32] = [0]
    /// Follower ids as given, interned.
    public var followerKeys = StringTable()
    /// Index into ``followerKeys``, per row.
    public var follower: [Int32] = []
    /// Creation time (UTC seconds) of the follower's account, per row.
    public var created: [Int64] = []
    /// Position in API order (0 = newest follower) as given, or the row's order within its target.
    public var position: [Int32] = []

    /// An empty value.
    public init() {}

    /// Rows in all lists.
    public var count: Int { follower.count }
    /// How many targets.
    public var targetCount: Int { targets.count }
    /// The rows of one target, newest follower first.
    @inlinable public func rows(of target: Int) -> Range<Int> { Int(targetStart[target])..<Int(targetStart[target + 1]) }
}

/// Collects follower rows from any number of files, then orders them per target by position.
public struct FollowerListsBuilder: Sendable {
    private var targets = ByteInterner()
    private var followers = ByteInterner()
    private var rowTarget: [Int32] = []
    private var follower: [Int32] = []
    private var created: [Int64] = []
    private var position: [Int32] = []
    /// Rows seen per target, for rows without a position.
    private var seen: [Int32] = []

    /// An empty value.
    public init() {}

    /// How many rows.
    public var count: Int { follower.count }

    /// The id of a target account, as named in the input, added if new.
    @inline(__always)
    public mutating func target(_ name: UnsafeRawBufferPointer) -> Int32 {
        let t = targets.intern(name)
        if Int(t) == seen.count { seen.append(0) }
        return t
    }

    /// The id of a target account, as named in the input, added if new.
    public mutating func target(_ name: String) -> Int32 {
        var s = name
        return s.withUTF8 { target(UnsafeRawBufferPointer($0)) }
    }

    /// Adds one follower of `target`; without a `position` it follows the target's previous rows.
    @inline(__always)
    public mutating func add(target t: Int32, follower id: UnsafeRawBufferPointer, created c: Int64, position p: Int32? = nil) {
        rowTarget.append(t)
        follower.append(followers.intern(id))
        created.append(c)
        position.append(p ?? seen[Int(t)])
        seen[Int(t)] += 1
    }

    /// Adds one follower of `target` (see the byte form).
    public mutating func add(target t: Int32, follower id: String, created c: Int64, position p: Int32? = nil) {
        var s = id
        s.withUTF8 { add(target: t, follower: UnsafeRawBufferPointer($0), created: c, position: p) }
    }

    /// Groups rows by target (a counting sort, stable) and orders each target's rows by position.
    public consuming func finish() -> FollowerLists {
        var out = FollowerLists()
        out.targets = targets.table
        out.followerKeys = followers.table
        let n = rowTarget.count, tn = targets.count
        var starts = [Int32](repeating: 0, count: tn + 1)
        for t in rowTarget { starts[Int(t) + 1] += 1 }
        for t in 0..<tn { starts[t + 1] += starts[t] }
        var fill = Array(starts.dropLast())
        var order = [Int32](repeating: 0, count: n)
        for (r, t) in rowTarget.enumerated() { order[Int(fill[Int(t)])] = Int32(r); fill[Int(t)] += 1 }
        let pos = position
        for t in 0..<tn {
            let lo = Int(starts[t]), hi = Int(starts[t + 1])
            var sorted = true
            for k in (lo + 1)..<max(lo + 1, hi) where pos[Int(order[k - 1])] > pos[Int(order[k])] { sorted = false; break }
            // Stable by (position, input order): duplicate positions keep the order they were read in.
            if !sorted { order[lo..<hi].sort { pos[Int($0)] != pos[Int($1)] ? pos[Int($0)] < pos[Int($1)] : $0 < $1 } }
        }
        out.targetStart = starts
        out.follower = order.map { follower[Int($0)] }
        out.created = order.map { created[Int($0)] }
        out.position = order.map { position[Int($0)] }
        return out
    }
}
