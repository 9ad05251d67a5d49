import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Prometheus
import Testing
@testable import Web

@Suite("Request metrics")
struct RequestMetricsTests {
    /// The series of one route in the process-wide registry, as /metrics prints them.
    static func series(_ route: String) -> [String] {
        MetricsRegistry.prometheus.emitToString().split(separator: "\n").map(String.init)
            .filter { $0.contains(#"http_route="\#(route)""#) }
    }

    static func value(_ lines: [String], _ prefix: String) -> Double? {
        lines.first { $0.hasPrefix(prefix) }.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }
    }

    @Test("whole answers and streams are counted per route, method and status; a stream's duration is the stream's")
    func countsAndDurations() async throws {
        _ = MetricsRegistry.prometheus
        // Routes of this test alone: the registry is shared by every test of the process.
        let whole = "/metrics-test/whole/{id}", stream = "/metrics-test/stream", failing = "/metrics-test/failing"
        let router = Router()
        router.middlewares.add(RequestMetricsMiddleware())
        router.get("/metrics-test/whole/:id") { _, context -> Response in
            let id = try context.parameters.require("id")
            return Response(status: id == "missing" ? .notFound : .ok, body: .init(byteBuffer: ByteBuffer(string: "whole \(id)")))
        }
        router.get(RouterPath(stream)) { _, _ -> Response in
            Response(status: .ok, body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: "first\n"))
                try await Task.sleep(for: .milliseconds(300))
                try await writer.write(ByteBuffer(string: "second\n"))
                try await writer.finish(nil)
            })
        }
        router.get(RouterPath(failing)) { _, _ -> Response in throw HTTPError(.badRequest) }
        let app = Application(router: router)
        try await app.test(.router) { client in
            for id in ["a", "b", "missing"] {
                try await client.execute(uri: "/metrics-test/whole/\(id)", method: .get) { response in
                    #expect(String(buffer: response.body) == "whole \(id)")
                }
            }
            try await client.execute(uri: stream, method: .get) { response in
                #expect(String(buffer: response.body) == "first\nsecond\n")
            }
            try await client.execute(uri: failing, method: .get) { response in
                #expect(response.status == .badRequest)
            }
        }
        let wholeSeries = Self.series(whole)
        #expect(Self.value(wholeSeries, #"hb_requests{http_route="\#(whole)",http_request_method="GET",http_response_status_code="200"}"#) == 2)
        #expect(Self.value(wholeSeries, #"hb_requests{http_route="\#(whole)",http_request_method="GET",http_response_status_code="404"}"#) == 1)
        let streamSeries = Self.series(stream)
        #expect(Self.value(streamSeries, #"hb_requests{http_route="\#(stream)",http_request_method="GET",http_response_status_code="200"}"#) == 1)
        // Counted once written: the 300 ms between its two parts are in its duration.
        let streamSeconds = try #require(Self.value(streamSeries, #"http_server_request_duration_sum{http_route="\#(stream)""#))
        #expect(streamSeconds >= 0.3)
        let failingSeries = Self.series(failing)
        #expect(Self.value(failingSeries, #"hb_request_errors{http_route="\#(failing)",http_request_method="GET",error_type="400"}"#) == 1)
        #expect(Self.value(failingSeries, #"hb_requests{http_route="\#(failing)",http_request_method="GET",http_response_status_code="400"}"#) == 1)
    }
}
