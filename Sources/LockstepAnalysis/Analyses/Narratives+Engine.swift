import Foundation
import LockstepCore

extension Narratives {
    /// Counts per day, in compressed rows: the items of day `d` are `items[starts[d]..<starts[d+1]]`.
    struct DayCounts {
        var starts: [Int32] = [0]
        var items: [Int32] = []
        var counts: [Int32] = []
        var totals: [Int] = []
    }

    /// Term and hashtag counts of one group, per day and per ISO week.
    struct GroupCounts {
        var terms: DayCounts
        var tags: DayCounts
        var weekTerms: DayCounts
        var weekTags: DayCounts
        /// First day (relative to the group's first day) of each week.
        var weekStarts: [Int]
        var termTotal: [Int]
        var tagTotal: [Int]
        var strings: TermStrings
    }

    /// Strings of merged term ids: each id's bytes live in the chunk that saw it first.
    struct TermStrings {
        var chunks: [TermCounter]
        /// First merged id of each chunk's new terms, and one past the last.
        var base: [Int32]
        /// Local ids of each chunk's new terms, in merged id order.
        var newLocals: [[Int32]]

        func string(_ id: Int32) -> String {
            var lo = 0, hi = base.count - 2
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if base[mid] <= id { lo = mid } else { hi = mid - 1 }
            }
            let local = newLocals[lo][Int(id - base[lo])]
            return chunks[lo].withBytes(Int(local)) { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// Reads terms for the reporting steps from the counts of the group being reported.
    struct Engine {
        let ds: Dataset
        let settings: Narratives
        let offset: Int64
        var strings = TermStrings(chunks: [], base: [0], newLocals: [])

        init(ds: Dataset, settings: Narratives, offset: Int) {
            self.ds = ds
            self.settings = settings
            self.offset = Int64(offset)
        }

        func termString(_ id: Int32, hashtag: Bool) -> String { hashtag ? ds.hashtags[id] : strings.string(id) }

        mutating func timeline(group: String, posts: [Int32], accounts: Int) -> (GroupTimeline, [Row]) {
            var g = GroupTimeline(group: group, accounts: accounts, posts: posts.count, termUses: 0, hashtagUses: 0,
                                  firstDay: nil, lastDay: nil, topTerms: [], topHashtags: [], changePoints: [], emerging: [])
            guard !posts.isEmpty else { return (g, []) }
            // Bucket posts by day with a counting sort (posts come in input order, not time order),
            // on an axis whose long empty stretches are shortened: every series below is then sized
            // by the posts, not by their time span. The windows compared (5 of them for emerging
            // items) fit in the margin, so results are those of the full calendar.
            let postDays = posts.map { CivilTime.dayNumber(ds.posts.time[Int($0)] + offset) }
            let axis = DayAxis(postDays, margin: settings.dayAxisMargin ?? 5 * settings.windowDays)
            let days = axis.count
            var dayStart = [Int32](repeating: 0, count: days + 1)
            for d in postDays { dayStart[axis.index(of: d) + 1] += 1 }
            for d in 0..<days { dayStart[d + 1] += dayStart[d] }
            var fill = Array(dayStart.dropLast())
            var byDay = [Int32](repeating: 0, count: posts.count)
            for (k, p) in posts.enumerated() {
                let d = axis.index(of: postDays[k])
                byDay[Int(fill[d])] = p
                fill[d] += 1
            }

            let counts = countTerms(dayStart: dayStart, byDay: byDay, days: days, axis: axis)
            strings = counts.strings
            g.termUses = counts.terms.totals.reduce(0, +)
            g.hashtagUses = counts.tags.totals.reduce(0, +)
            g.firstDay = CivilTime.isoDate(dayNumber: axis.day(0))
            g.lastDay = CivilTime.isoDate(dayNumber: axis.day(days - 1))

            // Vocabulary: the most used terms and hashtags (ties by id, so the choice is stable).
            let vTerms = Self.topIDs(counts.termTotal, settings.vocabulary)
            let vTags = Self.topIDs(counts.tagTotal, max(1, settings.vocabulary / 2))
            g.topTerms = vTerms.prefix(settings.top * 2).map { strings.string($0) }
            g.topHashtags = vTags.prefix(settings.top * 2).map { ds.hashtags[$0] }
            let vocab = Vocabulary(terms: vTerms, tags: vTags, termCapacity: counts.termTotal.count, tagCapacity: counts.tagTotal.count)
            let matrix = Self.matrix(counts.terms, counts.tags, vocab, days: days)
            g.changePoints = changePoints(matrix, vocab, days: days, axis: axis, group: group)
            g.emerging = emerging(matrix, vocab, days: days, axis: axis)
            let rows = tableRows(counts, days: days, axis: axis, group: group)
            return (g, rows)
        }

        /// Chunk boundaries: about equal post counts, each cut on the first day of an ISO week, so that
        /// a week's counts come from one chunk. Depends only on the data, never on the core count.
        func chunkBounds(dayStart: [Int32], days: Int, axis: DayAxis) -> [Int] {
            let posts = Int(dayStart[days])
            let chunks = max(1, min(16, days, posts / settings.chunkPosts))
            var bounds = [0]
            var d = 0
            for c in 1..<chunks {
                let target = posts * c / chunks
                while d < days && Int(dayStart[d]) < target { d += 1 }
                var cut = d
                while cut > bounds.last! && ISOWeek(dayNumber: axis.day(cut)) == ISOWeek(dayNumber: axis.day(cut - 1)) { cut -= 1 }
                if cut > bounds.last! && cut < days { bounds.append(cut) }
            }
            bounds.append(days)
            return bounds
        }

        /// Term counts per day and week, tokenised in chunks of consecutive weeks that run in parallel,
        /// and hashtag counts.
        ///
        /// Merging the chunks in order gives term ids in first-seen order over the day-ordered posts —
        /// exactly what one sequential pass gives — so results are identical at any thread count.
        func countTerms(dayStart: [Int32], byDay: [Int32], days: Int, axis: DayAxis) -> GroupCounts {
            let cuts = chunkBounds(dayStart: dayStart, days: days, axis: axis)
            let parts = cuts.count - 1
            let box = Slots<TermCounter>(parts)
            let ds = self.ds
            let work = { @Sendable (c: Int) in
                let postsIn = Int(dayStart[cuts[c + 1]] - dayStart[cuts[c]])
                // Sized for real text (about one new term per two posts); the table doubles when needed.
                var counter = TermCounter(expectedTerms: postsIn / 2)
                var scratch: [UInt8] = []
                let end = Int(dayStart[cuts[c + 1]])
                var touched: UInt8 = 0
                ds.posts.textArena.withUnsafeBytes { arena in
                    ds.posts.text.withUnsafeBufferPointer { refs in
                        for d in cuts[c]..<cuts[c + 1] {
                            if d > cuts[c] && ISOWeek(dayNumber: axis.day(d)) != ISOWeek(dayNumber: axis.day(d - 1)) { counter.closeWeek() }
                            for k in Int(dayStart[d])..<Int(dayStart[d + 1]) {
                                // Posts of a day are scattered over the text when the input is not in
                                // time order: reading a later post's first byte now overlaps its cache miss
                                // with this post's work.
                                if k + 4 < end {
                                    let ahead = refs[Int(byDay[k + 4])]
                                    if ahead.count > 0 { touched ^= arena[ahead.offset] }
                                }
                                let ref = refs[Int(byDay[k])]
                                let text = UnsafeRawBufferPointer(rebasing: arena[ref.offset..<(ref.offset + ref.count)])
                                counter.add(text: text, scratch: &scratch)
                            }
                            counter.closeDay()
                        }
                    }
                }
                counter.touched = touched
                counter.closeWeek()
                counter.finish()
                box[c] = counter
            }
            if parts == 1 { work(0) } else { Parallel.forEach(parts, work) }
            var chunks = (0..<parts).map { box.take($0)! }
            let (maps, totals, base, newLocals) = TermMerge.merge(&chunks)
            // Concatenate the chunks' rows in day order, local ids replaced by merged ids.
            var terms = DayCounts(), weekTerms = DayCounts()
            terms.items.reserveCapacity(chunks.reduce(0) { $0 + $1.days.items.count })
            weekTerms.items.reserveCapacity(chunks.reduce(0) { $0 + $1.weeks.items.count })
            for c in 0..<parts {
                Self.append(chunks[c].days, maps[c], to: &terms)
                Self.append(chunks[c].weeks, maps[c], to: &weekTerms)
            }
            // Hashtags: one pass over the column, days and weeks together.
            var tags = DayCounts(), weekTags = DayCounts()
            var tagTotal = [Int](repeating: 0, count: ds.hashtags.count)
            var dayRow = [Int32](repeating: -1, count: ds.hashtags.count), weekRow = dayRow
            var weekStarts: [Int] = []
            var dayUses = 0, weekUses = 0
            ds.posts.hashtags.starts.withUnsafeBufferPointer { hs in
                ds.posts.hashtags.values.withUnsafeBufferPointer { hv in
                    for d in 0..<days {
                        if d == 0 || ISOWeek(dayNumber: axis.day(d)) != ISOWeek(dayNumber: axis.day(d - 1)) {
                            if d > 0 { Self.close(&weekTags, &weekRow, &weekUses) }
                            weekStarts.append(d)
                        }
                        for k in Int(dayStart[d])..<Int(dayStart[d + 1]) {
                            let p = Int(byDay[k])
                            for j in Int(hs[p])..<Int(hs[p + 1]) {
                                let h = Int(hv[j])
                                tagTotal[h] += 1
                                Self.bump(&tags, &dayRow, h)
                                Self.bump(&weekTags, &weekRow, h)
                                dayUses += 1
                                weekUses += 1
                            }
                        }
                        Self.close(&tags, &dayRow, &dayUses)
                    }
                }
            }
            Self.close(&weekTags, &weekRow, &weekUses)
            return GroupCounts(terms: terms, tags: tags, weekTerms: weekTerms, weekTags: weekTags, weekStarts: weekStarts,
                               termTotal: totals, tagTotal: tagTotal,
                               strings: TermStrings(chunks: chunks, base: base, newLocals: newLocals))
        }

        static func append(_ src: DayCounts, _ map: [Int32], to out: inout DayCounts) {
            map.withUnsafeBufferPointer { m in for id in src.items { out.items.append(m[Int(id)]) } }
            out.counts.append(contentsOf: src.counts)
            let shift = out.starts.last!
            for k in src.starts.dropFirst() { out.starts.append(k + shift) }
            out.totals.append(contentsOf: src.totals)
        }

        /// One more use of hashtag `h` in the open row of `dc` (`row` holds each hashtag's row there, or -1).
        @inline(__always)
        static func bump(_ dc: inout DayCounts, _ row: inout [Int32], _ h: Int) {
            if row[h] >= 0 {
                dc.counts[Int(row[h])] += 1
            } else {
                row[h] = Int32(dc.items.count)
                dc.items.append(Int32(h))
                dc.counts.append(1)
            }
        }

        /// Ends the open row of `dc`, clearing the row marks of its hashtags.
        static func close(_ dc: inout DayCounts, _ row: inout [Int32], _ uses: inout Int) {
            for k in Int(dc.starts.last!)..<dc.items.count { row[Int(dc.items[k])] = -1 }
            dc.starts.append(Int32(dc.items.count))
            dc.totals.append(uses)
            uses = 0
        }

        /// The `k` ids with the largest totals, by total and then id: a count threshold found in one
        /// pass, then only the ids at or above it are sorted.
        static func topIDs(_ totals: [Int], _ k: Int) -> [Int32] {
            // Counts of totals up to a cap; larger totals are few and go to the sort directly.
            let cap = 4096
            var histogram = [Int](repeating: 0, count: cap + 1)
            for v in totals where v > 0 { histogram[min(v, cap)] += 1 }
            var threshold = 1, above = 0
            for v in stride(from: cap, through: 1, by: -1) {
                above += histogram[v]
                if above >= k { threshold = v; break }
            }
            var c: [(Int, Int32)] = []
            for (i, v) in totals.enumerated() where v >= threshold && v > 0 { c.append((v, Int32(i))) }
            c.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
            return c.prefix(k).map { $0.1 }
        }

        struct Vocabulary {
            var terms: [Int32]
            var tags: [Int32]
            /// Term id to vocabulary slot, or -1.
            var termSlot: [Int32]
            var tagSlot: [Int32]
            var count: Int { terms.count + tags.count }

            init(terms: [Int32], tags: [Int32], termCapacity: Int, tagCapacity: Int) {
                self.terms = terms
                self.tags = tags
                termSlot = [Int32](repeating: -1, count: termCapacity)
                tagSlot = [Int32](repeating: -1, count: tagCapacity)
                for (i, t) in terms.enumerated() { termSlot[Int(t)] = Int32(i) }
                for (i, t) in tags.enumerated() { tagSlot[Int(t)] = Int32(terms.count + i) }
            }
            func isTag(_ slot: Int) -> Bool { slot >= terms.count }
            func id(_ slot: Int) -> Int32 { slot < terms.count ? terms[slot] : tags[slot - terms.count] }
        }

        /// Day-by-vocabulary counts, sparse per day: `(slot, count)` pairs.
        struct Matrix {
            var starts: [Int32]
            var slots: [Int32]
            var counts: [Int32]
            func row(_ d: Int) -> Range<Int> { Int(starts[d])..<Int(starts[d + 1]) }
        }

        static func matrix(_ terms: DayCounts, _ tags: DayCounts, _ v: Vocabulary, days: Int) -> Matrix {
            var m = Matrix(starts: [0], slots: [], counts: [])
            for d in 0..<days {
                for k in Int(terms.starts[d])..<Int(terms.starts[d + 1]) {
                    let s = v.termSlot[Int(terms.items[k])]
                    if s >= 0 { m.slots.append(s); m.counts.append(terms.counts[k]) }
                }
                for k in Int(tags.starts[d])..<Int(tags.starts[d + 1]) {
                    let s = v.tagSlot[Int(tags.items[k])]
                    if s >= 0 { m.slots.append(s); m.counts.append(tags.counts[k]) }
                }
                m.starts.append(Int32(m.slots.count))
            }
            return m
        }

        /// Jensen-Shannon divergence (base 2) of two count vectors over the slots listed in `support`.
        static func jsd(_ l: [Double], _ r: [Double], _ lt: Double, _ rt: Double, _ support: [Int32]) -> Double {
            guard lt > 0, rt > 0 else { return 0 }
            var s = 0.0
            for k in support {
                let p = l[Int(k)] / lt, q = r[Int(k)] / rt
                let m = 0.5 * (p + q)
                // One side empty: p·log2(p / (p/2)) is exactly p, so the logarithms are skipped.
                if q == 0 { s += p; continue }
                if p == 0 { s += q; continue }
                s += p * log2(p / m)
                s += q * log2(q / m)
            }
            return max(0, 0.5 * s)
        }

        func changePoints(_ m: Matrix, _ v: Vocabulary, days: Int, axis: DayAxis, group: String) -> [ChangePoint] {
            let w = settings.windowDays
            guard days >= 2 * w else { return [] }
            let vn = v.count
            let dayTotal = (0..<days).map { d in m.row(d).reduce(0.0) { $0 + Double(m.counts[$1]) } }
            @Sendable func add(_ d: Int, _ into: inout [Double], _ sign: Double) { for k in m.row(d) { into[Int(m.slots[k])] += sign * Double(m.counts[k]) } }
            // Distances of the split days w...days-w, in blocks that run in parallel; each block
            // slides its own windows (whole counts, so the sums are exact and do not depend on the split).
            let last = days - w
            let blocks = min(16, last - w + 1)
            let distances = SharedBuffer<Double>(repeating: -1, count: days)
            let minTokens = Double(settings.minTokens)
            Parallel.forEach(blocks) { b in
                let from = w + (last - w + 1) * b / blocks, to = w + (last - w + 1) * (b + 1) / blocks
                // Sliding windows: left = [d-w, d), right = [d, d+w).
                var left = [Double](repeating: 0, count: vn), right = left
                var lt = 0.0, rt = 0.0
                // Slots used in the current 2w days, collected with a stamp instead of a sort.
                var stamp = [Int](repeating: -1, count: vn)
                var support: [Int32] = []
                for d in (from - w)..<from { add(d, &left, 1); lt += dayTotal[d] }
                for d in from..<(from + w) { add(d, &right, 1); rt += dayTotal[d] }
                var d = from
                while true {
                    if lt >= minTokens && rt >= minTokens {
                        support.removeAll(keepingCapacity: true)
                        for k in (d - w)..<(d + w) {
                            for j in m.row(k) where stamp[Int(m.slots[j])] != d { stamp[Int(m.slots[j])] = d; support.append(m.slots[j]) }
                        }
                        distances.p[d] = Self.jsd(left, right, lt, rt, support).squareRoot()
                    }
                    guard d + 1 < to else { break }
                    // Slide by one day.
                    add(d - w, &left, -1); lt -= dayTotal[d - w]
                    add(d, &left, 1); lt += dayTotal[d]
                    add(d, &right, -1); rt -= dayTotal[d]
                    add(d + w, &right, 1); rt += dayTotal[d + w]
                    d += 1
                }
            }
            let distance = Array(distances.p.prefix(days))
            // Candidates: the highest distance within ±w days (earliest on ties), strongest first.
            var candidates: [Int] = []
            for c in w..<days where distance[c] > 0 {
                var isMax = true
                for o in max(0, c - w)...min(days - 1, c + w) where o != c {
                    if distance[o] > distance[c] || (distance[o] == distance[c] && o < c) { isMax = false; break }
                }
                if isMax { candidates.append(c) }
            }
            candidates.sort { distance[$0] != distance[$1] ? distance[$0] > distance[$1] : $0 < $1 }
            var found: [(Int, Double, Double)] = []
            var tested = 0
            for c in candidates {
                if found.count >= settings.maxChangePoints || tested >= settings.maxChangePoints * 4 { break }
                tested += 1
                // Seeded by the calendar day, as it was before the axis skipped empty stretches.
                let (p, chance) = permutationP(m, dayTotal, c: c, observed: distance[c], vn: vn, seedKey: axis.day(c) - axis.day(0))
                if p <= settings.alpha && distance[c] >= settings.minEffect * chance { found.append((c, p, chance)) }
            }
            var out: [ChangePoint] = []
            for (rank, (c, p, chance)) in found.enumerated() {
                var l = [Double](repeating: 0, count: vn), r = l
                for k in (c - w)..<c { add(k, &l, 1) }
                for k in c..<(c + w) { add(k, &r, 1) }
                let lt = l.reduce(0, +), rt = r.reduce(0, +)
                let mixed = movers(l, r, lt, rt, v, onlyTags: false)
                let tags = movers(l, r, lt, rt, v, onlyTags: true)
                out.append(ChangePoint(date: CivilTime.isoDate(dayNumber: axis.day(c)), group: group, distance: distance[c], pValue: p,
                                       chanceDistance: chance, rank: rank + 1, beforeFrom: CivilTime.isoDate(dayNumber: axis.day(c - w)),
                                       afterTo: CivilTime.isoDate(dayNumber: axis.day(c + w - 1)), beforeTokens: Int(lt), afterTokens: Int(rt),
                                       rising: mixed.0, falling: mixed.1, risingHashtags: tags.0, fallingHashtags: tags.1))
            }
            out.sort { $0.date < $1.date }
            return out
        }

        /// Share of day splits of the 2w days around `c` whose distance reaches the observed one.
        func permutationP(_ m: Matrix, _ dayTotal: [Double], c: Int, observed: Double, vn: Int, seedKey: Int) -> (Double, Double) {
            let w = settings.windowDays
            var pool = Array((c - w)..<(c + w))
            var total = [Double](repeating: 0, count: vn)
            var support: [Int32] = []
            var grand = 0.0
            for d in pool {
                for k in m.row(d) {
                    if total[Int(m.slots[k])] == 0 { support.append(m.slots[k]) }
                    total[Int(m.slots[k])] += Double(m.counts[k])
                }
                grand += dayTotal[d]
            }
            var l = [Double](repeating: 0, count: vn), r = l
            var rng = SeededGenerator(seed: settings.seed).fork(UInt64(seedKey))
            var reached = 0, sum = 0.0, done = 0
            for _ in 0..<settings.permutations {
                // Partial Fisher-Yates: the first w days of the pool form the left side.
                for i in 0..<w {
                    let j = i + Int(rng.next() % UInt64(pool.count - i))
                    pool.swapAt(i, j)
                }
                for k in support { l[Int(k)] = 0 }
                var lt = 0.0
                for i in 0..<w { let d = pool[i]; for k in m.row(d) { l[Int(m.slots[k])] += Double(m.counts[k]) }; lt += dayTotal[d] }
                for k in support { r[Int(k)] = total[Int(k)] - l[Int(k)] }
                let dist = Self.jsd(l, r, lt, grand - lt, support).squareRoot()
                sum += dist
                done += 1
                if dist >= observed - 1e-12 {
                    reached += 1
                    // Already above alpha: no need for the remaining permutations.
                    if Double(reached + 1) / Double(settings.permutations + 1) > settings.alpha { break }
                }
            }
            // A stopped test reports the p-value of the permutations that would at least follow.
            return (Double(reached + 1) / Double(settings.permutations + 1), sum / Double(max(done, 1)))
        }

        func movers(_ l: [Double], _ r: [Double], _ lt: Double, _ rt: Double, _ v: Vocabulary, onlyTags: Bool) -> ([Mover], [Mover]) {
            var deltas: [(Double, Int)] = []
            for s in 0..<v.count where (!onlyTags || v.isTag(s)) && (l[s] > 0 || r[s] > 0) {
                deltas.append(((rt > 0 ? r[s] / rt : 0) - (lt > 0 ? l[s] / lt : 0), s))
            }
            func mover(_ s: Int) -> Mover {
                Mover(term: termString(v.id(s), hashtag: v.isTag(s)), kind: v.isTag(s) ? "hashtag" : "term",
                      before: Int(l[s]), after: Int(r[s]), beforeShare: lt > 0 ? l[s] / lt : 0, afterShare: rt > 0 ? r[s] / rt : 0)
            }
            let up = deltas.filter { $0.0 > 0 }.sorted { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }.prefix(settings.top).map { mover($0.1) }
            let down = deltas.filter { $0.0 < 0 }.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }.prefix(settings.top).map { mover($0.1) }
            return (up, down)
        }

        /// Items whose use in some window far exceeds their earlier rate (over up to four windows before).
        func emerging(_ m: Matrix, _ v: Vocabulary, days: Int, axis: DayAxis) -> [EmergingItem] {
            let w = settings.windowDays
            let vn = v.count
            // Each slot's daily series in turn, from a by-slot copy of the matrix (in day order): a
            // series for every slot at once would take vocabulary × days of memory.
            var slotStart = [Int](repeating: 0, count: vn + 1)
            for k in m.slots.indices { slotStart[Int(m.slots[k]) + 1] += 1 }
            for s in 0..<vn { slotStart[s + 1] += slotStart[s] }
            var slotFill = slotStart
            var entryDay = [Int32](repeating: 0, count: m.slots.count), entryCount = entryDay
            for d in 0..<days {
                for k in m.row(d) {
                    let s = Int(m.slots[k])
                    entryDay[slotFill[s]] = Int32(d)
                    entryCount[slotFill[s]] = m.counts[k]
                    slotFill[s] += 1
                }
            }
            var series = [Int32](repeating: 0, count: days + 1)
            var out: [(Double, EmergingItem)] = []
            for s in 0..<vn where slotStart[s] < slotStart[s + 1] {
                for d in 0..<days { series[d + 1] = 0 }
                for j in slotStart[s]..<slotStart[s + 1] { series[Int(entryDay[j]) + 1] = entryCount[j] }
                let first = Int(entryDay[slotStart[s]])
                for d in 0..<days { series[d + 1] += series[d] }
                let total = Int(series[days])
                var best = 0.0, bestDay = -1, bestUses = 0, bestExpected = 0.0
                // A jump needs at least one window of history to jump from.
                var d = w
                while d < days {
                    let end = min(days, d + w)
                    let uses = Int(series[end] - series[d])
                    let from = max(0, d - 4 * w)
                    let expected = Double(series[d] - series[from]) / Double(d - from) * Double(end - d)
                    let excess = Double(uses) - expected
                    if uses >= settings.minEmerging && Double(uses) >= 5 * (expected + 1) && excess > best {
                        best = excess; bestDay = d; bestUses = uses; bestExpected = expected
                    }
                    d += 1
                }
                guard bestDay >= 0 else { continue }
                out.append((best, EmergingItem(term: termString(v.id(s), hashtag: v.isTag(s)), kind: v.isTag(s) ? "hashtag" : "term",
                                               firstSeen: CivilTime.isoDate(dayNumber: axis.day(first)),
                                               jumpDate: CivilTime.isoDate(dayNumber: axis.day(bestDay)),
                                               expected: bestExpected, uses: bestUses, total: total)))
            }
            out.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1.term < $1.1.term }
            return out.prefix(settings.top * 3).map { $0.1 }
        }

