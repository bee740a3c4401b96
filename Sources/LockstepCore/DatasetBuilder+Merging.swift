// Merging chunk builders in file order, re-interning their ids.

extension DatasetBuilder {
    /// Appends everything `other` holds, re-interning its ids into this builder's; `lineShift` is
    /// the line its row lines are relative to (a chunk's first line).
    package mutating func absorb(_ source: DatasetBuilder, lineShift: Int = 0) {
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
        ds.posts.engagement.append(contentsOf: o.posts.engagement)
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
    package mutating func forgetMemos() { memoMaps = [:] }

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
}
