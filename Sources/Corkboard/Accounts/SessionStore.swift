import MariaDB

/// A session row joined with its (live) user.
public struct SessionRecord: Sendable {
    public var tokenHash: [UInt8]
    public var user: User
    /// The session's CSRF secret, prepared for HMAC when the session is read (once per request):
    /// it signs the token of every form the session's pages carry.
    public var csrfKey: HMACSHA256
}

/// Sessions in MariaDB, always on the primary: a replica could still hold a session that was
/// just logged out, and that must never let a request through.
struct SessionStore {
    let db: any SQLRunner
    let config: AccountsConfig

    /// Starts a session for `userID` and returns its cookie token (only the hash is stored).
    func create(userID: Int64) throws -> String {
        let token = Crypto.token()
        try db.execute("""
            INSERT INTO sessions (token_hash, user_id, csrf_secret, created_at, last_seen_at, expires_at)
            VALUES (\(Crypto.tokenHash(token)), \(userID), \(Crypto.randomBytes(32)), UTC_TIMESTAMP(6),
                    UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) + INTERVAL \(config.sessionLifetime) SECOND)
            """)
        return token
    }

    /// The live session for a cookie token: not past its absolute expiry, used within the idle
    /// timeout, and its user neither deleted nor banned. Refreshes `last_seen_at` at most once a minute.
    func find(token: String) throws -> SessionRecord? {
        guard SessionCookie.isWellFormed(token) else { return nil }
        let hash = Crypto.tokenHash(token)
        let rows = try db.query("""
            SELECT s.csrf_secret, s.last_seen_at < UTC_TIMESTAMP(6) - INTERVAL 60 SECOND AS stale,
                   u.id, u.email, u.role, u.email_verified_at
            FROM sessions s JOIN users u ON u.id = s.user_id
            WHERE s.token_hash = \(hash) AND s.expires_at > UTC_TIMESTAMP(6)
              AND s.last_seen_at > UTC_TIMESTAMP(6) - INTERVAL \(config.sessionIdleTimeout) SECOND
              AND u.deleted_at IS NULL AND u.banned_at IS NULL
            """)
        guard let row = rows.first else { return nil }
        if try row.decode("stale", as: Int64.self) != 0 {
            try db.execute("UPDATE sessions SET last_seen_at = UTC_TIMESTAMP(6) WHERE token_hash = \(hash)")
        }
        return SessionRecord(tokenHash: hash, user: try User(row: row), csrfKey: HMACSHA256(key: try row.decode("csrf_secret")))
    }

    /// Ends one session.
    func delete(tokenHash: [UInt8]) throws {
        try db.execute("DELETE FROM sessions WHERE token_hash = \(tokenHash)")
    }

    /// Ends every session of a user, except `keeping` when given; returns how many ended.
    @discardableResult
    func deleteAll(userID: Int64, keeping: [UInt8]? = nil) throws -> UInt64 {
        if let keeping {
            return try db.execute("DELETE FROM sessions WHERE user_id = \(userID) AND token_hash <> \(keeping)").affectedRows
        }
        return try db.execute("DELETE FROM sessions WHERE user_id = \(userID)").affectedRows
    }
}
