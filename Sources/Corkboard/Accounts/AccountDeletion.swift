import Logging
import MariaDB

/// Deleting an account in two steps, so a crash at any point leaves nothing visible and a re-run
/// finishes the job: first one transaction marks `users.deleted_at`, soft-deletes every post of
/// the user and ends all sessions (from that commit on, viewers see nothing and the account
/// cannot log in); then rows are hard-deleted in small batches (short transactions, little
/// replica lag). `finishPending` re-runs the second step for every marked account.
public struct AccountDeletion {
    public let database: Database
    public let logger: Logger
    /// Rows per hard-delete batch.
    public var batchSize = 500

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Step one: hide everything at once. Returns false when there was no such live account.
    @discardableResult
    public func markDeleted(userID: Int64) throws -> Bool {
        try database.transaction { conn in
            let marked = try conn.execute("""
                UPDATE users SET deleted_at = UTC_TIMESTAMP(6), updated_at = UTC_TIMESTAMP(6)
                WHERE id = \(userID) AND deleted_at IS NULL
                """)
            guard marked.affectedRows == 1 else { return false }
            try conn.execute("UPDATE posts SET deleted_at = UTC_TIMESTAMP(6) WHERE user_id = \(userID) AND deleted_at IS NULL")
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
