// Accounts: ids interned as met, profiles filled once, origins and handles; a worker's chunk
// builder records what it learns about accounts of earlier chunks in late rows (AccountMemo).

extension DatasetBuilder {
    /// The account with this id as given, created (as merely referenced) if new.
    @inline(__always)
    public mutating func account(id: UnsafeRawBufferPointer) -> Int32 {
        if let m = memo {
            let (a, isNew) = m.intern(id)
            if isNew {
                m.add(origin: .referenced, referenceHandle: false)
                _ = accountKeys.intern(id)
                appendBlankAccount(origin: .referenced)
            }
            return a
        }
        let a = accountKeys.intern(id)
        if Int(a) == ds.accounts.origin.count { appendBlankAccount(origin: .referenced) }
        return a
    }

    public mutating func account(id: String) -> Int32 {
        var s = id
        return s.withUTF8 { account(id: UnsafeRawBufferPointer($0)) }
    }

    /// An account known only by its handle (an `RT @handle:` prefix); resolved to the account
    /// with that handle, if the data has one, when the dataset is finished.
    public mutating func account(handle: UnsafeRawBufferPointer) -> Int32 {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(64)  // "@"
        for c in handle { scratch.append(c >= 65 && c <= 90 ? c + 32 : c) }
        let origin: AccountOrigin = [.referenced, .handleOnly]
        if let m = memo {
            let (a, isNew) = scratch.withUnsafeBytes { m.intern($0) }
            if isNew {
                m.add(origin: origin, referenceHandle: !handle.isEmpty)
                _ = scratch.withUnsafeBytes { accountKeys.intern($0) }
                appendBlankAccount(origin: origin)
                setReferenceHandle(row: ds.accounts.origin.count - 1, handle)
            }
            return a
        }
        let a = scratch.withUnsafeBytes { accountKeys.intern($0) }
        if Int(a) == ds.accounts.origin.count {
            appendBlankAccount(origin: origin)
            setReferenceHandle(row: Int(a), handle)
        }
        return a
    }

    mutating func appendBlankAccount(origin: AccountOrigin) {
        ds.accounts.handle.append(.empty)
        ds.accounts.displayName.append(.empty)
        ds.accounts.description.append(.empty)
        ds.accounts.location.append(.empty)
        ds.accounts.profileURL.append(.empty)
        ds.accounts.created.append(noTime)
        ds.accounts.followers.append(-1)
        ds.accounts.following.append(-1)
        ds.accounts.language.append(noID)
        ds.accounts.category.append(noID)
        ds.accounts.origin.append(origin)
        profiled.append(false)
        referenceHandle.append(.empty)
        profileHandle.append(.empty)
    }

    /// Starts loading what looking up this account id will read (a row ahead of the lookup).
    @inline(__always)
    package func prefetchAccount(id: UnsafeRawBufferPointer) { memo?.prefetch(id) }

    /// Makes this (chunk) builder remember accounts in `memo`, its worker's, across chunks; ids
    /// it hands out are then the worker's. Call before the first row.
    package mutating func remember(in memo: AccountMemo) {
        precondition(ds.accounts.count == 0 && ds.posts.count == 0, "a memo is attached before the first row")
        memo.startChunk()
        self.memo = memo
        memoBase = memo.count
    }

    /// The late row of a known account `a` (one met in an earlier chunk), made on first use.
    private mutating func lateRow(_ a: Int32) -> Int {
        let m = memo!
        let r = m.lateRow[Int(a)]
        if r >= 0 { return Int(r) }
        let n = late.count
        late.append(a)
        m.lateRow[Int(a)] = Int32(n)
        m.lateTouched.append(a)
        return n
    }

    package mutating func markOrigin(_ a: Int32, _ origin: AccountOrigin) { addOrigin(a, origin) }

    @inline(__always)
    mutating func addOrigin(_ a: Int32, _ origin: AccountOrigin) {
        guard let m = memo else {
            ds.accounts.origin[Int(a)].formUnion(origin)
            return
        }
        if m.reported[Int(a)].isSuperset(of: origin) { return }
        m.reported[Int(a)].formUnion(origin)
        let i = Int(a) - memoBase
        if i >= 0 { ds.accounts.origin[i].formUnion(origin) } else { late.origin[lateRow(a)].formUnion(origin) }
    }

    /// Whether the profile of `a` has been filled; readers skip re-parsing profile columns then.
    @inline(__always) public func isProfiled(_ a: Int32) -> Bool {
        if let m = memo { return m.profiled[Int(a)] }
        return profiled[Int(a)]
    }

    /// Fills an account's profile the first time it is seen; later rows do not overwrite it.
    ///
    /// The account's handle is its first profile's, when that has one, or else the first handle a
    /// reference gave (``setHandleIfMissing(_:_:)``), whatever the order they come in.
    public mutating func describe(_ a: Int32, _ p: ProfileBytes) {
        if let m = memo {
            if m.profiled[Int(a)] { return }
            m.profiled[Int(a)] = true
            let i = Int(a) - memoBase
            if i >= 0 {
                describeRow(i, p)
            } else {
                let r = lateRow(a)
                late.profiled[r] = true
                late.profile[r] = storeProfile(p)
            }
            return
        }
        describeRow(Int(a), p)
    }

    mutating func describeRow(_ i: Int, _ p: ProfileBytes) {
        if profiled[i] { return }
        profiled[i] = true
        let r = storeProfile(p)
        profileHandle[i] = r.handle
        ds.accounts.displayName[i] = r.displayName
        ds.accounts.description[i] = r.description
        ds.accounts.location[i] = r.location
        ds.accounts.profileURL[i] = r.profileURL
        ds.accounts.created[i] = r.created
        ds.accounts.followers[i] = r.followers
        ds.accounts.following[i] = r.following
        ds.accounts.language[i] = r.language
        ds.accounts.category[i] = r.category
    }

    private mutating func storeProfile(_ p: ProfileBytes) -> ProfileRefs {
        var r = ProfileRefs()
        r.handle = ds.accounts.profileArena.append(p.handle)
        r.displayName = ds.accounts.profileArena.append(p.displayName)
        r.description = ds.accounts.profileArena.append(p.description)
        r.location = ds.accounts.profileArena.append(p.location)
        r.profileURL = ds.accounts.profileArena.append(p.profileURL)
        r.created = p.created
        r.followers = p.followers
        r.following = p.following
        r.language = p.language.isEmpty ? noID : languages.intern(p.language)
        r.category = p.category.isEmpty ? noID : categories.intern(p.category)
        return r
    }

    /// Gives an account a handle from a reference (an `RT @handle:` prefix, a reply's or a
    /// mention's screen name) unless it has one; a profile's own handle takes precedence.
    package mutating func setHandleIfMissing(_ a: Int32, _ handle: UnsafeRawBufferPointer) {
        if handle.isEmpty { return }
        guard let m = memo else {
            setReferenceHandle(row: Int(a), handle)
            return
        }
        if m.referenceHandle[Int(a)] { return }
        m.referenceHandle[Int(a)] = true
        let i = Int(a) - memoBase
        if i >= 0 {
            setReferenceHandle(row: i, handle)
        } else {
            late.referenceHandle[lateRow(a)] = ds.accounts.profileArena.append(handle)
        }
    }

    mutating func setReferenceHandle(row i: Int, _ handle: UnsafeRawBufferPointer) {
        guard !handle.isEmpty, referenceHandle[i].isEmpty else { return }
        referenceHandle[i] = ds.accounts.profileArena.append(handle)
    }
}
