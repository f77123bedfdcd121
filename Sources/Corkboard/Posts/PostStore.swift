import Foundation
import MariaDB

/// The one read path for posts: viewers' reads (live posts of the last seven days), the
/// owner's reads (expired ones too), and the photos of each, in order.
public struct PostStore {
    let database: Database

    public init(database: Database) { self.database = database }

    static let columns = columns(from: "posts p")

    /// The same for statements that pick one post by its id: the hint keeps MariaDB, which
    /// plans every run of a prepared statement again, from weighing the posts' other indexes
    /// (a seventh of an uncached post page's cost on the server).
    static let columnsByID = columns(from: "posts p USE INDEX (PRIMARY)")

    private static func columns(from posts: String) -> SQL {
        SQL(unsafeSQL: """
        p.id, p.user_id, p.city_id, c.slug AS city_slug, c.name AS city_name, c.currency AS city_currency, n.name AS neighbourhood,
        n.slug AS neighbourhood_slug, cat.name AS category, cat.slug AS category_slug, p.title, p.description,
        p.price_minor, p.location_text, p.contact_enabled, p.created_at, p.updated_at, p.deleted_at,
        p.hidden_at, p.hidden_reason, p.review_requested_at, p.version
        FROM \(posts)
        JOIN cities c ON c.id = p.city_id
        JOIN categories cat ON cat.id = p.category_id
        LEFT JOIN neighbourhoods n ON n.id = p.neighbourhood_id
        """)
    }

    /// A visible post by id with its photos, or nil when it does not exist, is deleted, hidden
    /// or has expired. `fromPrimary` skips the replicas (a cache refill right after an edit).
    public func visible(id: Int64, now: Date = Date(), fromPrimary: Bool = false) throws -> Post? {
        let since = now.addingTimeInterval(-Post.visibleFor)
        return try withPhotos("p.id = \(id) AND p.deleted_at IS NULL AND p.hidden_at IS NULL AND p.created_at > \(since)",
                              fromPrimary: fromPrimary)
    }

    /// Any post by id — deleted or expired too — with its photos, read from the primary (the
    /// owner's pages and every write check it, and must see their own latest state).
    public func find(id: Int64) throws -> Post? {
        try withPhotos("p.id = \(id)", fromPrimary: true)
    }

    /// The one post `condition` (on `p.id`) picks, with its photos, in one statement (one round trip: the
    /// post page's whole database cost on a cache miss): a row per photo, each carrying the
    /// post's columns, or one row with NULL photo columns for a post without photos.
    ///
    /// The photos are put in position order here, not by the statement: with the post's joins
    /// MariaDB sorted the few rows through a temporary table, which was a fifth of the
    /// statement's cost on the server.
    func withPhotos(_ condition: SQL, fromPrimary: Bool) throws -> Post? {
        let sql: SQL = "SELECT pi.position AS photo_position, pi.image_sha256 AS sha256, pi.thumb_sha256, pi.width, pi.height, "
            + Self.columnsByID + " LEFT JOIN post_images pi ON pi.post_id = p.id WHERE " + condition
        let rows = fromPrimary ? try database.readPrimary(sql) : try database.read(sql)
        guard let first = rows.first else { return nil }
        var post = try Post(row: first)
        let columns = try PhotoRef.Columns(first.rowDescription)
        let position = try first.rowDescription.position(of: "photo_position")
        var photos: [(position: Int, photo: PhotoRef)] = []
        for row in rows {
            guard let at = try row.decode(position, as: Int?.self) else { continue }
            photos.append((at, try PhotoRef(row: row, columns: columns)))
        }
        photos.sort { $0.position < $1.position }
        post.photos = photos.map(\.photo)
        return post
    }

    /// A user's posts that are not deleted (expired ones included: "my posts"), newest first.
    public func byUser(_ userID: Int64, limit: Int = 200) throws -> [Post] {
        var posts = try database.readPrimary("SELECT " + Self.columns + """
             WHERE p.user_id = \(userID) AND p.deleted_at IS NULL ORDER BY p.created_at DESC, p.id DESC LIMIT \(limit)
            """).map(Post.init(row:))
        guard !posts.isEmpty else { return [] }
        let byPost = try photos(postIDs: posts.map(\.id), fromPrimary: true)
        for i in posts.indices { posts[i].photos = byPost[posts[i].id] ?? [] }
        return posts
    }

    func photos(postIDs: [Int64], fromPrimary: Bool) throws -> [Int64: [PhotoRef]] {
        let sql: SQL = """
            SELECT post_id, image_sha256 AS sha256, thumb_sha256, width, height FROM post_images
            WHERE post_id IN \(SQL.list(postIDs)) ORDER BY post_id, position
            """
        let rows = fromPrimary ? try database.readPrimary(sql) : try database.read(sql)
        guard let first = rows.first else { return [:] }
        let (postID, columns) = (try first.rowDescription.position(of: "post_id"), try PhotoRef.Columns(first.rowDescription))
        var out: [Int64: [PhotoRef]] = [:]
        for row in rows {
            out[try row.decode(postID, as: Int64.self), default: []].append(try PhotoRef(row: row, columns: columns))
        }
        return out
    }
}
