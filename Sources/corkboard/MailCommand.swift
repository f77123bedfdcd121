import ArgumentParser
import Corkboard
import Foundation
import MariaDB

/// `corkboard mail`: what operators need around the outbox: list, show, retry dead mail, and
/// queue a test message to check the relay end to end.
struct MailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mail",
        abstract: "Inspect and retry queued and dead-lettered mail.",
        subcommands: [List.self, Show.self, Retry.self, SendTest.self])

    /// The outbox on the configured primary.
    static func store(_ options: GlobalOptions, label: String) -> OutboxStore {
        let (config, logger) = options.load(label: label)
        return OutboxStore(database: Database(config: config.database, logger: logger))
    }

    static func stamp(_ date: Date?) -> String {
        guard let date else { return "-" }
        return ISO8601DateFormatter().string(from: date)
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List outbox rows, newest first.")
        @OptionGroup var options: GlobalOptions

        @Option(help: "Only rows in this state: pending, sent or dead.")
        var status: OutboxEntry.Status?

        @Option(help: "At most this many rows.")
        var limit = 50

        @Flag(help: "One JSON object per line (id, kind, recipient, subject, message_id, status, attempts, next_attempt_at, last_error, created_at, sent_at).")
        var json = false

        func validate() throws {
            guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 100000") }
        }

        func run() throws {
            try report {
                let store = MailCommand.store(options, label: "corkboard.mail")
                let rows = try store.list(status: status, limit: limit)
                if json {
                    for e in rows { print(try MailCommand.jsonLine(e)) }
                    return
                }
                let counts = try store.counts()
                print(OutboxEntry.Status.allCases.map { "\($0.rawValue) \(counts[$0] ?? 0)" }.joined(separator: ", "))
                for e in rows {
                    let when = e.status == .pending ? "next \(MailCommand.stamp(e.nextAttemptAt))"
                        : e.status == .sent ? "sent \(MailCommand.stamp(e.sentAt))" : "since \(MailCommand.stamp(e.nextAttemptAt))"
                    print("\(e.id)\t\(e.status.rawValue)\tattempts \(e.attempts)\t\(when)\t\(e.kind)\t\(e.recipient)\t\(e.subject.prefix(60))")
                    if e.status != .sent, let error = e.lastError { print("\t\(error)") }
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one row and the message exactly as the mailer sends it.")
        @OptionGroup var options: GlobalOptions

        @Argument(help: "The outbox row's id.")
        var id: Int64

        func run() throws {
            try report {
                let (config, logger) = options.load(label: "corkboard.mail")
                let store = OutboxStore(database: Database(config: config.database, logger: logger))
                guard let e = try store.entry(id: id) else { throw ValidationError("no outbox row \(id)") }
                print("""
                    id:              \(e.id)
                    kind:            \(e.kind)
                    status:          \(e.status.rawValue)
                    attempts:        \(e.attempts)
                    created_at:      \(MailCommand.stamp(e.createdAt))
                    next_attempt_at: \(MailCommand.stamp(e.nextAttemptAt))
                    sent_at:         \(MailCommand.stamp(e.sentAt))
                    last_error:      \(e.lastError ?? "-")

                    """)
                do {
                    print(String(decoding: try e.message(from: config.mail.from).render(), as: UTF8.self))
                } catch {
                    print("(cannot be rendered: \(error))")
                }
            }
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put dead mail back in the queue (pending, due now, attempts reset).")
        @OptionGroup var options: GlobalOptions

        @Argument(help: "The dead row's id.")
        var id: Int64?

        @Flag(help: "Every dead row.")
        var allDead = false

        func validate() throws {
            guard (id == nil) != !allDead else { throw ValidationError("give either an ID or --all-dead") }
        }

        func run() throws {
            try report {
                let store = MailCommand.store(options, label: "corkboard.mail")
                let n = try store.retryDead(id: allDead ? nil : id)
                if let id, !allDead, n == 0 {
                    let state = try store.entry(id: id).map { "is \($0.status.rawValue), not dead" } ?? "does not exist"
                    throw ValidationError("outbox row \(id) \(state)")
                }
                print("\(n) message\(n == 1 ? "" : "s") queued again")
            }
        }
    }
}

extension OutboxEntry.Status: ExpressibleByArgument {}
