import MariaDB

/// The cross-host half of cache invalidation: the `cluster_changes` table (sql/0021).
///
/// A change records its posts inside its own transaction (`record`), so the log holds a row
/// exactly when the change committed, and a replica that shows the row shows the change too.
/// Each host's `ChangeFollower` turns new rows into bumps of its shared generation table, and
/// photo rows into the same file operation on its own copy.
public enum ChangeLog {
    /// A change as the follower reads it: a post to invalidate, a city whose lists to empty,
    /// or a photo file to act on.
    enum Entry {
        case post(Int64)
        case city(Int64)
        case photo([UInt8], PhotoAction)
    }

    /// What happened to a photo file on the host that changed it.
    enum PhotoAction: String {
        case remove, withdraw, reinstate
    }

    /// How far back a follower looks each poll: commits land out of id order and replicas
    /// apply them late, so rows are found by time, and a row stays in view this long.
    public static let window = 15
    /// Rows older than this are pruned (a follower down for longer has an empty cache anyway:
    /// a pool starts cold).
    public static let retentionSeconds = 3600

    /// Inside the change's transaction: one row per post it touched, and one per city whose
    /// lists showed a changed post (`PostChange.cities`).
    static func record(posts: [Int64], cities: Set<Int64>, on conn: some SQLRunner) throws {
        if !posts.isEmpty {
            _ = try conn.execute("""
                INSERT INTO cluster_changes (post_id, changed_at)
                SELECT id, UTC_TIMESTAMP(6) FROM posts WHERE id IN \(SQL.list(posts))
                """)
        }
        if !cities.isEmpty {
            _ = try conn.execute("""
                INSERT INTO cluster_changes (city_id, changed_at)
                SELECT id, UTC_TIMESTAMP(6) FROM cities WHERE id IN \(SQL.list(cities.sorted()))
                """)
        }
    }

    /// Inside the transaction that did it, under the photo's row lock: `action` on the file
    /// named by `sha` (a display file or a thumbnail).
    static func record(photo sha: [UInt8], _ action: PhotoAction, on conn: some SQLRunner) throws {
        _ = try conn.execute("""
            INSERT INTO cluster_changes (photo_sha256, photo_action, changed_at)
            VALUES (\(sha), \(action.rawValue), UTC_TIMESTAMP(6))
            """)
    }

    /// The log's rows of the last `window` seconds (by the answering server's clock), in order.
    static func recent(_ database: Database) throws -> [(id: UInt64, entry: Entry)] {
        try database.read("""
            SELECT id, post_id, city_id, photo_sha256, photo_action FROM cluster_changes
            WHERE changed_at >= UTC_TIMESTAMP(6) - INTERVAL \(window) SECOND ORDER BY id
            """).compactMap { row in
            let id: UInt64 = try row.decode("id")
            if let post = try row.decode("post_id", as: Int64?.self) { return (id, .post(post)) }
            if let city = try row.decode("city_id", as: Int64?.self) { return (id, .city(city)) }
            guard let sha = try row.decode("photo_sha256", as: [UInt8]?.self),
                  let action = PhotoAction(rawValue: try row.decode("photo_action", as: String?.self) ?? "")
            else { return nil }
            return (id, .photo(sha, action))
        }
    }

    /// Deletes a batch of rows past the retention; any host may run it, at any time.
    static func prune(_ database: Database) throws {
        try database.write(pruning(limit: 1000), readYourWrites: false)
    }

    /// A batch of at most `limit` rows past the retention (followers prune, and so does the
    /// purge job, since a single host runs no follower).
    static func pruning(limit: Int) -> SQL {
        """
        DELETE FROM cluster_changes WHERE changed_at < UTC_TIMESTAMP(6) - INTERVAL \(retentionSeconds) SECOND
        LIMIT \(limit)
        """
    }
}
