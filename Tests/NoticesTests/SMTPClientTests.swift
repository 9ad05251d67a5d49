import Foundation
import Notices
import Testing
import TestSupport

/// The SMTP client against a real SMTP server (aiosmtpd), whose Python email package
/// decodes what arrived: an independent reader of our headers and encodings.
@Suite("SMTP client")
struct SMTPClientTests {
    static let from = MailAddress("commandes@creneau.example")!

    static func message(to: String, subject: String = "Votre commande K7M-4Q2 est prête", body: String = "Bonjour,\nC’est prêt.") -> MailMessage {
        MailMessage(
            from: from, fromName: "Créneau Rivoli", to: MailAddress(to)!, subject: subject, body: body,
            date: ISO8601DateFormatter().date(from: "2026-01-12T08:22:00Z")!, messageID: "notice.1.42@creneau.example"
        )
    }

    static func client(_ sink: SMTPSink, timeout: Duration = .seconds(10)) -> SMTPClient {
        SMTPClient(SMTPConfiguration(host: "127.0.0.1", port: sink.port, stepTimeout: timeout))
    }

    @Test("a French message arrives whole: headers, encoded subject, quoted-printable body, dot-stuffed lines")
    func deliversFrenchText() async throws {
        // Long enough for several encoded words; a body with what each encoding must survive:
        // lines starting with ".", a lone ".", a line longer than 76 characters, trailing spaces, "=".
        let subject = "Votre créneau du lundi 12 janvier est à risque — choisissez-en un autre, sans frais"
        let body = """
            Bonjour,

            .Une ligne qui commence par un point
            .
            Prix = 12,50 € · « guillemets » · ligne très longue qui dépasse nettement soixante-seize caractères pour voir le découpage réversible
            Espaces en fin de ligne   
            Fin.
            """
        try await SMTPSink.with { sink in
            try await Self.client(sink).send(Self.message(to: "camille@example.org", subject: subject, body: body))
            let received = try sink.messages()
            try #require(received.count == 1)
            let mail = received[0]
            #expect(mail.mailFrom == "commandes@creneau.example")
            #expect(mail.rcptTos == ["camille@example.org"])
            #expect(mail.subject == subject)
            #expect(mail.rawSubject.hasPrefix("=?UTF-8?B?"))
            #expect(mail.body == body + "\n")
            #expect(mail.charset == "utf-8")
            #expect(mail.headers["Message-ID"] == "<notice.1.42@creneau.example>")
            #expect(mail.headers["Date"] == "Mon, 12 Jan 2026 08:22:00 +0000")
            #expect(mail.headers["From"] == "Créneau Rivoli <commandes@creneau.example>")
            #expect(mail.headers["To"] == "camille@example.org")
            #expect(mail.headers["MIME-Version"] == "1.0")
            #expect(mail.headers["Content-Transfer-Encoding"] == "quoted-printable")
            #expect(mail.headers["Auto-Submitted"] == "auto-generated")
            // 7-bit clean, and no line over the 76 characters of RFC 2045 and RFC 2047.
            #expect(mail.raw.unicodeScalars.allSatisfy { $0.value < 128 })
            #expect(mail.raw.components(separatedBy: "\r\n").allSatisfy { $0.count <= 76 })
        }
    }

    @Test("a server that does not know EHLO is greeted with HELO")
    func heloFallback() async throws {
        try await SMTPSink.with(.noEHLO) { sink in
            try await Self.client(sink).send(Self.message(to: "camille@example.org"))
            #expect(try sink.messages().map(\.subject) == ["Votre commande K7M-4Q2 est prête"])
        }
    }

    @Test("a 5xx refusal is permanent, a 4xx is not, and neither delivers anything")
    func refusals() async throws {
        try await SMTPSink.with { sink throws in
            let client = Self.client(sink)
            let rejected = await #expect(throws: SMTPError.self) { try await client.send(Self.message(to: "reject@example.org")) }
            #expect(rejected?.code == 550)
            #expect(rejected?.step == "RCPT TO")
            #expect(rejected?.permanent == true)
            let deferred = await #expect(throws: SMTPError.self) { try await client.send(Self.message(to: "tempfail@example.org")) }
            #expect(deferred?.code == 451)
            #expect(deferred?.permanent == false)
            #expect(try sink.messages().isEmpty)
        }
    }

    @Test("no server, or one that never answers, is a transient failure within the step timeout")
    func unreachableAndSilent() async throws {
        let down = try await SMTPSink.start()
        down.stop()
        defer { down.close() }
        let refused = await #expect(throws: SMTPError.self) { try await Self.client(down).send(Self.message(to: "camille@example.org")) }
        #expect(refused?.step == "connect")
        #expect(refused?.permanent == false)

        try await SMTPSink.with(.silent) { sink in
            let start = ContinuousClock.now
            let silent = await #expect(throws: SMTPError.self) {
                try await Self.client(sink, timeout: .milliseconds(500)).send(Self.message(to: "camille@example.org"))
            }
            #expect(silent?.step == "greeting")
            #expect(silent?.permanent == false)
            // Well under the default step timeout (30 s), with room for a machine that stalls for seconds.
            #expect(ContinuousClock.now - start < .seconds(20))
        }
    }

    @Test("only smtp://host[:port] configures a server")
    func configuration() {
        #expect(SMTPConfiguration(url: "smtp://127.0.0.1:2525") == SMTPConfiguration(host: "127.0.0.1", port: 2525))
        #expect(SMTPConfiguration(url: "smtp://mail.example.org")?.port == 25)
        for bad in ["smtps://mail.example.org", "http://mail.example.org", "smtp://", "smtp://h:0", "smtp://user@h:25", "mail.example.org:25"] {
            #expect(SMTPConfiguration(url: bad) == nil, "\(bad)")
        }
        #expect(MailAddress("a@b.fr") != nil)
        for bad in ["a b@c.fr", "a@b", "<a@b.fr>", "a@b.fr\r\nRCPT TO:<x@y.fr>", "@b.fr", "a@b@c.fr"] {
            #expect(MailAddress(bad) == nil, "\(bad)")
        }
    }
}
