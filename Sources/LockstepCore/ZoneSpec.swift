import Foundation

/// A time zone as the `tz` option names it.
public enum ZoneSpec: Sendable, Equatable {
    /// Infer: the group's working-week offset when there is one, else UTC.
    case auto
    /// A fixed offset in seconds east of UTC.
    case fixed(seconds: Int)
    /// An IANA zone, with daylight-saving changes.
    case named(String)

    /// Parses `auto`, `UTC`, `±HH`, `±HHMM`, `±HH:MM` or an IANA name known to Foundation.
    public static func parse(_ s: String) -> ZoneSpec? {
        let t = s.trimmingCharacters(in: .whitespaces)
        switch t.lowercased() {
        case "auto": return .auto
        case "utc", "z", "gmt", "+00:00", "-00:00": return .fixed(seconds: 0)
        default: break
        }
        if let f = t.first, f == "+" || f == "-" {
            let digits = t.dropFirst().filter { $0 != ":" }
            guard digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), digits.count == 2 || digits.count == 4,
                  let hh = Int(digits.prefix(2)), let mm = Int(digits.count == 4 ? digits.suffix(2) : "0"),
                  hh <= 14, mm < 60 else { return nil }
            let secs = (hh * 3600 + mm * 60) * (f == "-" ? -1 : 1)
            return .fixed(seconds: secs)
        }
        return TimeZone(identifier: t) != nil ? .named(t) : nil
    }
}
