import MariaDB

/// What an account may do beyond posting: moderators hide posts, admins also manage accounts.
public enum Role: String, Sendable, Codable {
    case user, moderator, admin
}

/// The logged-in account as handlers see it.
public struct User: Sendable, Codable, Equatable {
    public var id: Int64
    public var email: String
    public var role: Role
    /// Unverified accounts may log in but not post.
    public var emailVerified: Bool

    public init(id: Int64, email: String, role: Role, emailVerified: Bool) {
        self.id = id
        self.email = email
        self.role = role
        self.emailVerified = emailVerified
    }

    /// Reads `id`, `email`, `role`, `email_verified_at` from a users row.
    init(row: Row) throws {
        id = try row.decode("id")
        email = try row.decode("email")
        role = Role(rawValue: try row.decode("role", as: String.self)) ?? .user
        emailVerified = !(row["email_verified_at"]?.isNull ?? true)
    }
}
