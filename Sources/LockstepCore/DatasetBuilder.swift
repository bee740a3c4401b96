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
    var ds = Dataset()
    var accountKeys = ByteInterner()
    var postKeys = PostKeyInterner()
    var languages = ByteInterner()
    var clients = ByteInterner()
    var hashtags = ByteInterner()
    var urls = ByteInterner()
    var categories = ByteInterner()
    var profiled: [Bool] = []
    /// Per account: the first handle a reference gave, and the profile's handle. Merging needs
    /// them apart; the dataset's `handle` column follows from them in ``finish(accounting:)``,
    /// by the precedence ``describe(_:_:)`` states.
    var referenceHandle: [StrRef] = []
    var profileHandle: [StrRef] = []
    /// Set on a worker's chunk builder: the worker's accounts; rows below are for ids from `memoBase` on.
    var memo: AccountMemo?
    var memoBase = 0
    var late = LateAccounts()
    /// For each worker memo whose chunks were merged here: the memo (kept alive so that its
    /// identity is not reused) and the dataset id of each of its ids.
    var memoMaps: [ObjectIdentifier: (memo: AccountMemo, map: [Int32])] = [:]
    var scratch: [UInt8] = []
    /// Where this builder writes post text when it fills part of another builder's arena.
    var textWindow: TextWindow?
    /// The first post whose text is in this builder's own arena (all of them without a window).
    var ownTextFrom = 0
    /// Text of absorbed chunks that overflowed their windows, with the posts it belongs to.
    var pendingText: [(arena: ByteArena, from: Int, to: Int)] = []
    var windowsOpen = false
    /// Per post, the input line its row starts on (relative to the chunk in a chunk's builder,
    /// made absolute when absorbed), so that a post rejected later, as a duplicate, can be located.
    var postLines: [UInt32] = []

    /// The line of the row being read; posts added next are recorded as read from it. Readers set
    /// it per row (a chunk's builder, relative to the chunk's first line).
    package var rowLine = 0

    public init() {}

    public var postCount: Int { ds.posts.count }
    public var accountCount: Int { ds.accounts.count }

    /// Bytes of post text held so far.
    public var textBytes: Int { ds.posts.textArena.byteCount }

    /// Reserves room for `n` posts and `textBytes` of text in all, so appends never reallocate.
    public mutating func reserve(posts n: Int, textBytes: Int) {
        ds.posts.key.reserveCapacity(n); ds.posts.account.reserveCapacity(n); ds.posts.time.reserveCapacity(n)
        ds.posts.kind.reserveCapacity(n); ds.posts.text.reserveCapacity(n); ds.posts.language.reserveCapacity(n)
        ds.posts.client.reserveCapacity(n); ds.posts.retweetOf.reserveCapacity(n)
        ds.posts.retweetAccount.reserveCapacity(n); ds.posts.quoteOf.reserveCapacity(n)
        ds.posts.replyTo.reserveCapacity(n); ds.posts.replyAccount.reserveCapacity(n)
        ds.posts.engagement.reserveCapacity(n)
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
    package mutating func reserve(postKeys n: Int) { postKeys.reserve(n) }

    /// Makes this builder record post ids without interning them: for a worker's builder whose
    /// part is absorbed into another, which interns them once. Call before the first post.
    package mutating func recordPostKeys() {
        precondition(postKeys.count == 0, "post ids are recorded from the start")
        postKeys = .recording()
    }

    /// Distinct post ids held so far (posts and the posts they point to).
    package var postKeyCount: Int { postKeys.count }
}
