import LockstepCore

/// Per-post item keys shared by the traces (normalised text, near-duplicate group, canonical URL,
/// hashtag sequence, original post times), each computed once and only when a selected trace needs it.
struct PostFeatures: Sendable {
    /// Normalised text id per post (``noID`` for retweets and empty texts).
    var textID: [Int32] = []
    var textCount = 0
    /// Near-duplicate group per normalised text id (-1: too short).
    var nearGroup: [Int32] = []
    var nearGroupCount = 0
    /// Canonical URL id per URL id, and the canonical strings.
    var canonicalURL: [Int32] = []
    var canonicalURLs = StringTable()
    /// Hashtag-sequence id per post (``noID`` under two hashtags), and the sequences as hashtag-id lists.
    var sequenceID: [Int32] = []
    var sequences: [[Int32]] = []
    /// Time and author of posts in the data, by post key (``noTime`` / ``noID`` when absent).
    var postTimeByKey: [Int64] = []
    var postAuthorByKey: [Int32] = []
    var postByKey: [Int32] = []

    init(_ ds: Dataset, traces: [TraceDefinition], minHash: MinHashGrouper, threads: Int) {
        let keys = Set(traces.map(\.key))
        let n = ds.posts.count
        postTimeByKey = [Int64](repeating: noTime, count: ds.postKeys.count)
        postAuthorByKey = [Int32](repeating: noID, count: ds.postKeys.count)
        postByKey = [Int32](repeating: noID, count: ds.postKeys.count)
        for p in 0..<n {
            let k = ds.posts.key[p]
            if k != noID && postByKey[Int(k)] == noID {
                postTimeByKey[Int(k)] = ds.posts.time[p]
                postAuthorByKey[Int(k)] = ds.posts.account[p]
                postByKey[Int(k)] = Int32(p)
            }
        }
        linkDerivedOriginals(ds)
        if keys.contains(.normalizedText) || keys.contains(.nearDuplicateGroup) {
            // Normalise in parallel chunks, intern in order (interning is cheap, normalising is not).
            let ranges = Parallel.chunks(n, threads * 4)
            let parts: [([UInt8], [Int32])] = Parallel.map(ranges.count, threads: threads) { c in
                var norm = TextNormalizer()
                var out: [UInt8] = [], bytes: [UInt8] = [], ends: [Int32] = []
                for p in ranges[c] {
                    if ds.posts.kind[p] != .retweet && !ds.posts.text[p].isEmpty {
                        ds.posts.textArena.withBytes(ds.posts.text[p]) { norm.normalize($0, into: &out) }
                        bytes.append(contentsOf: out)
                    }
                    ends.append(Int32(bytes.count))
                }
                return (bytes, ends)
            }
            var interner = ByteInterner()
            textID.reserveCapacity(n)
            for (c, part) in parts.enumerated() {
                part.0.withUnsafeBytes { raw in
                    var s = 0
                    for (i, e) in part.1.enumerated() {
                        let end = Int(e)
                        if end == s || ds.posts.kind[ranges[c].lowerBound + i] == .retweet { textID.append(noID) } else {
                            textID.append(interner.intern(UnsafeRawBufferPointer(rebasing: raw[s..<end])))
                        }
                        s = end
                    }
                }
            }
            textCount = interner.count
            if keys.contains(.nearDuplicateGroup) {
                let t = interner.table
                var bytes: [UInt8] = [], starts = [0]
                bytes.reserveCapacity(t.arena.byteCount)
                for i in 0..<t.count { t.withBytes(Int32(i)) { bytes.append(contentsOf: $0) }; starts.append(bytes.count) }
                nearGroup = minHash.groups(texts: StringTableView(bytes: bytes, starts: starts), threads: threads)
                nearGroupCount = Int(nearGroup.max() ?? -1) + 1
            }
        }
        if keys.contains(.canonicalURL) || keys.contains(.periodProfile) {
            var interner = ByteInterner()
            var out: [UInt8] = []
            canonicalURL = (0..<ds.urls.count).map { u in
                ds.urls.withBytes(Int32(u)) { URLCanonical.canonical($0, into: &out) }
                return out.withUnsafeBytes { interner.intern($0) }
            }
            canonicalURLs = interner.table
        }
        if keys.contains(.hashtagSequence) {
            var interner = ByteInterner()
            sequenceID = [Int32](repeating: noID, count: n)
            var scratch: [Int32] = []
            for p in 0..<n where ds.posts.hashtags.range(p).count >= 2 {
                scratch.removeAll(keepingCapacity: true)
                scratch.append(contentsOf: ds.posts.hashtags[p])
                let id = scratch.withUnsafeBytes { interner.intern($0) }
                if Int(id) == sequences.count { sequences.append(scratch) }
                sequenceID[p] = id
            }
        }
    }
}

