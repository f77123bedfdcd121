import Foundation
import Logging
import MariaDB

/// Operator-side account actions (`corkboard user …`), outside any request.
public struct AdminAccounts {
    public let database: Database
    public let config: Config
    public let logger: Logger

    public init(database: Database, config: Config, logger: Logger) {
        self.database = database
        self.config = config
        self.logger = logger
    }

    /// A refusal to show the operator.
    public struct Problem: Error { public var message: String }

    /// Makes the account of `email` a moderator (an admin stays an admin: it already moderates).
    /// Its sessions carry the role from the next request on (roles are read with the session).
    /// Returns the user id; a Problem for an unknown, deleted or banned address.
    @discardableResult
    public func grantModerator(email: String) throws -> Int64 {
        try database.transaction { conn in
            guard let row = try conn.query("""
                SELECT id, role, banned_at FROM users WHERE email = \(email) AND deleted_at IS NULL FOR UPDATE
                """).first else { throw Problem(message: "no account has the address \(email)") }
            let id: Int64 = try row.decode("id")
            if try row.decode("banned_at", as: Date?.self) != nil { throw Problem(message: "\(email) is banned") }
            if try row.decode("role", as: String.self) == Role.user.rawValue {
                try conn.execute("UPDATE users SET role = 'moderator', updated_at = UTC_TIMESTAMP(6) WHERE id = \(id)")
                logger.notice("account made moderator", metadata: ["user": "\(id)"])
            }
            return id
        }
    }

    /// Creates a verified admin with this password, or makes an existing account one (setting
    /// the password and ending its sessions). The password policy applies. Returns the user id.
    @discardableResult
    public func createAdmin(email: String, password: String) throws -> Int64 {
        let policy = PasswordPolicy(minLength: config.accounts.passwordMinLength,
                                    common: AccountKeys.commonPasswordList(path: config.accounts.commonPasswordsFile, logger: logger))
        if let problem = policy.problem(with: password, email: email) { throw Problem(message: problem) }
        let hash = try PasswordHasher(config: config.accounts).hash(password)
        return try database.transaction { conn in
            if let row = try conn.query("SELECT id FROM users WHERE email = \(email) AND deleted_at IS NULL FOR UPDATE").first {
                let id: Int64 = try row.decode("id")
                try conn.execute("""
                    UPDATE users SET role = 'admin', password_hash = \(hash),
                           email_verified_at = COALESCE(email_verified_at, UTC_TIMESTAMP(6)), updated_at = UTC_TIMESTAMP(6)
                    WHERE id = \(id)
                    """)
                try SessionStore(db: conn, config: config.accounts).deleteAll(userID: id)
                logger.notice("account promoted to admin", metadata: ["user": "\(id)"])
                return id
            }
            if try !conn.query("SELECT id FROM users WHERE email = \(email)").isEmpty {
                throw Problem(message: "that address belongs to an account being deleted; run `corkboard user finish-deletions` first")
            }
            let id = Int64(try conn.execute("""
                INSERT INTO users (email, password_hash, role, email_verified_at, created_at, updated_at)
                VALUES (\(email), \(hash), 'admin', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))
                """).lastInsertID)
            logger.notice("admin account created", metadata: ["user": "\(id)"])
            return id
        }
    }
}
