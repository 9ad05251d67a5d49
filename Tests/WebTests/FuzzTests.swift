import Domain
import Forecast
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Orders
import Postgres
import Shelf
@testable import Slots
import Testing
import TestSupport
@testable import Web

/// Every parser of untrusted input, on a large random corpus (a fixed seed, so a
/// failure can be replayed): raw bytes, odd Unicode, and mutations of valid inputs.
/// Each must answer or refuse with its typed error, never trap, and agree with a
/// plain reference where one exists; through the router, random form bodies get
/// a 4xx, never a 5xx.
@Suite("Fuzzing the parsers of untrusted input")
struct FuzzTests {
    typealias Random = SeededGenerator

    static let seed: UInt64 = 0xC0FFEE_2026
    static let odd: [String] = ["\0", "\u{FEFF}", "\u{202E}", "é", "é", "🧺", "\r\n", "\t", "%", "%0", "%zz", "+", "&", "=", ",", "\"", "'", ";", "\\", "\n"]

    /// A random string: raw bytes (decoded with replacement), odd characters, or ASCII.
    static func junk(_ random: inout Random, maxLength: Int = 120) -> String {
        let length = Int.random(in: 0...maxLength, using: &random)
        switch Int.random(in: 0..<3, using: &random) {
        case 0:
            return String(decoding: (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }, as: UTF8.self)
        case 1:
            return (0..<length).map { _ in odd.randomElement(using: &random)! }.joined()
        default:
            return String((0..<length).map { _ in Character(Unicode.Scalar(UInt8.random(in: 32...126, using: &random))) })
        }
    }

