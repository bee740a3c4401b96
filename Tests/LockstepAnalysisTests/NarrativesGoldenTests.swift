import LockstepAnalysis
import LockstepCore
import Testing

/// Pins the exact output of `narratives` (every change point, emerging item, top term and CSV row,
/// doubles to the last bit) on seeded multilingual data with groups, so that speed work on the
/// tokenizer and the counting cannot change a result. The digests were recorded with the first
/// (string-by-string) implementation; re-record only for an intended change of results.
@Suite struct NarrativesGoldenTests {
    static let english = ["Economy", "MARKET", "weather", "Football", "school", "music", "travel", "HEALTH", "family", "river",
                          "the", "and", "of", "RT", "2020", "covid19", "x", "a1", "Bridge", "garden", "coffee", "Museum", "policy",
                          "budget", "village", "airport", "winter", "News", "media", "fake", "again", "MAGA", "trump", "vote"]
    static let other = ["Última", "ESPAÑA", "niño", "pingüino", "ÇA", "Straße", "GRÜSSE", "Путин", "РОССИЯ", "выборы", "Ёлка", "ёж",
                        "Łódź", "ŚWIAT", "hello世界", "abcПривет", "café", "CAFÉ", "Αθήνα", "مرحبا", "한국어", "😀😀", "día", "и",
                        "香港警察暴力", "我们支持香港", "新冠病毒疫情", "武汉加油", "東京オリンピックを開催します", "コロナウイルス", "してます",
                        String(repeating: "long", count: 16), String(repeating: "я", count: 31), "Zürich2020", "ΑΒΓ", "x1y2"]
    static let noise = ["@some_body", "#Tag", "https://t.co/abc", "HTTP://X.CO/Y", "www.site.com/x", "&amp;", "&#39;", "&bogus", "@",
                        "#", "&", "wwwx", "http:", "__init__", "a_b", "RT @user:"]
    static let before = ["protest", "RIOT", "police", "香港加油", "Гонконг"]
    static let after = ["virus", "Epidemic", "quarantine", "武汉封城", "вирус"]
    static let separators = [" ", " ", " ", ", ", "! ", "\n", "", "-", "_", "…", "。"]
    /// Bytes that are not valid UTF-8: a lone lead byte, a truncated sequence, a stray continuation byte.
    static let invalid: [[UInt8]] = [[0xC3], [0xE4, 0xB8], [0xFF], [0x80], [0xC3, 0x41], [0xF0, 0x9F], [0xE3, 0x81]]

    /// 150 accounts over 100 days; from day 60 the topic changes for half of the posts.
    static func dataset(seed: UInt64) -> Dataset {
        var g = SeededGenerator(seed: seed)
        var b = DatasetBuilder()
        let accounts = (0..<150).map { b.account(id: "acct\($0)") }
        let start = at(2019, 12, 1)
        for day in 0..<100 {
            for _ in 0..<(60 + g.int(0..<60)) {
                let t = start + Int64(day) * 86_400 + Int64(g.int(0..<86_400))
                var text: [UInt8] = g.int(0..<20) == 0 ? Array("RT @user: ".utf8) : []
                var tags = g.int(0..<3) == 0 ? [] : [g.pick(["news", "today", "life", "HongKong", "香港"])]
                for k in 0..<(3 + g.int(0..<12)) {
                    if k > 0 { text += Array(g.pick(separators).utf8) }
                    switch g.int(0..<20) {
                    case 0..<10: text += Array(g.pick(english).utf8)
                    case 10..<15: text += Array(g.pick(other).utf8)
                    case 15..<18: text += Array(g.pick(noise).utf8)
                    case 18: text += g.pick(invalid)
                    default: text += Array("w\(g.int(0..<400))".utf8)
                    }
                }
                if g.int(0..<2) == 0 {
                    text += Array((" " + g.pick(day >= 60 ? after : before)).utf8)
                    tags.append(day >= 60 ? g.pick(["coronavirus", "wuhan"]) : g.pick(["hongkong", "guowengui"]))
                }
                _ = text.withUnsafeBytes { tb in
                    b.addPost(key: UnsafeRawBufferPointer(start: nil, count: 0), account: g.pick(accounts), time: t, kind: .original,
                              text: tb, language: UnsafeRawBufferPointer(start: nil, count: 0), client: UnsafeRawBufferPointer(start: nil, count: 0))
                }
                for h in tags { var s = h; s.withUTF8 { b.addHashtag(UnsafeRawBufferPointer($0)) } }
            }
        }
        return b.finish(accounting: IngestAccounting())
    }