        /// The most used items per day and per ISO week.
        func tableRows(_ counts: GroupCounts, days: Int, axis: DayAxis, group: String) -> [Row] {
            var rows: [Row] = []
            var top = TopK(k: settings.csvTop)
            var names: [Int32: String] = [:]
            func emit(_ period: String, termTotal: Int, tagTotal: Int) {
                for key in top.drainSorted() {
                    let (id, c, isTag) = TopK.unpack(key)
                    let total = isTag ? tagTotal : termTotal
                    let term: String
                    if isTag {
                        term = "#" + ds.hashtags[id]
                    } else if let known = names[id] {
                        term = known
                    } else {
                        term = strings.string(id)
                        names[id] = term
                    }
                    rows.append(Row(period: period, group: group, term: term, count: Int(c), share: total > 0 ? Double(c) / Double(total) : 0))
                }
            }
            func offer(_ terms: DayCounts, _ tags: DayCounts, _ r: Int) {
                for k in Int(terms.starts[r])..<Int(terms.starts[r + 1]) { top.offer(terms.items[k], terms.counts[k], isTag: false) }
                for k in Int(tags.starts[r])..<Int(tags.starts[r + 1]) { top.offer(tags.items[k], tags.counts[k], isTag: true) }
            }
            for d in 0..<days where counts.terms.totals[d] + counts.tags.totals[d] > 0 {
                offer(counts.terms, counts.tags, d)
                emit(CivilTime.isoDate(dayNumber: axis.day(d)), termTotal: counts.terms.totals[d], tagTotal: counts.tags.totals[d])
            }
            for (w, first) in counts.weekStarts.enumerated() where counts.weekTerms.totals[w] + counts.weekTags.totals[w] > 0 {
                offer(counts.weekTerms, counts.weekTags, w)
                emit(ISOWeek(dayNumber: axis.day(first)).description, termTotal: counts.weekTerms.totals[w], tagTotal: counts.weekTags.totals[w])
            }
            return rows
        }
    }
}

