import Foundation
import MariaDB

/// Every email the site sends is first a row in `outbox`, written in the same transaction as
/// the action that causes it (sign-up, reset, contact…); `corkboard mailer` delivers the rows.
/// So an action that rolls back sends nothing, and a committed one is never without its mail.
public enum Outbox {
    /// Queues one message inside the caller's transaction and returns its Message-ID, which is
    /// fixed now so that a resend after a crash is the same message, not a second one.
    /// `replyTo` (an addr-spec the caller has checked) is where the recipient's answer goes,
    /// e.g. the viewer who wrote through the contact form.
    @discardableResult
    public static func enqueue(_ conn: Transaction, kind: String, to recipient: String, replyTo: String? = nil,
                               subject: String, body: String, domain: String) throws -> String {
        let messageID = "<\(UUID().uuidString.lowercased()).\(kind)@\(domain)>"
        try conn.execute("""
            INSERT INTO outbox (kind, recipient, reply_to, subject, body, message_id, status, attempts, next_attempt_at, created_at)
            VALUES (\(kind), \(recipient), \(replyTo), \(subject), \(body), \(messageID), 'pending', 0, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))
            """)
        return messageID
    }

    /// An absolute link for a mail: the site URL and a local path ("/post/7").
    public static func link(_ path: String, siteURL: String) -> String {
        siteURL.hasSuffix("/") ? String(siteURL.dropLast()) + path : siteURL + path
    }

    /// The host part of the site URL, for Message-IDs ("https://example.org" → "example.org").
    public static func domain(ofSiteURL url: String) -> String {
        URLComponents(string: url)?.host ?? "localhost"
    }
}
