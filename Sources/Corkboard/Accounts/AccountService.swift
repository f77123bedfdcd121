import Foundation
import Logging
import MariaDB

/// Sign-up, log-in and log-out: the rules both the API and the pages follow. Every statement
/// runs on the primary. Answers never tell whether an address has an account.
struct AccountService {
    let database: Database
    let config: AccountsConfig
    let mail: AccountMail
    let logger: Logger
    /// How account deletion hides the user's posts (and everything that follows from that).
    let visibility: PostVisibility

    init(_ context: RequestContext) {
        let c = context.app.config
        database = context.database
        config = c.accounts
        mail = AccountMail(siteURL: c.siteURL, siteName: c.siteName)
        logger = context.app.logger
        visibility = context.app.visibility
    }

    var hasher: PasswordHasher { PasswordHasher(config: config) }

    var policy: PasswordPolicy {
        PasswordPolicy(minLength: config.passwordMinLength,
                       common: AccountKeys.commonPasswordList(path: config.commonPasswordsFile, logger: logger))
    }

    /// The message every sign-up gets, whether or not the address already had an account.
    static let signupAnswer = "Check your inbox: we sent a link to confirm your address. Then log in."
    /// What a banned account is told, once its password was right.
    static let suspended = "This account is suspended: a moderator banned it, and it can no longer log in or post."
    /// The message every failed log-in gets.
    static let loginFailure = "That email and password do not match an account."

    /// Creates an unverified account and mails its verification link, or (address taken) mails
    /// the owner a notice instead, or (a banned address) does nothing. Both cost one KDF run and one transaction.
    func signUp(email: String, password: String) throws {
        if let problem = policy.problem(with: password, email: email) {
            throw HTTPError.badRequest(problem, field: "password")
        }
        let hash = try hasher.hash(password)
        do {
            try database.transaction { conn in
                if try !conn.query("SELECT id FROM users WHERE email = \(email) FOR UPDATE").isEmpty {
                    try mail.signupAttempt(conn, to: email)
                    return
                }
                // A banned address (normalised) gets the same answer and no account, no mail.
                if try BannedAddress.isBanned(conn, email: email) { return }
                let id = try conn.execute("""
                    INSERT INTO users (email, password_hash, role, created_at, updated_at)
                    VALUES (\(email), \(hash), 'user', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))
                    """).lastInsertID
                let token = try AccountTokens(db: conn).create(userID: Int64(id), purpose: .verify,
                                                                 lifetime: config.verifyTokenLifetime)
                try mail.verification(conn, to: email, token: token, hours: config.verifyTokenLifetime / 3600)
            }
        } catch let error as MariaDBError where error.code == .duplicateEntry {
            // A sign-up for the same address committed between our check and insert.
            try database.transaction { conn in try mail.signupAttempt(conn, to: email) }
        }
    }

    /// Checks the password (against a dummy hash for unknown addresses, so both cost the same),
    /// applies the per-account back-off, upgrades an outdated hash, and starts a new session.
    /// Returns the user and the new session's cookie token.
    func logIn(email: String, password: String, replacing oldSession: [UInt8]?) throws -> (User, String) {
        let conn = database.primaryRoute
        let throttle = LoginThrottle(db: conn, config: config)
        if let wait = try throttle.lockedFor(email) {
            var error = HTTPError(429, "Too many failed log-ins for this address. Try again in \(Self.describe(seconds: wait)), or reset your password.")
            error.headers = [("Retry-After", String(wait))]
            throw error
        }
        let rows = try conn.query("""
            SELECT id, email, role, email_verified_at, password_hash, banned_at FROM users
            WHERE email = \(email) AND deleted_at IS NULL
            """)
        let stored: String = try rows.first?.decode("password_hash") ?? AccountKeys.dummyHash(hasher)
        let matches = hasher.verify(password, against: stored)
        guard let row = rows.first, matches else {
            try throttle.recordFailure(email)
            throw HTTPError(401, Self.loginFailure)
        }
        let user = try User(row: row)
        try throttle.clear(email)
        // Only after the right password, so log-in still tells nothing about other addresses.
        if try row.decode("banned_at", as: Date?.self) != nil { throw HTTPError(403, Self.suspended) }
        if hasher.needsRehash(stored) {
            let upgraded = try hasher.hash(password)
            try conn.execute("UPDATE users SET password_hash = \(upgraded), updated_at = UTC_TIMESTAMP(6) WHERE id = \(user.id) AND password_hash = \(stored)")
            logger.info("password hash upgraded", metadata: ["user": "\(user.id)"])
        }
        // Rotation: whatever session the browser had before is ended, never reused.
        let store = SessionStore(db: conn, config: config)
        if let oldSession { try store.delete(tokenHash: oldSession) }
        return (user, try store.create(userID: user.id))
    }

    /// Ends one session.
    func logOut(_ session: SessionRecord) throws {
        try SessionStore(db: database.primaryRoute, config: config).delete(tokenHash: session.tokenHash)
    }

    /// Ends every session of the user ("log out everywhere").
    func logOutEverywhere(_ user: User) throws {
        try SessionStore(db: database.primaryRoute, config: config).deleteAll(userID: user.id)
    }

    /// "5 minutes", "40 seconds".
    static func describe(seconds: Int) -> String {
        if seconds < 90 { return "\(seconds) second\(seconds == 1 ? "" : "s")" }
        let minutes = (seconds + 59) / 60
        return "\(minutes) minutes"
    }
}

extension AccountService {
    /// Deletes the account after checking its password: hidden at once, then removed.
    func deleteAccount(_ user: User, password: String) throws {
        try checkPassword(user, password, field: "password")
        let deletion = AccountDeletion(visibility: visibility, logger: logger)
        try deletion.markDeleted(userID: user.id)
        do {
            try deletion.finish(userID: user.id)
        } catch {
            // Already invisible; `corkboard user finish-deletions` completes it later.
            logger.error("account deletion left for a re-run", metadata: ["user": "\(user.id)", "error": "\(String(reflecting: error))"])
        }
    }
}
