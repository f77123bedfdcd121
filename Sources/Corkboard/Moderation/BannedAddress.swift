import MariaDB

/// Addresses a banned poster cannot sign up with again (`banned_addresses`), compared
/// normalised: lower case, and without a `+tag` in the local part (`Bad+2@Example.com` is
/// `bad@example.com`), the usual way one mailbox takes many addresses.
enum BannedAddress {
    static func normalize(_ email: String) -> String {
        let lower = email.lowercased()
        guard let at = lower.lastIndex(of: "@") else { return lower }
        let local = lower[..<at], domain = lower[at...]
        let bare = local.split(separator: "+", maxSplits: 1, omittingEmptySubsequences: false).first ?? local
        return String(bare.isEmpty ? local : bare) + domain
    }

    static func add(_ conn: Transaction, email: String, userID: Int64) throws {
        _ = try conn.execute("INSERT IGNORE INTO banned_addresses (address, user_id) VALUES (\(normalize(email)), \(userID))")
    }

    static func isBanned(_ conn: any SQLRunner, email: String) throws -> Bool {
        try !conn.query("SELECT 1 FROM banned_addresses WHERE address = \(normalize(email))").isEmpty
    }
}
