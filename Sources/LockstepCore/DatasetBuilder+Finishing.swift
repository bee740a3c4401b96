// Finishing: handles resolved, tables handed to the dataset.

extension DatasetBuilder {
    /// The input line of each post's row, in post order (lines past 2^32 saturate); the column is
    /// handed over and dropped from the builder.
    package mutating func takePostLines() -> [UInt32] {
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