/// The `k` best items of a stream by (count, terms before hashtags, lower id), kept in a min-heap of
/// packed keys so that the many items used once cost one comparison each.
struct TopK {
    let k: Int
    private var heap: [UInt64] = []

    init(k: Int) { self.k = k; heap.reserveCapacity(k) }

    static func pack(_ id: Int32, _ count: Int32, isTag: Bool) -> UInt64 {
        UInt64(UInt32(count)) << 33 | (isTag ? 0 : 1) << 32 | UInt64(UInt32.max - UInt32(id))
    }

    static func unpack(_ key: UInt64) -> (Int32, Int32, Bool) {
        (Int32(UInt32.max - UInt32(truncatingIfNeeded: key)), Int32(key >> 33), key >> 32 & 1 == 0)
    }

    mutating func offer(_ id: Int32, _ count: Int32, isTag: Bool) {
        let key = Self.pack(id, count, isTag: isTag)
        if heap.count < k {
            heap.append(key)
            var i = heap.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                if heap[parent] <= heap[i] { break }
                heap.swapAt(parent, i)
                i = parent
            }
        } else if key > heap[0] {
            heap[0] = key
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count && heap[l] < heap[m] { m = l }
                if r < heap.count && heap[r] < heap[m] { m = r }
                if m == i { break }
                heap.swapAt(i, m)
                i = m
            }
        }
    }

    /// The kept keys, best first; empties the heap.
    mutating func drainSorted() -> [UInt64] {
        let out = heap.sorted(by: >)
        heap.removeAll(keepingCapacity: true)
        return out
    }
}

