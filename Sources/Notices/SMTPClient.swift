import Foundation
import NIOCore
import NIOPosix

/// Where mail goes: a plain SMTP server (a local relay such as Postfix, which then takes
/// care of TLS, authentication and the recipient's domain), written `smtp://host:port`.
public struct SMTPConfiguration: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// The name this client gives in EHLO/HELO.
    public var clientName: String
    /// The longest wait for the connection and for each reply of the server. A whole
    /// conversation is seven steps, so it lasts at most eight times this.
    public var stepTimeout: Duration

    public init(host: String, port: Int = 25, clientName: String = "creneau.localhost", stepTimeout: Duration = .seconds(30)) {
        self.host = host
        self.port = port
        self.clientName = clientName
        self.stepTimeout = stepTimeout
    }

    /// `smtp://host[:port]`; nil for anything else (smtps and STARTTLS are the relay's job).
    public init?(url: String) {
        guard let components = URLComponents(string: url), components.scheme?.lowercased() == "smtp",
              let host = components.host, !host.isEmpty, components.path.isEmpty || components.path == "/",
              components.user == nil, components.query == nil
        else { return nil }
        let port = components.port ?? 25
        guard (1...65535).contains(port) else { return nil }
        self.init(host: host, port: port)
    }
}

/// Why a message was not handed over. `permanent` is the server's 5xx: sending the same
/// message again would be refused again (RFC 5321 §4.2.1).
public struct SMTPError: Error, Sendable, CustomStringConvertible {
    public var step: String
    public var code: Int?
    public var message: String

    public var permanent: Bool { (code ?? 0) >= 500 }

    public var description: String {
        "\(step): " + (code.map { "\($0) " } ?? "") + message
    }
}

/// An SMTP client on SwiftNIO that hands one message to one server per connection:
/// greeting, EHLO (HELO when the server does not know it), MAIL FROM, RCPT TO, DATA with
/// dot-stuffing, QUIT, each step under `stepTimeout`.
///
/// `send` returns once the server answered 250 to the message: from then on the server
/// owns it. SMTP has no way to make that hand-over and our own record of it one atomic
/// step, so the caller's "sent" can be lost after the server took the message (see
/// NoticeService.deliverDue for how such a second copy stays recognisable).
public struct SMTPClient: Sendable {
    public let configuration: SMTPConfiguration
    let group: any EventLoopGroup

    public init(_ configuration: SMTPConfiguration, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.group = group
    }

    public func send(_ message: MailMessage) async throws {
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(TimeAmount(configuration.stepTimeout))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(SMTPReplyHandler())
                    }
                }
                .connect(host: configuration.host, port: configuration.port)
                .get()
        } catch {
            throw SMTPError(step: "connect", message: "cannot reach \(configuration.host):\(configuration.port) (\(error))")
        }
        let conversation = Conversation(channel: channel, timeout: TimeAmount(configuration.stepTimeout))
        do {
            try await conversation.expect(220, to: nil, step: "greeting")
            let ehlo = try await conversation.reply(to: "EHLO \(configuration.clientName)", step: "EHLO")
            if ehlo.code != 250 {
                // A server from before ESMTP answers 500/502 to EHLO; HELO is the RFC 5321 fallback.
                try await conversation.expect(250, to: "HELO \(configuration.clientName)", step: "HELO")
            }
            try await conversation.expect(250, to: "MAIL FROM:<\(message.from)>", step: "MAIL FROM")
            let rcpt = try await conversation.reply(to: "RCPT TO:<\(message.to)>", step: "RCPT TO")
            guard rcpt.code == 250 || rcpt.code == 251 else { throw rcpt.error(step: "RCPT TO") }
            try await conversation.expect(354, to: "DATA", step: "DATA")
            try await conversation.expect(250, to: Self.dotStuffed(message.rendered) + "\r\n.", step: "message")
        } catch {
            try? await channel.close()
            throw error
        }
        // Delivered; a failed goodbye changes nothing.
        _ = try? await conversation.reply(to: "QUIT", step: "QUIT")
        try? await channel.close()
    }

    /// RFC 5321 §4.5.2: a line that starts with "." gets a second one, so no line of the
    /// message can end the DATA phase early.
    static func dotStuffed(_ text: String) -> String {
        text.split(separator: "\r\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(".") ? "." + $0 : String($0) }
            .joined(separator: "\r\n")
    }

    /// One command, one reply, each under the step timeout.
    struct Conversation {
        let channel: any Channel
        let timeout: TimeAmount

        func reply(to command: String?, step: String) async throws -> SMTPReply {
            let promise = channel.eventLoop.makePromise(of: SMTPReply.self)
            let timer = channel.eventLoop.scheduleTask(in: timeout) {
                promise.fail(SMTPError(step: step, message: "no answer within \(timeout.nanoseconds / 1_000_000_000) s"))
            }
            defer { timer.cancel() }
            let bytes = command.map { ByteBuffer(string: $0 + "\r\n") }
            channel.writeAndFlush(SMTPReplyHandler.Request(command: bytes, reply: promise)).whenFailure { error in
                promise.fail(SMTPError(step: step, message: "connection lost (\(error))"))
            }
            do {
                return try await promise.futureResult.get()
            } catch let error as SMTPError {
                throw error
            } catch {
                throw SMTPError(step: step, message: "connection lost (\(error))")
            }
        }

        func expect(_ code: Int, to command: String?, step: String) async throws {
            let reply = try await reply(to: command, step: step)
            guard reply.code == code else { throw reply.error(step: step) }
        }
    }
}

