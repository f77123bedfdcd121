import Foundation
import MariaDB

/// The record of every moderation action (`moderation_actions`): who (a moderator, the poster
/// asking for a review, or nil: the site itself, for an auto-hide), when, what, on which post or account, and why. Written in the action's
/// own transaction, so an action that rolls back leaves no record and none goes unrecorded.
enum ModerationLog {
    enum Action: String, Sendable, Codable {
        case autoHide = "auto_hide", restore, remove, ban, reviewRequest = "review_request"
    }

    /// One recorded action, as the queue page and its JSON list it.
    struct Entry: Codable, Sendable {
        var id: Int64
        var actor: String?
        var action: String
        var post_id: Int64?
        var user_id: Int64?
        var reason: String
        var created_at: Date
    }

    static func record(_ conn: Transaction, actor: Int64?, action: Action, postID: Int64?, userID: Int64?,
                       reason: String) throws {
        _ = try conn.execute("""
            INSERT INTO moderation_actions (actor_id, action, post_id, target_user_id, reason)
            VALUES (\(actor), \(action.rawValue), \(postID), \(userID), \(reason))
            """)
    }

    /// The latest actions, newest first.
    static func recent(_ database: Database, limit: Int = 100) throws -> [Entry] {
        try database.readPrimary("""
            SELECT a.id, u.email AS actor, a.action, a.post_id, a.target_user_id, a.reason, a.created_at
            FROM moderation_actions a LEFT JOIN users u ON u.id = a.actor_id
            ORDER BY a.id DESC LIMIT \(limit)
            """).map { row in
            Entry(id: try row.decode("id"), actor: try row.decode("actor"), action: try row.decode("action"),
                  post_id: try row.decode("post_id"), user_id: try row.decode("target_user_id"),
                  reason: try row.decode("reason"), created_at: try row.decode("created_at"))
        }
    }
}
