import Foundation
import MariaDB

/// The `purge_runs` table: every purge run, from the request that queued it to how it ended.
/// Reads are on the primary (admins watch a run that is writing there right now).
public struct PurgeRuns {
    let database: Database

    public init(database: Database) { self.database = database }

    /// Records a new run before it starts; returns its id.
    public func create(trigger: PurgeRun.Trigger, requestedBy: Int64?) throws -> Int64 {
        Int64(try database.write("""
            INSERT INTO purge_runs (trigger_source, requested_by, host, status, created_at)
            VALUES (\(trigger.rawValue), \(requestedBy), \(Self.hostName), 'queued', UTC_TIMESTAMP(6))
            """).lastInsertID)
    }

    /// The run `id`, nil when there is none.
    public func find(_ id: Int64) throws -> PurgeRun? {
        try database.readPrimary("SELECT \(PurgeRun.columns) FROM purge_runs WHERE id = \(id)").first.map(PurgeRun.init(row:))
    }

    /// The newest runs first.
    public func recent(limit: Int = 50) throws -> [PurgeRun] {
        try database.readPrimary("SELECT \(PurgeRun.columns) FROM purge_runs ORDER BY id DESC LIMIT \(limit)").map(PurgeRun.init(row:))
    }

    /// The newest run that is still marked running, if any (the holder of the lock, or a dead one).
    func running() throws -> Int64? {
        try database.readPrimary("SELECT id FROM purge_runs WHERE status = 'running' ORDER BY id DESC LIMIT 1")
            .first.map { try $0.decode("id", as: Int64.self) }
    }

    /// The run took the lock and begins.
    func start(_ id: Int64, cutoff: Date) throws {
        try database.write("""
            UPDATE purge_runs SET status = 'running', started_at = UTC_TIMESTAMP(6), cutoff = \(cutoff),
                   host = \(Self.hostName), pid = \(Int(getpid()))
            WHERE id = \(id)
            """)
    }

    /// Adds what one step removed (outside the posts' own transactions).
    func add(_ id: Int64, column: Column, _ n: Int) throws {
        guard n > 0 else { return }
        let name = SQL(unsafeSQL: column.rawValue)
        try database.write("UPDATE purge_runs SET \(name) = \(name) + \(n) WHERE id = \(id)")
    }

    /// The counters a run keeps (column names).
    enum Column: String {
        case files, sessions, tokens, loginFailures = "login_failures", searchRows = "search_rows", lagWaitMS = "lag_wait_ms"
    }

    /// Ends the run `id` with `status` (and the error's text when it failed or was skipped).
    func finish(_ id: Int64, _ status: PurgeRun.Status, error: String? = nil) throws {
        try database.write("""
            UPDATE purge_runs SET status = \(status.rawValue), finished_at = UTC_TIMESTAMP(6),
                   error = \(error.map { String($0.prefix(1000)) })
            WHERE id = \(id)
            """)
    }

    /// Called by the lock holder: any other run still marked running lost its process (or its
    /// lock with its connection) without finishing, and a queued run that never started within
    /// ten minutes never will. Both are recorded as failed; returns how many.
    func failAbandoned(except id: Int64) throws -> Int {
        Int(try database.write("""
            UPDATE purge_runs SET status = 'failed', finished_at = UTC_TIMESTAMP(6),
                   error = 'ended without finishing (its process stopped or lost the lock); the next run finished the work'
            WHERE id <> \(id) AND (status = 'running'
                  OR (status = 'queued' AND created_at < UTC_TIMESTAMP(6) - INTERVAL 10 MINUTE))
            """).affectedRows)
    }

    static let hostName: String = ProcessInfo.processInfo.hostName
}
