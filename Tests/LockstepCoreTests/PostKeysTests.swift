import Testing
@testable import LockstepCore

@Suite struct PostKeysTests {
    @Test(arguments: [
        "1380242611781386245",   // a tweet id: kept as a number
        "0",                     // the one canonical number with a leading zero
        "007",                   // leading zeros: kept as bytes, so it reads back as given
        "18446744073709551616",  // 20 digits, beyond UInt64: bytes
        "q2SMGvHasu+nugbpNMDCjr2qlZp3FCiGYDLht+gW5pw=",  // a hashed id
        "-5",                    // a sign: bytes
    ])
    func idsReadBackExactlyAsGiven(id: String) {
        var i = PostKeyInterner()
        var s = id
        let k = s.withUTF8 { i.intern(UnsafeRawBufferPointer($0)) }
        let again = s.withUTF8 { i.intern(UnsafeRawBufferPointer($0)) }
        #expect(k == again && i.count == 1)
        #expect(i.table[k] == id)
    }

    @Test func numbersAndBytesShareOneDenseIDSpaceAndMerge() {
        var a = PostKeyInterner(), b = PostKeyInterner()
        let ids = (0..<5000).map { $0 % 3 == 0 ? "x\($0)" : String(1_000_000_000_000 + $0) }
        for (n, id) in ids.enumerated() {
            var s = id
            let k = s.withUTF8 { a.intern(UnsafeRawBufferPointer($0)) }
            #expect(Int(k) == n)
        }
        for id in ids.reversed() { var s = id; _ = s.withUTF8 { b.intern(UnsafeRawBufferPointer($0)) } }
        let map = a.absorb(b.table)
        #expect(a.count == ids.count)
        for k in 0..<b.count { #expect(a.table[map[k]] == b.table[Int32(k)]) }
    }
}
