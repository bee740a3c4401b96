/// Profile fields of one account as raw bytes, valid only for the duration of a call.
public struct ProfileBytes {
    public var handle = UnsafeRawBufferPointer(start: nil, count: 0)
    public var displayName = UnsafeRawBufferPointer(start: nil, count: 0)
    public var description = UnsafeRawBufferPointer(start: nil, count: 0)
    public var location = UnsafeRawBufferPointer(start: nil, count: 0)
    public var profileURL = UnsafeRawBufferPointer(start: nil, count: 0)
    public var language = UnsafeRawBufferPointer(start: nil, count: 0)
    /// A label the source assigns (the IRA release's hand-coded `account_category`).
    public var category = UnsafeRawBufferPointer(start: nil, count: 0)
    public var created: Int64 = noTime
    public var followers: Int32 = -1
    public var following: Int32 = -1

    public init() {}
}

/// Appends rows to a ``Dataset`` without allocating per row, and merges partial datasets
/// built in parallel (each chunk of a file gets its own builder; they are absorbed in order).
public struct DatasetBuilder: Sendable {
    private var ds = Dataset()
    private var accountKeys = ByteInterner()
    private var postKeys = PostKeyInterner()
    private var languages = ByteInterner()
    private var clients = ByteInterner()
    private var hashtags = ByteInterner()
    private var urls = ByteInterner()
    private var categories = ByteInterner()
    private var profiled: [Bool] = []
    /// Per account: the first handle a reference gave, and the profile's handle. Merging needs
    /// them apart; the dataset's `handle` column follows from them in ``finish(accounting:)``,
    /// by the precedence ``describe(_:_:)`` states.
    private var referenceHandle: [StrRef] = []
    private var profileHandle: [StrRef] = []
    /// Set on a worker's chunk builder: the worker's accounts; rows below are for ids from `memoBase` on.
    private var memo: AccountMemo?
    private var memoBase = 0
    private var late = LateAccounts()
    /// For each worker memo whose chunks were merged here: the memo (kept alive so that its
    /// identity is not reused) and the dataset id of each of its ids.
    private var memoMaps: [ObjectIdentifier: (memo: AccountMemo, map: [Int32])] = [:]
    private var scratch: [UInt8] = []
    /// Where this builder writes post text when it fills part of another builder's arena.
    private var textWindow: TextWindow?
    /// The first post whose text is in this builder's own arena (all of them without a window).
    private var ownTextFrom = 0
    /// Text of absorbed chunks that overflowed their windows, with the posts it belongs to.
    private var pendingText: [(arena: ByteArena, from: Int, to: Int)] = []
    private var windowsOpen = false
    /// Per post, the input line its row starts on (relative to the chunk in a chunk's builder,
    /// made absolute when absorbed), so that a post rejected later, as a duplicate, can be located.
    private var postLines: [UInt32] = []

    /// The line of the row being read; posts added next are recorded as read from it. Readers set
    /// it per row (a chunk's builder, relative to the chunk's first line).
    public var rowLine = 0

    public init() {}

    public var postCount: Int { ds.posts.count }
    public var accountCount: Int { ds.accounts.count }

    // MARK: Accounts

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

