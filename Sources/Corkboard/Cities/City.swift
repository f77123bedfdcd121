import MariaDB

/// A city viewers browse; its slug is the first path segment of its pages.
public struct City: Sendable, Codable {
    public var id: Int64
    public var slug: String
    public var name: String
    public var timeZone: String
    /// What its posts' prices are in (`posts.price_minor` counts this currency's minor unit).
    public var currency: Currency

    /// Path segments the site uses itself; a city may never take one of them as its slug.
    public static let reservedSlugs: Set<String> = [
        "api", "post", "posts", "login", "logout", "signup", "account", "static", "images", "healthz",
        "metrics", "status", "search", "admin", "user", "users", "verify", "reset", "favicon.ico",
        "robots.txt", "mail", "report", "contact", "about", "help", "terms", "privacy",
    ]

    /// Why `slug` cannot name a city, or nil when it can: lower-case letters, digits and
    /// hyphens, 2–64 characters, not reserved.
    public static func slugProblem(_ slug: String) -> String? {
        guard (2...64).contains(slug.count) else { return "must be 2 to 64 characters" }
        guard slug.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }),
              !slug.hasPrefix("-"), !slug.hasSuffix("-") else {
            return "may hold only lower-case letters, digits and inner hyphens"
        }
        if reservedSlugs.contains(slug) { return "is reserved for the site's own pages" }
        return nil
    }

    init(id: Int64, slug: String, name: String, timeZone: String, currency: Currency) {
        self.id = id
        self.slug = slug
        self.name = name
        self.timeZone = timeZone
        self.currency = currency
    }

    init(row: Row) throws {
        id = try row.decode("id", as: Int64.self)
        slug = try row.decode("slug", as: String.self)
        name = try row.decode("name", as: String.self)
        timeZone = try row.decode("time_zone", as: String.self)
        currency = try Currency(storedCode: try row.decode("currency", as: String.self))
    }
}
