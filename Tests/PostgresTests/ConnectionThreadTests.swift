import Synchronization
import Testing
@testable import Postgres

private final class Tally: Sendable {
    let count = Atomic<Int>(0)
}

@Suite("Connection thread")
struct ConnectionThreadTests {
    // A lost wake-up leaves a job waiting forever: the time limit turns that into a failure.
    @Test("work sent from many tasks at once, to a thread asleep or busy, all runs there and none is lost", .timeLimit(.minutes(1)))
    func noLostWakeUps() async throws {
        let thread = ConnectionThread()
        defer { thread.stop() }
        let ran = Tally()
        for round in 0..<50 {
            // Every other round starts after a pause, so the thread is asleep when the first job arrives.
            if round.isMultiple(of: 2) { try await Task.sleep(for: .milliseconds(2)) }
            let here = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        try await thread.run {
                            ran.count.add(1, ordering: .relaxed)
                            return thread.isCurrent
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(here == Array(repeating: true, count: 16))
        }
        #expect(ran.count.load(ordering: .relaxed) == 50 * 16)
    }

    @Test("after stop, work still sent to the thread runs on the shared pool")
    func afterStop() async throws {
        let thread = ConnectionThread()
        #expect(try await thread.run { thread.isCurrent })
        thread.stop()
        try await Task.sleep(for: .milliseconds(20))
        #expect(try await thread.run { !thread.isCurrent })
    }
}