struct SMTPReply: Sendable, Equatable {
    var code: Int
    var lines: [String]

    func error(step: String) -> SMTPError {
        SMTPError(step: step, code: code, message: String(lines.joined(separator: " ").prefix(300)))
    }
}

/// Splits the server's bytes into replies (a multi-line reply is "250-…" lines closed by
/// "250 …") and matches them in order with the requests written through the pipeline. A
/// reply that arrives before anyone asks (the greeting) waits for its request.
final class SMTPReplyHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = Request
    typealias OutboundOut = ByteBuffer

    /// `command` nil waits for a reply without sending anything (the greeting).
    struct Request: Sendable {
        var command: ByteBuffer?
        var reply: EventLoopPromise<SMTPReply>
    }

    /// A server's line is at most 512 bytes (RFC 5321 §4.5.3.1.5); far more is not SMTP.
    private static let maxPending = 64 * 1024

    private var pending = ByteBuffer()
    private var lines: [String] = []
    private var waiting = CircularBuffer<EventLoopPromise<SMTPReply>>()
    private var arrived = CircularBuffer<SMTPReply>()
    private var failure: (any Error)?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        if let failure {
            request.reply.fail(failure)
            promise?.fail(failure)
            return
        }
        waiting.append(request.reply)
        if let command = request.command {
            context.write(wrapOutboundOut(command), promise: promise)
        } else {
            promise?.succeed()
        }
        match()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        pending.writeBuffer(&bytes)
        while let newline = pending.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
            let length = newline - pending.readerIndex
            var line = pending.readString(length: length) ?? ""
            pending.moveReaderIndex(forwardBy: 1)
            if line.hasSuffix("\r") { line.removeLast() }
            guard line.count >= 3, let code = Int(line.prefix(3)), (200...599).contains(code) else {
                fail(context: context, SMTPError(step: "reply", message: "not an SMTP reply: \(line.prefix(80))"))
                return
            }
            lines.append(String(line.dropFirst(4)))
            // "250-" continues the reply; "250 " or a bare "250" ends it.
            if line.count < 4 || line[line.index(line.startIndex, offsetBy: 3)] != "-" {
                arrived.append(SMTPReply(code: code, lines: lines))
                lines = []
            }
        }
        pending.discardReadBytes()
        if pending.readableBytes > Self.maxPending {
            fail(context: context, SMTPError(step: "reply", message: "the server sent an overlong line"))
            return
        }
        match()
    }

    func channelInactive(context: ChannelHandlerContext) {
        failWaiting(SMTPError(step: "reply", message: "the server closed the connection"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context: context, error)
    }

    private func match() {
        while !waiting.isEmpty, !arrived.isEmpty {
            waiting.removeFirst().succeed(arrived.removeFirst())
        }
    }

    private func fail(context: ChannelHandlerContext, _ error: any Error) {
        failWaiting(error)
        context.close(promise: nil)
    }

    private func failWaiting(_ error: any Error) {
        failure = failure ?? error
        while let promise = waiting.popFirst() { promise.fail(failure ?? error) }
    }
}
