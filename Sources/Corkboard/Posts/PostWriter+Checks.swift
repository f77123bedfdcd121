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

    /// Inside the change: the photos of the post, in the poster's order. First the checks that
    /// can refuse, before any file is written: photos referred to by id are locked and must be
    /// kept from the post, or an unexpired upload of the poster's (which is spent). Then the
    /// photos sent in this request are registered and their files written (`PostChange.store`).
    func attach(_ change: inout PostChange, _ photos: [PostFields.PhotoItem], userID: Int64,
                keeping: Set<[UInt8]>) throws -> [PhotoRef] {
        var fresh: [[UInt8]: ProcessedPhoto] = [:]
        var byID: [(sha: [UInt8], label: String)] = []
        for item in photos {
            switch item {
            case .fresh(let photo, _): fresh[photo.sha256] = photo
            case .existing(let sha, let label): byID.append((sha, label))
            }
        }
        let stored = try PhotoRegistry.lock(change.conn, byID.map(\.sha).filter { fresh[$0] == nil })
        var claimed = Set<[UInt8]>()
        for (sha, label) in byID where fresh[sha] == nil && claimed.insert(sha).inserted {
            guard stored[sha] != nil,
                  try keeping.contains(sha) || PhotoRegistry.claimUpload(change.conn, userID: userID, sha256: sha) else {
                throw HTTPError.badRequest("\(label) is unknown or has expired; upload it again.", field: "photos")
            }
        }
        // Hash order, the order every deleter locks in too.
        for photo in fresh.values.sorted(by: { $0.sha256.lexicographicallyPrecedes($1.sha256) }) {
            try change.store(photo)
        }
        var seen = Set<[UInt8]>()
        return photos.compactMap { item in
            guard seen.insert(item.sha256).inserted else { return nil }   // the same photo twice: once
            if let photo = fresh[item.sha256] {
                return PhotoRef(sha256: photo.sha256, thumbSHA256: photo.thumbSHA256, width: photo.width, height: photo.height)
            }
            return stored[item.sha256]
        }
    }

    /// Writes a post's photos at positions 0, 1, … in the poster's order (an edit deletes and
    /// writes them all again): lists read the thumbnail at position 0 (`SearchPlan.shown`).
    static func insertImages(_ conn: Transaction, postID: Int64, _ refs: [PhotoRef]) throws {
        for (position, ref) in refs.enumerated() {
            _ = try conn.execute("""
                INSERT INTO post_images (post_id, position, image_sha256, thumb_sha256, width, height)
                VALUES (\(postID), \(position), \(ref.sha256), \(ref.thumbSHA256), \(ref.width), \(ref.height))
                """)
        }
    }

    /// Test-only fault injection (`test_hooks = true` only), after the post's rows are written
    /// and before its transaction commits. A title containing CORKBOARD_TEST_HOLD_BEFORE_COMMIT
    /// holds the transaction open in `SELECT SLEEP(…)` on its own connection, so a drill can
    /// kill that connection's server-side thread mid-transaction (the sleep ends after
    /// `testHoldSeconds` if nobody does, and the post commits); one containing
    /// CORKBOARD_TEST_FAIL_BEFORE_COMMIT fails after its files are written.
    func runTestHooks(_ conn: Transaction, title: String) throws {
        guard config.posts.testHooks else { return }
        let env = ProcessInfo.processInfo.environment
        func marked(_ name: String) -> Bool {
            guard let marker = env[name], !marker.isEmpty else { return false }
            return title.contains(marker)
        }
        if marked("CORKBOARD_TEST_HOLD_BEFORE_COMMIT") {
            logger.warning("test hook: holding the transaction open", metadata: ["title": "\(title)"])
            _ = try conn.query("SELECT SLEEP(\(Self.testHoldSeconds)) AS held")
        }
        if marked("CORKBOARD_TEST_FAIL_BEFORE_COMMIT") {
            logger.warning("test hook: failing before commit", metadata: ["title": "\(title)"])
            throw TestHookFailure()
        }
    }

    /// Below `db_read_timeout`'s default, so the hold ends on the server's side, not the client's.
    static let testHoldSeconds = 8
}

/// The injected failure (answered like any internal error: 500, nothing leaked).
struct TestHookFailure: Error {}
