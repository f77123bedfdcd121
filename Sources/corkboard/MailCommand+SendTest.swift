import ArgumentParser
import Corkboard
import Foundation
import MariaDB

extension MailCommand {
    /// `corkboard mail send-test`: queues messages through the same outbox as the site, to check
    /// the relay end to end (and to feed the tests and the throughput bench).
    struct SendTest: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "send-test",
            abstract: "Queue a test message (kind `test`) for the mailer to deliver.")
        @OptionGroup var options: GlobalOptions

        @Option(help: "The recipient's address.")
        var to: String

        @Option(help: "The subject.")
        var subject = "Corkboard test message"

        @Option(help: "The body text.")
        var body = "This is a test message from Corkboard's mailer.\n"

        @Option(help: "Queue this many copies (each its own message), in one transaction.")
        var count = 1

        func validate() throws {
            guard MailAddress.isValid(to) else { throw ValidationError("--to must be an address such as someone@example.org") }
            guard (1...100_000).contains(count) else { throw ValidationError("--count must be between 1 and 100000") }
        }

        func run() throws {
            try report {
                let (config, logger, database) = options.database(label: "corkboard.mail")
                let domain = Outbox.domain(ofSiteURL: config.siteURL)
                let ids = try database.transaction { conn in
                    try (0..<count).map { _ in
                        try Outbox.enqueue(conn, kind: "test", to: to, subject: subject, body: body, domain: domain)
                    }
                }
                for id in ids { print(id) }
            }
        }
    }
}

extension MailCommand {
    /// One row as a JSON line for `mail list --json` (scripts and tests).
    static func jsonLine(_ e: OutboxEntry) throws -> String {
        let object: [String: Any] = [
            "id": e.id, "kind": e.kind, "recipient": e.recipient, "subject": e.subject,
            "message_id": e.messageID, "status": e.status.rawValue, "attempts": e.attempts,
            "next_attempt_at": stamp(e.nextAttemptAt), "last_error": e.lastError ?? NSNull(),
            "created_at": stamp(e.createdAt), "sent_at": e.sentAt.map(stamp) ?? NSNull(),
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
