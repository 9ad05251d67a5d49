import Hummingbird
import Logging
import Prometheus
import NIOCore
import Postgres

/// /healthz for load balancers and /metrics for Prometheus.
struct HealthController {
    let pool: PostgresPool

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/healthz", use: health)
        router.get("/metrics", use: metrics)
    }

    /// 200 only when the database answers: a balancer then routes around an
    /// instance that lost its database.
    @Sendable func health(_ request: Request, context: AppRequestContext) async throws -> Response {
        do {
            try await pool.query("SELECT 1")
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        } catch let error as PostgresError {
            context.logger.warning("health check failed: \(error)")
            return Response(
                status: .serviceUnavailable,
                headers: [.contentType: "application/json", .retryAfter: "1"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"status":"unavailable"}"#))
            )
        }
    }

    @Sendable func metrics(_ request: Request, context: AppRequestContext) async throws -> Response {
        let statistics = pool.statistics
        var text = MetricsRegistry.prometheus.emitToString()
        text += "# TYPE creneau_db_pool_idle_connections gauge\ncreneau_db_pool_idle_connections \(statistics.idle)\n"
        text += "# TYPE creneau_db_pool_waiting gauge\ncreneau_db_pool_waiting \(statistics.waiting)\n"
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }
}
