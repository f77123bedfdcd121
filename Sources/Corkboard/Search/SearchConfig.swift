import Foundation

/// Browse and search: page size and the key that signs pagination cursors.
/// Keys and defaults are documented in systemd/corkboard.conf.
public struct SearchConfig: Sendable {
    /// Posts per page (the HTML list and the API).
    public var pageSize: Int
    /// HMAC key for cursors, from the required `search_cursor_secret`: every worker and host of
    /// a site shares it, and it changes only when an operator changes it. Prepared once, with
    /// the configuration: every list page signs its next cursor, and a scrolled one checks one.
    /// It also keys the hashes search clients are counted under (`SearchTermStats.client`).
    public var cursorKey: HMACSHA256

    public init(file: ConfigFile) throws {
        pageSize = try file.int("search_page_size", default: 25, range: 5...100)
        cursorKey = HMACSHA256(key: Crypto.sha256(Array(try file.secret("search_cursor_secret").utf8)))
    }
}
