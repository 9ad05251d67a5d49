import Domain
import Foundation
@testable import Orders
import Testing
import TestSupport

@Suite("Contact checks")
struct ContactTests {
    @Test("the compiled phone and e-mail patterns accept exactly what String.range(of:options: .regularExpression) accepted, on 20,000 random texts")
    func compiledPatternsMatchAsBefore() {
        var random = SeededGenerator(seed: 20261124)
        let pieces = ["+", "0", "6", "12", " ", "@", ".", "a", "b.c", "é", "\n", "\t", "\u{2028}", "\u{A0}", "x@y.z", "06 12 34 56 78", "-", "\\", "🛒"]
        let patterns = [
            (Contact.phonePattern, #"^\+?[0-9 ]{6,20}$"#),
            (Contact.emailPattern, #"^[^@\s]+@[^@\s]+\.[^@\s]+$"#),
        ]
        var accepted = [0, 0]
        for _ in 0..<10_000 {
            let text = (0..<Int.random(in: 0...12, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            for (index, (compiled, pattern)) in patterns.enumerated() {
                let before = text.range(of: pattern, options: .regularExpression) != nil
                #expect(compiled.matches(text) == before, "\(pattern) on \(text.debugDescription)")
                if before { accepted[index] += 1 }
            }
        }
        // Both patterns accept some of the texts, so the comparison covers both answers.
        #expect(accepted.allSatisfy { $0 > 50 }, "accepted \(accepted)")
    }

    @Test("a contact needs a name and a well-formed phone or e-mail")
    func validation() throws {
        try Contact(name: "Marie", phone: "+33 6 12 34 56 78", email: nil).validate()
        try Contact(name: "Marie", phone: nil, email: "marie@example.org").validate()
        #expect(throws: OrderError.self) { try Contact(name: "Marie", phone: "12345", email: nil).validate() }
        #expect(throws: OrderError.self) { try Contact(name: "Marie", phone: nil, email: "marie@example").validate() }
        #expect(throws: OrderError.self) { try Contact(name: "Marie", phone: nil, email: "ma rie@example.org").validate() }
        #expect(throws: OrderError.self) { try Contact(name: "", phone: "0612345678", email: nil).validate() }
    }
}