    /// An earlier result that defines one kind of group, as findings, coordination and hijack do.
    struct FakeGroups: AnalysisResult, AccountGroupSource {
        var groups: [(String, [Int32])]
        init(_ groups: [(String, [Int32])]) { self.groups = groups }
        init(from decoder: any Decoder) throws { groups = [] }
        func encode(to encoder: any Encoder) throws {}
        func accountGroups(_ ds: Dataset, largestClusters: Int) -> [(String, [Int32])] { Array(groups.prefix(largestClusters)) }
    }

    /// Earlier results that define groups: flagged accounts, three clusters and hijack suspects.
    static func context(_ ds: Dataset, offset: Int) -> AnalysisContext {
        var c = AnalysisContext()
        c.displayOffsetSeconds = offset
        let n = ds.accounts.count
        // Each column from the analysis that writes it in a real run.
        let ids = (0..<Int32(n))
        c.store(FakeGroups([("flagged", ids.filter { $0 % 4 == 0 })]), as: "findings")
        // Three clusters of equal size order by their ids.
        c.store(FakeGroups((0..<3).map { k in ("cluster:c\(k)", ids.filter { $0 % 5 != 0 && $0 % 3 == k }) }), as: "coordination")
        c.store(FakeGroups([("hijack_suspect", ids.filter { $0 % 11 == 3 })]), as: "hijack")
        return c
    }

    /// Every field of the result, doubles in their shortest exact form, one line each.
    static func dump(_ r: Narratives.Result) -> String {
        var s = "window \(r.windowDays) offset \(r.dayBoundaryOffsetSeconds)\n"
        func movers(_ name: String, _ ms: [Narratives.Mover]) {
            for m in ms { s += "  \(name) \(m.term) \(m.kind) \(m.before) \(m.after) \(m.beforeShare) \(m.afterShare)\n" }
        }
        for g in r.groups {
            s += "group \(g.group) \(g.accounts) \(g.posts) \(g.termUses) \(g.hashtagUses) \(g.firstDay ?? "-") \(g.lastDay ?? "-")\n"
            s += " terms \(g.topTerms.joined(separator: " "))\n tags \(g.topHashtags.joined(separator: " "))\n"
            for c in g.changePoints {
                s += " cp \(c.date) \(c.group) \(c.distance) \(c.pValue) \(c.chanceDistance) \(c.rank) \(c.beforeFrom) \(c.afterTo) \(c.beforeTokens) \(c.afterTokens)\n"
                movers("up", c.rising); movers("down", c.falling); movers("tagup", c.risingHashtags); movers("tagdown", c.fallingHashtags)
            }
            for e in g.emerging { s += " em \(e.term) \(e.kind) \(e.firstSeen) \(e.jumpDate) \(e.expected) \(e.uses) \(e.total)\n" }
        }
        #expect(r.changePoints == r.groups[0].changePoints && r.emerging == r.groups[0].emerging)
        for row in r.rows { s += "\(row.period),\(row.group),\(row.term),\(row.count),\(row.share)\n" }
        return s
    }

    static func fnv(_ s: String) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return String(h, radix: 16)
    }

    @Test(arguments: [
        // Defaults, one chunk.
        (21, 0, [:], "3e221306d76ba692"),
        // Defaults at 16 chunks of days: same digest as one chunk.
        (21, 0, ["narratives.chunk_posts": "300"], "3e221306d76ba692"),
        // A small vocabulary and CSV top: ties at the cut are broken by first use.
        (22, 0, ["narratives.vocabulary": "40", "narratives.csv_top": "6", "narratives.top": "4", "narratives.window": "6d", "narratives.alpha": "0.02",
                 "narratives.min_tokens": "60", "narratives.min_emerging": "5", "narratives.clusters": "2", "narratives.chunk_posts": "900"], "2357c7db1ed7f019"),
        // Days starting at UTC+8, short windows, a looser test.
        (23, 28_800, ["narratives.window": "4d", "narratives.vocabulary": "200", "narratives.permutations": "99",
                      "narratives.alpha": "0.05", "narratives.seed": "5", "narratives.chunk_posts": "2500"], "206f1786de1b9bbf"),
    ] as [(UInt64, Int, [String: String], String)])
    func outputIsUnchanged(seed: UInt64, offset: Int, options: [String: String], digest: String) throws {
        let ds = Self.dataset(seed: seed)
        let r = try Narratives(options: AnalysisOptions(options)).run(on: ds, context: Self.context(ds, offset: offset))
        #expect(r.groups.count == 6 || options["narratives.clusters"] == "2")
        #expect(!r.changePoints.isEmpty && !r.emerging.isEmpty, "\(r.changePoints.map(\.date)) \(r.emerging.count)")
        #expect(Self.fnv(Self.dump(r)) == digest)
    }
}
