import LockstepCore

/// Escaping for text that came from the input: post texts, handles, names, descriptions and URLs
/// are written by adversaries, so every one of them passes through here before reaching HTML.
package enum HTML {
    /// Escapes text for element content and for quoted attribute values alike.
    package static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "`": out += "&#96;"
            default:
                // Control characters (other than tab and line breaks) have no business in a report.
                if c.value < 0x20 && c != "\n" && c != "\t" { out += "\u{FFFD}" }
                else if c.value == 0x7F || (0x202A...0x202E).contains(c.value) || (0x2066...0x2069).contains(c.value) {
                    // Bidirectional overrides can make a handle read as something else: show them.
                    out += "&#x\(String(c.value, radix: 16));"
                } else { out.unicodeScalars.append(c) }
            }
        }
        return out
    }

    /// A link when the URL is plain http(s) with no characters that could break out; escaped text otherwise.
    package static func link(_ url: String, text: String? = nil) -> String {
        let label = escape(text ?? url)
        let lower = url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://"),
              !url.unicodeScalars.contains(where: { $0.value < 0x21 || $0 == "\"" || $0 == "'" || $0 == "<" || $0 == ">" || $0 == "`" || $0 == "\\" })
        else { return label }
        return "<a href=\"\(escape(url))\" rel=\"noopener noreferrer nofollow\" target=\"_blank\">\(label)</a>"
    }

    /// An id usable in `id=` and `href="#..."` built only from safe characters.
    package static func anchor(_ prefix: String, _ key: String) -> String {
        var s = prefix + "-"
        for c in key.unicodeScalars {
            if (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "-" || c == "_" {
                s.unicodeScalars.append(c)
            } else {
                s += "_" + String(c.value, radix: 16)
            }
        }
        return s
    }

    /// Formats a number for people: thousands separators, at most `digits` decimals.
    package static func number(_ v: Double, digits: Int = 1) -> String {
        if v.isNaN { return "–" }
        if v == v.rounded() && abs(v) < 1e15 { return grouped(Int(v)) }
        var p = 1.0
        for _ in 0..<digits { p *= 10 }
        let r = (v * p).rounded() / p
        let whole = Int(r.rounded(.towardZero))
        let frac = abs(r - Double(whole))
        var fs = String(Int((frac * p).rounded()))
        while fs.count < digits { fs = "0" + fs }
        return (r < 0 && whole == 0 ? "-" : "") + grouped(whole) + "." + fs
    }

    package static func number(_ v: Int) -> String { grouped(v) }

    static func grouped(_ v: Int) -> String { NumberText.grouped(v) }

    package static func percent(_ share: Double) -> String { number(share * 100, digits: 1) + "%" }
}
