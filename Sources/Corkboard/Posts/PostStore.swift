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

    /// A post's own columns, by id, without the joins for its labels (`Post.Labels`).
    static let ownColumnsByID = SQL(unsafeSQL: "\(ownColumns) FROM posts p USE INDEX (PRIMARY)")

    /// What `Post(row:labels:)` reads of the post itself (both lists above start with it).
    private static let ownColumns = """
        p.id, p.user_id, p.city_id, p.category_id, p.neighbourhood_id, p.title, p.description,
        p.price_minor, p.location_text, p.contact_enabled, p.created_at, p.updated_at, p.deleted_at,
        p.hidden_at, p.hidden_reason, p.review_requested_at, p.version
        """

    /// The post's own columns and its labels by joins (`Post.Labels(row:)`).
    private static func columns(from posts: String) -> SQL {
        SQL(unsafeSQL: """
        \(ownColumns), c.slug AS city_slug, c.name AS city_name, c.currency AS city_currency,
        n.name AS neighbourhood, n.slug AS neighbourhood_slug, cat.name AS category, cat.slug AS category_slug
        FROM \(posts)
        JOIN cities c ON c.id = p.city_id
        JOIN categories cat ON cat.id = p.category_id
        LEFT JOIN neighbourhoods n ON n.id = p.neighbourhood_id
        """)
    }

    /// A visible post by id with its photos, or nil when it does not exist, is deleted, hidden
    /// or has expired. `fromPrimary` skips the replicas (a cache refill right after an edit).
    ///
    /// Its city's, category's and neighbourhood's names come from `cities`, this worker's copy
    /// of the catalogs (read again when the post names an entry the copy lacks), not from joins:
    /// MariaDB plans every run of a statement again, and the three joins were a third of an
    /// uncached post page's cost on the server. A renamed category shows within the copy's
    /// lifetime, as it does in the menus.
    public func visible(id: Int64, now: Date = Date(), fromPrimary: Bool = false, cities: CityCatalogCache) throws -> Post? {
        let since = now.addingTimeInterval(-Post.visibleFor)
        let condition: SQL = "p.id = \(id) AND p.deleted_at IS NULL AND p.hidden_at IS NULL AND p.created_at > \(since)"
        guard let rows = try rowsWithPhotos(Self.ownColumnsByID, condition, fromPrimary: fromPrimary),
              let first = rows.first else { return nil }
        guard let labels = try labels(of: first, cities: cities) else {
            return try withPhotos(condition, fromPrimary: fromPrimary)   // not in the catalogs: read by joins
        }
        return try post(rows, labels: labels)
    }

    /// Any post by id — deleted or expired too — with its photos, read from the primary (the
    /// owner's pages and every write check it, and must see their own latest state).
    public func find(id: Int64) throws -> Post? {
        try withPhotos("p.id = \(id)", fromPrimary: true)
    }

    /// The one post `condition` (on `p.id`) picks, with its photos and its labels by joins.
    func withPhotos(_ condition: SQL, fromPrimary: Bool) throws -> Post? {
        guard let rows = try rowsWithPhotos(Self.columnsByID, condition, fromPrimary: fromPrimary),
              let first = rows.first else { return nil }
        return try post(rows, labels: Post.Labels(row: first))
    }

    /// The rows of the one post `condition` picks, in one statement (one round trip: the post
    /// page's whole database cost on a cache miss): a row per photo, each carrying the post's
    /// `columns`, or one row with NULL photo columns for a post without photos.
    private func rowsWithPhotos(_ columns: SQL, _ condition: SQL, fromPrimary: Bool) throws -> [Row]? {
        let sql: SQL = "SELECT pi.position AS photo_position, pi.image_sha256 AS sha256, pi.thumb_sha256, pi.width, pi.height, "
            + columns + " LEFT JOIN post_images pi ON pi.post_id = p.id WHERE " + condition
        let rows = fromPrimary ? try database.readPrimary(sql) : try database.read(sql)
        return rows.isEmpty ? nil : rows
    }

    /// The post of `rowsWithPhotos`' rows. Its photos are put in position order here, not by
    /// the statement: with the post's joins MariaDB sorted the few rows through a temporary
    /// table, which was a fifth of the statement's cost on the server.
    private func post(_ rows: [Row], labels: Post.Labels) throws -> Post {
        let first = rows[0]
        var post = try Post(row: first, labels: labels)
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

    /// The labels of the post in `row` from the catalogs, read again once when the copy lacks
    /// one of its entries (nil: still missing).
    private func labels(of row: Row, cities: CityCatalogCache) throws -> Post.Labels? {
        let cityID = try row.decode("city_id", as: Int64.self)
        let categoryID = try row.decode("category_id", as: Int64.self)
        let neighbourhoodID = try row.decode("neighbourhood_id", as: Int64?.self)
        for refresh in [false, true] {
            guard let kept = try cities.city(id: cityID, database: database, refresh: refresh) else { return nil }
            let known = kept.catalog.byID
            guard let category = known.categories[categoryID] else { continue }
            guard let neighbourhoodID else { return Post.Labels(city: kept.city, category: category, neighbourhood: nil) }
            if let neighbourhood = known.neighbourhoods[neighbourhoodID] {
                return Post.Labels(city: kept.city, category: category, neighbourhood: neighbourhood)
            }
        }
        return nil
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
