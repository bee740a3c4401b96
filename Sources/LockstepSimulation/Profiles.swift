import LockstepCore

/// Names, handles and creation dates for simulated accounts.
enum Profiles {
    /// A display name and a handle in the style of an account language.
    static func name(language: String, _ g: inout SeededGenerator) -> (display: String, handle: String) {
        let display: String
        let base: String
        switch language {
        case "zh-cn", "zh-tw", "zh":
            display = g.pick(Vocabulary.surnameZH) + g.pick(Vocabulary.givenZH)
            base = g.chance(0.5) ? pinyinish(&g) : randomHandle(&g, length: 8 + g.below(7))
            return (display, base)
        case "es":
            display = g.pick(Vocabulary.firstES) + " " + g.pick(Vocabulary.lastES)
        case "pt":
            display = g.pick(Vocabulary.firstPT) + " " + g.pick(Vocabulary.lastES)
        case "id":
            display = g.pick(Vocabulary.firstID) + " " + g.pick(Vocabulary.lastID)
        default:
            display = g.pick(Vocabulary.firstEN) + " " + g.pick(Vocabulary.lastEN)
        }
        let parts = display.split(separator: " ").map { ascii(String($0)) }
        switch g.below(4) {
        case 0: base = parts[0] + parts[1]
        case 1: base = parts[0].lowercased() + "_" + parts[1].lowercased()
        case 2: base = g.pick(Vocabulary.handleWords) + parts[0] + String(g.below(100))
        default: base = parts[0] + String(g.below(10_000))
        }
        return (display, base)
    }

    /// Letters and digits like an auto-suggested handle (`sV8jxdXfJwDNZns`).
    static func randomHandle(_ g: inout SeededGenerator, length: Int) -> String {
        let chars = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var s = String(chars[g.below(52)])
        for _ in 1..<length { s.append(chars[g.below(chars.count)]) }
        return s
    }

    private static let syllables = ["wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun",
                                    "ma", "zhu", "hu", "guo", "lin", "luo", "xiao", "ming", "hua", "wei", "fang", "jun", "lei"]

    private static func pinyinish(_ g: inout SeededGenerator) -> String {
        g.pick(syllables) + g.pick(syllables) + String(g.below(1000))
    }

    private static func ascii(_ s: String) -> String {
        String(s.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) })
    }

    /// Creation time of an organic account: a year drawn from Twitter's growth, a uniform moment in it.
    static func organicCreation(_ g: inout SeededGenerator, before end: Int64) -> Int64 {
        let weights: [Double] = [1, 3, 8, 8, 9, 9, 8, 7, 6, 6, 6, 6, 7, 3]  // 2007 ... 2020
        let picker = WeightedPicker(weights)
        while true {
            let year = 2007 + picker.pick(&g)
            let start = CivilTime.seconds(year: year, month: 1, day: 1)
            let t = start + Int64(g.unit() * 365 * 86_400)
            if t < end { return t }
        }
    }

    /// A time on a local day at a local hour (fractional), as UTC seconds.
    static func utc(day: Int, localHour: Double, offset: Int) -> Int64 {
        Int64(day) * 86_400 + Int64(localHour * 3600) - Int64(offset)
    }

    /// Followers drawn lognormally with a share of zeros.
    static func followers(median: Double, sigma: Double, zeroShare: Double, _ g: inout SeededGenerator) -> Int {
        g.chance(zeroShare) ? 0 : min(Int(g.lognormal(median: median, sigma: sigma)), 50_000_000)
    }
}
