import Foundation
import LockstepCore
import Testing
@testable import LockstepIngest

/// The entities read from the IRA sample's text, counted against an extraction written
/// independently here with ICU regular expressions over Strings (slow, and a different route
/// through the same rules: docs/ingest.md).
@Suite(.enabled(if: sharedData != nil, "../shared/data is absent: the IRA sample entity check is skipped"))
struct IRASampleEntitiesTests {
    static let tagChars = #"[\p{L}\p{M}\p{Nd}_\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c\u30a0\u30fb\u3003\u0f0b\u0f0c\u00b7]"#
    static let hashtag = try! NSRegularExpression(pattern:
        #"(?<!&)(?:(?<![\p{L}\p{M}\p{Nd}_\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c\u30a0\u30fb\u3003\u0f0b\u0f0c\u00b7])|(?<=[\ufe0e\ufe0f]))[#＃]("# + tagChars + #"+)"#)
    static let mention = try! NSRegularExpression(pattern:
        #"(?:(?<![A-Za-z0-9_!#$%&*@＠])|(?<=(?:^|[^A-Za-z0-9_+~.\-])[Rr][Tt]))[@＠]([A-Za-z0-9_]+)"#)
    static let url = try! NSRegularExpression(pattern:
        #"(?<![A-Za-z0-9_@#$＠＃])(?:[Hh][Tt][Tt][Pp][Ss]?://|(?<![./])[Tt]\.[Cc][Oo]/(?=[A-Za-z0-9]))(?:[A-Za-z0-9_\-.~:/?#\[\]@!$&'()*+,;=%|]|[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u052f])*"#)
    static let retweetSource = try! NSRegularExpression(pattern: #"^RT @[A-Za-z0-9_]+"#)

    struct Counts: Equatable { var hashtags = 0, mentions = 0, urls = 0, retweetSources = 0 }

    static func independent(_ texts: [String]) -> Counts {
        var c = Counts()
        for text in texts {
            let s = text as NSString
            let all = NSRange(location: 0, length: s.length)
            func at(_ i: Int) -> String { i < s.length ? s.substring(with: NSRange(location: i, length: 1)) : "" }
            var spans: [Range<Int>] = []
            for m in url.matches(in: text, range: all) {
                var u = s.substring(with: m.range)
                let opens = u.filter { $0 == "(" }.count
                var closes = u.filter { $0 == ")" }.count
                let scheme = u.lowercased().hasPrefix("http") ? (u.lowercased().hasPrefix("https://") ? 8 : 7) : 0
                while u.count > scheme, let last = u.last {
                    if ".,:;!?'*]".contains(last) { u.removeLast() }
                    else if last == ")" && closes > opens { closes -= 1; u.removeLast() }
                    else { break }
                }
                let host = u.dropFirst(scheme).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
                let hasDot = host.dropFirst().contains(".")
                let after = m.range.location + (u as NSString).length
                guard scheme == 0 || hasDot else { continue }
                // A link cut by an ellipsis is skipped whole, with the ellipsis; nothing inside a link is a tag or mention.
                if at(after) == "…" { spans.append(m.range.location..<(after + 1)) } else { spans.append(m.range.location..<after); c.urls += 1 }
            }
            for m in hashtag.matches(in: text, range: all) where !spans.contains(where: { $0.contains(m.range.location) }) {
                let body = s.substring(with: m.range(at: 1))
                let end = m.range.location + m.range.length
                let next = at(end), rest = end + 3 <= s.length ? s.substring(with: NSRange(location: end, length: 3)) : ""
                let letterOrMark: Set<Unicode.GeneralCategory> = [.uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter,
                                                                   .otherLetter, .nonspacingMark, .spacingMark, .enclosingMark]
                if body.unicodeScalars.contains(where: { letterOrMark.contains($0.properties.generalCategory) }),
                   next != "#", next != "＃", rest != "://" {
                    c.hashtags += 1
                }
            }
            for m in mention.matches(in: text, range: all) where !spans.contains(where: { $0.contains(m.range.location) }) {
                let end = m.range.location + m.range.length
                let next = at(end), rest = end + 3 <= s.length ? s.substring(with: NSRange(location: end, length: 3)) : ""
                let accented = next.unicodeScalars.first.map { (0xC0...0x24F).contains($0.value) && $0.value != 0xD7 && $0.value != 0xF7 } ?? false
                if m.range(at: 1).length <= 15, next != "@", next != "＠", rest != "://", !accented { c.mentions += 1 }
            }
            if retweetSource.firstMatch(in: text, range: all) != nil { c.retweetSources += 1 }
        }
        return c
    }

    @Test func entityCountsMatchAnIndependentExtraction() throws {
        let d = try Ingest.load([sharedData!.appendingPathComponent("ira-538-sample").path])
        let texts = (0..<d.posts.count).map { d.text(ofPost: $0) }
        let expected = Self.independent(texts)
        var got = Counts()
        got.hashtags = d.posts.hashtags.values.count
        got.mentions = d.posts.mentions.values.count
        got.urls = d.posts.urls.values.count
        got.retweetSources = (0..<d.posts.count).filter { d.posts.kind[$0] == .retweet && d.posts.retweetAccount[$0] != noID }.count
        print("IRA sample entities: read \(got), independent \(expected)")
        #expect(got == expected)
        // Hundreds of thousands of each: the sample is dense in them (a guard against a scan that finds none).
        #expect(got.hashtags > 100_000 && got.mentions > 10_000 && got.urls > 100_000)
        // Every retweet has an original: an id derived from its text.
        let retweets = (0..<d.posts.count).filter { d.posts.kind[$0] == .retweet }
        let derived = retweets.filter { d.posts.retweetOf[$0] != noID && d.postKeys.isDerived(d.posts.retweetOf[$0]) }
        #expect(derived.count >= retweets.count - 10)
    }
}
