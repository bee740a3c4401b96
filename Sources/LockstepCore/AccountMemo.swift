import CMemoryHints

/// The accounts one parsing worker has met in the chunks of a file it parsed before.
///
/// Without it, every chunk starts with an empty account table: it interns each of its accounts
/// again, reads their profiles again, and the merge looks every one of them up in the dataset
/// (in a file of 50,000 accounts cut into 4 MB chunks, nine rows in ten named an account that
/// was new to their chunk). With it, a chunk holds rows only for the accounts its worker had not
/// met, plus a few "late" rows for what it learnt about known ones; ids inside the chunk are the
/// worker's own, and the merge turns them into dataset ids through one array per worker.
///
/// A worker must parse its chunks in file order and merges must run in file order; then a memo
/// skips only what the dataset already has by the time the chunk is merged, and the dataset is the
/// same as without memos, whatever the number of workers.
package final class AccountMemo: @unchecked Sendable {
    // Unchecked: the memo belongs to one worker and is touched by one chunk builder at a time;
    // merges read only what chunks copied out of it.
    /// Account ids that are canonical decimals (every id of an unhashed Twitter release), in an
    /// open-addressing table of (value + 1, worker id) pairs: a lookup reads one cache line. With
    /// byte keys it read three (slot, string reference, bytes), each a miss once a worker has met
    /// tens of thousands of accounts, and account lookups became a quarter of reading.
    @exclusivity(unchecked) private var numeric = [UInt64](repeating: 0, count: 2 * 1024)
    @exclusivity(unchecked) private var numericCount = 0
    /// Other ids (hashed releases, `@handle` keys), interned as bytes, and their worker ids.
    @exclusivity(unchecked) private var keys = ByteInterner()
    @exclusivity(unchecked) private var keyToID: [Int32] = []
    /// The worker has passed on a profile of the account: the dataset has one when the chunk is merged.
    @exclusivity(unchecked) var profiled: [Bool] = []
    /// The worker has passed on a handle from a reference (an `RT @handle` prefix, say).
    @exclusivity(unchecked) var referenceHandle: [Bool] = []
    /// Origin flags the worker has passed on.
    @exclusivity(unchecked) var reported: [AccountOrigin] = []
    /// The late row of the account in the chunk being parsed, or -1.
    @exclusivity(unchecked) var lateRow: [Int32] = []
    /// Accounts whose `lateRow` is set, to clear when the next chunk starts.
    @exclusivity(unchecked) var lateTouched: [Int32] = []

    package init() {}

    var count: Int { profiled.count }

    /// The worker's id of an account id as given (or an `@handle` key), and whether it is new (then ``add(origin:referenceHandle:)`` must follow).
    @inline(__always)
    func intern(_ key: UnsafeRawBufferPointer) -> (id: Int32, isNew: Bool) {
        if let v = PostKeyInterner.number(key) { return intern(number: v) }
        let k = keys.intern(key)
        if Int(k) < keyToID.count { return (keyToID[Int(k)], false) }
        keyToID.append(Int32(count))
        return (Int32(count), true)
    }

    @inline(__always)
    private func intern(number v: UInt64) -> (id: Int32, isNew: Bool) {
        let mask = numeric.count / 2 - 1
        var s = PostKeyInterner.hash(v) & mask
        let found: Int32? = numeric.withUnsafeMutableBufferPointer { t in
            while true {
                let stored = t[2 * s]
                if stored == 0 { break }
                if stored == v &+ 1 { return Int32(truncatingIfNeeded: t[2 * s + 1]) }
                s = (s + 1) & mask
            }
            t[2 * s] = v &+ 1
            t[2 * s + 1] = UInt64(count)
            return nil
        }
        if let found { return (found, false) }
        numericCount += 1
        if numericCount * 2 > numeric.count / 2 { growNumeric() }
        return (Int32(count), true)
    }

    private func growNumeric() {
        let old = numeric
        numeric = [UInt64](repeating: 0, count: old.count * 2)
        let mask = numeric.count / 2 - 1
        for e in stride(from: 0, to: old.count, by: 2) where old[e] != 0 {
            var s = PostKeyInterner.hash(old[e] &- 1) & mask
            while numeric[2 * s] != 0 { s = (s + 1) & mask }
            numeric[2 * s] = old[e]
            numeric[2 * s + 1] = old[e + 1]
        }
    }

    /// Starts loading where `key` would be found, for a lookup a row later.
    @inline(__always)
    func prefetch(_ key: UnsafeRawBufferPointer) {
        if key.isEmpty { return }
        if let v = PostKeyInterner.number(key) {
            let i = 2 * (PostKeyInterner.hash(v) & (numeric.count / 2 - 1))
            numeric.withUnsafeBufferPointer { lockstep_prefetch($0.baseAddress! + i) }
        } else {
            keys.prefetch(hash: ByteInterner.hash(key))
        }
    }

    /// Records an account met for the first time (its id is the memo's count before the call).
    func add(origin: AccountOrigin, referenceHandle hasHandle: Bool) {
        profiled.append(false)
        referenceHandle.append(hasHandle)
        reported.append(origin)
        lateRow.append(-1)
    }

    /// Forgets the previous chunk's late rows.
    func startChunk() {
        for a in lateTouched { lateRow[Int(a)] = -1 }
        lateTouched.removeAll(keepingCapacity: true)
    }
}

/// What a chunk learnt about accounts its worker had met in earlier chunks: one row per such
/// account, made only when there is something to pass on (see ``AccountMemo``).
struct LateAccounts {
    var account: [Int32] = []
    var origin: [AccountOrigin] = []
    var referenceHandle: [StrRef] = []
    var profiled: [Bool] = []
    var profile: [ProfileRefs] = []

    var count: Int { account.count }

    mutating func append(_ a: Int32) {
        account.append(a)
        origin.append([])
        referenceHandle.append(.empty)
        profiled.append(false)
        profile.append(ProfileRefs())
    }
}

/// A profile whose strings are in a builder's profile arena.
struct ProfileRefs {
    var handle = StrRef.empty, displayName = StrRef.empty, description = StrRef.empty
    var location = StrRef.empty, profileURL = StrRef.empty
    var created: Int64 = noTime
    var followers: Int32 = -1, following: Int32 = -1
    var language: Int32 = noID, category: Int32 = noID
}
