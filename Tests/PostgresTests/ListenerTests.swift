import Foundation
import Postgres
import ServiceLifecycle
import Testing
import TestSupport

@Suite("LISTEN/NOTIFY")
struct ListenerTests {
    @Test("notifications arrive on the channel subscribed to, in order, and not on others")
    func delivers() async throws {
        try await TestDatabase.withSchema(migrate: false) { db in
            let listener = PostgresListener(db.configuration)
            let stream = listener.notifications(channel: "orders:7")
            let other = listener.notifications(channel: "orders:8")
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await listener.run() }
                try await waitUntil { listener.isListening }
                for index in 1...3 {
                    try await db.pool.withConnection { try await $0.notify(channel: "orders:7", payload: "event \(index) ’quoted'") }
                }
                try await db.pool.withConnection { try await $0.notify(channel: "orders:8", payload: "elsewhere") }
                var received: [String] = []
                for await notification in stream {
                    received.append(notification.payload)
                    if received.count == 3 { break }
                }
                #expect(received == ["event 1 ’quoted'", "event 2 ’quoted'", "event 3 ’quoted'"])
                var iterator = other.makeAsyncIterator()
                #expect(await iterator.next()?.payload == "elsewhere")
                group.cancelAll()
            }
        }
    }
}
