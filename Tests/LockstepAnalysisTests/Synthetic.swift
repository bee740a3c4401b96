import LockstepCore

/// A thin wrapper over ``DatasetBuilder`` taking Swift strings, for tests.
struct Synth {
    var builder = DatasetBuilder()
    var gen: SeededGenerator

    init(seed: UInt64) { gen = SeededGenerator(seed: seed) }

    @discardableResult
    mutating func account(_ id: String, handle: String? = nil, name: String = "", description: String = "", location: String = "",
                          url: String = "", created: Int64 = noTime, followers: Int32 = -1, following: Int32 = -1,
                          language: String = "") -> Int32 {
        let a = builder.account(id: id)
        builder.markOrigin(a, .listed)
        let fields = [handle ?? id, name, description, location, url, language]
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        for f in fields {
            let start = bytes.count
            bytes.append(contentsOf: f.utf8)
            ranges.append(start..<bytes.count)
        }
        bytes.withUnsafeBytes { raw in
            func slice(_ i: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: raw[ranges[i]]) }
            var p = ProfileBytes()
            p.handle = slice(0); p.displayName = slice(1); p.description = slice(2)
            p.location = slice(3); p.profileURL = slice(4); p.language = slice(5)
            p.created = created; p.followers = followers; p.following = following
            builder.describe(a, p)
        }
        return a
    }

    mutating func post(_ a: Int32, at t: Int64, client: String = "", language: String = "") {
        var c = client, l = language
        _ = c.withUTF8 { cb in
            l.withUTF8 { lb in
                builder.addPost(key: UnsafeRawBufferPointer(start: nil, count: 0), account: a, time: t, kind: .original,
                                text: UnsafeRawBufferPointer(start: nil, count: 0), language: UnsafeRawBufferPointer(lb),
                                client: UnsafeRawBufferPointer(cb))
            }
        }
    }

    consuming func finish() -> Dataset { builder.finish(accounting: IngestAccounting()) }

    mutating func uniform(_ n: Int) -> Int { Int(gen.next() % UInt64(n)) }
    mutating func chance(_ p: Double) -> Bool { gen.unit() < p }

    // MARK: Scenarios

    static let start = CivilTime.days(year: 2019, month: 10, day: 1)
    static let end = CivilTime.days(year: 2020, month: 3, day: 31)
    /// Spring Festival 2020 as observed in China: Friday 24 January to Sunday 2 February.
    static let silence = CivilTime.days(year: 2020, month: 1, day: 24)...CivilTime.days(year: 2020, month: 2, day: 2)

    /// Office workers at UTC+8: weekdays 09–18 local with a lunch dip, sessions of a few posts
    /// minutes apart, minute-resolution times, silent over `silence`.
    mutating func office(_ count: Int, prefix: String = "office", client: String = "Twitter Web Client", language: String = "zh",
                         activeDays: Double = 1) -> [Int32] {
        var ids: [Int32] = []
        for k in 0..<count {
            let a = account("\(prefix)\(k)", handle: "\(prefix)_\(k)", name: "Office \(k)", created: CivilTime.seconds(year: 2019, month: 9, day: 1),
                            followers: 0, following: 3, language: "zh-cn")
            ids.append(a)
            for d in Self.start...Self.end where CivilTime.weekday(dayNumber: d) < 5 && !Self.silence.contains(d) {
                if activeDays < 1 && !chance(activeDays) { continue }
                let sessions = 1 + uniform(4)
                for _ in 0..<sessions {
                    // Local minute of the session start: mostly work hours, lunch at a third of the rate, a few evenings.
                    var minute: Int
                    let r = gen.unit()
                    if r < 0.04 { minute = (19 * 60) + uniform(3 * 60) }
                    else if r < 0.08 { minute = 12 * 60 + uniform(60) }
                    else {
                        minute = 9 * 60 + uniform(8 * 60)
                        if minute >= 12 * 60 { minute += 60 }
                    }
                    var t = Int64(d) * 86_400 + Int64(minute) * 60 - 8 * 3600
                    for _ in 0..<(1 + uniform(3)) {
                        post(a, at: t, client: client, language: language)
                        t += Int64(1 + uniform(12)) * 60
                    }
                }
            }
        }
        return ids
    }

    /// Ordinary users at UTC+8: weekday evenings and long weekends, Poisson-ish sessions.
    mutating func organic(_ count: Int) -> [Int32] {
        var ids: [Int32] = []
        for k in 0..<count {
            let a = account("organic\(k)", handle: "hk_user\(k)", name: "HK user \(k)", followers: 120, following: 200, language: "zh-tw")
            ids.append(a)
            for d in Self.start...Self.end {
                let weekend = CivilTime.weekday(dayNumber: d) >= 5
                let sessions = weekend ? uniform(5) : uniform(2)
                for _ in 0..<sessions {
                    let minute = weekend ? 10 * 60 + uniform(14 * 60) : 19 * 60 + uniform(5 * 60)
                    var t = Int64(d) * 86_400 + Int64(minute) * 60 - 8 * 3600
                    for _ in 0..<(1 + uniform(3)) {
                        post(a, at: t, client: "Twitter for iPhone", language: "zh")
                        t += Int64(1 + uniform(30)) * 60
                    }
                }
            }
        }
        return ids
    }

    /// Bots posting every 20 minutes (± 1 minute) around the clock, second-resolution times.
    mutating func bots(_ count: Int) -> [Int32] {
        var ids: [Int32] = []
        for k in 0..<count {
            let a = account("bot\(k)", handle: "newsbot\(k)", followers: 5, following: 0, language: "en")
            ids.append(a)
            var t = Int64(Self.start) * 86_400 + Int64(uniform(1200))
            let stop = Int64(Self.end) * 86_400
            while t < stop {
                post(a, at: t, client: "dlvr.it", language: "en")
                t += 1200 + Int64(uniform(121)) - 60
            }
        }
        return ids
    }
}
