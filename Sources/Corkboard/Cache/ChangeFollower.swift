import Foundation
import Logging
import MariaDB

/// Follows the change log (`ChangeLog`) for one host: a thread of the pool master that reads
/// the log's recent rows from a replica every `interval` seconds and bumps each newly seen
/// post's (and changed city's) generation in the host's shared table, exactly as a change made
/// on this host does, and removes, withdraws or reinstates its own copy of each photo file the
/// log names.
///
/// Why this is enough for consistency: a replica that shows a log row has applied the change
/// (same transaction), so the bump never comes before the data. And a bump marks the post as
/// invalidated just now, so the next refill on this host reads the primary for the replica-lag
/// window (`HotPostReader.refillWindow`): no worker re-caches the old page from a replica
/// that has not yet applied the change (the GTID-wait-or-primary rule, via the primary).
/// The router reads the log from a caught-up replica (lag under `db_max_replica_lag`) or the
/// primary, so propagation takes one poll plus replication, and at worst the cache TTL.
///
/// The follower's own host also sees its changes again: one extra miss per change, and file
/// operations that find their work done. Photo operations are replayed in log order; one
/// replayed just after a newer local change is put right by the next poll.
public final class ChangeFollower: @unchecked Sendable {
    let database: Database
    let table: GenerationTable
    let files: PhotoFiles?
    let interval: Double
    var logger: Logger
    /// Log ids seen in the previous poll (rows leave the window, then this set, after `window`).
    private var seen: Set<UInt64> = []
    private var lastPrune = -Double.infinity

    /// A follower with its own connections (the master's; workers keep theirs).
    public init(config: DatabaseConfig, table: GenerationTable, files: PhotoFiles?, interval: Double, logger: Logger) {
        self.database = Database(config: config, logger: logger)
        self.table = table
        self.files = files
        self.interval = interval
        self.logger = logger
    }

    /// One poll: acts on every row not seen before; returns how many. The first poll acts on
    /// the whole window (cheap, and nothing cached while the log was unreadable survives).
    @discardableResult
    public func poll() throws -> Int {
        let rows = try ChangeLog.recent(database)
        var bumped = 0
        for row in rows where !seen.contains(row.id) {
            apply(row.entry)
            bumped += 1
        }
        seen = Set(rows.map(\.id))
        let now = Monotonic.seconds()
        if now - lastPrune > 60 {
            lastPrune = now
            do { try ChangeLog.prune(database) } catch {
                logger.info("change log not pruned this time", metadata: ["error": "\(error)"])
            }
        }
        return bumped
    }

    private func apply(_ entry: ChangeLog.Entry) {
        switch entry {
        case .post(let id):
            table.bump(id)
        case .city(let id):
            table.bump(city: id)
        case .photo(let sha, let action):
            guard let files else { return }
            do {
                switch action {
                case .remove: try files.remove(sha)
                case .withdraw: try files.withdraw(sha)
                case .reinstate: try files.reinstate(sha)
                }
            } catch {
                logger.error("photo change not applied here (gc-photos sweeps strays)",
                             metadata: ["photo": "\(Crypto.hex(sha))", "action": "\(action)", "error": "\(error)"])
            }
        }
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
