/// Canonical form of a URL for co-URL matching: no scheme, lowercase host without `www.`, no
/// fragment, no tracking parameters, no trailing slash.
///
/// Tracking parameters dropped: `utm_*`, `fbclid`, `gclid`, `dclid`, `msclkid`, `igshid`, `mc_cid`,
/// `mc_eid`, `ref`, `ref_src`, `ref_url`, `s` and `t` (Twitter share suffixes), `si`, `feature`.
/// The path keeps its case (paths are case-sensitive on most servers); parameter order is kept.
public enum URLCanonical {
    static let tracking: Set<String> = [
        "fbclid", "gclid", "dclid", "msclkid", "igshid", "mc_cid", "mc_eid", "ref", "ref_src", "ref_url",
        "s", "t", "si", "feature", "_ga", "yclid", "cmpid",
    ]

    /// The canonical form of `url`.
    public static func canonical(_ url: String) -> String {
        var rest = Substring(url.trimmingSpaces())
        if let r = rest.range(of: "://"), !rest[..<r.lowerBound].contains("/") { rest = rest[r.upperBound...] }
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        var query: Substring = ""
        if let q = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        var host = rest[..<slash].lowercased()
        if host.hasPrefix("www.") { host.removeFirst(4) }
        if host.hasSuffix(":80") { host.removeLast(3) } else if host.hasSuffix(":443") { host.removeLast(4) }
        var path = String(rest[slash...])
        while path.hasSuffix("/") { path.removeLast() }
        let kept = query.split(separator: "&").filter { param in
            let name = (param.split(separator: "=", maxSplits: 1).first ?? "").lowercased()
            return !name.isEmpty && !name.hasPrefix("utm_") && !tracking.contains(name)
        }
        var s = host + path
        if !kept.isEmpty { s += "?" + kept.joined(separator: "&") }
        return s
    }

    /// The host of a canonical URL (everything before the first `/` or `?`).
    public static func domain(ofCanonical c: String) -> String {
        let end = c.firstIndex { $0 == "/" || $0 == "?" } ?? c.endIndex
        return String(c[..<end])
    }
}

extension String {
    func trimmingSpaces() -> Substring {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return s
    }
}
