import MariaDB

/// The flows that go through an emailed link: verification (and its resend), password reset,
/// and email change. Each link is spent in the same transaction as the change it makes.
extension AccountService {
    /// The answer to every reset request, whether or not the address has an account.
    static let resetAnswer = "If an account uses that address, we sent it a link to reset the password. It works once, for an hour."

    /// What a spent verification link did.
    enum Verified { case address(String), newAddress(String) }

    /// Spends a verify or email-change token and applies it.
    func verify(token: String) throws -> Verified {
        try database.transaction { conn in
            guard let spent = try AccountTokens(db: conn).spend(token, purposes: [.verify, .emailChange]) else {
                throw HTTPError(400, "This link is not valid: it was already used, it expired, or it was mistyped. Ask for a new one on your account page.", field: "token")
            }
            guard let user = try conn.query("SELECT id, email, role, email_verified_at FROM users WHERE id = \(spent.userID) AND deleted_at IS NULL FOR UPDATE").first.map(User.init) else {
                throw HTTPError(400, "This link belongs to an account that no longer exists.", field: "token")
            }
            switch spent.purpose {
            case .emailChange:
                guard let newEmail = spent.newEmail else { throw HTTPError(400, "This link is not valid.", field: "token") }
                do {
                    try conn.execute("""
                        UPDATE users SET email = \(newEmail), email_verified_at = UTC_TIMESTAMP(6), updated_at = UTC_TIMESTAMP(6)
                        WHERE id = \(user.id)
                        """)
                } catch let error as MariaDBError where error.code == .duplicateEntry {
                    throw HTTPError(409, "Another account has taken that address in the meantime; your address was not changed.", field: "token")
                }
                try mail.emailChangeNotice(conn, to: user.email, newEmail: newEmail, done: true)
                return .newAddress(newEmail)
            default:
                try conn.execute("""
                    UPDATE users SET email_verified_at = COALESCE(email_verified_at, UTC_TIMESTAMP(6)), updated_at = UTC_TIMESTAMP(6)
                    WHERE id = \(user.id)
                    """)
                return .address(user.email)
            }
        }
    }

    /// Mails a new verification link, at most one per `mail_resend_interval`.
    func resendVerification(_ user: User) throws {
        if user.emailVerified { throw HTTPError(409, "Your address is already verified.") }
        try database.transaction { conn in
            _ = try conn.query("SELECT id FROM users WHERE id = \(user.id) FOR UPDATE")
            let tokens = AccountTokens(db: conn)
            if let age = try tokens.secondsSinceLast(userID: user.id, purpose: .verify), age < config.mailResendInterval {
                var error = HTTPError(429, "We sent a link \(Self.describe(seconds: max(age, 1))) ago. Check your inbox (and spam folder), or ask again in \(Self.describe(seconds: config.mailResendInterval - age)).")
                error.headers = [("Retry-After", String(config.mailResendInterval - age))]
                throw error
            }
            let token = try tokens.create(userID: user.id, purpose: .verify, lifetime: config.verifyTokenLifetime)
            try mail.verification(conn, to: user.email, token: token, hours: config.verifyTokenLifetime / 3600)
        }
    }

    /// Mails a reset link when the address has an account (at most one per resend interval);
    /// says nothing either way. The KDF runs for both, so timing tells nothing either.
    func requestReset(email: String) throws {
        _ = hasher.verify(Crypto.token(), against: try AccountKeys.dummyHash(hasher))
        try database.transaction { conn in
            guard let row = try conn.query("SELECT id, email FROM users WHERE email = \(email) AND deleted_at IS NULL FOR UPDATE").first else { return }
            let userID: Int64 = try row.decode("id")
            let tokens = AccountTokens(db: conn)
            if let age = try tokens.secondsSinceLast(userID: userID, purpose: .reset), age < config.mailResendInterval { return }
            let token = try tokens.create(userID: userID, purpose: .reset, lifetime: config.resetTokenLifetime)
            try mail.reset(conn, to: try row.decode("email"), token: token, minutes: config.resetTokenLifetime / 60)
        }
    }

