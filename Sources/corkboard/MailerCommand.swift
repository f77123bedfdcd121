import ArgumentParser
import Corkboard
import FastCGI
import Logging
import Foundation
import MariaDB

/// `corkboard mailer`: the outbox's delivery service (systemd/corkboard-mailer.service).
struct MailerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mailer",
        abstract: "Deliver queued mail from the outbox over SMTP (a long-running service).",
        discussion: """
            Claims due rows from the outbox on the primary, sends each to the relay (smtp_host, \
            smtp_port, smtp_starttls, smtp_user), and marks it sent, schedules a retry with \
            exponential back-off, or marks it dead after mail_max_attempts. Several mailers may run \
            at once. SIGTERM or SIGINT: the current message finishes, then it exits 0.
            """)

    @OptionGroup var options: GlobalOptions

    @Flag(help: "Deliver what is due now and exit (for tests and cron) instead of running as a service.")
    var once = false

    func run() throws {
        // Before anything else, so a signal can never interrupt a transfer half-way.
        let stop = StopSignal()
        let (config, logger, database) = options.database(label: "corkboard.mailer")
        do {
            let mailer = try Mailer(config: config.mail, database: database, stop: stop, logger: logger)
            mailer.counters = MailerCommand.counters(config: config, logger: logger)
            let summary = try mailer.run(once: once)
            if once {
                print("sent \(summary.sent), retry later \(summary.retried), dead \(summary.dead)")
            }
        } catch {
            logger.error("mailer failed", metadata: ["error": "\(String(reflecting: error))"])
            FileHandle.standardError.write(Data("corkboard: mailer failed: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// The mailer's counters file in `metrics_dir`, so /metrics reports mail sent and failed;
    /// nil (counted nowhere) when metrics_dir is off or another mailer of the host holds it.
    static func counters(config: Config, logger: Logger) -> SharedCounters? {
        guard let path = config.metrics.boardPath("mailer") else { return nil }
        do {
            try FileManager.default.createDirectory(atPath: config.metrics.directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o750])
            return SharedCounters(board: try Scoreboard.create(slots: 0, path: path))
        } catch {
            logger.warning("mail is not counted for /metrics", metadata: ["error": "\(error)"])
            return nil
        }
    }
}
