/// Somewhere statements can run with a route already chosen: an open transaction on the
/// primary, or `Database.primaryRoute` (security reads and writes on the primary, outside any
/// transaction). Stores that are used both inside and outside transactions take one of these,
/// so they never hold a raw connection that would bypass the cluster's routing, its circuit
/// breaker and its causal tracking.
///
/// `file` and `line` name the caller's statement; a failure carries them (`MariaDBError.callSite`)
/// so a log line points at the statement that failed.
public protocol SQLRunner {
    func query(_ sql: SQL, file: String, line: Int) throws -> [Row]
    @discardableResult
    func execute(_ sql: SQL, file: String, line: Int) throws -> ExecResult
}

extension SQLRunner {
    /// Runs a statement and returns its rows.
    public func query(_ sql: SQL, _ file: String = #fileID, _ line: Int = #line) throws -> [Row] {
        try query(sql, file: file, line: line)
    }

    /// Runs a statement that changes data.
    @discardableResult
    public func execute(_ sql: SQL, _ file: String = #fileID, _ line: Int = #line) throws -> ExecResult {
        try execute(sql, file: file, line: line)
    }
}

/// The connection of one open transaction on the primary, as `Database.transaction` hands it
/// to its body. It runs statements and nothing else: it cannot commit, nest or close, so the
/// transaction's outcome stays with `Database`.
public final class Transaction: SQLRunner {
    let connection: MariaDBConnection

    init(_ connection: MariaDBConnection) { self.connection = connection }

    public func query(_ sql: SQL, file: String, line: Int) throws -> [Row] {
        try MariaDBError.at(file, line) { try connection.query(sql) }
    }

    @discardableResult
    public func execute(_ sql: SQL, file: String, line: Int) throws -> ExecResult {
        try MariaDBError.at(file, line) { try connection.execute(sql) }
    }
}

/// Reads and writes of state that is only ever read on the primary (sessions, log-in
/// throttles, account tokens), outside a transaction, through `Database` so the primary's
/// circuit breaker and error context apply: `query` is `readPrimary`, `execute` is `write`
/// without read-your-writes tracking (nothing written here is read from a replica, so it need
/// not make the client's next reads wait for it).
public struct PrimaryRoute: SQLRunner {
    let database: Database

    public func query(_ sql: SQL, file: String, line: Int) throws -> [Row] {
        try database.readPrimary(sql, file, line)
    }

    @discardableResult
    public func execute(_ sql: SQL, file: String, line: Int) throws -> ExecResult {
        try database.write(sql, readYourWrites: false, file, line)
    }
}
