import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// An answer of the server under simulation.
struct HTTPAnswer: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: ByteBuffer

    var isSuccess: Bool { (200..<300).contains(status) }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try Self.decoder.decode(type, from: Data(body.readableBytesView))
    }

    /// The problem's detail, or the start of the body, for a log line.
    var text: String { String(buffer: body).prefix(300).description }
}

/// HTTP/1.1 on one keep-alive loopback connection, one request at a time: the simulator
/// plays its events in order, so nothing here needs to be concurrent. A closed connection
/// is opened again for the next request.
final class SimulationHTTP {
    let host: String
    let port: Int
    private var connection: (channel: any Channel, handler: AnswerHandler)?

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    func send(_ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], json: (any Encodable)? = nil, form: String? = nil) async throws -> HTTPAnswer {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
        head.headers.add(name: "Host", value: "\(host):\(port)")
        head.headers.add(name: "Accept", value: "application/json")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        var body: ByteBuffer?
        if let json {
            body = ByteBuffer(bytes: try JSONEncoder().encode(json))
            head.headers.add(name: "Content-Type", value: "application/json")
        } else if let form {
            body = ByteBuffer(string: form)
            head.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        }
        head.headers.add(name: "Content-Length", value: "\(body?.readableBytes ?? 0)")
        let (channel, handler) = try await connected()
        let promise = channel.eventLoop.makePromise(of: HTTPAnswer.self)
        channel.eventLoop.execute { [head, body] in
            handler.expect(promise)
            channel.write(HTTPClientRequestPart.head(head), promise: nil)
            if let body { channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil) }
            channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        }
        do {
            return try await promise.futureResult.get()
        } catch {
            connection = nil
            try? await channel.close()
            throw error
        }
    }

    func close() async {
        if let connection { try? await connection.channel.close() }
        connection = nil
    }

    private func connected() async throws -> (any Channel, AnswerHandler) {
        if let connection, connection.channel.isActive { return connection }
        let handler = AnswerHandler()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .connect(host: host, port: port).get()
        connection = (channel, handler)
        return (channel, handler)
    }
}

/// Collects one response at a time; touched only on its channel's event loop.
private final class AnswerHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart

    private var promise: EventLoopPromise<HTTPAnswer>?
    private var head: HTTPResponseHead?
    private var body = ByteBuffer()

    func expect(_ promise: EventLoopPromise<HTTPAnswer>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
        case .body(var part):
            body.writeBuffer(&part)
        case .end:
            if let head { promise?.succeed(HTTPAnswer(status: Int(head.status.code), headers: head.headers, body: body)) }
            promise = nil
            head = nil
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise?.fail(ChannelError.ioOnClosedChannel)
        promise = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise?.fail(error)
        promise = nil
        context.close(promise: nil)
    }
}
