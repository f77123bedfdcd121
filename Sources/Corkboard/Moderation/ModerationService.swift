import Foundation
import MariaDB

/// Moderators' actions on a post (restore, remove, ban its poster) and the poster's one
/// request for a review. Each is one transaction that also records it (`ModerationLog`); the
/// ones that change what viewers see run through `PostVisibility.change`, so the search
/// index, every worker's cache and the photos follow.
struct ModerationService {
    let context: RequestContext

    /// The locked post row a moderation action starts from: 404 missing, 410 deleted.
    private func lockPost(_ conn: Transaction, _ id: Int64) throws -> Row {
        guard let row = try conn.query("""
            SELECT p.user_id, p.hidden_at, p.hidden_reason, p.review_requested_at, u.email, u.role, u.banned_at
            FROM posts p JOIN users u ON u.id = p.user_id WHERE p.id = \(id) AND p.deleted_at IS NULL FOR UPDATE
            """).first else {
            if try context.database.readPrimary("SELECT 1 FROM posts WHERE id = \(id)").isEmpty {
                throw HTTPError.notFound("There is no such post.")
            }
            throw HTTPError(410, "This post was deleted or removed already.")
        }
        return row
    }

    /// Shows a post hidden by reports again (or, on a visible post, dismisses its reports);
    /// its open reports are resolved and kept, its photos served again.
    func restore(postID id: Int64, by moderator: User, why: String) throws {
        try context.app.visibility.change { change in
            let row = try lockPost(change.conn, id)
            if try row.decode("banned_at", as: Date?.self) != nil {
                throw HTTPError(409, "The poster is banned; their posts stay hidden.")
            }
            try change.restore(posts: [id])
            try ModerationLog.record(change.conn, actor: moderator.id, action: .restore, postID: id,
                                     userID: try row.decode("user_id"), reason: why)
        }
    }

    /// Removes a post for good (deleted, its photos released).
    func remove(postID id: Int64, by moderator: User, why: String) throws {
        try context.app.visibility.change { change in
            let row = try lockPost(change.conn, id)
            try change.remove(posts: [id])
            try ModerationLog.record(change.conn, actor: moderator.id, action: .remove, postID: id,
                                     userID: try row.decode("user_id"), reason: why)
        }
    }

    /// Bans the post's poster: every post of theirs hidden (their reports resolved), every
    /// session ended, the address kept from signing up again. 409 if already banned; 403 for
    /// a moderator's or admin's account.
    func ban(postID id: Int64, by moderator: User, why: String) throws {
        try context.app.visibility.change { change in
            let conn = change.conn
            let row = try lockPost(conn, id)
            let poster: Int64 = try row.decode("user_id")
            if try row.decode("banned_at", as: Date?.self) != nil { throw HTTPError(409, "This poster is already banned.") }
            if try row.decode("role", as: String.self) != Role.user.rawValue {
                throw HTTPError(403, "Moderators and admins cannot be banned here.")
            }
            _ = try conn.execute("UPDATE users SET banned_at = UTC_TIMESTAMP(6), updated_at = UTC_TIMESTAMP(6) WHERE id = \(poster)")
            try BannedAddress.add(conn, email: try row.decode("email"), userID: poster)
            let posts: [Int64] = try conn.query("SELECT id FROM posts WHERE user_id = \(poster) AND deleted_at IS NULL FOR UPDATE")
                .map { try $0.decode("id") }
            try change.hide(posts: posts, reason: .banned)
            if !posts.isEmpty { try change.resolveReports(posts: posts) }
            try SessionStore(db: conn, config: context.app.config.accounts).deleteAll(userID: poster)
            try ModerationLog.record(conn, actor: moderator.id, action: .ban, postID: id, userID: poster, reason: why)
        }
    }

    /// The poster asks, once, for a review of their post hidden after reports; it goes to the
    /// top of the queue with their note.
    func requestReview(postID id: Int64, by user: User, note: String) throws {
        try context.database.transaction { conn in
            let row = try lockPost(conn, id)
            let poster: Int64 = try row.decode("user_id")
            guard poster == user.id else { throw HTTPError(403, "Only the poster can ask for a review of this post.") }
            guard try row.decode("hidden_reason", as: String?.self) == HiddenReason.reports.rawValue else {
                throw HTTPError(409, "Only a post hidden after reports can be reviewed.")
            }
            if try row.decode("review_requested_at", as: Date?.self) != nil {
                throw HTTPError(409, "You already asked for a review of this post; a moderator will look at it.")
            }
            _ = try conn.execute("UPDATE posts SET review_requested_at = UTC_TIMESTAMP(6), review_note = \(note) WHERE id = \(id)")
            try ModerationLog.record(conn, actor: user.id, action: .reviewRequest, postID: id, userID: poster, reason: note)
        }
    }
}
