import Domain
import Foundation
import Slots
import Testing
import TestSupport
@testable import Web

/// Hot-path types write their own JSON; it must be what JSONEncoder would have sent.
@Suite("JSON writing")
struct JSONWritingTests {
    static func randomOffer(_ random: inout SeededGenerator) -> SlotOffer {
        let start = Date(timeIntervalSince1970: Double(Int.random(in: 1_700_000_000...1_900_000_000, using: &random) / 60 * 60))
        let doubles: [Double] = [0, 1, 0.1, 2.5, 1e-7, 123456789.125, 1e21, -0.0, 0.30000000000000004, Double(Int.random(in: 0...10_000, using: &random)) / 7]
        let strings = ["low", "medium", "high", "past-cutoff", "a/b", "quote \" and \\ back", "tab\tnew\nline\u{1}", "é œ 🛒", ""]
        return SlotOffer(
            slotID: Int64.random(in: 1...Int64.max, using: &random), start: start, end: start.addingTimeInterval(900),
            feeCents: Int.random(in: -5...100_000, using: &random), remainingOrders: Int.random(in: 0...500, using: &random),
            remainingMinutes: doubles.randomElement(using: &random)!, busyness: strings.randomElement(using: &random)!,
            expectedWaitMinutes: doubles.randomElement(using: &random)!, available: Bool.random(using: &random),
            unavailableReason: Bool.random(using: &random) ? nil : strings.randomElement(using: &random)!
        )
    }

    @Test("slot offers: the same bytes as JSONEncoder with sorted keys and ISO 8601 dates, for 2,000 random offers and the empty list")
    func offersMatchTheEncoder() throws {
        var random = SeededGenerator(seed: 20261123)
        for size in [0, 1, 2, 7, 60] {
            for _ in 0..<(size == 0 ? 1 : 2_000 / size / 5) {
                let offers = (0..<size).map { _ in Self.randomOffer(&random) }
                var output = JSONOutput()
                offers.writeJSON(to: &output)
                let expected = String(decoding: try Respond.encoder.encode(offers), as: UTF8.self)
                #expect(String(decoding: output.bytes, as: UTF8.self) == expected)
            }
        }
    }
}
