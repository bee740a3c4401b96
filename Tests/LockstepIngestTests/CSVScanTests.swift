import Foundation
import Testing
@testable import LockstepCore
@testable import LockstepIngest

/// The scanner's byte-level helpers against plain reference implementations on seeded random
/// input: they take shortcuts (SIMD lanes, eight-byte words, whole-chunk checks) whose edges —
/// word boundaries, the last few bytes, sequences cut at the end — are where bugs hide.
@Suite struct CSVScanTests {
    /// Random bytes biased towards what matters: quotes, line breaks, ASCII, UTF-8 lead and
    /// continuation bytes, and the bytes that make sequences overlong or surrogates.
    func randomBytes(_ n: Int, _ g: inout SeededGenerator) -> [UInt8] {
        let interesting: [UInt8] = [34, 10, 13, 44, 65, 0x80, 0xBF, 0x9F, 0xA0, 0xC0, 0xC2, 0xDF, 0xE0, 0xE4, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF]
        return (0..<n).map { _ in
            Int.random(in: 0..<3, using: &g) == 0 ? interesting.randomElement(using: &g)! : UInt8.random(in: 0...127, using: &g)
        }
    }

    @Test func utf8CheckAgreesWithStringDecoding() {
        var g = SeededGenerator(seed: 11)
        var valid = 0
        for round in 0..<6000 {
            // Up to a few 16-byte blocks: the whole-chunk check works a block at a time.
            var bytes = randomBytes(Int.random(in: 0..<(round % 3 == 0 ? 300 : 70), using: &g), &g)
            // Half the cases are valid text with a multi-byte tail, so both answers are exercised.
            if round % 2 == 0 { bytes = Array(String(decoding: bytes, as: UTF8.self).utf8) + Array("香港".utf8.prefix(round % 7)) }
            let expected = String(validating: bytes, as: UTF8.self) != nil
            let got = bytes.withUnsafeBufferPointer { CSVScan.isValidUTF8($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) }
            let first = bytes.withUnsafeBufferPointer { $0.baseAddress.map { CSVScan.firstInvalidUTF8($0, bytes.count) } ?? nil }
            #expect(got == expected, "\(bytes.map { String($0, radix: 16) })")
            #expect((first == nil) == expected)
            if expected { valid += 1 }
        }
        #expect(valid > 800 && valid < 5200)  // both answers well represented
    }

    /// Long valid text, Chinese and English, with one byte changed: every kind of damage, at every
    /// offset within a 16-byte block and across block edges, must be found.
    @Test func utf8CheckFindsOneDamagedByte() {
        var g = SeededGenerator(seed: 13)
        let words = ["香港", "police", "示威", "😀", "é", "a", "𝄞", "防疫 news"]
        let replacements: [UInt8] = [0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xE0, 0xED, 0xF0, 0xF4, 0xF5, 0xFF, 0x41, 0xA0, 0x9F, 0x90, 0x8F]
        var checked = 0
        for _ in 0..<3000 {
            var text = ""
            for _ in 0..<Int.random(in: 1..<60, using: &g) { text += words.randomElement(using: &g)! + " " }
            var bytes = Array(text.utf8)
            #expect(bytes.withUnsafeBufferPointer { CSVScan.isValidUTF8($0.baseAddress!, $0.count) })
            let at = Int.random(in: 0..<bytes.count, using: &g)
            bytes[at] = replacements.randomElement(using: &g)!
            let expected = String(validating: bytes, as: UTF8.self) != nil
            let got = bytes.withUnsafeBufferPointer { CSVScan.isValidUTF8($0.baseAddress!, $0.count) }
            #expect(got == expected, "byte \(at) of \(bytes.count): \(bytes.map { String($0, radix: 16) })")
            if !expected { checked += 1 }
        }
        #expect(checked > 1500)
    }

    @Test func byteCountsAgreeWithCountingOneByOne() {
        var g = SeededGenerator(seed: 12)
        for _ in 0..<500 {
            let bytes = randomBytes(Int.random(in: 0..<20_000, using: &g), &g)
            for target: UInt8 in [34, 10] {
                let expected = bytes.reduce(0) { $0 + ($1 == target ? 1 : 0) }
                let got = bytes.withUnsafeBufferPointer { b in b.baseAddress.map { CSVScan.countByte($0, b.count, target) } ?? 0 }
                #expect(got == expected)
            }
        }
        // Every byte a match: each of the 32 lane counters reaches 255 before it is folded, and
        // every length leaves a different tail of words and bytes.
        for n in [8_160, 8_161, 8_167, 8_168, 8_191, 20_000] {
            let bytes = [UInt8](repeating: 10, count: n)
            #expect(bytes.withUnsafeBufferPointer { CSVScan.countByte($0.baseAddress!, n, 10) } == n)
            #expect(bytes.withUnsafeBufferPointer { CSVScan.countByte($0.baseAddress!, n, 0x8A) } == 0)
        }
    }
}
