import Foundation
import Logging
import MariaDB

/// Creates, edits, deletes and reposts posts. Photos sent in the request are processed before
/// anything is written; then their files are written (registered first, see `PhotoRegistry`),
/// and one transaction checks the limits, claims uploads, and writes the post and its photo
/// rows. If anything fails the transaction rolls back — no post, no photo rows — and the files
/// it wrote are left for `corkboard gc-photos`.
public struct PostWriter {
    let database: Database
    let config: Config
    let logger: Logger

    public init(database: Database, config: Config, logger: Logger) {
        self.database = database
        self.config = config
        self.logger = logger
    }

    var registry: PhotoRegistry { PhotoRegistry(database: database, files: PhotoFiles(root: config.imagesRoot)) }

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
        let photos = fields.photos ?? []
        try storeFresh(photos)
        let title = fields.title!, description = fields.description!
        let content = PostFields.contentHash(title: title, description: description)
        return try transactionRetryingDeadlocks { conn in
            try checkLimits(conn, userID: user.id, cityID: cityID, content: content, now: now)
            let refs = try claim(conn, photos, userID: user.id, keeping: keeping)
            let location = fields.locationText.applied(to: nil)
            let id = Int64(try conn.execute("""
                INSERT INTO posts (user_id, city_id, neighbourhood_id, category_id, title, description, price_minor,
                                   location_text, content_sha256, created_at, updated_at)
                VALUES (\(user.id), \(cityID), \(hoodID), \(categoryID), \(title), \(description), \(price),
                        \(location), \(content), \(now), \(now))
                """).lastInsertID)
            try insertImages(conn, postID: id, refs)
            try SearchIndex.index(postID: id, on: conn)
            try failIfTestHookAsks(title: title)
            return id
        }
    }

    /// A partial update: only the fields sent change. Owner or moderator only (403), a
    /// missing post is 404, a deleted one 410. Bumps `version`.
    public func update(_ id: Int64, user: User, fields input: PostFields, now: Date = Date()) throws {
        var fields = input
        try fields.normalise(creating: false, maxPhotos: config.posts.maxPhotos)
        if let photos = fields.photos { try storeFresh(photos) }
        let catalog = PostCatalog(database: database)
        try transactionRetryingDeadlocks { conn in
            let current = try Self.lockForChange(conn, id: id, user: user)
            let cityID = try fields.city.map { try catalog.cityID($0) } ?? current.cityID
            let categoryID = try fields.category.map { try catalog.categoryID($0) } ?? current.categoryID
            var hoodID = current.neighbourhoodID
            if fields.neighbourhood.isSent {
                hoodID = try fields.neighbourhood.applied(to: nil).map { try catalog.neighbourhoodID($0, cityID: cityID) }
            } else if cityID != current.cityID {
                hoodID = nil   // the old neighbourhood belongs to the old city
            }
            let title = fields.title ?? current.title
            let description = fields.description ?? current.description
            let price = try fields.price(in: catalog.currency(cityID: cityID)).applied(to: current.priceMinor)
            let location = fields.locationText.applied(to: current.locationText)
            let content = PostFields.contentHash(title: title, description: description)
            _ = try conn.execute("""
                UPDATE posts SET city_id = \(cityID), neighbourhood_id = \(hoodID), category_id = \(categoryID),
                    title = \(title), description = \(description), price_minor = \(price), location_text = \(location),
                    content_sha256 = \(content), updated_at = \(now), version = version + 1
                WHERE id = \(id)
                """)
            if let photos = fields.photos {
                let kept = Set(try conn.query("SELECT image_sha256 FROM post_images WHERE post_id = \(id)")
                    .map { try $0.decode("image_sha256", as: [UInt8].self) })
                let refs = try claim(conn, photos, userID: current.userID, keeping: kept)
                _ = try conn.execute("DELETE FROM post_images WHERE post_id = \(id)")
                try insertImages(conn, postID: id, refs)
            }
            try SearchIndex.index(postID: id, on: conn)
            try failIfTestHookAsks(title: title)
        }
    }

    /// Soft delete: viewers get 410 from now on; the photos become unreferenced (collected by
    /// gc-photos unless another post uses them).
    public func delete(_ id: Int64, user: User, now: Date = Date()) throws {
        try transactionRetryingDeadlocks { conn in
            _ = try Self.lockForChange(conn, id: id, user: user)
            _ = try conn.execute("UPDATE posts SET deleted_at = \(now), version = version + 1 WHERE id = \(id)")
            try SearchIndex.remove(postID: id, on: conn)
        }
    }

    /// A fresh post with the content and photos of an expired one of the user's own.
    public func repost(_ id: Int64, user: User, now: Date = Date()) throws -> Int64 {
        guard let old = try PostStore(database: database).find(id: id) else { throw HTTPError.notFound("There is no such post.") }
        guard old.userID == user.id else { throw HTTPError(403, "Only the poster can repost this post.") }
        guard old.deletedAt == nil else { throw HTTPError(410, "This post was deleted.") }
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
        fields.photos = old.photos.enumerated().map { .existing(sha256: $0.element.sha256, label: "Photo \($0.offset + 1)") }
        return try create(user: user, fields: fields, keeping: Set(old.photos.map(\.sha256)), now: now)
    }
}