    /// Whether a reset token is still usable (to show its form), without spending it.
    func resetTokenIsOpen(_ token: String) throws -> Bool {
        guard SessionCookie.isWellFormed(token) else { return false }
        return try !database.readPrimary("""
            SELECT 1 FROM account_tokens WHERE token_hash = \(Crypto.tokenHash(token)) AND purpose = 'reset'
              AND used_at IS NULL AND expires_at > UTC_TIMESTAMP(6)
            """).isEmpty
    }

    /// Spends a reset token, sets the new password, verifies the address (the link proved it),
    /// ends every session and forgets failed log-ins.
    func resetPassword(token: String, newPassword: String) throws {
        guard try resetTokenIsOpen(token) else { throw Self.badResetLink }
        if let problem = policy.problem(with: newPassword) { throw HTTPError.badRequest(problem, field: "password") }
        let hash = try hasher.hash(newPassword)
        try database.transaction { conn in
            let tokens = AccountTokens(db: conn)
            guard let spent = try tokens.spend(token, purposes: [.reset]) else { throw Self.badResetLink }
            guard let row = try conn.query("SELECT email FROM users WHERE id = \(spent.userID) AND deleted_at IS NULL").first else { throw Self.badResetLink }
            try conn.execute("""
                UPDATE users SET password_hash = \(hash), email_verified_at = COALESCE(email_verified_at, UTC_TIMESTAMP(6)),
                       updated_at = UTC_TIMESTAMP(6) WHERE id = \(spent.userID)
                """)
            try tokens.spendAll(userID: spent.userID, purpose: .reset)
            try SessionStore(db: conn, config: config).deleteAll(userID: spent.userID)
            try LoginThrottle(db: conn, config: config).clear(try row.decode("email"))
            try mail.passwordChanged(conn, to: try row.decode("email"))
        }
    }

    static let badResetLink = HTTPError(400, "This reset link is not valid: it was already used, it expired, or it was mistyped. Ask for a new one.", field: "token")

    /// Checks the current password of a logged-in user (a 403 naming the field when wrong).
    func checkPassword(_ user: User, _ password: String, field: String) throws {
        let stored: String? = try database.readPrimary("SELECT password_hash FROM users WHERE id = \(user.id)").first?.decode("password_hash")
        guard let stored, hasher.verify(password, against: stored) else {
            throw HTTPError(403, "The current password is wrong.", field: field)
        }
    }

    /// Sets a new password after checking the current one; ends every other session.
    func changePassword(_ session: SessionRecord, current: String, new: String) throws {
        try checkPassword(session.user, current, field: "current_password")
        if let problem = policy.problem(with: new, email: session.user.email) { throw HTTPError.badRequest(problem, field: "new_password") }
        let hash = try hasher.hash(new)
        try database.transaction { conn in
            try conn.execute("UPDATE users SET password_hash = \(hash), updated_at = UTC_TIMESTAMP(6) WHERE id = \(session.user.id)")
            try SessionStore(db: conn, config: config).deleteAll(userID: session.user.id, keeping: session.tokenHash)
            try AccountTokens(db: conn).spendAll(userID: session.user.id, purpose: .reset)
            try mail.passwordChanged(conn, to: session.user.email)
        }
    }

    /// Mails a confirmation link to the new address and a notice to the old one; the address
    /// changes only when the link is opened.
    func requestEmailChange(_ user: User, password: String, newEmail: String) throws {
        try checkPassword(user, password, field: "password")
        if newEmail.lowercased() == user.email.lowercased() {
            throw HTTPError.badRequest("That is already your address.", field: "new_email")
        }
        try database.transaction { conn in
            let tokens = AccountTokens(db: conn)
            if let age = try tokens.secondsSinceLast(userID: user.id, purpose: .emailChange), age < config.mailResendInterval {
                throw HTTPError(429, "We just sent a confirmation link. Ask again in \(Self.describe(seconds: config.mailResendInterval - age)).", field: "new_email")
            }
            let token = try tokens.create(userID: user.id, purpose: .emailChange, lifetime: config.emailChangeTokenLifetime, newEmail: newEmail)
            try mail.emailChange(conn, to: newEmail, token: token, hours: config.emailChangeTokenLifetime / 3600)
            try mail.emailChangeNotice(conn, to: user.email, newEmail: newEmail, done: false)
        }
    }
}
