// Posts and their lists (hashtags, URLs, mentions), one row at a time.

extension DatasetBuilder {
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
        ds.posts.engagement.appendUnknown()
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

    public mutating func setKind(_ kind: PostKind) { ds.posts.kind[last] = kind }

    /// Sets the open post's engagement counts; -1 leaves a count unknown.
    public mutating func setEngagement(likes: Int32, reposts: Int32, quotes: Int32, replies: Int32) {
        ds.posts.engagement.likes[last] = likes
        ds.posts.engagement.reposts[last] = reposts
        ds.posts.engagement.quotes[last] = quotes
        ds.posts.engagement.replies[last] = replies
    }

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
    package mutating func discardOpenPost() {
        guard ds.posts.hashtags.starts.count == ds.posts.count else { return }
        let h = Int(ds.posts.hashtags.starts.last!), u = Int(ds.posts.urls.starts.last!), m = Int(ds.posts.mentions.starts.last!)
        ds.posts.hashtags.values.removeSubrange(h...)
        ds.posts.urls.values.removeSubrange(u...)
        ds.posts.mentions.values.removeSubrange(m...)
        ds.posts.key.removeLast(); ds.posts.account.removeLast(); ds.posts.time.removeLast()
        ds.posts.kind.removeLast(); ds.posts.text.removeLast(); ds.posts.language.removeLast()
        ds.posts.client.removeLast(); ds.posts.retweetOf.removeLast(); ds.posts.retweetAccount.removeLast()
        ds.posts.quoteOf.removeLast(); ds.posts.replyTo.removeLast(); ds.posts.replyAccount.removeLast()
        ds.posts.engagement.removeLast()
        postLines.removeLast()
    }

    @inline(__always)
    mutating func closeOpenPost() {
        if ds.posts.hashtags.starts.count == ds.posts.count {
            ds.posts.hashtags.closeRow()
            ds.posts.urls.closeRow()
            ds.posts.mentions.closeRow()
        }
    }
}
