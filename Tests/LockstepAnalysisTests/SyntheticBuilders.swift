import LockstepCore

/// Helpers that build seeded synthetic datasets in tests, with `String`s instead of byte buffers.
extension DatasetBuilder {
    mutating func post(_ account: Int32, _ time: Int64, _ text: String, language: String = "", client: String = "",
                       hashtags: [String] = []) {
        var t = text, l = language, c = client
        t.withUTF8 { tb in
            l.withUTF8 { lb in
                c.withUTF8 { cb in
                    _ = addPost(key: UnsafeRawBufferPointer(start: nil, count: 0), account: account, time: time, kind: .original,
                                text: UnsafeRawBufferPointer(tb), language: UnsafeRawBufferPointer(lb), client: UnsafeRawBufferPointer(cb))
                }
            }
        }
        for h in hashtags {
            var s = h
            s.withUTF8 { addHashtag(UnsafeRawBufferPointer($0)) }
        }
    }

    mutating func profile(_ account: Int32, created: Int64, language: String, followers: Int32 = 10) {
        var l = language, h = accountKeyForTests(account)
        l.withUTF8 { lb in
            h.withUTF8 { hb in
                var p = ProfileBytes()
                p.handle = UnsafeRawBufferPointer(hb)
                p.language = UnsafeRawBufferPointer(lb)
                p.created = created
                p.followers = followers
                describe(account, p)
            }
        }
        markOrigin(account, .listed)
    }

    private func accountKeyForTests(_ a: Int32) -> String { "user\(a)" }
}

/// Seconds of a calendar date and hour, UTC.
func at(_ y: Int, _ m: Int, _ d: Int, _ h: Int = 0, _ mi: Int = 0) -> Int64 {
    CivilTime.seconds(year: y, month: m, day: d, hour: h, minute: mi)
}

extension SeededGenerator {
    mutating func int(_ range: Range<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0..<items.count)] }
}
