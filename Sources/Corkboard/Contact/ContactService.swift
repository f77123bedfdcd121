import Foundation
import MariaDB

/// Contact the poster, shared by the API and the form: which posts take messages, and sending
/// one. The poster's address is read only inside the sending transaction and goes only into
/// the outbox row: no answer, header or error the viewer gets can carry it.
struct ContactService {
    let context: RequestContext

    /// What the viewer is told once the message is queued (and, word for word, when the
    /// honeypot caught a bot, so bots learn nothing).
    static let sentAnswer = "Your message is on its way to the poster. Their reply will come to your email address."

    /// The post a viewer may write about, or the 404 (none), 410 (deleted, hidden after reports
    /// or a ban, expired) or 403 (the poster turned contact off) that says why not.
    func post(_ id: Int64, now: Date = Date()) throws -> Post {
        guard let post = try PostStore(database: context.database).find(id: id) else {
            throw HTTPError.notFound("There is no such post.")
        }
        if let gone = post.goneForViewers(now: now) { throw gone }
        guard post.contactEnabled else { throw HTTPError(403, "The poster does not take messages for this ad.") }
        return post
    }

    /// Counts the message against the sender's, the client address's and the post's limits
    /// and queues its mail, in one transaction: a 429 leaves nothing written and nothing sent.
    func send(_ message: ContactMessage, about post: Post) throws {
        let config = context.app.config
        let limits = ContactLimit(config: config.contact)
        // REMOTE_ADDR is the peer nginx saw; no client-supplied header is ever consulted.
        let client = context.request.remoteAddress ?? "unknown"
        let mail = ContactMail(siteURL: config.siteURL, siteName: config.siteName)
        try context.database.transaction { conn in
            try limits.take(conn, subjects: [(.sender, message.email.lowercased()), (.ip, client), (.post, String(post.id))])
            // Under the post's lock: a hide, removal or ban that committed since `post` was read
            // stops the message here (it runs under the same lock), so nothing is sent.
            guard let row = try conn.query("""
                SELECT u.email FROM posts p JOIN users u ON u.id = p.user_id
                WHERE p.id = \(post.id) AND p.deleted_at IS NULL AND p.hidden_at IS NULL AND u.banned_at IS NULL
                LOCK IN SHARE MODE
                """).first else {
                throw HTTPError(410, "This post is no longer available.")
            }
            try mail.message(conn, to: try row.decode("email", as: String.self), about: post, from: message)
        }
    }
}
