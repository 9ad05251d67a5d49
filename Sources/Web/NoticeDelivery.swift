import AsyncAlgorithms
import Domain
import Logging
import Notices
import ServiceLifecycle

/// Writes the "come now" reminders and e-mails due notices, every `interval`. Without a
/// mailer (no CRENEAU_SMTP_URL) notices are still written and shown on the order page;
/// only the e-mail is off, which the log says once at start.
struct NoticeDelivery: Service {
    let notices: NoticeService
    let mailer: Mailer?
    let logger: Logger
    var clock: WallClock = .system
    var interval: Duration = .seconds(10)

    func run() async throws {
        if let mailer {
            logger.info("notices are e-mailed", metadata: [
                "smtp": "\(mailer.client.configuration.host):\(mailer.client.configuration.port)", "from": "\(mailer.from)",
            ])
        } else {
            logger.notice("e-mail is off (CRENEAU_SMTP_URL is not set): notices are shown on order pages only")
        }
        for await _ in AsyncTimerSequence(interval: interval, clock: .continuous).cancelOnGracefulShutdown() {
            await round()
        }
    }

    /// Writes the reminders now due, then e-mails what is due (when a mailer is set).
    func round() async {
        await WallClock.$current.withValue(clock) { await roundOnClock() }
    }

    private func roundOnClock() async {
        do {
            let reminders = try await notices.enqueueComeNow()
            if reminders > 0 { logger.info("come-now notices written", metadata: ["count": "\(reminders)"]) }
            guard let mailer else { return }
            // A full batch means more are due: keep going until the backlog is drained.
            var report: DeliveryReport
            repeat {
                report = try await notices.deliverDue(via: mailer)
                if report.total > 0 {
                    logger.info("notices delivered", metadata: [
                        "sent": "\(report.sent)", "retrying": "\(report.retrying)",
                        "failed": "\(report.failed)", "no_address": "\(report.noAddress)",
                    ])
                }
            } while report.total >= NoticeService.batchSize && !Task.isShuttingDownGracefully
        } catch {
            // The database may be restarting; the next tick tries again, and leased notices come back.
            logger.warning("notice round failed: \(error)")
        }
    }
}
