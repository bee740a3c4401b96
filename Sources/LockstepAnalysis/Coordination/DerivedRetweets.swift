import LockstepCore

extension PostFeatures {
    /// Links retweets known only by their text (``RetweetIdentity``: the input has no retweeted-post
    /// ids) to the original when it is in the data: the earliest post, not itself a retweet, whose
    /// text has the same identity, by the retweet's source account when the retweet names one
    /// (`RT @handle:`), else by anyone. Gives `fast_retweet` and `co_retweet`'s null model the
    /// original's time, and roles and amplification its author.
    mutating func linkDerivedOriginals(_ ds: Dataset) {
        var derived: [UInt64: Int32] = [:]
        for k in 0..<Int32(ds.postKeys.count) {
            if let id = ds.postKeys.derivedIdentity(k) { derived[id] = k }
        }
        guard !derived.isEmpty else { return }
        let P = ds.posts
        for p in 0..<P.count where P.kind[p] != .retweet && !P.text[p].isEmpty {
            let a = P.account[p]
            P.textArena.withBytes(P.text[p]) { text in
                ds.accounts.profileArena.withBytes(ds.accounts.handle[Int(a)]) { handle in
                    for named in [true, false] {
                        let source = named ? handle : UnsafeRawBufferPointer(start: nil, count: 0)
                        guard let id = RetweetIdentity.hash(source: source, body: text), let k = derived[id] else { continue }
                        let old = postByKey[Int(k)]
                        if old == noID || P.time[p] < P.time[Int(old)] {
                            postByKey[Int(k)] = Int32(p)
                            postTimeByKey[Int(k)] = P.time[p]
                            postAuthorByKey[Int(k)] = a
                        }
                    }
                }
            }
        }
    }
}
