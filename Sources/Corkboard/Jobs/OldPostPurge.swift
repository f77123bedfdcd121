import Foundation
import Logging
import MariaDB

/// `corkboard purge-old-posts`: deletes posts past the retention (with their photo links,
/// reports and search rows), then expired sessions, spent or expired account tokens and old
/// log-in failures, prunes the search index, and lets the photo collector remove the files no
/// post uses any more — only now that the rows that referenced them are gone; a file another
/// post still uses is kept by the collector's own check.
///
/// Safe to run at any time, from any host: one run at a time across the site (the MariaDB
/// lock `corkboard.purge-old-posts`; a second run records itself as skipped and returns), in
/// transactions of `batch_size` posts, each re-checking the cutoff, so a run that fails half-way
/// leaves whole batches behind and the next run finishes the rest. Before every batch it waits
/// while any replica lags more than `purge_max_lag`. Every run is a `purge_runs` row.
public struct OldPostPurge {
    public let database: Database
    public let config: Config
    public let logger: Logger
    /// Test hook (`test_hooks` only): fail after this many post batches.
    public var failAfterBatches: Int?
    /// Sleeps between lag checks (tests shorten nothing: the mechanism is what they watch).
    let lagPoll: Double = 0.25

    static let lockName = "corkboard.purge-old-posts"

    public init(database: Database, config: Config, logger: Logger) {
        self.database = database
        self.config = config
        self.logger = logger
    }

    /// What `run` did.
    public enum Outcome: Sendable, Equatable {
        case finished(runID: Int64)
        /// Another run holds the lock (its id when known).
        case skipped(runID: Int64, holder: Int64?)
    }

    /// Runs the purge as the run `runID` (queued by the API) or as a new CLI run. Throws a
    /// `PurgeError` naming the run after recording it as failed.
    public func run(runID: Int64? = nil, batchSize: Int? = nil, now: Date = Date()) throws -> Outcome {
        let runs = PurgeRuns(database: database)
        let id = try runID ?? runs.create(trigger: .cli, requestedBy: nil)
        guard try takeLock() else {
            let holder = try runs.running()
            try runs.finish(id, .skipped, error: "another purge is running\(holder.map { " (run \($0))" } ?? "")")
            logger.notice("purge skipped: another run holds the lock", metadata: ["run": "\(id)", "holder": "\(holder.map(String.init) ?? "unknown")"])
            return .skipped(runID: id, holder: holder)
        }
        defer { _ = try? database.readPrimary("SELECT RELEASE_LOCK(\(Self.lockName)) AS r") }
        let abandoned = try runs.failAbandoned(except: id)
        if abandoned > 0 { logger.warning("earlier purge runs had not finished; recorded as failed", metadata: ["runs": "\(abandoned)"]) }
        let cutoff = config.purge.cutoff(now: now)
        try runs.start(id, cutoff: cutoff)
        logger.info("purge started", metadata: ["run": "\(id)", "cutoff": "\(cutoff)"])
        do {
            let posts = try purgePosts(run: id, before: cutoff, batch: batchSize ?? config.purge.batchSize)
            let b = batchSize ?? config.purge.batchSize
            let sessions = try deleteInBatches(run: id, batch: b) { limit in """
                DELETE FROM sessions WHERE expires_at < UTC_TIMESTAMP(6)
                   OR last_seen_at < UTC_TIMESTAMP(6) - INTERVAL \(config.accounts.sessionIdleTimeout) SECOND
                LIMIT \(limit)
                """ }
            try runs.add(id, column: .sessions, sessions)
            // Kept a day after they stop working, so the resend limits that count them still see them.
            let tokens = try deleteInBatches(run: id, batch: b) { limit in """
                DELETE FROM account_tokens WHERE (expires_at < UTC_TIMESTAMP(6) OR used_at IS NOT NULL)
                   AND created_at < UTC_TIMESTAMP(6) - INTERVAL 1 DAY
                LIMIT \(limit)
                """ }
            try runs.add(id, column: .tokens, tokens)
            let failures = try deleteInBatches(run: id, batch: b) { limit in """
                DELETE FROM login_failures WHERE updated_at < UTC_TIMESTAMP(6) - INTERVAL \(config.accounts.loginFailureWindow) SECOND
                   AND (locked_until IS NULL OR locked_until < UTC_TIMESTAMP(6))
                LIMIT \(limit)
                """ }
            try runs.add(id, column: .loginFailures, failures)
            _ = try deleteInBatches(run: id, batch: b, ChangeLog.pruning(limit:))
            try runs.add(id, column: .searchRows, try SearchMaintenance(database: database, logger: logger).prune(now: now))
            let folded = try SearchTermStats(database: database).prune(now: now)
            let collected = try PhotoCollector(database: database, files: config.photoFiles,
                                               grace: TimeInterval(config.posts.photoGCGrace), logger: logger).run(now: now)
            try runs.add(id, column: .files, collected.photos)
            try runs.finish(id, .succeeded)
            logger.notice("purge finished", metadata: [
                "run": "\(id)", "posts": "\(posts)", "photos": "\(collected.photos)", "sessions": "\(sessions)",
                "tokens": "\(tokens)", "login_failures": "\(failures)",
                "search_term_buckets": "\(folded)"])
            return .finished(runID: id)
        } catch {
            logger.error("purge failed", metadata: ["run": "\(id)", "error": "\(String(reflecting: error))"])
            try? runs.finish(id, .failed, error: Self.describe(error))
            throw PurgeError(message: Self.describe(error), runID: id)
        }
    }

