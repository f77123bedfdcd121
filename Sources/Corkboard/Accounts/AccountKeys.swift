import Foundation
import Logging
import MariaDB

/// What each worker process works out once and keeps: the site's CSRF key (from `site_keys`),
/// a dummy hash that unknown emails are checked against (so a log-in for an address without an
/// account costs the same KDF run), and the common-password list. Workers are single-threaded,
/// so these process-wide caches are only ever touched from one thread.
enum AccountKeys {
    nonisolated(unsafe) private static var csrfMAC: HMACSHA256?
    nonisolated(unsafe) private static var dummy: (params: String, hash: String)?
    nonisolated(unsafe) private static var commonPasswords: (path: String, list: Set<String>)?

    /// The site key (`site_keys.csrf`), read from the primary on first use and prepared for
    /// HMAC once: it signs anonymous forms' CSRF tokens (an anonymous post view signs one) and
    /// anonymous reporters' cookies.
    static func siteCSRFMAC(_ database: Database) throws -> HMACSHA256 {
        if let csrfMAC { return csrfMAC }
        let rows = try database.readPrimary("SELECT secret FROM site_keys WHERE name = 'csrf'")
        guard let row = rows.first else {
            throw MariaDBError(.misuse, message: "site_keys has no csrf key: run `corkboard migrate`")
        }
        let mac = HMACSHA256(key: try row.decode("secret", as: [UInt8].self))
        csrfMAC = mac
        return mac
    }

    /// A hash of a random password made with the current parameters.
    static func dummyHash(_ hasher: PasswordHasher) throws -> String {
        let params = "\(hasher.memoryKiB),\(hasher.iterations),\(hasher.parallelism)"
        if let dummy, dummy.params == params { return dummy.hash }
        let hash = try hasher.hash(Crypto.token())
        dummy = (params, hash)
        return hash
    }

    /// The common-password list from `path` (lower-cased). A missing file is logged loudly and
    /// leaves the small built-in list in force, so the policy never silently disappears.
    static func commonPasswordList(path: String, logger: Logger) -> Set<String> {
        if let commonPasswords, commonPasswords.path == path { return commonPasswords.list }
        var list = PasswordPolicy.builtIn
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            for line in text.split(whereSeparator: \.isNewline) {
                let word = line.trimmingCharacters(in: .whitespaces)
                if !word.isEmpty, !word.hasPrefix("#") { list.insert(word.lowercased()) }
            }
        } else {
            logger.error("common password list not readable; using the built-in list only", metadata: ["path": "\(path)"])
        }
        commonPasswords = (path, list)
        return list
    }
}