/// Turns posts into one trace's actions (item, time, account, post) and groups them by item.
enum TraceActions {
    /// Items with fewer than `minGroup` actions are dropped (2 for window sweeps; 1 keeps every item,
    /// which whole-period vectors need for their norms).
    static func groups(_ ds: Dataset, _ trace: TraceDefinition, _ f: PostFeatures, minGroup: Int = 2) -> ActionGroups {
        var items: [Int32] = [], time: [Int64] = [], account: [Int32] = [], post: [Int32] = [], origin: [Bool] = []
        var itemCount = 0
        let n = ds.posts.count
        let P = ds.posts
        @inline(__always) func add(_ item: Int32, _ p: Int, isOrigin: Bool = false) {
            items.append(item); time.append(P.time[p]); account.append(P.account[p]); post.append(Int32(p)); origin.append(isOrigin)
        }
        switch trace.key {
        case .retweetedPost:
            itemCount = ds.postKeys.count
            for p in 0..<n where trace.counts(P.kind[p]) && P.retweetOf[p] != noID { add(P.retweetOf[p], p) }
        case .repliedToPost:
            itemCount = ds.postKeys.count
            for p in 0..<n where trace.counts(P.kind[p]) && P.replyTo[p] != noID { add(P.replyTo[p], p) }
        case .normalizedText:
            itemCount = f.textCount
            for p in 0..<n where trace.counts(P.kind[p]) && f.textID[p] != noID { add(f.textID[p], p) }
        case .nearDuplicateGroup:
            itemCount = f.nearGroupCount
            for p in 0..<n where trace.counts(P.kind[p]) && f.textID[p] != noID {
                let g = f.nearGroup[Int(f.textID[p])]
                if g >= 0 { add(g, p) }
            }
        case .canonicalURL:
            itemCount = f.canonicalURLs.count
            for p in 0..<n where trace.counts(P.kind[p]) {
                let r = P.urls.range(p)
                for (k, u) in zip(r, P.urls[p]) {
                    let c = f.canonicalURL[Int(u)]
                    // A post naming the same canonical URL twice acts once.
                    if !P.urls.values[r.lowerBound..<k].contains(where: { f.canonicalURL[Int($0)] == c }) { add(c, p) }
                }
            }
        case .hashtag:
            itemCount = ds.hashtags.count
            for p in 0..<n where trace.counts(P.kind[p]) {
                let r = P.hashtags.range(p)
                for (k, h) in zip(r, P.hashtags[p]) where !P.hashtags.values[r.lowerBound..<k].contains(h) { add(h, p) }
            }
        case .hashtagSequence:
            itemCount = f.sequences.count
            for p in 0..<n where trace.counts(P.kind[p]) && f.sequenceID[p] != noID { add(f.sequenceID[p], p) }
        case .mentionedAccount:
            itemCount = ds.accounts.count
            for p in 0..<n where trace.counts(P.kind[p]) {
                let r = P.mentions.range(p)
                for (k, m) in zip(r, P.mentions[p]) where m != P.replyAccount[p] && m != P.account[p]
                    && !P.mentions.values[r.lowerBound..<k].contains(m) { add(m, p) }
            }
        case .fastRetweet:
            itemCount = ds.postKeys.count
            var retweeted = [Bool](repeating: false, count: ds.postKeys.count)
            for p in 0..<n where trace.counts(P.kind[p]) {
                let k = P.retweetOf[p]
                guard k != noID, f.postTimeByKey[Int(k)] != noTime else { continue }
                retweeted[Int(k)] = true
                add(k, p)
            }
            for k in 0..<ds.postKeys.count where retweeted[k] { add(Int32(k), Int(f.postByKey[k]), isOrigin: true) }
        case .periodProfile:
            let profile = PeriodProfile(ds, f, kinds: Set(PeriodItemKind.allCases))
            itemCount = profile.itemCount
            profile.forEachAction(ds, f) { item, p in add(item, p) }
        }
        // Items that are posts of the data have a moment of their own: the original's time.
        let itemOrigin: [Int64]? = switch trace.key {
        case .retweetedPost, .repliedToPost, .fastRetweet: f.postTimeByKey
        default: nil
        }
        return ActionGroups(items: items, itemCount: itemCount, time: time, account: account, post: post, origin: origin,
                            itemOrigin: itemOrigin, minGroup: minGroup)
    }

    /// A readable name for an item in `edges.csv` examples.
    static func label(_ ds: Dataset, _ trace: TraceDefinition, _ f: PostFeatures, item: Int32, post: Int32) -> String {
        switch trace.key {
        case .retweetedPost, .repliedToPost, .fastRetweet:
            return ds.postKeys[item]
        case .normalizedText, .nearDuplicateGroup:
            let k = ds.posts.key[Int(post)]
            return k == noID ? "" : ds.postKeys[k]
        case .canonicalURL:
            return f.canonicalURLs[item]
        case .hashtag:
            return "#" + ds.hashtags[item]
        case .hashtagSequence:
            return f.sequences[Int(item)].map { "#" + ds.hashtags[$0] }.joined(separator: " ")
        case .mentionedAccount:
            return "@" + ds.accounts.key[item]
        case .periodProfile:
            return PeriodProfile(ds, f, kinds: Set(PeriodItemKind.allCases)).label(ds, f, item: item)
        }
    }
}
