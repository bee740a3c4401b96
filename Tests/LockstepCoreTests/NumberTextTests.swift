import Foundation
import Testing
@testable import LockstepCore

@Suite struct NumberTextTests {
    @Test(arguments: [
        (0.25, 3, "0.25"),  // trailing zero dropped
        (1.0, 3, "1"),  // whole number
        (-1.5, 3, "-1.5"),  // negative
        (0.0004, 3, "0"),  // rounds to zero, no minus sign
        (-0.0004, 3, "0"),  // negative zero
        (12.3456, 1, "12.3"),  // one decimal
        (0.1 + 0.2, 6, "0.3"),  // binary noise rounded away
        (1e20, 3, "1e+20"),  // past 64-bit scaling: Swift's own form, never a trap
        (Double.nan, 3, ""),  // not a number: an empty cell
        (-Double.infinity, 3, ""),
    ] as [(Double, Int, String)])
    func decimal(value: Double, places: Int, expected: String) {
        #expect(NumberText.decimal(value, places: places) == expected)
    }

    @Test func tiesFollowTheChosenRule() {
        #expect(NumberText.decimal(2.5, places: 0) == "3")
        #expect(NumberText.decimal(0.125, places: 2) == "0.13")
        #expect(NumberText.decimal(0.125, places: 2, rounding: .toNearestOrEven) == "0.12")
        #expect(NumberText.decimal(-0.125, places: 2, rounding: .toNearestOrEven) == "-0.12")
        #expect(NumberText.decimal(-0.125, places: 2) == "-0.13")
    }

    /// Any finite value reads back within half a unit of the last place kept, give or take the
    /// rounding of `x × 10^places` itself (ties are decided on that product, not on `x`'s exact
    /// binary value: -320276.5845365 gives …537 at six places).
    @Test func decimalReadsBack() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let mantissa = Double(state >> 11) / Double(1 << 53) - 0.5
            let x = mantissa * pow(10, Double(Int(state % 13)) - 4)
            for places in [1, 3, 6] {
                let text = NumberText.decimal(x, places: places)
                let back = try #require(Double(text), "\(x) gave \(text)")
                #expect(abs(back - x) <= 0.5 * pow(10, -Double(places)) + abs(x) * 0x1p-52, "\(x) → \(text)")
                #expect(!text.contains("e") && !(text.contains(".") && text.hasSuffix("0")), "\(x) → \(text)")
            }
        }
    }

    @Test func shortestAndRounded() {
        #expect(NumberText.shortest(3) == "3")
        #expect(NumberText.shortest(0.125) == "0.125")
        #expect(NumberText.shortest(.nan) == "nan")
        #expect(NumberText.shortest(.infinity) == "inf")  // `Int(inf)` trapped in the copy this replaced
        #expect(NumberText.rounded(1 / 3, places: 3) == "0.333")
        #expect(NumberText.rounded(11.6, places: 0) == "12")
        #expect(NumberText.rounded(0.96, places: 1) == "1")
    }

    @Test func significantAndGrouped() {
        #expect(NumberText.significant(1 / 3) == "0.333333")
        #expect(NumberText.significant(42) == "42")
        #expect(NumberText.significant(1.5e-9) == "1.5e-09")
        #expect(NumberText.significant(-.infinity) == "-inf")
        #expect(NumberText.grouped(0) == "0")
        #expect(NumberText.grouped(999) == "999")
        #expect(NumberText.grouped(1_000) == "1,000")
        #expect(NumberText.grouped(-1_234_567) == "-1,234,567")
        #expect(NumberText.grouped(Int.min) == "-9,223,372,036,854,775,808")  // `abs` trapped here
    }
}
