import Foundation
import MariaDB

/// Reads posts for viewers: only live posts of the last seven days.
public struct PostStore {
    let database: Database

    public init(database: Database) { self.database = database }

    static let columns = SQL(unsafeSQL: """
        p.id, p.city_id, c.slug AS city_slug, c.name AS city_name, n.name AS neighbourhood,
        cat.name AS category, p.title, p.description, p.price_minor, p.location_text, p.created_at, p.updated_at
        FROM posts p
        JOIN cities c ON c.id = p.city_id
        JOIN categories cat ON cat.id = p.category_id
        LEFT JOIN neighbourhoods n ON n.id = p.neighbourhood_id
        """)

    /// A city's newest visible posts (the browse and search issue replaces this with keyset pages).
    public func newest(cityID: Int64, limit: Int, now: Date = Date()) throws -> [Post] {
        let since = now.addingTimeInterval(-Post.visibleFor)
        return try database.read("SELECT " + Self.columns + """
             WHERE p.city_id = \(cityID) AND p.deleted_at IS NULL AND p.created_at > \(since)
             ORDER BY p.created_at DESC, p.id DESC LIMIT \(limit)
            """).map(Post.init(row:))
    }

    /// A visible post by id, or nil when it does not exist, is deleted or has expired.
    /// `fromPrimary` skips the replicas (the hot-post cache refilling right after a change).
    public func visible(id: Int64, now: Date = Date(), fromPrimary: Bool = false) throws -> Post? {
        let since = now.addingTimeInterval(-Post.visibleFor)
        let sql: SQL = "SELECT " + Self.columns + """
             WHERE p.id = \(id) AND p.deleted_at IS NULL AND p.created_at > \(since)
            """
        return try (fromPrimary ? database.readPrimary(sql) : database.read(sql)).first.map(Post.init(row:))
    }
}
