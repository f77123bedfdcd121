import Foundation
import Logging
import MariaDB

/// The one place that changes which posts viewers can see: creating, editing and deleting a
/// post, deleting an account, and whatever comes next (moderation's hide, restore and ban,
/// the purge of old posts). Every such change runs through `change`, which owns everything that
/// follows from it, so no caller has to remember any of it:
///
/// - **the search index**: each post the change touched is re-indexed in the same transaction
///   (a post no longer visible ends up unindexed), so a search never sees half a change;
/// - **files**: photos the change stores (`PostChange.store`) are written under their row lock
///   and removed again, before the rollback, when anything in the change throws;
/// - **the hot-post cache on every worker**: after the commit, each touched post's generation
///   is bumped in the host's shared table, and so is the city generation of every city an
///   existing post was changed in, which empties that city's cached lists (`ListingCache`)
///   everywhere at once (a new post only appears in them, so it may take the lists' short
///   lifetime to show); other hosts learn both from the change log written in the transaction
///   (`ChangeLog`, followed by each pool master's `ChangeFollower`);
/// - **the photos' serving**: after the commit, every photo that lost a use is deleted at once
///   unless something still uses it, and every photo of a hidden or restored post is withdrawn
///   or served again to match its uses (`PhotoRegistry.release`), so nginx answers 404 for a
///   photo only hidden posts use, from then on. A worker killed between the commit and the release leaves the photo to the
///   collector (`corkboard gc-photos`, the safety net).
///
/// A deadlock victim's transaction rolled back whole (its files undone); it is run again, up
/// to three times.
public struct PostVisibility {
    public let database: Database
    public let files: PhotoFiles
    /// This worker's hot-post cache (nil outside a worker: the CLI).
    public let cache: HotPostCache?
    public let logger: Logger

    public init(database: Database, files: PhotoFiles, cache: HotPostCache?, logger: Logger) {
        self.database = database
        self.files = files
        self.cache = cache
        self.logger = logger
    }

    /// Runs `body` in one transaction; `body` makes its change through the `PostChange` it is
    /// given (its `conn`, and `willChange`/`created` for every post it changes).
    public func change<T>(_ body: (inout PostChange) throws -> T) throws -> T {
        let (value, done) = try database.transaction { conn in
            try PhotoWrites.undoing(files: files) { writes in
                var change = PostChange(conn: conn, writes: writes)
                defer { writes = change.writes }
                let value = try body(&change)
                try SearchIndex.index(postIDs: change.posts, on: conn)
                try files.changeLog.record(posts: change.posts, cities: change.cities, bumpedHere: cache != nil, on: conn)
                return (value, change)
            }
        }
        settle(done)
        return value
    }

    /// After the commit: every worker drops the touched posts, and photos that lost a use go
    /// unless something still uses them; those of posts now hidden are withdrawn unless a
    /// visible post shares them.
    private func settle(_ done: PostChange) {
        if let cache {
            done.posts.forEach(cache.invalidate)
            done.cities.forEach { cache.generations.bump(city: $0) }
        }
        var photos = done.released
        if !done.posts.isEmpty {
            do {
                for row in try database.readPrimary("""
                    SELECT pi.image_sha256 FROM post_images pi JOIN posts p ON p.id = pi.post_id
                    WHERE p.id IN \(SQL.list(done.posts)) AND p.hidden_at IS NOT NULL AND p.deleted_at IS NULL
                    """) {
                    photos.insert(try row.decode("image_sha256", as: [UInt8].self))
                }
            } catch {
                logger.error("hidden posts' photos left for gc-photos", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
        PhotoRegistry(database: database, files: files).release(photos, logger: logger)
    }
}

/// One change in progress, inside its transaction: what it touched, for `PostVisibility`.
public struct PostChange {
    /// The transaction's connection: make every statement of the change on it.
    public let conn: Transaction
    var writes: PhotoWrites
    /// Posts changed or created, in order, without repeats.
    public private(set) var posts: [Int64] = []
    private var seen: Set<Int64> = []
    /// Photos that may have lost a use.
    private(set) var released: Set<[UInt8]> = []
    /// Cities whose lists may show a changed post.
    private(set) var cities: Set<Int64> = []

    init(conn: Transaction, writes: PhotoWrites) {
        self.conn = conn
        self.writes = writes
    }

    /// Call before changing existing posts (their rows, photos or owner): records them and the
    /// photos they use now.
    public mutating func willChange(posts ids: [Int64]) throws {
        let fresh = ids.filter { seen.insert($0).inserted }
        guard !fresh.isEmpty else { return }
        posts += fresh
        for row in try conn.query("SELECT image_sha256 FROM post_images WHERE post_id IN \(SQL.list(fresh))") {
            released.insert(try row.decode("image_sha256", as: [UInt8].self))
        }
        for row in try conn.query("SELECT DISTINCT city_id FROM posts WHERE id IN \(SQL.list(fresh))") {
            cities.insert(try row.decode("city_id", as: Int64.self))
        }
    }

    /// Call after inserting a post.
    public mutating func created(post id: Int64) {
        if seen.insert(id).inserted { posts.append(id) }
    }

    /// Photos that lose a use other than a post's (an upload row deleted).
    public mutating func releasing(photos shas: [[UInt8]]) {
        released.formUnion(shas)
    }

    /// Registers a photo processed in this request and writes its missing files (see
    /// `PhotoWrites`); undone if the change fails.
    mutating func store(_ photo: ProcessedPhoto) throws {
        try writes.store(photo, on: conn)
    }
}
