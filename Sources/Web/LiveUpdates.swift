import AsyncAlgorithms
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Postgres
import ServiceLifecycle

/// Server-sent events fed by PostgreSQL LISTEN/NOTIFY. The database announces
/// changes at commit (triggers of sql/007_console.sql), whichever server
/// instance made them, so every instance's pages stay in step. An event says
/// only "this changed": the page fetches itself again, so a missed event costs
/// nothing but freshness, and no data leaves through the stream.
struct LiveUpdates: Sendable {
    let listener: PostgresListener
    static let storeChannel = "creneau_store"
    static let orderChannel = "creneau_order"
    /// A stream is closed after this long; EventSource reconnects by itself. Keeps
    /// every connection bounded and lets a restarted server shed its clients.
    let maxDuration: Duration
    /// Keeps proxies from closing an idle stream, and notices a gone client.
    var heartbeat: Duration { min(.seconds(15), maxDuration) }

    init(_ dependencies: AppDependencies) {
        self.listener = dependencies.listener
        self.maxDuration = dependencies.config.liveStreamLimit
    }

    func store(_ storeID: Int64) -> Response {
        stream(channel: Self.storeChannel, payload: String(storeID))
    }

    func order(storeID: Int64, orderID: UUID) -> Response {
        stream(channel: Self.orderChannel, payload: "\(storeID):\(orderID.uuidString.lowercased())")
    }

    private enum Tick: Sendable { case change, heartbeat }

    private func stream(channel: String, payload: String) -> Response {
        let notifications = listener.notifications(channel: channel)
        let heartbeat = self.heartbeat
        let maxDuration = self.maxDuration
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-store"
        // Tells nginx-style proxies not to buffer the stream.
        headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await writer.write(ByteBuffer(string: "retry: 2000\n: connected\n\n"))
            let changes = notifications.filter { $0.payload == payload }.map { _ in Tick.change }
            let beats = AsyncTimerSequence(interval: heartbeat, clock: .continuous).map { _ in Tick.heartbeat }
            let deadline = ContinuousClock.now + maxDuration
            for await tick in merge(changes, beats).cancelOnGracefulShutdown() {
                switch tick {
                case .change: try await writer.write(ByteBuffer(string: "event: change\ndata: \(channel)\n\n"))
                case .heartbeat: try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                }
                if ContinuousClock.now >= deadline { break }
            }
            try await writer.finish(nil)
        })
    }
}
