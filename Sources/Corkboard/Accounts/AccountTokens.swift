import MariaDB

/// Single-use emailed tokens. The link carries 256 random bits; the table keeps their SHA-256.
/// Spending is one UPDATE … WHERE used_at IS NULL AND expires_at > now, so a token works once
/// even when two requests race, and never after it expires.
struct AccountTokens {
    enum Purpose: String { case verify, reset, emailChange = "email_change" }

    let db: any SQLRunner

    /// Stores a new token and returns its text for the link.
    func create(userID: Int64, purpose: Purpose, lifetime: Int, newEmail: String? = nil) throws -> String {
        let token = Crypto.token()
        try db.execute("""
            INSERT INTO account_tokens (token_hash, user_id, purpose, new_email, created_at, expires_at)
            VALUES (\(Crypto.tokenHash(token)), \(userID), \(purpose.rawValue), \(newEmail),
                    UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) + INTERVAL \(lifetime) SECOND)
            """)
        return token
    }

    /// Spends a token of one of `purposes`; returns its user, purpose and new address, or nil
    /// when it is unknown, used or expired. Call inside a transaction with what it unlocks.
    func spend(_ token: String, purposes: [Purpose]) throws -> (userID: Int64, purpose: Purpose, newEmail: String?)? {
        guard SessionCookie.isWellFormed(token) else { return nil }
        let hash = Crypto.tokenHash(token)
        let spent = try db.execute("""
            UPDATE account_tokens SET used_at = UTC_TIMESTAMP(6)
            WHERE token_hash = \(hash) AND purpose IN \(SQL.list(purposes.map(\.rawValue)))
              AND used_at IS NULL AND expires_at > UTC_TIMESTAMP(6)
            """)
        guard spent.affectedRows == 1 else { return nil }
        guard let row = try db.query("SELECT user_id, purpose, new_email FROM account_tokens WHERE token_hash = \(hash)").first,
              let purpose = Purpose(rawValue: try row.decode("purpose")) else { return nil }
        return (try row.decode("user_id"), purpose, try row.decode("new_email"))
    }

    /// Seconds since the user's newest token of `purpose` was made, nil if none.
    func secondsSinceLast(userID: Int64, purpose: Purpose) throws -> Int? {
        let rows = try db.query("""
            SELECT TIMESTAMPDIFF(SECOND, MAX(created_at), UTC_TIMESTAMP(6)) AS age FROM account_tokens
            WHERE user_id = \(userID) AND purpose = \(purpose.rawValue)
            """)
        guard let value = rows.first?["age"], !value.isNull else { return nil }
        return value.asInt.map { Int($0) }
    }

    /// Spends every open token of a purpose (a new password makes older reset links useless).
    func spendAll(userID: Int64, purpose: Purpose) throws {
        try db.execute("""
            UPDATE account_tokens SET used_at = UTC_TIMESTAMP(6)
            WHERE user_id = \(userID) AND purpose = \(purpose.rawValue) AND used_at IS NULL
            """)
    }
}
