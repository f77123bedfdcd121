import MariaDB

/// The cross-host half of cache invalidation: the `cluster_changes` table (sql/0021, 0022).
///
/// A change records its posts inside its own transaction (`record`), so the log holds a row
/// exactly when the change committed, and a replica that shows the row shows the change too.
/// Each host's `ChangeFollower` turns new rows into bumps of its shared generation table, and
/// photo rows into bringing its own copy of the file in step with the database.
///
/// Every row carries its origin, the host that made it (`host_id`), so that host's follower
/// skips what the host has already done itself. The log is written only where it is read: a
/// site of one host (no `host_id`) runs no follower, so it writes nothing here.
public struct ChangeLog: Sendable {
    /// This host's `host_id`, recorded with each row; nil: the site has this one host, and
    /// nothing is logged.
    public let origin: String?

    public init(origin: String? = nil) {
        self.origin = origin
    }

    /// A change as the follower reads it: a post to invalidate, a city whose lists to empty,
    /// or a photo file to act on.
    enum Entry: Equatable {
        case post(Int64)
        case city(Int64)
        case photo([UInt8], PhotoAction)
    }

    /// What happened to a photo file on the host that changed it (the follower takes it as a
    /// hint: what it does to its own copy is what the database says now).
    enum PhotoAction: String {
        case remove, withdraw, reinstate
    }

    /// A row as a follower reads it.
    struct Row {
        var id: UInt64
        var origin: String?
        var entry: Entry
    }

    /// How far back a follower looks each poll: commits land out of id order and replicas
    /// apply them late, so rows are found by time, and a row stays in view this long.
    public static let window = 15
    /// Rows older than this are pruned (a follower down for longer has an empty cache anyway:
    /// a pool starts cold).
    public static let retentionSeconds = 3600

    /// Inside the change's transaction: one row per post it touched, and one per city whose
    /// lists showed a changed post (`PostChange.cities`). `bumpedHere`: this host's generation
    /// table is bumped after the commit (a worker's change), so this host's follower may skip
    /// the rows; a change from the command line bumps nothing and leaves them without origin.
    func record(posts: [Int64], cities: Set<Int64>, bumpedHere: Bool, on conn: some SQLRunner) throws {
        guard let host = origin else { return }
        let origin = bumpedHere ? host : nil
        if !posts.isEmpty {
            _ = try conn.execute("""
                INSERT INTO cluster_changes (post_id, origin, changed_at)
                SELECT id, \(origin), UTC_TIMESTAMP(6) FROM posts WHERE id IN \(SQL.list(posts))
                """)
        }
        if !cities.isEmpty {
            _ = try conn.execute("""
                INSERT INTO cluster_changes (city_id, origin, changed_at)
                SELECT id, \(origin), UTC_TIMESTAMP(6) FROM cities WHERE id IN \(SQL.list(cities.sorted()))
                """)
        }
    }

    /// Inside the transaction that did it, under the photo's row lock: `action` on this host's
    /// file named by `sha` (a display file or a thumbnail).
    func record(photo sha: [UInt8], _ action: PhotoAction, on conn: some SQLRunner) throws {
        guard origin != nil else { return }
        _ = try conn.execute("""
            INSERT INTO cluster_changes (photo_sha256, photo_action, origin, changed_at)
            VALUES (\(sha), \(action.rawValue), \(origin), UTC_TIMESTAMP(6))
            """)
    }

    /// The log's rows of the last `window` seconds (by the answering server's clock), in order.
    static func recent(_ database: Database) throws -> [Row] {
        try database.read("""
            SELECT id, origin, post_id, city_id, photo_sha256, photo_action FROM cluster_changes
            WHERE changed_at >= UTC_TIMESTAMP(6) - INTERVAL \(window) SECOND ORDER BY id
            """).compactMap { row in
            let id: UInt64 = try row.decode("id")
            let origin = try row.decode("origin", as: String?.self)
            if let post = try row.decode("post_id", as: Int64?.self) { return Row(id: id, origin: origin, entry: .post(post)) }
            if let city = try row.decode("city_id", as: Int64?.self) { return Row(id: id, origin: origin, entry: .city(city)) }
            guard let sha = try row.decode("photo_sha256", as: [UInt8]?.self),
                  let action = PhotoAction(rawValue: try row.decode("photo_action", as: String?.self) ?? "")
            else { return nil }
            return Row(id: id, origin: origin, entry: .photo(sha, action))
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
