import Foundation
import Logging
import MariaDB

/// Follows the change log (`ChangeLog`) for one host: a thread of the pool master that reads
/// the log's recent rows from a replica every `interval` seconds and bumps each newly seen
/// post's (and changed city's) generation in the host's shared table, exactly as a change made
/// on this host does, and brings its own copy of each photo file the log names in step with
/// the database (`PhotoRegistry.follow`).
///
/// Why this is enough for consistency: a replica that shows a log row has applied the change
/// (same transaction), so the bump never comes before the data. And a bump marks the post as
/// invalidated just now, so the next refill on this host reads the primary for the replica-lag
/// window (`HotPostReader.refillWindow`): no worker re-caches the old page from a replica
/// that has not yet applied the change (the GTID-wait-or-primary rule, via the primary).
/// The router reads the log from a caught-up replica (lag under `db_max_replica_lag`) or the
/// primary, so propagation takes one poll plus replication, and at worst the cache TTL. A photo
/// row is settled by reading the photo's rows on the primary under their lock, so a replay that
/// comes late (after the photo was stored again, say) does what the database says now, never
/// what the log said then.
///
/// Rows this host made itself (`origin` = its `host_id`) are skipped: the host bumped its own
/// table and acted on its own files when it made them.
public final class ChangeFollower: @unchecked Sendable {
    let database: Database
    let table: GenerationTable
    let files: PhotoFiles
    let interval: Double
    var logger: Logger
    /// Log ids done in the previous poll (rows leave the window, then this set, after `window`);
    /// a photo row whose file could not be settled stays out of it, so the next poll retries.
    private var seen: Set<UInt64> = []
    private var lastPrune = -Double.infinity

    /// A follower with its own connections (the master's; workers keep theirs). `files` are
    /// this host's photo files, and their change log names this host.
    public convenience init(config: DatabaseConfig, table: GenerationTable, files: PhotoFiles, interval: Double, logger: Logger) {
        self.init(database: Database(config: config, logger: logger), table: table, files: files, interval: interval, logger: logger)
    }

    init(database: Database, table: GenerationTable, files: PhotoFiles, interval: Double, logger: Logger) {
        self.database = database
        self.table = table
        self.files = files
        self.interval = interval
        self.logger = logger
    }

    /// One poll: acts on every row not seen before that another host made; returns how many.
    /// The first poll acts on the whole window (cheap, and nothing cached while the log was
    /// unreadable survives).
    @discardableResult
    public func poll() throws -> Int {
        let rows = try ChangeLog.recent(database)
        let me = files.changeLog.origin
        var applied = 0
        var done: Set<UInt64> = []
        for row in rows {
            if seen.contains(row.id) || (me != nil && row.origin == me) {
                done.insert(row.id)
                continue
            }
            if apply(row.entry) { done.insert(row.id) }
            applied += 1
        }
        seen = done
        let now = Monotonic.seconds()
        if now - lastPrune > 60 {
            lastPrune = now
            do { try ChangeLog.prune(database) } catch {
                logger.info("change log not pruned this time", metadata: ["error": "\(error)"])
            }
        }
        return applied
    }

    /// False when a photo file could not be settled (the row is tried again next poll).
    private func apply(_ entry: ChangeLog.Entry) -> Bool {
        switch entry {
        case .post(let id):
            table.bump(id)
        case .city(let id):
            table.bump(city: id)
        case .photo(let sha, let action):
            do {
                try PhotoRegistry(database: database, files: files).follow(file: sha)
            } catch {
                logger.error("photo change not applied here yet (retried while in the window; gc-photos sweeps strays)",
                             metadata: ["photo": "\(Crypto.hex(sha))", "action": "\(action)", "error": "\(error)"])
                return false
            }
        }
        return true
    }

    /// Polls on a thread of its own until the process exits; a failed poll is logged and
    /// retried (meanwhile other hosts' changes wait for the TTL).
    public func start() {
        let thread = Thread { [self] in
            var failing = false
            while true {
                do {
                    try poll()
                    if failing { logger.info("change log followed again") }
                    failing = false
                } catch {
                    if !failing { logger.warning("change log not readable", metadata: ["error": "\(error)"]) }
                    failing = true
                }
                Thread.sleep(forTimeInterval: interval)
            }
        }
        thread.name = "change-follower"
        thread.start()
    }
}
