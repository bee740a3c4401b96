import LockstepCore

/// Near-duplicate text groups by MinHash signatures and LSH banding, without comparing all pairs.
///
/// Shingles are character bigrams for Chinese and Japanese text (no spaces between words) and word
/// bigrams elsewhere. Each distinct text gets `bands * rows` min-hashes; texts that agree on all rows
/// of a band fall in the same bucket, and a text joins the bucket's first text when their estimated
/// Jaccard similarity (the share of equal min-hashes) reaches the threshold. Groups are the connected
/// components of those joins (union-find), so a chain of near-duplicates forms one group.
package struct MinHashGrouper: Sendable {
    /// LSH bands.
    package var bands: Int
    /// MinHash values per band.
    package var rows: Int
    /// Estimated Jaccard similarity at which texts join.
    package var threshold: Double
    /// Texts with fewer shingles than this get no signature (too short to call near-duplicates).
    package var minShingles: Int

    package init(bands: Int = 10, rows: Int = 3, threshold: Double = 0.7, minShingles: Int = 3) {
        self.bands = bands
        self.rows = rows
        self.threshold = threshold
        self.minShingles = minShingles
    }

    var hashCount: Int { bands * rows }

    /// Group id per text (dense, in order of first text), or -1 for texts too short to sign.
    package func groups(texts: StringTableView, threads: Int) -> [Int32] {
        let n = texts.count
        let k = hashCount
        let (a, b) = Self.coefficients(k)
        let ranges = Parallel.chunks(n, threads * 4)
        let parts: [[UInt32]] = Parallel.map(ranges.count, threads: threads) { part in
            var sig = [UInt32]()
            sig.reserveCapacity(ranges[part].count * k)
            var shingles: [UInt64] = []
            var scalars: [UInt32] = []
            var mins = [UInt32](repeating: .max, count: k)
            a.withUnsafeBufferPointer { A in
                b.withUnsafeBufferPointer { B in
                    mins.withUnsafeMutableBufferPointer { M in
                        for t in ranges[part] {
                            texts.withBytes(t) { Self.shingle($0, into: &shingles, scalars: &scalars) }
                            if shingles.count < minShingles {
                                sig.append(contentsOf: repeatElement(UInt32.max, count: k))
                                continue
                            }
                            for i in 0..<k { M[i] = .max }
                            for s in shingles {
                                // 32-bit affine permutations of a 32-bit shingle hash: vectorises, and
                                // distinct shingles stay distinct under each permutation.
                                let x = UInt32(truncatingIfNeeded: s ^ (s >> 32))
                                for i in 0..<k { M[i] = min(M[i], x &* A[i] &+ B[i]) }
                            }
                            // UInt32.max marks "no signature"; clamp so a real signature never equals it.
                            for i in 0..<k { sig.append(min(M[i], UInt32.max - 1)) }
                        }
                    }
                }
            }
            return sig
        }
        var sigs = [UInt32]()
        sigs.reserveCapacity(n * k)
        for p in parts { sigs.append(contentsOf: p) }
        return sigs.withUnsafeBufferPointer { S in group(S, n: n, threads: threads) }
    }

    private func group(_ S: UnsafeBufferPointer<UInt32>, n: Int, threads: Int) -> [Int32] {
        let k = hashCount
        var parent = Array(Int32(0)..<Int32(n))
        func find(_ x: Int32) -> Int32 {
            var r = x
            while parent[Int(r)] != r { r = parent[Int(r)] }
            var c = x
            while parent[Int(c)] != r { let nx = parent[Int(c)]; parent[Int(c)] = r; c = nx }
            return r
        }
        let needed = Int((threshold * Double(k)).rounded(.up))
        // Bands are independent: each finds its joins (text, bucket representative) on its own
        // thread; the joins are then applied in band order, so groups do not depend on threads.
        let rows = rows
        // `S` stays valid for the whole call: the caller holds it inside `withUnsafeBufferPointer`.
        let box = SignatureBox(S)
        let joins: [[(Int32, Int32)]] = Parallel.map(bands, threads: threads) { band in
            let S = box.signatures
            var out: [(Int32, Int32)] = []
            var size = 64
            while size < n * 2 { size <<= 1 }
            var keys = [UInt64](repeating: 0, count: size)
            var reps = [Int32](repeating: -1, count: size)
            let mask = size - 1
            for t in 0..<n {
                let base = t * k
                if S[base] == .max { continue }
                var h: UInt64 = 0x9E37_79B9_7F4A_7C15 &* UInt64(band + 1)
                for r in 0..<rows {
                    h = (h ^ UInt64(S[base + band * rows + r])) &* 0xBF58_476D_1CE4_E5B9
                    h ^= h >> 31
                }
                var slot = Int(truncatingIfNeeded: h) & mask
                while reps[slot] >= 0 && keys[slot] != h { slot = (slot + 1) & mask }
                if reps[slot] < 0 {
                    keys[slot] = h
                    reps[slot] = Int32(t)
                    continue
                }
                let rep = Int(reps[slot])
                var equal = 0
                let rb = rep * k
                for i in 0..<k where S[rb + i] == S[base + i] { equal += 1 }
                if equal >= needed { out.append((Int32(t), Int32(rep))) }
            }
            return out
        }
        for band in joins {
            for (t, rep) in band {
                let x = find(t), y = find(rep)
                // The smaller id becomes the root so groups do not depend on join order.
                if x != y { if x < y { parent[Int(y)] = x } else { parent[Int(x)] = y } }
            }
        }
        var dense = [Int32](repeating: -1, count: n)
        var out = [Int32](repeating: -1, count: n)
        var next: Int32 = 0
        for t in 0..<n where S[t * k] != .max {
            let r = Int(find(Int32(t)))
            if dense[r] < 0 { dense[r] = next; next += 1 }
            out[t] = dense[r]
        }
        return out
    }

    /// Fixed odd multipliers and offsets for the `k` hash functions (the same on every run).
    static func coefficients(_ k: Int) -> ([UInt32], [UInt32]) {
        var g = SeededGenerator(seed: 0x5EED_C0DE)
        var a: [UInt32] = [], b: [UInt32] = []
        for _ in 0..<k { a.append(UInt32(truncatingIfNeeded: g.next()) | 1); b.append(UInt32(truncatingIfNeeded: g.next())) }
        return (a, b)
    }

    /// Shingle hashes of normalised text: character bigrams when at least 30% of its characters
    /// are Han, Hiragana or Katakana, word bigrams otherwise (word unigrams for a one-word text).
    static func shingle(_ b: UnsafeRawBufferPointer, into out: inout [UInt64], scalars: inout [UInt32]) {
        out.removeAll(keepingCapacity: true)
        scalars.removeAll(keepingCapacity: true)
        var cjk = 0
        var i = 0
        let n = b.count
        while i < n {
            let c = UInt32(b[i])
            var v: UInt32
            var len: Int
            if c < 0x80 { v = c; len = 1 }
            else if c >> 5 == 0x6 { v = c & 0x1F; len = 2 }
            else if c >> 4 == 0xE { v = c & 0x0F; len = 3 }
            else { v = c & 0x07; len = 4 }
            if i + len > n { break }
            if len > 1 { for j in 1..<len { v = v << 6 | (UInt32(b[i + j]) & 0x3F) } }
            if v != 32 {
                scalars.append(v)
                if (0x3040...0x30FF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v)
                    || (0xF900...0xFAFF).contains(v) { cjk += 1 }
            }
            i += len
        }
        if !scalars.isEmpty && cjk * 10 >= scalars.count * 3 {
            if scalars.count == 1 { out.append(mix(UInt64(scalars[0]))); return }
            for j in 0..<(scalars.count - 1) {
                out.append(mix(UInt64(scalars[j]) << 32 | UInt64(scalars[j + 1])))
            }
            return
        }
        // Words: FNV-1a per space-separated token, then adjacent pairs.
        var words: [UInt64] = []
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var inWord = false
        for c in b {
            if c == 32 {
                if inWord { words.append(h); h = 0xcbf2_9ce4_8422_2325; inWord = false }
            } else {
                h = (h ^ UInt64(c)) &* 0x0000_0100_0000_01b3
                inWord = true
            }
        }
        if inWord { words.append(h) }
        if words.count == 1 { out.append(mix(words[0])); return }
        for j in 0..<max(0, words.count - 1) { out.append(mix(words[j] &* 31 ^ words[j + 1])) }
    }

    @inline(__always) static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Estimated Jaccard similarity of two strings' shingle sets (for tests and docs).
    package func estimatedJaccard(_ x: String, _ y: String) -> Double {
        let view = StringTableView([TextNormalizer.normalize(x), TextNormalizer.normalize(y)])
        let k = hashCount
        let (a, b) = Self.coefficients(k)
        var sigs: [[UInt32]] = []
        var sh: [UInt64] = [], sc: [UInt32] = []
        for t in 0..<2 {
            view.withBytes(t) { Self.shingle($0, into: &sh, scalars: &sc) }
            sigs.append((0..<k).map { i in sh.map { UInt32(truncatingIfNeeded: $0 ^ ($0 >> 32)) &* a[i] &+ b[i] }.min() ?? .max })
        }
        return Double(zip(sigs[0], sigs[1]).filter { $0 == $1 }.count) / Double(k)
    }
}

/// A read-only list of byte strings: the distinct normalised texts handed to ``MinHashGrouper``.
package struct StringTableView: Sendable {
    let bytes: [UInt8]
    let starts: [Int]

    init(bytes: [UInt8], starts: [Int]) {
        self.bytes = bytes
        self.starts = starts
    }

    /// A view over these strings, in order.
    package init(_ strings: [String]) {
        var b: [UInt8] = [], s = [0]
        for x in strings { b.append(contentsOf: x.utf8); s.append(b.count) }
        self.init(bytes: b, starts: s)
    }

    /// Number of strings.
    package var count: Int { starts.count - 1 }

    func withBytes<R>(_ i: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        bytes.withUnsafeBytes { raw in body(UnsafeRawBufferPointer(rebasing: raw[starts[i]..<starts[i + 1]])) }
    }
}

/// Read-only signatures shared with band workers while the owning array is alive.
private struct SignatureBox: @unchecked Sendable {
    let signatures: UnsafeBufferPointer<UInt32>
    init(_ s: UnsafeBufferPointer<UInt32>) { signatures = s }
}
