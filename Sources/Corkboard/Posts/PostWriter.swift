import Foundation
import Logging
import MariaDB

/// Creates, edits, deletes and reposts posts, each as one `PostVisibility` change (which
/// re-indexes, drops the post from every worker's cache and releases photos that lost their
/// last use). Photos sent in the request are processed in memory first; inside the change,
/// every check that can refuse (the post's lock and owner, the limits, the photos the poster
/// refers to by id) runs before any file is written, and a failure after that removes the files
/// the request created before the rollback (`PhotoWrites`): a refused or failed request stores
/// nothing.
public struct PostWriter {
    let visibility: PostVisibility
    let config: Config
    let logger: Logger

    public init(visibility: PostVisibility, config: Config, logger: Logger) {
        self.visibility = visibility
        self.config = config
        self.logger = logger
    }

    var database: Database { visibility.database }

    public func create(user: User, fields input: PostFields, now: Date = Date()) throws -> Int64 {
        try create(user: user, fields: input, keeping: [], now: now)
    }

    /// `keeping`: photos the poster may use without an upload (a repost's, from their old post).
    func create(user: User, fields input: PostFields, keeping: Set<[UInt8]>, now: Date) throws -> Int64 {
        var fields = input
        try fields.normalise(creating: true, maxPhotos: config.posts.maxPhotos)
        let catalog = PostCatalog(database: database)
        let cityID = try catalog.cityID(fields.city!)
        let categoryID = try catalog.categoryID(fields.category!)
        var hoodID: Int64?
        if case .set(let slug) = fields.neighbourhood { hoodID = try catalog.neighbourhoodID(slug, cityID: cityID) }
        let price = try fields.price(in: catalog.currency(cityID: cityID)).applied(to: nil)
        let title = fields.title!, description = fields.description!
        let content = PostFields.contentHash(title: title, description: description)
        return try visibility.change { change in
            let conn = change.conn
            try checkLimits(conn, userID: user.id, cityID: cityID, content: content, now: now)
            let refs = try attach(&change, fields.photos ?? [], userID: user.id, keeping: keeping)
            let location = fields.locationText.applied(to: nil)
            let id = Int64(try conn.execute("""
                INSERT INTO posts (user_id, city_id, neighbourhood_id, category_id, title, description, price_minor,
                                   location_text, contact_enabled, content_sha256, created_at, updated_at)
                VALUES (\(user.id), \(cityID), \(hoodID), \(categoryID), \(title), \(description), \(price),
                        \(location), \(fields.contactEnabled ?? true), \(content), \(now), \(now))
                """).lastInsertID)
            change.created(post: id)
            try Self.insertImages(conn, postID: id, refs)
            try runTestHooks(conn, title: title)
            return id
        }
    }

    /// A partial update: only the fields sent change. Owner or moderator only (403), a
    /// missing post is 404, a deleted one 410. Bumps `version`.
    public func update(_ id: Int64, user: User, fields input: PostFields, now: Date = Date()) throws {
        var fields = input
        try fields.normalise(creating: false, maxPhotos: config.posts.maxPhotos)
        let catalog = PostCatalog(database: database)
        try visibility.change { change in
            let conn = change.conn
            let current = try Self.lockForChange(conn, id: id, user: user)
            let cityID = try fields.city.map { try catalog.cityID($0) } ?? current.cityID
            let categoryID = try fields.category.map { try catalog.categoryID($0) } ?? current.categoryID
            var hoodID = current.neighbourhoodID
            if fields.neighbourhood.isSent {
                hoodID = try fields.neighbourhood.applied(to: nil).map { try catalog.neighbourhoodID($0, cityID: cityID) }
            } else if cityID != current.cityID {
                hoodID = nil   // the old neighbourhood belongs to the old city
            }
            try change.willChange(posts: [id])
            let title = fields.title ?? current.title
            let description = fields.description ?? current.description
            let price = try fields.price(in: catalog.currency(cityID: cityID)).applied(to: current.priceMinor)
            let location = fields.locationText.applied(to: current.locationText)
            let content = PostFields.contentHash(title: title, description: description)
            if let photos = fields.photos {
                let kept = Set(try conn.query("SELECT image_sha256 FROM post_images WHERE post_id = \(id)")
                    .map { try $0.decode("image_sha256", as: [UInt8].self) })
                let refs = try attach(&change, photos, userID: current.userID, keeping: kept)
                _ = try conn.execute("DELETE FROM post_images WHERE post_id = \(id)")
                try Self.insertImages(conn, postID: id, refs)
            }
            let contact: SQL = fields.contactEnabled.map { (on) -> SQL in "contact_enabled = \(on)," } ?? ""
            _ = try conn.execute("""
                UPDATE posts SET city_id = \(cityID), neighbourhood_id = \(hoodID), category_id = \(categoryID),
                    title = \(title), description = \(description), price_minor = \(price), location_text = \(location),
                    \(contact) content_sha256 = \(content), updated_at = \(now), version = version + 1
                WHERE id = \(id)
                """)
            try runTestHooks(conn, title: title)
        }
    }

    /// Soft delete: viewers get 410 from now on; photos no other post or upload uses are
    /// deleted once it commits (`PostVisibility`).
    public func delete(_ id: Int64, user: User, now: Date = Date()) throws {
        try visibility.change { change in
            _ = try Self.lockForChange(change.conn, id: id, user: user)
            try change.willChange(posts: [id])
            _ = try change.conn.execute("UPDATE posts SET deleted_at = \(now), version = version + 1 WHERE id = \(id)")
        }
    }

    /// A fresh post with the content and photos of an expired one of the user's own.
    public func repost(_ id: Int64, user: User, now: Date = Date()) throws -> Int64 {
        guard let old = try PostStore(database: database).find(id: id) else { throw HTTPError.notFound("There is no such post.") }
        guard old.userID == user.id else { throw HTTPError(403, "Only the poster can repost this post.") }
        guard old.deletedAt == nil else { throw HTTPError(410, "This post was deleted.") }
        // A repost would be a way round the hide: only a moderator's restore shows it again.
        guard old.hiddenAt == nil else { throw HTTPError(409, "This post is hidden after reports; it cannot be reposted.") }
        guard old.isExpired(now: now) else {
            throw HTTPError.badRequest("This post is still shown; it can be reposted once it has expired.")
        }
        var fields = PostFields()
        fields.title = old.title
        fields.description = old.description
        fields.priceMinor = Patch(old.priceMinor)
        fields.city = old.citySlug
        fields.neighbourhood = Patch(old.neighbourhoodSlug)
        fields.category = old.categorySlug
        fields.locationText = Patch(old.locationText)
        fields.contactEnabled = old.contactEnabled
        fields.photos = old.photos.enumerated().map { .existing(sha256: $0.element.sha256, label: "Photo \($0.offset + 1)") }
        return try create(user: user, fields: fields, keeping: Set(old.photos.map(\.sha256)), now: now)
    }
}
