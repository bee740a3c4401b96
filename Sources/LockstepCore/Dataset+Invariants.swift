/// Structural checks of a finished dataset: every column as long as its table, every id in range,
/// the per-account index a permutation of the posts in time order. They cost a pass over every
/// column, so they run in debug builds (tests) and are compiled out of release builds.
extension Dataset {
    /// The first broken invariant, described, or nil when all hold.
    package func invariantViolation() -> String? {
        let a = accounts, p = posts
        let nA = a.count, nP = p.count
        for (name, count) in [("handle", a.handle.count), ("displayName", a.displayName.count), ("description", a.description.count),
                              ("location", a.location.count), ("profileURL", a.profileURL.count), ("created", a.created.count),
                              ("followers", a.followers.count), ("following", a.following.count), ("language", a.language.count),
                              ("key", a.key.count)] where count != nA {
            return "accounts.\(name) has \(count) rows for \(nA) accounts"
        }
        for (name, count) in [("key", p.key.count), ("time", p.time.count), ("kind", p.kind.count), ("text", p.text.count),
                              ("language", p.language.count), ("client", p.client.count), ("retweetOf", p.retweetOf.count),
                              ("retweetAccount", p.retweetAccount.count), ("quoteOf", p.quoteOf.count), ("replyTo", p.replyTo.count),
                              ("replyAccount", p.replyAccount.count)] + p.engagement.counts where count != nP {
            return "posts.\(name) has \(count) rows for \(nP) posts"
        }
        for (name, list) in [("hashtags", p.hashtags), ("urls", p.urls), ("mentions", p.mentions)] {
            guard list.starts.count == nP + 1, list.starts.last.map(Int.init) == list.values.count else {
                return "posts.\(name) has \(list.starts.count - 1) rows for \(nP) posts"
            }
        }
        if let bad = p.account.firstIndex(where: { $0 < 0 || Int($0) >= nA }) { return "post \(bad) has account id \(p.account[bad]) of \(nA)" }
        for (name, ids, limit) in [("language", p.language, languages.count), ("client", p.client, clients.count)] {
            if let bad = ids.firstIndex(where: { $0 != noID && ($0 < 0 || Int($0) >= limit) }) { return "post \(bad) has \(name) id \(ids[bad]) of \(limit)" }
        }
        if let bad = p.hashtags.values.firstIndex(where: { $0 < 0 || Int($0) >= hashtags.count }) { return "hashtag id \(p.hashtags.values[bad]) out of range" }
        if let bad = p.urls.values.firstIndex(where: { $0 < 0 || Int($0) >= urls.count }) { return "url id \(p.urls.values[bad]) out of range" }
        guard postsByAccount.count == nP, accountPostStart.count == nA + 1 || (nA == 0 && accountPostStart.count <= 1) else {
            return "postsByAccount holds \(postsByAccount.count) posts of \(nP), accountPostStart \(accountPostStart.count) of \(nA + 1)"
        }
        var seen = [Bool](repeating: false, count: nP)
        for account in 0..<nA {
            let r = postRange(of: Int32(account))
            var last = Int64.min
            for k in r {
                let post = Int(postsByAccount[k])
                guard post >= 0, post < nP, !seen[post] else { return "postsByAccount lists post \(post) twice or out of range" }
                seen[post] = true
                guard Int(p.account[post]) == account else { return "post \(post) is listed under account \(account) but belongs to \(p.account[post])" }
                guard p.time[post] >= last else { return "posts of account \(account) are not in time order" }
                last = p.time[post]
            }
        }
        return nil
    }
}
