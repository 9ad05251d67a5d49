import ArgumentParser
import Foundation
import Notices
import Web

struct NoticesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notices",
        abstract: "Customer notices (ready, slot at risk, come now).",
        subcommands: [DeliverNotices.self]
    )
}

/// What the server does every few seconds, once, for an operator: after an SMTP outage,
/// or where the server runs without e-mail and another host sends.
struct DeliverNotices: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliver",
        abstract: "Write due come-now notices and e-mail every due notice once (env CRENEAU_SMTP_URL, CRENEAU_MAIL_FROM), then exit."
    )

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await database.withPool { pool, config, logger in
            guard let mailer = try config.mailer() else {
                FileHandle.standardError.write(Data("error: set CRENEAU_SMTP_URL (smtp://host:port) and CRENEAU_MAIL_FROM to e-mail notices\n".utf8))
                throw ExitCode.failure
            }
            let notices = NoticeService(pool: pool, logger: logger)
            let reminders = try await notices.enqueueComeNow()
            var total = DeliveryReport()
            var round: DeliveryReport
            repeat {
                round = try await notices.deliverDue(via: mailer)
                total = total + round
            } while round.total >= NoticeService.batchSize
            print("Wrote \(reminders) come-now notices; sent \(total.sent), to retry \(total.retrying), failed \(total.failed), without e-mail address \(total.noAddress).")
        }
    }
}
