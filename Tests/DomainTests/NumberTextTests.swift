import Domain
import Foundation
import Testing

@Suite("Number text")
struct NumberTextTests {
    @Test("fixed decimals are written exactly as String(format:) writes them, on 20,000 random values and the edge cases")
    func sameAsStringFormat() {
        var random = SplitMix64(seed: 20261124)
        var values: [Double] = [0, -0.0, 0.05, 0.15, 0.25, 0.35, 2.5, -2.5, 1e-9, 123456789.125, 1e21, 1e300, -1e300,
                                .infinity, -.infinity, .nan, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        for _ in 0..<20_000 {
            switch Int.random(in: 0...2, using: &random) {
            case 0: values.append(Double(Int.random(in: -100_000...100_000, using: &random)) / 100)
            case 1: values.append(Double.random(in: -1_000...1_000, using: &random))
            default: values.append(Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &random)))
            }
        }
        for value in values {
            for places in [0, 1, 2, 3, 9] {
                #expect(NumberText.fixed(value, places: places) == String(format: "%.\(places)f", value), "\(value) with \(places) places")
            }
        }
    }
}
