import Foundation
import MariaDB

/// The mailer's and the operators' statements on `outbox`, all on the primary.
///
/// Claiming is safe with several mailers at once: a short transaction locks due rows with
/// `FOR UPDATE SKIP LOCKED` (a row another mailer is claiming is skipped, not waited for),
/// bumps their attempts and pushes `next_attempt_at` forward by the lease, so no other mailer
/// sees them as due until the lease runs out. The SMTP transfer happens outside any transaction.
public struct OutboxStore {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Claims up to `limit` due rows for `leaseSeconds`, oldest due first.
    public func claim(limit: Int, leaseSeconds: Int) throws -> [OutboxEntry] {
        try database.transaction { conn in
            let rows = try conn.query("""
                SELECT \(OutboxEntry.columns) FROM outbox
                WHERE status = 'pending' AND next_attempt_at <= UTC_TIMESTAMP(6)
                ORDER BY next_attempt_at, id LIMIT \(limit) FOR UPDATE SKIP LOCKED
                """)
            var entries = try rows.map(OutboxEntry.init(row:))
            guard !entries.isEmpty else { return [] }
            try conn.execute("""
                UPDATE outbox SET attempts = attempts + 1,
                       next_attempt_at = UTC_TIMESTAMP(6) + INTERVAL \(leaseSeconds) SECOND
                WHERE id IN \(SQL.list(entries.map(\.id)))
                """)
            for i in entries.indices { entries[i].attempts += 1 }
            return entries
        }
    }

    /// Extends the lease of rows this mailer still holds (still pending), while it works through a batch.
    public func renewLease(ids: [Int64], leaseSeconds: Int) throws {
        guard !ids.isEmpty else { return }
        try database.write("""
            UPDATE outbox SET next_attempt_at = UTC_TIMESTAMP(6) + INTERVAL \(leaseSeconds) SECOND
            WHERE status = 'pending' AND id IN \(SQL.list(ids))
            """)
    }

    /// Gives back rows this mailer claimed but never tried (it is stopping): due at once for the
    /// next mailer instead of after the lease, and the claim not counted as an attempt.
    public func release(ids: [Int64]) throws {
        guard !ids.isEmpty else { return }
        try database.write("""
            UPDATE outbox SET attempts = attempts - 1, next_attempt_at = UTC_TIMESTAMP(6)
            WHERE status = 'pending' AND attempts > 0 AND id IN \(SQL.list(ids))
            """)
    }

    /// Delivered: never sent again.
    public func markSent(id: Int64) throws {
        try database.write("""
            UPDATE outbox SET status = 'sent', sent_at = UTC_TIMESTAMP(6), last_error = NULL
            WHERE id = \(id) AND status = 'pending'
            """)
    }

    /// Failed this time: due again after `delay` seconds.
    public func scheduleRetry(id: Int64, delay: Double, error: String) throws {
        let micros = Int64((delay * 1_000_000).rounded())
        try database.write("""
            UPDATE outbox SET next_attempt_at = UTC_TIMESTAMP(6) + INTERVAL \(micros) MICROSECOND,
                   last_error = \(Self.clip(error))
            WHERE id = \(id) AND status = 'pending'
            """)
    }

    /// Given up: stays for operators to list and retry.
    public func markDead(id: Int64, error: String) throws {
        try database.write("""
            UPDATE outbox SET status = 'dead', last_error = \(Self.clip(error))
            WHERE id = \(id) AND status = 'pending'
            """)
    }

    /// Rows by status (all when nil), newest first.
    public func list(status: OutboxEntry.Status?, limit: Int) throws -> [OutboxEntry] {
        let filter: SQL = status.map { (s) -> SQL in "WHERE status = \(s.rawValue)" } ?? ""
        return try database.readPrimary("""
            SELECT \(OutboxEntry.columns) FROM outbox \(filter) ORDER BY id DESC LIMIT \(limit)
            """).map(OutboxEntry.init(row:))
    }

    public func entry(id: Int64) throws -> OutboxEntry? {
        try database.readPrimary("SELECT \(OutboxEntry.columns) FROM outbox WHERE id = \(id)")
            .first.map(OutboxEntry.init(row:))
    }

    /// Counts per status, for `corkboard mail list` and monitoring.
    public func counts() throws -> [OutboxEntry.Status: Int] {
        var out: [OutboxEntry.Status: Int] = [:]
        for row in try database.readPrimary("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status") {
            if let s = OutboxEntry.Status(rawValue: try row.decode("status")) {
                out[s] = Int(try row.decode("n", as: Int64.self))
            }
        }
        return out
    }

    /// Puts dead rows back to pending, due now, with attempts reset; returns how many.
    /// `id` nil = every dead row.
    @discardableResult
    public func retryDead(id: Int64?) throws -> Int {
        let which: SQL = id.map { (id) -> SQL in "AND id = \(id)" } ?? ""
        let result = try database.write("""
            UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = UTC_TIMESTAMP(6)
            WHERE status = 'dead' \(which)
            """)
        return Int(result.affectedRows)
    }

    /// `last_error` is VARCHAR(1000).
    static func clip(_ text: String) -> String {
        var out = ""
        for c in text {
            if out.utf8.count + String(c).utf8.count > 1000 { break }
            out.append(c)
        }
        return out
    }
}
