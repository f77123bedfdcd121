import Foundation
import Logging
import MariaDB

/// `corkboard mailer`: delivers the outbox over SMTP, at least once and never as two different
/// messages.
///
/// Each round claims due rows (see `OutboxStore.claim`), sends each one outside any transaction,
/// then marks it sent, schedules a retry with back-off, or marks it dead after
/// `mail_max_attempts` (or at once when the relay refuses it for good, a 5xx). A crash between
/// the SMTP transfer and the mark leaves the row pending under its lease; after the lease it is
/// sent again as the same bytes with the same Message-ID, which receivers deduplicate.
/// Everything runs on the primary. A stop signal lets the current message finish.
public final class Mailer {
    /// What a run did, for `--once` and the logs.
    public struct Summary: Sendable, Equatable {
        public var sent = 0
        public var retried = 0
        public var dead = 0
    }

    public let config: MailConfig
    public var logger: Logger
    private let store: OutboxStore
    private let client: SMTPClient
    private let backoff: Backoff
    private let stop: StopSignal
    /// Where deliveries and failed attempts are counted for /metrics (the mailer's own
    /// counters file); nil counts nothing.
    public var counters: SharedCounters?

    public init(config: MailConfig, database: Database, stop: StopSignal, logger: Logger) throws {
        self.config = config
        self.logger = logger
        self.store = OutboxStore(database: database)
        self.client = try SMTPClient(config: config)
        self.backoff = Backoff(base: config.backoffBase, max: config.backoffMax)
        self.stop = stop
    }

    /// Runs until a stop signal (or, with `once`, until nothing is due). A database error ends a
    /// `once` run; the service logs it and tries again after the poll interval.
    public func run(once: Bool) throws -> Summary {
        var summary = Summary()
        logger.info("mailer started", metadata: ["relay": "\(config.url)", "once": "\(once)"])
        while !stop.isRequested {
            let batch: [OutboxEntry]
            do {
                batch = try store.claim(limit: config.batch, leaseSeconds: config.lease)
            } catch {
                if once { throw error }
                logger.error("cannot claim mail", metadata: ["error": "\(String(reflecting: error))"])
                stop.sleep(seconds: Double(config.pollInterval))
                continue
            }
            if batch.isEmpty {
                if once { break }
                stop.sleep(seconds: Double(config.pollInterval))
                continue
            }
            do {
                try deliver(batch, into: &summary)
            } catch {
                if once { throw error }
                logger.error("cannot record a delivery", metadata: ["error": "\(String(reflecting: error))"])
                stop.sleep(seconds: Double(config.pollInterval))
            }
        }
        logger.info("mailer stopped", metadata: ["sent": "\(summary.sent)", "retried": "\(summary.retried)", "dead": "\(summary.dead)"])
        return summary
    }

    /// Sends a claimed batch in order. Rows left when a stop signal arrives are given back, due
    /// at once, so a restart (or another mailer) sends them without waiting out the lease.
    private func deliver(_ batch: [OutboxEntry], into summary: inout Summary) throws {
        var leaseEnds = ContinuousClock.now + .seconds(config.lease)
        for (index, entry) in batch.enumerated() {
            if stop.isRequested {
                try store.release(ids: batch[index...].map(\.id))
                logger.info("stopping: gave back the rest of the batch", metadata: ["rows": "\(batch.count - index)"])
                return
            }
            // Renew before a send could outlast the lease, so no other mailer takes these rows meanwhile.
            if ContinuousClock.now + .seconds(config.timeout + 1) > leaseEnds {
                try store.renewLease(ids: batch[index...].map(\.id), leaseSeconds: config.lease)
                leaseEnds = ContinuousClock.now + .seconds(config.lease)
            }
            var log = logger
            log[metadataKey: "outbox_id"] = "\(entry.id)"
            log[metadataKey: "message_id"] = "\(entry.messageID)"
            log[metadataKey: "kind"] = "\(entry.kind)"
            log[metadataKey: "attempt"] = "\(entry.attempts)"
            let message = entry.message(from: config.from)
            let bytes: [UInt8]
            let sender: String
            do {
                bytes = try message.render()
                sender = try message.envelopeFrom
            } catch {
                try fail(entry, reason: "cannot build the message: \(error)", permanent: true, log: log, into: &summary)
                continue
            }
            do {
                try client.send(from: sender, to: entry.recipient, message: bytes)
            } catch let failure {
                try fail(entry, reason: failure.description, permanent: failure.isPermanent, log: log, into: &summary)
                if failure.isRelayUnreachable {
                    // Every other row would fail the same way now: defer them all, each by its own back-off.
                    for rest in batch[(index + 1)...] {
                        try fail(rest, reason: failure.description, permanent: false, log: log, into: &summary)
                    }
                    return
                }
                continue
            }
            if config.testExitAfterSend {
                // TEST ONLY (mailer_test_exit_after_send): a crash between the transfer and the mark.
                log.warning("mailer_test_exit_after_send: exiting after the SMTP transfer, before marking the row sent")
                _exit(99)
            }
            try store.markSent(id: entry.id)
            summary.sent += 1
            counters?.add(SharedCounters.Index.mailSent)
            log.info("sent", metadata: ["bytes": "\(bytes.count)"])
        }
    }

    /// A failed attempt: dead when permanent or out of attempts, else due again after the back-off.
    private func fail(_ entry: OutboxEntry, reason: String, permanent: Bool, log: Logger, into summary: inout Summary) throws {
        counters?.add(SharedCounters.Index.mailFailed)
        if permanent || entry.attempts >= config.maxAttempts {
            try store.markDead(id: entry.id, error: reason)
            summary.dead += 1
            log.error("dead", metadata: ["outbox_id": "\(entry.id)", "message_id": "\(entry.messageID)",
                                         "attempts": "\(entry.attempts)", "error": "\(reason)"])
        } else {
            let delay = backoff.delay(afterAttempt: entry.attempts)
            try store.scheduleRetry(id: entry.id, delay: delay, error: reason)
            summary.retried += 1
            log.warning("send failed; will retry", metadata: ["outbox_id": "\(entry.id)", "message_id": "\(entry.messageID)",
                                                             "attempts": "\(entry.attempts)", "retry_in_s": "\(Int(delay.rounded()))",
                                                             "error": "\(reason)"])
        }
    }
}