/// Merges chunk term counters by hash into ids in first-seen order over the chunks in order.
enum TermMerge {
    /// Hash partitions merged in parallel; a fixed number, so the work split never depends on the machine.
    static let partitions = 16

    /// Local-to-merged id maps per chunk, merged totals, the first merged id of each chunk's new
    /// terms (and one past the last), and each chunk's new terms' local ids.
    static func merge(_ chunks: inout [TermCounter]) -> ([[Int32]], [Int], [Int32], [[Int32]]) {
        let parts = chunks.count
        let stop = Int(chunks[0].stopCount)
        let P = partitions
        let frozen = chunks
        // Per chunk: merged entry of each local id in its partition, the high bit set where the chunk saw it first.
        let handles = (0..<parts).map { SharedBuffer<Int32>(repeating: -1, count: frozen[$0].count) }
        let newCounts = SharedBuffer<Int>(repeating: 0, count: P * parts)
        let entryTotals = (0..<P).map { _ in Box<[Int]>([]) }
        // Partition of each local id: the top bits of its hash.
        let order = (0..<parts).map { _ in Box<([Int32], [Int])>(([], [])) }
        Parallel.forEach(parts) { c in
            let hashes = frozen[c].hashes
            var starts = [Int](repeating: 0, count: P + 1)
            for l in stop..<hashes.count { starts[Int(hashes[l] >> 60) + 1] += 1 }
            for p in 0..<P { starts[p + 1] += starts[p] }
            var fill = starts
            var ids = [Int32](repeating: 0, count: hashes.count - stop)
            for l in stop..<hashes.count {
                let p = Int(hashes[l] >> 60)
                ids[fill[p]] = Int32(l)
                fill[p] += 1
            }
            order[c].value = (ids, starts)
        }
        Parallel.forEach(P) { p in
            var n = 0
            for c in 0..<parts { n += order[c].value.1[p + 1] - order[c].value.1[p] }
            var size = 16
            while size < n * 2 { size <<= 1 }
            let mask = size - 1
            var keys = [UInt64](repeating: 0, count: size), entries = [Int32](repeating: 0, count: size)
            var totals: [Int] = []
            totals.reserveCapacity(n)
            for c in 0..<parts {
                let (ids, starts) = order[c].value
                let h = handles[c].p
                let chunk = frozen[c]
                chunk.hashes.withUnsafeBufferPointer { hashes in
                    for k in starts[p]..<starts[p + 1] {
                        let l = Int(ids[k])
                        let key = hashes[l]
                        let local = chunk.total(l)
                        var s = Int(truncatingIfNeeded: key) & mask
                        while keys[s] != 0 && keys[s] != key { s = (s + 1) & mask }
                        if keys[s] == key {
                            let e = Int(entries[s])
                            totals[e] += local
                            h[l] = Int32(e)
                        } else {
                            keys[s] = key
                            entries[s] = Int32(totals.count)
                            h[l] = Int32(totals.count) | Int32.min
                            totals.append(local)
                            newCounts.p[p * parts + c] += 1
                        }
                    }
                }
            }
            entryTotals[p].value = totals
        }
        var base = [Int32](repeating: Int32(stop), count: parts + 1)
        for c in 0..<parts {
            var n = 0
            for p in 0..<P { n += newCounts.p[p * parts + c] }
            base[c + 1] = base[c] + Int32(n)
        }
        let termCount = Int(base[parts])
        let merged = (0..<P).map { SharedBuffer<Int32>(repeating: -1, count: entryTotals[$0].value.count) }
        let totals = SharedBuffer<Int>(repeating: 0, count: termCount)
        let newLocals = (0..<parts).map { _ in Box<[Int32]>([]) }
        let bases = base
        // Merged ids of each chunk's new terms, in its local (first-seen) order.
        Parallel.forEach(parts) { c in
            var next = bases[c]
            var locals: [Int32] = []
            let h = handles[c].p
            frozen[c].hashes.withUnsafeBufferPointer { hashes in
                for l in stop..<hashes.count where h[l] < 0 {
                    let p = Int(hashes[l] >> 60), e = Int(h[l] & Int32.max)
                    merged[p].p[e] = next
                    totals.p[Int(next)] = entryTotals[p].value[e]
                    locals.append(Int32(l))
                    next += 1
                }
            }
            newLocals[c].value = locals
        }
        let maps = (0..<parts).map { _ in Box<[Int32]>([]) }
        Parallel.forEach(parts) { c in
            let h = handles[c].p
            var map = [Int32](repeating: -1, count: frozen[c].count)
            frozen[c].hashes.withUnsafeBufferPointer { hashes in
                for l in stop..<hashes.count { map[l] = merged[Int(hashes[l] >> 60)].p[Int(h[l] & Int32.max)] }
            }
            maps[c].value = map
        }
        let total = Array(UnsafeBufferPointer(rebasing: totals.p[0..<termCount]))
        return (maps.map(\.value), total, base, newLocals.map(\.value))
    }
}

