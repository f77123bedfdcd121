import Foundation
import MariaDB

extension PostWriter {
    /// The columns an edit starts from, read under the row lock.
    struct Current {
        var userID: Int64
        var cityID: Int64
        var categoryID: Int64
        var neighbourhoodID: Int64?
        var title: String
        var description: String
        var priceMinor: Int64?
        var locationText: String?
    }

    /// Locks the post for a change by `user`: 404 missing, 410 deleted, 403 neither owner nor
    /// moderator.
    static func lockForChange(_ conn: Transaction, id: Int64, user: User) throws -> Current {
        guard let row = try conn.query("""
            SELECT user_id, city_id, category_id, neighbourhood_id, title, description, price_minor, location_text,
                   deleted_at FROM posts WHERE id = \(id) FOR UPDATE
            """).first else { throw HTTPError.notFound("There is no such post.") }
        guard try row.decode("deleted_at", as: Date?.self) == nil else { throw HTTPError(410, "This post was deleted.") }
        let owner = try row.decode("user_id", as: Int64.self)
        guard owner == user.id || user.role == .moderator || user.role == .admin else {
            throw HTTPError(403, "Only the poster (or a moderator) can change this post.")
        }
        return Current(userID: owner, cityID: try row.decode("city_id"), categoryID: try row.decode("category_id"),
                       neighbourhoodID: try row.decode("neighbourhood_id"), title: try row.decode("title"),
                       description: try row.decode("description"), priceMinor: try row.decode("price_minor"),
                       locationText: try row.decode("location_text"))
    }

    /// Posts per day per user, and the same ad in the same city within 48 hours. The user's
    /// row lock makes two simultaneous posts of one user count each other. The duplicate check
    /// is a plain read: a locking read of the index range would take gap locks that two
    /// concurrent inserts into the same range deadlock on.
    func checkLimits(_ conn: Transaction, userID: Int64, cityID: Int64, content: [UInt8], now: Date) throws {
        _ = try conn.query("SELECT id FROM users WHERE id = \(userID) FOR UPDATE")
        let dayAgo = now.addingTimeInterval(-86_400)
        let recent = try conn.query("SELECT COUNT(*) AS n FROM posts WHERE user_id = \(userID) AND created_at > \(dayAgo)")
            .first?.decode("n", as: Int64.self) ?? 0
        let limit = config.posts.postsPerDay
        if recent >= limit {
            throw HTTPError(429, "You have posted \(limit) times in the last 24 hours, the most allowed. Please try again tomorrow.")
        }
        let twoDaysAgo = now.addingTimeInterval(-2 * 86_400)
        let duplicate = try conn.query("""
            SELECT id FROM posts WHERE city_id = \(cityID) AND content_sha256 = \(content) AND created_at > \(twoDaysAgo)
              AND deleted_at IS NULL LIMIT 1
            """)
        if !duplicate.isEmpty {
            throw HTTPError(409, "The same ad (title and description) was already posted in this city within the last 48 hours. Please do not post it again; edit the existing post instead.", field: "title")
        }
    }

    /// Registers and writes the files of photos processed in this request (before the transaction).
    func storeFresh(_ photos: [PostFields.PhotoItem]) throws {
        for case .fresh(let photo, _) in photos { try registry.store(photo) }
    }

    /// Inside the transaction: locks every photo's row and checks the poster may use it — kept
    /// from the post, sent in this request, or an unexpired upload of theirs (which is spent).
    func claim(_ conn: Transaction, _ photos: [PostFields.PhotoItem], userID: Int64, keeping: Set<[UInt8]>) throws -> [PhotoRef] {
        let stored = try PhotoRegistry.lock(conn, photos.map(\.sha256))
        var seen = Set<[UInt8]>()
        var refs: [PhotoRef] = []
        for item in photos {
            guard seen.insert(item.sha256).inserted else { continue }   // the same photo twice: once
            guard let ref = stored[item.sha256] else {
                throw HTTPError.badRequest("\(item.label) is unknown or has expired; upload it again.", field: "photos")
            }
            if case .existing(let sha, _) = item, !keeping.contains(sha) {
                guard try PhotoRegistry.claimUpload(conn, userID: userID, sha256: sha) else {
                    throw HTTPError.badRequest("\(item.label) is unknown or has expired; upload it again.", field: "photos")
                }
            }
            refs.append(ref)
        }
        return refs
    }

    func insertImages(_ conn: Transaction, postID: Int64, _ refs: [PhotoRef]) throws {
        for (position, ref) in refs.enumerated() {
            _ = try conn.execute("""
                INSERT INTO post_images (post_id, position, image_sha256, thumb_sha256, width, height)
                VALUES (\(postID), \(position), \(ref.sha256), \(ref.thumbSHA256), \(ref.width), \(ref.height))
                """)
        }
    }

    /// Test-only fault injection: with `test_hooks = true`, a post whose title contains the
    /// value of CORKBOARD_TEST_FAIL_BEFORE_COMMIT fails after its files are written, before
    /// its transaction commits.
    func failIfTestHookAsks(title: String) throws {
        guard config.posts.testHooks,
              let marker = ProcessInfo.processInfo.environment["CORKBOARD_TEST_FAIL_BEFORE_COMMIT"], !marker.isEmpty,
              title.contains(marker) else { return }
        logger.warning("test hook: failing before commit", metadata: ["title": "\(title)"])
        throw TestHookFailure()
    }
}

extension PostWriter {
    /// Runs a write transaction, again (up to three times) when MariaDB picked it as a deadlock
    /// victim: it rolled back whole, and the files it needs are already written.
    func transactionRetryingDeadlocks<T>(_ body: (Transaction) throws -> T) throws -> T {
        var attempt = 0
        while true {
            do {
                return try database.transaction { try body($0) }
            } catch let error as MariaDBError where error.code == .deadlock && attempt < 2 {
                attempt += 1
                logger.notice("deadlock, retrying the post's transaction", metadata: ["attempt": "\(attempt)"])
            }
        }
    }
}

/// The injected failure (answered like any internal error: 500, nothing leaked).
struct TestHookFailure: Error {}
