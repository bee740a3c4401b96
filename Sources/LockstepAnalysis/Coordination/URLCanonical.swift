/// Canonical form of a URL for co-URL matching: no scheme, lowercase host without `www.`, no
/// fragment, no tracking parameters, no trailing slash.
///
/// Tracking parameters dropped: `utm_*`, `fbclid`, `gclid`, `dclid`, `msclkid`, `igshid`, `mc_cid`,
/// `mc_eid`, `ref`, `ref_src`, `ref_url`, `s` and `t` (Twitter share suffixes), `si`, `feature`.
/// The path keeps its case (paths are case-sensitive on most servers); parameter order is kept.
package enum URLCanonical {
    static let tracking: Set<String> = [
        "fbclid", "gclid", "dclid", "msclkid", "igshid", "mc_cid", "mc_eid", "ref", "ref_src", "ref_url",
        "s", "t", "si", "feature", "_ga", "yclid", "cmpid",
    ]

    /// The canonical form of `url`.
    package static func canonical(_ url: String) -> String {
        var out: [UInt8] = []
        var copy = url
        copy.withUTF8 { canonical(UnsafeRawBufferPointer($0), into: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes the canonical form of the URL bytes `b` into `out` (cleared first); works on bytes
    /// because a dataset can hold millions of distinct URLs.
    package static func canonical(_ b: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        var lo = 0, hi = b.count
        @inline(__always) func space(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 }
        while lo < hi && space(b[lo]) { lo += 1 }
        while hi > lo && space(b[hi - 1]) { hi -= 1 }
        // Scheme: "xxx://" before any slash.
        var i = lo
        while i + 2 < hi && b[i] != 47 {
            if b[i] == 58 && b[i + 1] == 47 && b[i + 2] == 47 { lo = i + 3; break }
            i += 1
        }
        if let hash = (lo..<hi).first(where: { b[$0] == 35 }) { hi = hash }
        let q = (lo..<hi).first { b[$0] == 63 } ?? hi
        let slash = (lo..<q).first { b[$0] == 47 } ?? q
        var h0 = lo, h1 = slash
        if h1 - h0 >= 4 && (b[h0] | 32) == 119 && (b[h0 + 1] | 32) == 119 && (b[h0 + 2] | 32) == 119 && b[h0 + 3] == 46 { h0 += 4 }
        func endsWith(_ s: StaticString) -> Bool {
            let n = s.utf8CodeUnitCount
            guard h1 - h0 >= n else { return false }
            for k in 0..<n where b[h1 - n + k] != s.utf8Start[k] { return false }
            return true
        }
        if endsWith(":80") { h1 -= 3 } else if endsWith(":443") { h1 -= 4 }
        for k in h0..<h1 { let c = b[k]; out.append(c >= 65 && c <= 90 ? c + 32 : c) }
        var p1 = q
        while p1 > slash && b[p1 - 1] == 47 { p1 -= 1 }
        for k in slash..<p1 { out.append(b[k]) }
        guard q < hi else { return }
        var first = true
        var s0 = q + 1
        while s0 <= hi {
            var s1 = s0
            while s1 < hi && b[s1] != 38 { s1 += 1 }
            var n1 = s0
            while n1 < s1 && b[n1] != 61 { n1 += 1 }
            if n1 > s0 {
                let name = String(decoding: UnsafeRawBufferPointer(rebasing: b[s0..<n1]), as: UTF8.self).lowercased()
                if !name.hasPrefix("utm_") && !tracking.contains(name) {
                    out.append(first ? 63 : 38)
                    first = false
                    for k in s0..<s1 { out.append(b[k]) }
                }
            }
            s0 = s1 + 1
        }
    }

    /// The host of a canonical URL (everything before the first `/` or `?`).
    package static func domain(ofCanonical c: String) -> String {
        let end = c.firstIndex { $0 == "/" || $0 == "?" } ?? c.endIndex
        return String(c[..<end])
    }
}
