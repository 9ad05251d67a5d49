import Logging
import ServiceLifecycle
import Synchronization

/// LISTEN/NOTIFY on one dedicated connection, shared by every subscriber in
/// this process. Notifications come out as AsyncStreams; a lost connection
/// is reopened and every channel listened to again, so subscribers live on
/// across a database restart (notifications sent while it was down are lost,
/// which is why consumers re-read state when they reconnect).
public final class PostgresListener: Service, Sendable {
    private let configuration: PostgresConfiguration
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var subscribers: [String: [Int: AsyncStream<PostgresNotification>.Continuation]] = [:]
        var pendingChannels: Set<String> = []
        var nextID = 0
        var stopped = false
        var connected = false
        /// Watched channels and the count of what happened on each (notifications, lost connections).
        var generations: [String: UInt64] = [:]
        /// Channels LISTENed to on the current connection.
        var listening: Set<String> = []
    }

    public init(_ configuration: PostgresConfiguration, logger: Logger = Logger(label: "creneau.postgres.listen")) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Notifications on `channel` from now until the stream is dropped.
    public func notifications(channel: String) -> AsyncStream<PostgresNotification> {
        let (stream, continuation) = AsyncStream<PostgresNotification>.makeStream(bufferingPolicy: .bufferingNewest(1024))
        let id = state.withLock { state -> Int in
            state.nextID += 1
            if state.subscribers[channel] == nil { state.pendingChannels.insert(channel) }
            state.subscribers[channel, default: [:]][state.nextID] = continuation
            return state.nextID
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { state in
                state.subscribers[channel]?[id] = nil
                if state.subscribers[channel]?.isEmpty == true { state.subscribers[channel] = nil }
            }
        }
        return stream
    }

    /// True once the listening connection is up (tests wait for it before notifying).
    public var isListening: Bool {
        state.withLock { $0.connected && $0.pendingChannels.isEmpty }
    }

    /// Listens to `channel` for as long as the listener runs, without a subscriber: what
    /// `generation(of:)` counts.
    public func watch(_ channel: String) {
        state.withLock { state in
            guard state.generations[channel] == nil else { return }
            state.generations[channel] = 0
            state.pendingChannels.insert(channel)
        }
    }

    /// A number that changes whenever a watched `channel` is notified or the connection
    /// listening to it is lost; nil while it is not being listened to. Something read from
    /// the database while it stayed the same is still what the database says, as far as
    /// what notifies the channel goes.
    public func generation(of channel: String) -> UInt64? {
        state.withLock { state in
            state.connected && state.listening.contains(channel) ? state.generations[channel] : nil
        }
    }

    /// How the listener's connection names itself to PostgreSQL (pg_stat_activity), so that
    /// a running server can be recognised by it.
    public static func applicationName(_ configuration: PostgresConfiguration) -> String {
        configuration.applicationName + "-listen"
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.listenLoop()
        }
        stop()
    }

    private func listenLoop() async {
        var connection: PostgresConnection?
        while !Task.isCancelled {
            do {
                if connection == nil {
                    let configuration = self.configuration
                    connection = try await PostgresConnection.open(
                        conninfo: configuration.conninfo,
                        applicationName: Self.applicationName(configuration),
                        usePreparedStatements: false
                    )
                    // Every channel is listened to again on a new connection.
                    state.withLock {
                        $0.pendingChannels.formUnion($0.subscribers.keys)
                        $0.pendingChannels.formUnion($0.generations.keys)
                    }
                    logger.debug("listener connected")
                }
                guard let current = connection else { continue }
                let channels = state.withLock { state -> Set<String> in
                    defer { state.pendingChannels.removeAll() }
                    return state.pendingChannels
                }
                let notifications = try await current.thread.run {
                    for channel in channels { try current.listen(channel) }
                    // Short waits so new channels and shutdown are noticed promptly.
                    return try current.waitForNotifications(timeout: 100)
                }
                state.withLock {
                    $0.connected = true
                    $0.listening.formUnion(channels)
                }
                deliver(notifications)
            } catch {
                if connection != nil { logger.warning("listener connection lost: \(error)") }
                connection = nil
                state.withLock { state in
                    state.connected = false
                    state.listening.removeAll()
                    // What was notified while down is lost: whatever counted on it must read again.
                    for channel in state.generations.keys { state.generations[channel]! &+= 1 }
                }
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    private func deliver(_ notifications: [PostgresNotification]) {
        guard !notifications.isEmpty else { return }
        let targets = state.withLock { state in
            notifications.map { notification in
                if let generation = state.generations[notification.channel] {
                    state.generations[notification.channel] = generation &+ 1
                }
                return (notification, Array((state.subscribers[notification.channel] ?? [:]).values))
            }
        }
        for (notification, continuations) in targets {
            for continuation in continuations { continuation.yield(notification) }
        }
    }

    private func stop() {
        let all = state.withLock { state in
            state.stopped = true
            defer { state.subscribers.removeAll() }
            return state.subscribers.values.flatMap(\.values)
        }
        for continuation in all { continuation.finish() }
    }
}

extension PostgresSession {
    /// NOTIFY with a bound payload (NOTIFY itself takes no parameters).
    public func notify(channel: String, payload: String) async throws {
        try await query("SELECT pg_notify(\(channel), \(payload))")
    }
}