    /// Posts created before `cutoff`, `batch` at a time, oldest first. Each batch is one short
    /// transaction that also counts itself on the run, so the run's figures are exactly what
    /// was committed.
    func purgePosts(run id: Int64, before cutoff: Date, batch: Int) throws -> Int {
        var total = 0, batches = 0
        while true {
            let waited = try waitForReplicas(run: id)
            if let failAfterBatches, config.posts.testHooks, batches >= failAfterBatches {
                throw PurgeError(message: "test hook: failing after \(batches) batches")
            }
            let (found, deleted) = try database.transaction { conn -> (Bool, Int) in
                let ids = try conn.query("""
                    SELECT id FROM posts WHERE created_at < \(cutoff) ORDER BY created_at, id LIMIT \(batch)
                    """).map { try $0.decode("id", as: Int64.self) }
                guard !ids.isEmpty else { return (false, 0) }
                try SearchIndex.remove(postIDs: ids, on: conn)
                try conn.execute("DELETE FROM reports WHERE post_id IN \(SQL.list(ids))")
                try conn.execute("DELETE FROM post_images WHERE post_id IN \(SQL.list(ids))")
                // The cutoff again: the DELETE decides under its locks, not the unlocked SELECT.
                let deleted = Int(try conn.execute("DELETE FROM posts WHERE id IN \(SQL.list(ids)) AND created_at < \(cutoff)").affectedRows)
                try conn.execute("""
                    UPDATE purge_runs SET posts = posts + \(deleted), batches = batches + 1,
                           lag_wait_ms = lag_wait_ms + \(Int(waited * 1000)) WHERE id = \(id)
                    """)
                return (true, deleted)
            }
            if !found { break }
            total += deleted
            batches += 1
        }
        return total
    }

    /// Runs `statement(limit)` until it deletes fewer than `batch` rows, waiting for the
    /// replicas before each; returns the rows deleted.
    func deleteInBatches(run id: Int64, batch: Int, _ statement: (Int) -> SQL) throws -> Int {
        var total = 0
        while true {
            let waited = try waitForReplicas(run: id)
            try PurgeRuns(database: database).add(id, column: .lagWaitMS, Int(waited * 1000))
            let n = Int(try database.write(statement(batch)).affectedRows)
            total += n
            if n < batch { return total }
        }
    }

    /// Waits while any reachable replica lags more than `purge_max_lag` seconds (lag from the
    /// primary's heartbeat row, so a replica whose SQL thread is stopped counts as lagging).
    /// Checks that this process still holds the lock first. Returns the seconds waited.
    func waitForReplicas(run id: Int64) throws -> Double {
        try checkLock()
        var waited = 0.0
        var announced = false
        while true {
            database.refreshHealth()
            let behind = database.replicaStates.filter { _, state in
                guard state.skip != .unreachable else { return false }
                return (state.lag ?? .infinity) > config.purge.maxLag
            }
            guard let worst = behind.first else { break }
            if !announced {
                logger.notice("purge waiting for a replica to catch up", metadata: [
                    "run": "\(id)", "replica": "\(worst.address)", "lag": "\(worst.state.lag.map { String(format: "%.1f", $0) } ?? "unknown")",
                    "max_lag": "\(config.purge.maxLag)"])
                announced = true
            }
            usleep(UInt32(lagPoll * 1_000_000))
            waited += lagPoll
        }
        return waited
    }

    func takeLock() throws -> Bool {
        try database.readPrimary("SELECT GET_LOCK(\(Self.lockName), 0) AS got").first?.decode("got", as: Int64?.self) == 1
    }

    /// The lock lives on this process's primary connection: a reconnect would have lost it.
    func checkLock() throws {
        let mine = try database.readPrimary("SELECT IS_USED_LOCK(\(Self.lockName)) = CONNECTION_ID() AS mine")
            .first?.decode("mine", as: Int64?.self)
        guard mine == 1 else { throw PurgeError(message: "lost the purge lock (the connection to the primary was lost); the next run goes on") }
    }

    /// For the run's record: our own errors' text, the database's details for its errors.
    static func describe(_ error: Error) -> String {
        if let e = error as? PurgeError { return e.message }
        if let e = error as? MariaDBError { return e.debugDescription }
        return String(describing: error)
    }
}