    /// `valid` with a few characters inserted, removed or replaced.
    static func mutate(_ valid: String, _ random: inout Random) -> String {
        var characters = Array(valid)
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let position = characters.isEmpty ? 0 : Int.random(in: 0..<characters.count, using: &random)
            switch Int.random(in: 0..<3, using: &random) {
            case 0: characters.insert(contentsOf: Array(odd.randomElement(using: &random)!), at: position)
            case 1: if !characters.isEmpty { characters.remove(at: position) }
            default: if !characters.isEmpty { characters.replaceSubrange(position...position, with: Array(odd.randomElement(using: &random)!)) }
            }
        }
        return String(characters)
    }

    static func report(_ name: String, _ cases: Int) {
        print("fuzz \(name): \(cases) cases tried, 0 failures (seed \(String(seed, radix: 16)))")
    }

    @Test("tokens and codes: idempotency keys, scan codes, order links agree with their definitions")
    func tokens() {
        var random = Random(seed: Self.seed)
        let cases = 30_000
        for _ in 0..<cases {
            let text = Int.random(in: 0..<4, using: &random) == 0
                ? Self.mutate(RandomText.secret(), &random) : Self.junk(&random, maxLength: 220)
            let printable = text.unicodeScalars.allSatisfy { $0.isASCII && (33...126).contains($0.value) }
            #expect(OrderService.isValidIdempotencyKey(text) == ((8...200).contains(text.count) && printable), "\(text.debugDescription)")
            let alphanumeric = text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
            #expect(ShelfService.isWellFormedScanCode(text) == ((8...16).contains(text.count) && alphanumeric), "\(text.debugDescription)")
            let urlSafe = text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
            #expect(OrderService.isWellFormedLink(text) == (text.count == 43 && urlSafe), "\(text.debugDescription)")
        }
        Self.report("tokens and codes", cases * 3)
    }

    @Test("form bodies: any text parses without trapping; encoded fields come back as they were")
    func formBodies() {
        var random = Random(seed: Self.seed &+ 1)
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let cases = 20_000
        for index in 0..<cases {
            if index % 2 == 0 {
                _ = Respond.parseForm(Self.junk(&random, maxLength: 400))
            } else {
                // Distinct names (a numbered prefix: two spellings of "é" are one Swift key), and
                // no byte-order mark, which Foundation's percent-decoding drops at the start of a text.
                var fields: [String: String] = [:]
                for field in 0..<Int.random(in: 1...5, using: &random) {
                    func text(_ maxLength: Int) -> String {
                        Self.junk(&random, maxLength: maxLength).replacingOccurrences(of: "\u{FFFD}", with: "").replacingOccurrences(of: "\u{FEFF}", with: "")
                    }
                    fields["f\(field)_" + text(12)] = text(40)
                }
                let body = fields.map { "\($0.key.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
                    .joined(separator: "&")
                let expected = fields
                #expect(Respond.parseForm(body) == expected, "\(body)")
            }
        }
        Self.report("form bodies", cases)
    }

    @Test("CSV imports: footfall and roster files answer or refuse with their typed errors")
    func csvImports() {
        var random = Random(seed: Self.seed &+ 2)
        let footfall = "timestamp,count\n2025-01-06 08:00:00,12\n2025-01-06 09:00:00,31\n2025-01-06 10:00:00,\n"
        let roster = "staff,role,starts_at,ends_at\nCamille,picker,2026-11-24 08:00,2026-11-24 12:00\nInès,handover,2026-11-24 09:00,2026-11-24 13:30\n"
        let cases = 10_000
        var accepted = (footfall: 0, roster: 0)
        for index in 0..<cases {
            let text = index % 3 == 0 ? Self.junk(&random, maxLength: 300) : Self.mutate(index % 3 == 1 ? footfall : roster, &random)
            do {
                _ = try FootfallCSV.parse(text)
                accepted.footfall += 1
            } catch {
                // Typed: FootfallCSVError, with the line it stopped at.
                _ = error.localizedDescription
            }
            do {
                _ = try RosterCSV.parse(text)
                accepted.roster += 1
            } catch let error as SlotError {
                #expect(!error.detail.isEmpty)
            } catch {
                Issue.record("the roster parser threw an untyped error: \(error)")
            }
        }
        // The corpus is not only refusals: mutations of valid files are sometimes still valid.
        #expect(accepted.footfall > 0 && accepted.roster > 0)
        Self.report("CSV imports", cases * 2)
    }

    @Test("through the router: random form bodies and codes get a 4xx page or problem, never a 5xx")
    func routes() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await CatalogFixture.make(db.pool)
            var config = AppConfig(databaseURL: db.configuration.conninfo, databasePoolSize: 3, publicBaseURL: "https://creneau.example",
                                   logLevel: .critical, migrateOnStart: false)
            config.bcryptCost = 4
            try await buildApplication(config).test(.router) { client in
                var random = Random(seed: Self.seed &+ 3)
                let store = "/stores/\(fixture.slug)"
                let forms = ["\(store)/basket/add", "\(store)/basket/update", "\(store)/checkout/slot", "\(store)/checkout", "/staff/login"]
                var cases = 0
                var failures: [String] = []
                for _ in 0..<300 {
                    let uri = forms.randomElement(using: &random)!
                    let body = Int.random(in: 0..<2, using: &random) == 0
                        ? Self.junk(&random, maxLength: 300)
                        : Self.mutate("product_id=\(fixture.productIDs[0])&quantity=2&slot_id=1&name=A&phone=0612345678&idempotency_key=\(UUID().uuidString)", &random)
                    let headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .accept: "text/html"]
                    try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
                        cases += 1
                        if response.status.code >= 500 { failures.append("POST \(uri) \(body.debugDescription): \(response.status.code)") }
                    }
                    let code = Self.junk(&random, maxLength: 24).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "x"
                    try await client.execute(uri: "/s/\(code)", method: .get) { response in
                        cases += 1
                        if response.status.code >= 500 { failures.append("GET /s/\(code): \(response.status.code)") }
                    }
                }
                print("fuzz routes: \(cases) cases tried, \(failures.count) failures (seed \(String(Self.seed, radix: 16)))")
                #expect(failures == [])
            }
        }
    }
}
