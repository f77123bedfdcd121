import Foundation

/// Browse and search: page size and the key that signs pagination cursors.
/// Keys and defaults are documented in systemd/corkboard.conf.
public struct SearchConfig: Sendable {
    /// Posts per page (the HTML list and the API).
    public var pageSize: Int
    /// HMAC key for cursors. Every worker of a site must share it, so it comes from the
    /// configuration; when unset it is derived from the database password and site URL (still
    /// secret, and the same in every worker), which is fine for a single site.
    public var cursorKey: [UInt8]

    public init(file: ConfigFile) throws {
        pageSize = try file.int("search_page_size", default: 25, range: 5...100)
        let secret = file.string("search_cursor_secret", default: "")
        let material = secret.isEmpty
            ? "corkboard cursor key|\(file.string("db_password", default: ""))|\(file.string("site_url", default: "https://localhost"))"
            : secret
        cursorKey = Crypto.sha256(Array(material.utf8))
    }
}