    private mutating func appendBlankAccount(origin: AccountOrigin) {
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
    public func prefetchAccount(id: UnsafeRawBufferPointer) { memo?.prefetch(id) }

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

    public mutating func markOrigin(_ a: Int32, _ origin: AccountOrigin) { addOrigin(a, origin) }

    @inline(__always)
    private mutating func addOrigin(_ a: Int32, _ origin: AccountOrigin) {
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

    private mutating func describeRow(_ i: Int, _ p: ProfileBytes) {
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
    public mutating func setHandleIfMissing(_ a: Int32, _ handle: UnsafeRawBufferPointer) {
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

    private mutating func setReferenceHandle(row i: Int, _ handle: UnsafeRawBufferPointer) {
        guard !handle.isEmpty, referenceHandle[i].isEmpty else { return }
        referenceHandle[i] = ds.accounts.profileArena.append(handle)
    }

    // MARK: Posts

    /// Starts a post; list values added next (hashtags, URLs, mentions) belong to it.
    @discardableResult
    public mutating func addPost(key: UnsafeRawBufferPointer, account: Int32, time: Int64, kind: PostKind,
                                 text: UnsafeRawBufferPointer, language: UnsafeRawBufferPointer,
                                 client: UnsafeRawBufferPointer) -> Int {
        closeOpenPost()
        ds.posts.key.append(key.isEmpty ? noID : postKeys.intern(key))
        ds.posts.account.append(account)
        ds.posts.time.append(time)
        ds.posts.kind.append(kind)
        ds.posts.text.append(appendText(text))
        ds.posts.language.append(language.isEmpty ? noID : languages.intern(language))
        ds.posts.client.append(client.isEmpty ? noID : clients.intern(client))
        ds.posts.retweetOf.append(noID)
        ds.posts.retweetAccount.append(noID)
        ds.posts.quoteOf.append(noID)
        ds.posts.replyTo.append(noID)
        ds.posts.replyAccount.append(noID)
        postLines.append(UInt32(clamping: rowLine))
        addOrigin(account, .author)
        return ds.posts.count - 1
    }

    private var last: Int { ds.posts.count - 1 }

    @inline(__always)
    private mutating func appendText(_ text: UnsafeRawBufferPointer) -> StrRef {
        if ownTextFrom == Int.max {
            if let ref = textWindow!.append(text) { return ref }
            // Full (text that is not a slice of its row could overflow): from this post on, text
            // goes to the builder's own arena and is moved when merged.
            ownTextFrom = ds.posts.count - 1
        }
        return ds.posts.textArena.append(text)
    }

    // MARK: Text written in place

    /// Opens a window over the next `count` bytes of reserved text, out of which chunk builders
    /// get theirs (``TextWindow/slice(at:count:)``); nil when fewer are reserved. Until
    /// ``settleWindowText()``, absorbed text from outside windows is held back.
    public mutating func openTextWindow(count: Int) -> TextWindow? {
        let start = ds.posts.textArena.byteCount
        guard count > 0, count <= ds.posts.textArena.spareCapacity,
              let base = ds.posts.textArena.reservedBase() else { return nil }
        windowsOpen = true
        return TextWindow(base: base + start, offset: start, capacity: count)
    }

    /// Moves held-back text behind all the windows; call once every chunk that was given a
    /// window has been absorbed.
    public mutating func settleWindowText() {
        windowsOpen = false
        for (arena, from, to) in pendingText { shiftText(from..<to, by: ds.posts.textArena.appendArena(arena)) }
        pendingText = []
    }

    /// Moves the text references of `posts` by `shift` bytes (their text was appended elsewhere).
    private mutating func shiftText(_ posts: Range<Int>, by shift: Int) {
        ds.posts.text.withUnsafeMutableBufferPointer { t in
            for i in posts where !t[i].isEmpty { t[i] = StrRef(offset: t[i].offset + shift, count: t[i].count) }
        }
    }

    /// Makes this (chunk) builder write post text into `window` instead of its own arena.
    public mutating func writeText(into window: TextWindow?) {
        precondition(ds.posts.count == 0, "a text window is set before the first post")
        textWindow = window
        ownTextFrom = window == nil ? 0 : Int.max
    }

    public mutating func setKind(_ kind: PostKind) { ds.posts.kind[last] = kind }

    public mutating func setRetweet(post: UnsafeRawBufferPointer, account: Int32) {
        if !post.isEmpty { ds.posts.retweetOf[last] = postKeys.intern(post) }
        ds.posts.retweetAccount[last] = account
    }

    public mutating func setQuote(post: UnsafeRawBufferPointer) {
        if !post.isEmpty { ds.posts.quoteOf[last] = postKeys.intern(post) }
    }

    public mutating func setReply(post: UnsafeRawBufferPointer, account: Int32) {
        if !post.isEmpty { ds.posts.replyTo[last] = postKeys.intern(post) }
        ds.posts.replyAccount[last] = account
    }

    /// Adds a hashtag to the open post, lowercased (ASCII) and without a leading `#`.
    public mutating func addHashtag(_ tag: UnsafeRawBufferPointer) {
        var t = tag
        if let f = t.first, f == 35 { t = UnsafeRawBufferPointer(rebasing: t[1...]) }
        if t.isEmpty { return }
        var hasUpper = false
        for c in t where c >= 65 && c <= 90 { hasUpper = true; break }
        let id: Int32
        if hasUpper {
            scratch.removeAll(keepingCapacity: true)
            for c in t { scratch.append(c >= 65 && c <= 90 ? c + 32 : c) }
            id = scratch.withUnsafeBytes { hashtags.intern($0) }
        } else {
            id = hashtags.intern(t)
        }
        ds.posts.hashtags.values.append(id)
    }

    public mutating func addURL(_ url: UnsafeRawBufferPointer) {
        if url.isEmpty { return }
        ds.posts.urls.values.append(urls.intern(url))
    }

    public mutating func addMention(_ account: Int32) {
        ds.posts.mentions.values.append(account)
        addOrigin(account, .referenced)
    }

    /// Removes the open post (a reader found it invalid after starting it).
    public mutating func discardOpenPost() {
        guard ds.posts.hashtags.starts.count == ds.posts.count else { return }
        let h = Int(ds.posts.hashtags.starts.last!), u = Int(ds.posts.urls.starts.last!), m = Int(ds.posts.mentions.starts.last!)
        ds.posts.hashtags.values.removeSubrange(h...)
        ds.posts.urls.values.removeSubrange(u...)
        ds.posts.mentions.values.removeSubrange(m...)
        ds.posts.key.removeLast(); ds.posts.account.removeLast(); ds.posts.time.removeLast()
        ds.posts.kind.removeLast(); ds.posts.text.removeLast(); ds.posts.language.removeLast()
        ds.posts.client.removeLast(); ds.posts.retweetOf.removeLast(); ds.posts.retweetAccount.removeLast()
        ds.posts.quoteOf.removeLast(); ds.posts.replyTo.removeLast(); ds.posts.replyAccount.removeLast()
        postLines.removeLast()
    }

    @inline(__always)
    private mutating func closeOpenPost() {
        if ds.posts.hashtags.starts.count == ds.posts.count {
            ds.posts.hashtags.closeRow()
            ds.posts.urls.closeRow()
            ds.posts.mentions.closeRow()
        }
    }

    /// Bytes of post text held so far.
    public var textBytes: Int { ds.posts.textArena.byteCount }

    /// Reserves room for `n` posts and `textBytes` of text in all, so appends never reallocate.
    public mutating func reserve(posts n: Int, textBytes: Int) {
        ds.posts.key.reserveCapacity(n); ds.posts.account.reserveCapacity(n); ds.posts.time.reserveCapacity(n)
        ds.posts.kind.reserveCapacity(n); ds.posts.text.reserveCapacity(n); ds.posts.language.reserveCapacity(n)
        ds.posts.client.reserveCapacity(n); ds.posts.retweetOf.reserveCapacity(n)
        ds.posts.retweetAccount.reserveCapacity(n); ds.posts.quoteOf.reserveCapacity(n)
        ds.posts.replyTo.reserveCapacity(n); ds.posts.replyAccount.reserveCapacity(n)
        ds.posts.textArena.reserveCapacity(textBytes)
        ds.posts.hashtags.starts.reserveCapacity(n + 1); ds.posts.urls.starts.reserveCapacity(n + 1)
        ds.posts.mentions.starts.reserveCapacity(n + 1)
        postLines.reserveCapacity(n)
    }

    /// Reserves room for `n` accounts and `profileBytes` of profile text.
    public mutating func reserve(accounts n: Int, profileBytes: Int) {
        ds.accounts.handle.reserveCapacity(n); ds.accounts.displayName.reserveCapacity(n)
        ds.accounts.description.reserveCapacity(n); ds.accounts.location.reserveCapacity(n)
        ds.accounts.profileURL.reserveCapacity(n); ds.accounts.created.reserveCapacity(n)
        ds.accounts.followers.reserveCapacity(n); ds.accounts.following.reserveCapacity(n)
        ds.accounts.language.reserveCapacity(n); ds.accounts.category.reserveCapacity(n)
        ds.accounts.origin.reserveCapacity(n); profiled.reserveCapacity(n)
        referenceHandle.reserveCapacity(n); profileHandle.reserveCapacity(n)
        ds.accounts.profileArena.reserveCapacity(profileBytes)
        accountKeys.reserve(n)
    }

    /// Sizes the post id index for `n` distinct ids (posts and the posts they point to).
    public mutating func reserve(postKeys n: Int) { postKeys.reserve(n) }

    /// Makes this builder record post ids without interning them: for a worker's builder whose
    /// part is absorbed into another, which interns them once. Call before the first post.
    public mutating func recordPostKeys() {
        precondition(postKeys.count == 0, "post ids are recorded from the start")
        postKeys = .recording()
    }

    /// Distinct post ids held so far (posts and the posts they point to).
    public var postKeyCount: Int { postKeys.count }

    // MARK: Merging

    /// Appends everything `other` holds, re-interning its ids into this builder's; `lineShift` is
    /// the line its row lines are relative to (a chunk's first line).
    public mutating func absorb(_ source: DatasetBuilder, lineShift: Int = 0) {
        var other = source
        other.closeOpenPost()
        closeOpenPost()
        // Lookups run a few entries behind prefetches of their slots: the target tables outgrow
        // the cache on large inputs, and a miss per lookup would otherwise serialise the merge.
        let ahead = 8
        func remap(_ from: ByteInterner, into to: inout ByteInterner) -> [Int32] {
            var map = [Int32](repeating: noID, count: from.count)
            for i in 0..<from.count {
                if i + ahead < from.count { to.prefetch(hash: from.hash(of: Int32(i + ahead))) }
                map[i] = from.table.withBytes(Int32(i)) { to.intern($0, hash: from.hash(of: Int32(i))) }
            }
            return map
        }
        let langMap = remap(other.languages, into: &languages)
        let clientMap = remap(other.clients, into: &clients)
        let tagMap = remap(other.hashtags, into: &hashtags)
        let urlMap = remap(other.urls, into: &urls)
        let postMap = postKeys.absorb(other.postKeys.table)
        let categoryMap = remap(other.categories, into: &categories)
        let o = other.ds
        // New accounts get dense ids in the order of `i`, so each is appended when first met.
        let rowMap = remap(other.accountKeys, into: &accountKeys)
        for i in 0..<o.accounts.origin.count {
            let j = Int(rowMap[i])
            if j == ds.accounts.origin.count { appendBlankAccount(origin: []) }
            ds.accounts.origin[j].formUnion(o.accounts.origin[i])
            var p = ProfileRefs()
            if other.profiled[i] {
                p.handle = other.profileHandle[i]
                p.displayName = o.accounts.displayName[i]; p.description = o.accounts.description[i]
                p.location = o.accounts.location[i]; p.profileURL = o.accounts.profileURL[i]
                p.created = o.accounts.created[i]; p.followers = o.accounts.followers[i]; p.following = o.accounts.following[i]
                p.language = o.accounts.language[i]; p.category = o.accounts.category[i]
            }
            mergeAccount(j, referenceHandle: other.referenceHandle[i], profile: other.profiled[i] ? p : nil,
                         from: o.accounts.profileArena, languages: langMap, categories: categoryMap)
        }
        // A worker's chunk names accounts by the worker's ids: those it met before map through
        // the array kept for its memo, and what it learnt about them comes in late rows.
        var accountMap = rowMap
        if let m = other.memo {
            let key = ObjectIdentifier(m)
            var map = memoMaps.removeValue(forKey: key)?.map ?? []  // unshared: appends do not copy
            precondition(map.count == other.memoBase, "a worker's chunks are merged in the order it parsed them")
            map.append(contentsOf: rowMap)
            for r in 0..<other.late.count {
                let j = Int(map[Int(other.late.account[r])])
                ds.accounts.origin[j].formUnion(other.late.origin[r])
                mergeAccount(j, referenceHandle: other.late.referenceHandle[r], profile: other.late.profiled[r] ? other.late.profile[r] : nil,
                             from: o.accounts.profileArena, languages: langMap, categories: categoryMap)
            }
            accountMap = map
            memoMaps[key] = (m, map)
        }
        // Text written in place is already where it belongs; what overflowed the window (never,
        // for rows no longer than their bytes) is in the chunk's own arena and is moved.
        var shift = 0
        if let w = other.textWindow { ds.posts.textArena.extend(to: w.offset + w.used) }
        if other.ownTextFrom < o.posts.count {
            if windowsOpen {
                // While windows are being written, text from outside them waits: appended now, it
                // could land in a window another worker is still filling, or move the arena.
                pendingText.append((o.posts.textArena, ds.posts.count + other.ownTextFrom, ds.posts.count + o.posts.count))
            } else {
                shift = ds.posts.textArena.appendArena(o.posts.textArena)
            }
        }
        // Plain loops over buffers: `append(contentsOf:)` of a lazy map went through generic
        // sequence code at about sixty instructions an element.
        Self.appendMapped(&ds.posts.key, o.posts.key, postMap)
        Self.appendMapped(&ds.posts.account, o.posts.account, accountMap)
        ds.posts.time.append(contentsOf: o.posts.time)
        ds.posts.kind.append(contentsOf: o.posts.kind)
        if lineShift == 0 {
            postLines.append(contentsOf: other.postLines)
        } else {
            let shift = UInt32(clamping: lineShift)
            for l in other.postLines { postLines.append(l.addingReportingOverflow(shift).overflow ? .max : l + shift) }
        }
        let textBase = ds.posts.text.count + min(other.ownTextFrom, o.posts.count)
        ds.posts.text.append(contentsOf: o.posts.text)
        if shift > 0 && textBase < ds.posts.text.count { shiftText(textBase..<ds.posts.text.count, by: shift) }
        Self.appendMapped(&ds.posts.language, o.posts.language, langMap)
        Self.appendMapped(&ds.posts.client, o.posts.client, clientMap)
        Self.appendMapped(&ds.posts.retweetOf, o.posts.retweetOf, postMap)
        Self.appendMapped(&ds.posts.retweetAccount, o.posts.retweetAccount, accountMap)
        Self.appendMapped(&ds.posts.quoteOf, o.posts.quoteOf, postMap)
        Self.appendMapped(&ds.posts.replyTo, o.posts.replyTo, postMap)
        Self.appendMapped(&ds.posts.replyAccount, o.posts.replyAccount, accountMap)
        func appendList(_ dst: inout ListColumn, _ src: ListColumn, _ map: [Int32]) {
            let base = Int32(dst.values.count)
            Self.appendMapped(&dst.values, src.values, map)
            let from = dst.starts.count
            dst.starts.append(contentsOf: src.starts.dropFirst())
            dst.starts.withUnsafeMutableBufferPointer { s in for i in from..<s.count { s[i] += base } }
        }
        appendList(&ds.posts.hashtags, o.posts.hashtags, tagMap)
        appendList(&ds.posts.urls, o.posts.urls, urlMap)
        appendList(&ds.posts.mentions, o.posts.mentions, accountMap)
    }

    /// Brings what a chunk holds about account `j` into this builder: a reference's handle if it
    /// has none, and the profile if it has none (strings in `arena`, ids to translate).
    private mutating func mergeAccount(_ j: Int, referenceHandle ref: StrRef, profile: ProfileRefs?, from arena: ByteArena,
                                       languages langMap: [Int32], categories categoryMap: [Int32]) {
        if !ref.isEmpty { arena.withBytes(ref) { setReferenceHandle(row: j, $0) } }
        guard let q = profile, !profiled[j] else { return }
        var p = ProfileBytes()
        arena.withUnsafeBytes { raw in
            func slice(_ r: StrRef) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: raw[r.offset..<(r.offset + r.count)]) }
            p.handle = slice(q.handle)
            p.displayName = slice(q.displayName)
            p.description = slice(q.description)
            p.location = slice(q.location)
            p.profileURL = slice(q.profileURL)
            p.created = q.created
            p.followers = q.followers
            p.following = q.following
            describeRow(j, p)
        }
        ds.accounts.language[j] = q.language == noID ? noID : langMap[Int(q.language)]
        ds.accounts.category[j] = q.category == noID ? noID : categoryMap[Int(q.category)]
    }

    /// Drops the id maps kept for workers' memos (their file is read).
    public mutating func forgetMemos() { memoMaps = [:] }

    /// Appends `src` to `dst` with every id translated through `map` (`noID` stays `noID`).
    private static func appendMapped(_ dst: inout [Int32], _ src: [Int32], _ map: [Int32]) {
        let base = dst.count
        dst.append(contentsOf: src)
        dst.withUnsafeMutableBufferPointer { d in
            map.withUnsafeBufferPointer { m in
                for i in base..<d.count where d[i] != noID { d[i] = m[Int(d[i])] }
            }
        }
    }

    // MARK: Finishing

    /// The input line of each post's row, in post order (lines past 2^32 saturate); the column is
    /// handed over and dropped from the builder.
    public mutating func takePostLines() -> [UInt32] {
        defer { postLines = [] }
        return postLines
    }

    /// Resolves handle-only references, builds the per-account index and returns the dataset.
    public consuming func finish(accounting: IngestAccounting) -> Dataset {
        closeOpenPost()
        ds.postKeys = postKeys.table
        ds.languages = languages.table
        ds.clients = clients.table
        ds.hashtags = hashtags.table
        ds.urls = urls.table
        ds.categories = categories.table
        ds.accounts.key = accountKeys.table
        for i in 0..<ds.accounts.count {
            ds.accounts.handle[i] = profileHandle[i].isEmpty ? referenceHandle[i] : profileHandle[i]
        }
        resolveHandles()
        ds.accounting = accounting
        ds.buildAccountIndex()
        return ds
    }

    /// Maps `@handle` placeholders onto the account in the data that has that handle, then drops them.
    private mutating func resolveHandles() {
        let acc = ds.accounts
        guard acc.origin.contains(where: { $0.contains(.handleOnly) }) else { return }
        var byHandle: [String: Int32] = [:]
        for i in 0..<acc.count where acc.origin[i].isInData && !acc.handle[i].isEmpty {
            let h = acc.profileArena.string(acc.handle[i]).lowercased()
            if byHandle[h] == nil { byHandle[h] = Int32(i) }
        }
        var target = Array(0..<Int32(acc.count))
        var merged = false
        for i in 0..<acc.count where acc.origin[i].contains(.handleOnly) && !acc.origin[i].isInData {
            if let real = byHandle[acc.profileArena.string(acc.handle[i]).lowercased()], real != Int32(i) {
                target[i] = real
                merged = true
            }
        }
        guard merged else { return }
        // Compact: kept accounts get new dense ids in their old order.
        var newID = [Int32](repeating: noID, count: acc.count)
        var next: Int32 = 0
        for i in 0..<acc.count where target[i] == Int32(i) { newID[i] = next; next += 1 }
        for i in 0..<acc.count where target[i] != Int32(i) { newID[i] = newID[Int(target[i])] }
        var fresh = AccountTable()
        fresh.profileArena = acc.profileArena
        var keys = StringTable()
        for i in 0..<acc.count where target[i] == Int32(i) {
            acc.key.withBytes(Int32(i)) { _ = keys.append($0) }
            fresh.handle.append(acc.handle[i]); fresh.displayName.append(acc.displayName[i])
            fresh.description.append(acc.description[i]); fresh.location.append(acc.location[i])
            fresh.profileURL.append(acc.profileURL[i]); fresh.created.append(acc.created[i])
            fresh.followers.append(acc.followers[i]); fresh.following.append(acc.following[i])
            fresh.language.append(acc.language[i]); fresh.origin.append(acc.origin[i])
            fresh.category.append(acc.category[i])
        }
        for i in 0..<acc.count where target[i] != Int32(i) {
            fresh.origin[Int(newID[i])].insert(.referenced)
        }
        fresh.key = keys
        ds.accounts = fresh
        @inline(__always) func m(_ v: Int32) -> Int32 { v == noID ? noID : newID[Int(v)] }
        for p in 0..<ds.posts.count {
            ds.posts.account[p] = m(ds.posts.account[p])
            ds.posts.retweetAccount[p] = m(ds.posts.retweetAccount[p])
            ds.posts.replyAccount[p] = m(ds.posts.replyAccount[p])
        }
        for k in 0..<ds.posts.mentions.values.count { ds.posts.mentions.values[k] = m(ds.posts.mentions.values[k]) }
    }
}
