import Logging
import MariaDB

/// Deleting an account in two steps, so a crash at any point leaves nothing visible and a re-run
/// finishes the job: first one `PostVisibility` change marks `users.deleted_at`, soft-deletes
/// every post of the user, drops their pending uploads and ends all sessions (from that commit
/// on, viewers see nothing, the account cannot log in, every worker's cache and the search
/// index have dropped the posts, and photos nothing else uses are deleted); then rows are
/// hard-deleted in small batches (short transactions, little replica lag). `finishPending`
/// re-runs the second step for every marked account.
public struct AccountDeletion {
    public let visibility: PostVisibility
    public let logger: Logger
    /// Rows per hard-delete batch.
    public var batchSize = 500

    public init(visibility: PostVisibility, logger: Logger) {
        self.visibility = visibility
        self.logger = logger
    }

    var database: Database { visibility.database }

    /// Step one: hide everything at once. Returns false when there was no such live account.
    @discardableResult
    public func markDeleted(userID: Int64) throws -> Bool {
        try visibility.change { change in
            let conn = change.conn
            let marked = try conn.execute("""
                UPDATE users SET deleted_at = UTC_TIMESTAMP(6), updated_at = UTC_TIMESTAMP(6)
                WHERE id = \(userID) AND deleted_at IS NULL
                """)
            guard marked.affectedRows == 1 else { return false }
            let posts: [Int64] = try conn.query("SELECT id FROM posts WHERE user_id = \(userID) AND deleted_at IS NULL FOR UPDATE")
                .map { try $0.decode("id") }
            try change.willChange(posts: posts)
            try conn.execute("UPDATE posts SET deleted_at = UTC_TIMESTAMP(6), version = version + 1 WHERE id IN \(SQL.list(posts))")
            let uploads: [[UInt8]] = try conn.query("SELECT sha256 FROM uploads WHERE user_id = \(userID) FOR UPDATE")
                .map { try $0.decode("sha256") }
            change.releasing(photos: uploads)
            try conn.execute("DELETE FROM uploads WHERE user_id = \(userID)")
            try conn.execute("DELETE FROM sessions WHERE user_id = \(userID)")
            return true
        }
    }

    /// Step two: remove the account's rows for good, posts first (their images cascade), then
    /// the user (sessions and tokens cascade). Safe to repeat.
    public func finish(userID: Int64) throws {
        let conn = database.primaryRoute
        while true {
            let ids: [Int64] = try conn.query("""
                SELECT id FROM posts WHERE user_id = \(userID) LIMIT \(batchSize)
                """).map { try $0.decode("id") }
            if ids.isEmpty { break }
            try database.transaction { tx in
                try tx.execute("DELETE FROM posts WHERE id IN \(SQL.list(ids)) AND user_id = \(userID)")
            }
        }
        try database.transaction { tx in
            try tx.execute("DELETE FROM users WHERE id = \(userID) AND deleted_at IS NOT NULL")
        }
        logger.info("account deleted", metadata: ["user": "\(userID)"])
    }

    /// Finishes every account marked deleted (after a crash between the two steps). Returns how many.
    @discardableResult
    public func finishPending() throws -> Int {
        let ids: [Int64] = try database.readPrimary("SELECT id FROM users WHERE deleted_at IS NOT NULL ORDER BY id")
            .map { try $0.decode("id") }
        for id in ids { try finish(userID: id) }
        return ids.count
    }
}
