import Domain
import Foundation
@testable import Orders
@testable import Picking
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

    static func randomTask(_ random: inout SeededGenerator) -> PickingTask {
        let strings = ["Lait demi-écrémé", "A/3", "quote \" and \\ back", "tab\tnew\nline\u{1}", "é œ 🛒", "", "Marie D."]
        func instant() -> Date { Date(timeIntervalSince1970: Double(Int.random(in: 1_700_000_000...1_900_000_000, using: &random))) }
        func text() -> String { strings.randomElement(using: &random)! }
        let lines = (0..<Int.random(in: 0...6, using: &random)).map { number in
            PickingLine(
                lineNo: number + 1, productID: Int64.random(in: 1...1_000_000, using: &random), name: text(), brand: text(), sizeText: text(),
                aisle: text(), walkSequence: Int.random(in: 0...500, using: &random), orderedQuantity: Int.random(in: 1...99, using: &random),
                pickedQuantity: Int.random(in: 0...99, using: &random), unitPriceCents: Int.random(in: 0...100_000, using: &random),
                status: [LineStatus.pending, .picked, .substituted, .missing].randomElement(using: &random)!,
                substitute: Bool.random(using: &random) ? nil : Substitute(
                    productID: Int64.random(in: 1...1_000_000, using: &random), name: text(),
                    quantity: Int.random(in: 1...9, using: &random), unitPriceCents: Int.random(in: 0...100_000, using: &random)
                )
            )
        }
        let claimed = Bool.random(using: &random)
        return PickingTask(
            taskID: Int64.random(in: 1...Int64.max, using: &random), storeID: Int64.random(in: 1...1000, using: &random),
            orderID: UUID(), orderNumber: text(), zone: TemperatureZone.allCases.randomElement(using: &random)!,
            status: [TaskStatus.queued, .claimed, .picked, .staged].randomElement(using: &random)!, dueAt: instant(),
            orderLines: Int.random(in: 1...60, using: &random), toteLabel: text(),
            claimedBy: claimed ? text() : nil, claimedAt: claimed ? instant() : nil, lastProgressAt: claimed ? instant() : nil,
            claimCount: Int.random(in: 0...9, using: &random), stagingLocation: Bool.random(using: &random) ? text() : nil, lines: lines
        )
    }

    @Test("picking tasks, the claim and batch answers: the same bytes as JSONEncoder, null task included, for 1,000 random tasks")
    func tasksMatchTheEncoder() throws {
        var random = SeededGenerator(seed: 20261124)
        func same(_ value: some Encodable & JSONWriting) throws {
            var output = JSONOutput()
            value.writeJSON(to: &output)
            #expect(String(decoding: output.bytes, as: UTF8.self) == String(decoding: try Respond.encoder.encode(value), as: UTF8.self))
        }
        try same(ConsoleAPI.ClaimAnswer(task: nil))
        try same(ConsoleAPI.BatchAnswer(tasks: []))
        for _ in 0..<500 {
            try same(ConsoleAPI.ClaimAnswer(task: Self.randomTask(&random)))
            try same(ConsoleAPI.BatchAnswer(tasks: (0..<Int.random(in: 1...3, using: &random)).map { _ in Self.randomTask(&random) }))
        }
    }

    @Test("a placed order's answer (kept on its idempotency key, read back on replay): the same bytes as JSONEncoder for 1,000 random orders")
    func placedOrdersMatchTheEncoder() throws {
        var random = SeededGenerator(seed: 20261125)
        let strings = ["placed", "A3F-29K", "quote \" and \\ back", "a/b", "é œ 🛒", ""]
        for _ in 0..<1_000 {
            let start = Date(timeIntervalSince1970: Double(Int.random(in: 1_700_000_000...1_900_000_000, using: &random)))
            let order = PlacedOrder(
                orderID: UUID(), orderNumber: strings.randomElement(using: &random)!, link: strings.randomElement(using: &random)!,
                pickupCode: strings.randomElement(using: &random)!, status: strings.randomElement(using: &random)!,
                subtotalCents: Int.random(in: 0...1_000_000, using: &random), feeCents: Int.random(in: -5...1_000, using: &random),
                totalCents: Int.random(in: Int.min...Int.max, using: &random), slotStart: start, slotEnd: start.addingTimeInterval(1800)
            )
            let written = OrderService.encode(order)
            #expect(written == String(decoding: try Respond.encoder.encode(order), as: UTF8.self))
            #expect(try OrderService.decoder.decode(PlacedOrder.self, from: Data(written.utf8)) == order)
        }
    }

    @Test("string maps (timeline details, bound as jsonb): JSONDecoder reads back every one of 1,000 random maps, keys in order")
    func stringMapsReadBack() throws {
        var random = SeededGenerator(seed: 20261126)
        let strings = ["note", "total", "slot_start", "a/b", "quote \" and \\ back", "tab\tnew\nline\u{1}", "é œ 🛒", "", "Z", "0"]
        for _ in 0..<1_000 {
            var map: [String: String] = [:]
            for _ in 0..<Int.random(in: 0...6, using: &random) { map[strings.randomElement(using: &random)!] = strings.randomElement(using: &random)! }
            let written = String(json: map)
            #expect(try JSONDecoder().decode([String: String].self, from: Data(written.utf8)) == map)
            if map.keys.allSatisfy({ $0.allSatisfy(\.isASCII) }) {
                #expect(written == String(decoding: try Respond.encoder.encode(map), as: UTF8.self))
            }
        }
    }
}
