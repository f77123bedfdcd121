import Foundation
import MariaDB

/// One row of `outbox`, as the mailer and `corkboard mail` see it.
public struct OutboxEntry: Sendable {
    /// Where a row is in its life: waiting (or being retried), delivered, or given up on.
    public enum Status: String, Sendable, CaseIterable {
        case pending, sent, dead
    }

    public var id: Int64
    public var kind: String
    public var recipient: String
    /// Where replies go, when not to the From address (contact messages: the viewer).
    public var replyTo: String?
    public var subject: String
    public var body: String
    public var messageID: String
    public var status: Status
    /// Delivery attempts begun so far (bumped when a mailer claims the row).
    public var attempts: Int
    public var nextAttemptAt: Date
    /// Why the last attempt failed: curl's reason and the relay's reply code, never secrets.
    public var lastError: String?
    public var createdAt: Date
    public var sentAt: Date?

    /// The columns `init(row:)` reads, for SELECTs.
    static let columns: SQL = """
        id, kind, recipient, reply_to, subject, body, message_id, status, attempts, next_attempt_at, last_error, created_at, sent_at
        """

    init(row: Row) throws {
        id = try row.decode("id")
        kind = try row.decode("kind")
        recipient = try row.decode("recipient")
        replyTo = try row.decode("reply_to")
        subject = try row.decode("subject")
        body = try row.decode("body")
        messageID = try row.decode("message_id")
        let raw: String = try row.decode("status")
        guard let s = Status(rawValue: raw) else { throw MariaDBError(.decode, message: "unknown outbox status") }
        status = s
        attempts = Int(try row.decode("attempts", as: Int64.self))
        nextAttemptAt = try row.decode("next_attempt_at")
        lastError = try row.decode("last_error")
        createdAt = try row.decode("created_at")
        sentAt = try row.decode("sent_at")
    }

    /// The message this row is, From the configured sender: the same bytes every time.
    public func message(from: String) -> MailMessage {
        MailMessage(from: from, to: recipient, replyTo: replyTo, subject: subject, body: body, messageID: messageID, date: createdAt)
    }
}
