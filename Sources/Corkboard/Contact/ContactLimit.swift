import MariaDB

/// The contact spam limits: fixed-window counters in `contact_limits`, one per sender address,
/// client address and post. `take` counts one message against each inside the caller's
/// transaction (the one that queues the mail): the counting upsert locks the row until that
/// transaction ends, so two workers (or hosts) cannot both take a window's last message, and a
/// request refused here rolls back, counting and sending nothing.
struct ContactLimit {
    /// What a counter is kept per, in the order rows are locked (always the same order, so two
    /// requests never wait on each other in a cycle).
    enum Scope: String, CaseIterable {
        case sender, ip, post

        /// The 429's message: what was exceeded, never whose address.
        var message: String {
            switch self {
            case .sender: return "You have sent too many messages from this email address. Try again later."
            case .ip: return "Too many messages have been sent from your network. Try again later."
            case .post: return "This ad has received too many messages for now. Try again later."
            }
        }
    }

    let config: ContactConfig

    func limit(_ scope: Scope) -> Int {
        switch scope {
        case .sender: return config.perSender
        case .ip: return config.perIP
        case .post: return config.perPost
        }
    }

    /// Counts one message for each subject, or throws a 429 with `Retry-After` (the seconds until
    /// the exceeded window ends) for the first limit it would pass.
    func take(_ conn: Transaction, subjects: [(Scope, String)]) throws {
        let window = config.window
        for (scope, subject) in subjects {
            try conn.execute("""
                INSERT INTO contact_limits (scope, subject, window_start, hits)
                VALUES (\(scope.rawValue), \(subject), UTC_TIMESTAMP(6), 1)
                ON DUPLICATE KEY UPDATE
                    hits = IF(window_start <= UTC_TIMESTAMP(6) - INTERVAL \(window) SECOND, 1, hits + 1),
                    window_start = IF(hits = 1, UTC_TIMESTAMP(6), window_start)
                """)
            guard let row = try conn.query("""
                SELECT hits, CEIL(TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(6),
                                  window_start + INTERVAL \(window) SECOND) / 1000000) AS wait
                FROM contact_limits WHERE scope = \(scope.rawValue) AND subject = \(subject)
                """).first else { continue }
            let hits = try row.decode("hits", as: MariaDBValue.self).asInt ?? 0
            if hits > Int64(limit(scope)) {
                let wait = max(1, try row.decode("wait", as: MariaDBValue.self).asInt ?? Int64(window))
                var error = HTTPError(429, scope.message)
                error.headers = [("Retry-After", String(wait))]
                throw error
            }
        }
    }
}
