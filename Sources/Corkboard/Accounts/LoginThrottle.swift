import MariaDB

/// The per-account back-off: failed log-ins are counted per email address in MariaDB (so every
/// worker and every host sees the same count), and past `login_max_failures` within the window
/// the address is locked for `login_lockout` seconds, doubling with each further failure.
/// Addresses without an account are counted the same way, so a lock reveals nothing.
struct LoginThrottle {
    let db: any SQLRunner
    let config: AccountsConfig

    /// Seconds until `email` may try again, or nil when it is not locked.
    func lockedFor(_ email: String) throws -> Int? {
        let rows = try db.query("""
            SELECT CEIL(TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(6), locked_until) / 1000000) AS wait
            FROM login_failures WHERE email = \(email.lowercased()) AND locked_until > UTC_TIMESTAMP(6)
            """)
        guard let row = rows.first else { return nil }
        return max(1, Int(try row.decode("wait", as: MariaDBValue.self).asInt ?? 1))
    }

    /// Counts one failure (one atomic statement: two workers failing at once both count).
    func recordFailure(_ email: String) throws {
        let max = config.loginMaxFailures, lockout = config.loginLockout, window = config.loginFailureWindow
        try db.execute("""
            INSERT INTO login_failures (email, failures, locked_until, updated_at)
            VALUES (\(email.lowercased()), 1,
                    IF(1 >= \(max), UTC_TIMESTAMP(6) + INTERVAL \(lockout) SECOND, NULL), UTC_TIMESTAMP(6))
            ON DUPLICATE KEY UPDATE
                failures = IF(updated_at < UTC_TIMESTAMP(6) - INTERVAL \(window) SECOND, 1, failures + 1),
                locked_until = IF(failures >= \(max),
                    UTC_TIMESTAMP(6) + INTERVAL (\(lockout) * POW(2, LEAST(failures - \(max), 6))) SECOND, NULL),
                updated_at = UTC_TIMESTAMP(6)
            """)
    }

    /// A successful log-in (or a password reset) forgets the failures.
    func clear(_ email: String) throws {
        try db.execute("DELETE FROM login_failures WHERE email = \(email.lowercased())")
    }
}

extension MariaDBValue {
    /// An integer-ish cell (DECIMAL arrives as a string) as Int64.
    var asInt: Int64? {
        switch self {
        case .int(let i): return i
        case .uint(let u): return Int64(exactly: u)
        case .double(let d): return Int64(d.rounded(.up))
        case .string(let s): return Double(s).map { Int64($0.rounded(.up)) }
        default: return nil
        }
    }
}
