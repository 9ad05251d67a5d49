import Foundation
import Postgres
import Synchronization

/// The sessions this server has just read, kept for a few seconds so that a busy console's
/// requests do not each read their session again (one statement in two of a claim). Kept
/// only while the listener hears `channel`, which the database notifies whenever what a
/// session may do changes (sql/010_staff_access_notify.sql: signed out, account disabled,
/// roles, store), whoever changed it; a notification, a lost listening connection or a
/// change made through this server forgets everything kept. An answer read while any of
/// these happened is not kept. Only valid sessions are kept: unknown tokens cost memory
/// nothing.
final class SessionCache: Sendable {
    static let channel = "creneau_staff_access"
    /// Beyond it an answer is read again even if nothing was heard (a notification is
    /// the rule; this bounds what an unforeseen writer could leave standing).
    static let defaultLifetime: Duration = .seconds(5)
    static let capacity = 10_000

    typealias Found = (session: StaffSession, store: StoreAccess?)

    struct Key: Hashable {
        var token: String
        var storeSlug: String?
    }

    /// What an answer was read under: the listener's count for the channel and this cache's own.
    struct Generation: Equatable {
        var heard: UInt64
        var local: UInt64
    }

    private struct Entry {
        var found: Found
        var generation: Generation
        var until: ContinuousClock.Instant
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var local: UInt64 = 0
    }

    private let heard: @Sendable () -> UInt64?
    private let lifetime: Duration
    private let state = Mutex(State())

    /// Without a listener nothing is kept (the CLI, tests of the service alone).
    convenience init(listener: PostgresListener?, lifetime: Duration = defaultLifetime) {
        listener?.watch(Self.channel)
        self.init(lifetime: lifetime) { listener?.generation(of: Self.channel) }
    }

    init(lifetime: Duration, heard: @escaping @Sendable () -> UInt64?) {
        self.lifetime = lifetime
        self.heard = heard
    }

    /// Read before the database is: nil when nothing may be kept now.
    func generation() -> Generation? {
        guard let heard = heard() else { return nil }
        return Generation(heard: heard, local: state.withLock { $0.local })
    }

    func found(_ key: Key) -> Found? {
        guard let current = generation() else { return nil }
        return state.withLock { state in
            guard let entry = state.entries[key] else { return nil }
            guard entry.generation == current, entry.until > .now else {
                state.entries[key] = nil
                return nil
            }
            return entry.found
        }
    }

    /// Keeps `found`, read under `generation`, until `expiresAt` (the session's end) at the latest.
    func keep(_ found: Found, for key: Key, readUnder generation: Generation, expiresAt: Date) {
        let untilEnd = Duration.milliseconds(Int64(max(0, expiresAt.timeIntervalSinceNow) * 1000))
        let until = ContinuousClock.now + min(lifetime, untilEnd)
        guard self.generation() == generation else { return }
        state.withLock { state in
            guard state.local == generation.local else { return }
            if state.entries.count >= Self.capacity { state.entries.removeAll() }
            state.entries[key] = Entry(found: found, generation: generation, until: until)
        }
    }

    /// After a change made through this server: forgotten at once, without waiting for the
    /// notification to come back.
    func forgetAll() {
        state.withLock { state in
            state.local &+= 1
            state.entries.removeAll()
        }
    }
}
