import Domain
import Foundation
import Testing

@Suite("Random text")
struct RandomTextTests {
    @Test("a random UUID is version 4 with the RFC 4122 variant, written as Foundation writes one, and never repeats")
    func uuids() {
        var seen = Set<UUID>()
        for _ in 0..<10_000 {
            let uuid = RandomText.uuid()
            let text = uuid.uuidString
            #expect(UUID(uuidString: text) == uuid)
            let characters = Array(text)
            #expect(characters[14] == "4", "\(text)")
            #expect("89AB".contains(characters[19]), "\(text)")
            seen.insert(uuid)
        }
        #expect(seen.count == 10_000)
    }
}
