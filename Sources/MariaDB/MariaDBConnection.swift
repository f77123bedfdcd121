import CMariaDB
import Foundation
import Logging

/// `mysql_library_init` once per process, before any `mysql_init` (which is not thread-safe
/// the first time). Swift initialises globals exactly once, thread-safely.
private let libraryReady: Bool = mysql_server_init(0, nil, nil) == 0

/// One blocking connection to one MariaDB server.
///
/// Owns a `MYSQL*` and the prepared statements made on it. Safe because: the class is not
/// `Sendable`, so one thread uses it; the handle is closed exactly once (`close()`, a lost
/// connection, or `deinit`), always after the statements made on it; a setup that fails
/// half-way (options, connect, session settings) closes its handle before throwing.
///
/// Lost connections: outside a transaction the next statement reconnects. A read is retried
/// once on the new connection; a write that was sent is reported `.outcomeUnknown` and never
/// re-sent; a write that failed before it was sent (at prepare) goes on after reconnecting.
/// Inside a transaction a lost connection throws and the transaction is gone.
public final class MariaDBConnection {
    /// The server this connection (and its reconnects) goes to.
    public let address: ServerAddress
    /// Credentials, database and timeouts; `primary`/`replicas` are not used here.
    public let config: DatabaseConfig
    /// Reconnects and lost connections are logged at notice level.
    public var logger: Logger

    /// Statements kept prepared per connection; the least recently used is closed beyond it.
    public static let statementCacheLimit = 128

    private var mysql: UnsafeMutablePointer<MYSQL>?
    private var cache: [String: PreparedStatement] = [:]
    private var clock: UInt64 = 0
    private var closed = false
    private var tx: TransactionState = .none

    private enum TransactionState {
        case none
        /// Open; `failure` is the first statement error seen inside it.
        case open(failure: MariaDBError?)
        /// The connection died inside the transaction.
        case broken(MariaDBError)
    }

    /// Connects now; throws `.connectionFailed` if the server cannot be reached.
    public init(address: ServerAddress, config: DatabaseConfig,
                logger: Logger = Logger(label: "corkboard.mariadb")) throws {
        self.address = address
        self.config = config
        self.logger = logger
        mysql = try Self.open(address: address, config: config)
    }

    deinit { dropHandle() }

    /// The server's id for this session (for `KILL`), 0 when disconnected.
    public var connectionID: UInt64 {
        guard let m = mysql else { return 0 }
        return UInt64(mysql_thread_id(m))
    }

    /// Whether a transaction is open on this connection.
    public var inTransaction: Bool {
        if case .none = tx { return false }
        return true
    }

    // MARK: statements

    /// Runs a statement and returns its rows. Treated as a read: retried once after a lost
    /// connection unless `idempotent` is false.
    public func query(_ sql: SQL, idempotent: Bool = true) throws -> [Row] {
        try timed { try run(sql, idempotent: idempotent).rows }
    }

    /// Runs a statement that changes data. Not retried once sent, unless `idempotent`.
    @discardableResult
    public func execute(_ sql: SQL, idempotent: Bool = false) throws -> ExecResult {
        try timed { try run(sql, idempotent: idempotent).result }
    }

    /// Told how long each statement took and whether it failed (the database's observer).
    public var onStatement: ((_ seconds: Double, _ failed: Bool) -> Void)?

    private func timed<T>(_ body: () throws -> T) throws -> T {
        guard let onStatement else { return try body() }
        let start = Monotonic.seconds()
        do {
            let value = try body()
            onStatement(Monotonic.seconds() - start, false)
            return value
        } catch {
            onStatement(Monotonic.seconds() - start, true)
            throw error
        }
    }

    /// Runs `body` in a transaction: COMMIT if it returns, ROLLBACK if it throws. If a
    /// statement inside failed and `body` swallowed the error, the transaction is rolled back
    /// and that error thrown: a transaction never half-commits. A lost connection at COMMIT is
    /// `.outcomeUnknown`.
    @discardableResult
    public func transaction<T>(_ body: (MariaDBConnection) throws -> T) throws -> T {
        guard case .none = tx else {
            throw MariaDBError(.misuse, message: "nested transaction")
        }
        try simple("START TRANSACTION", retryOnLoss: true)
        tx = .open(failure: nil)
        let value: T
        do {
            value = try body(self)
        } catch {
            rollbackQuietly()
            tx = .none
            throw error
        }
        switch tx {
        case .broken(let e):
            tx = .none
            throw e
        case .open(let failure?):
            rollbackQuietly()
            tx = .none
            throw failure
        default:
            break
        }
        do {
            try simple("COMMIT", retryOnLoss: false)
        } catch var e as MariaDBError {
            tx = .none
            if e.code == .connectionLost {
                e.code = .outcomeUnknown
            } else {
                rollbackQuietly()
            }
            throw e
        }
        tx = .none
        return value
    }

    /// Checks the server answers; reconnects (outside a transaction) if the connection was lost.
    public func ping() throws {
        let m = try handle()
        if mysql_ping(m) == 0 { return }
        let e = MariaDBError.fromConnection(m)
        guard e.code == .connectionLost, !inTransaction else { throw e }
        dropHandle()
        logger.notice("mariadb connection lost, reconnecting", metadata: ["server": "\(address)"])
        let m2 = try handle()
        if mysql_ping(m2) != 0 { throw MariaDBError.fromConnection(m2) }
    }

    /// Closes the connection for good.
    public func close() {
        dropHandle()
        closed = true
    }

    /// Runs raw multi-statement SQL (a migration file) on a connection opened for it with
    /// CLIENT_MULTI_STATEMENTS, stopping at the first failing statement; the error's
    /// `statementIndex` is its 1-based number. `readTimeout` overrides the configured one
    /// (long DDL). Nothing is retried.
    public func executeScript(_ text: String, readTimeout: Int? = nil) throws {
        var cfg = config
        if let readTimeout { cfg.readTimeout = readTimeout }
        let m = try Self.open(address: address, config: cfg, flags: UInt(CLIENT_MULTI_STATEMENTS))
        defer { mysql_close(m) }
        let bytes = Array(text.utf8)
        var index = 1
        let rc = bytes.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { mysql_real_query(m, $0.baseAddress, UInt(buf.count)) }
        }
        if rc != 0 { throw MariaDBError.fromConnection(m, statementIndex: index) }
        while true {
            if let res = mysql_store_result(m) {
                mysql_free_result(res)
            } else if mysql_field_count(m) != 0 {
                throw MariaDBError.fromConnection(m, statementIndex: index)
            }
            let next = mysql_next_result(m)
            if next == -1 { break }
            index += 1
            if next != 0 { throw MariaDBError.fromConnection(m, statementIndex: index) }
        }
        logger.debug("script ran", metadata: ["server": "\(address)", "statements": "\(index)"])
    }

    // MARK: internals

    private func run(_ sql: SQL, idempotent: Bool) throws -> (rows: [Row], result: ExecResult) {
        var attempt = 0
        while true {
            attempt += 1
            if case .broken(let e) = tx { throw e }
            let m = try handle()
            let stmt: PreparedStatement
            do {
                stmt = try statement(sql.text, on: m)
            } catch let f {
                // Prepare executes nothing: after a lost connection it is safe to go on.
                if f.error.code == .connectionLost {
                    try connectionLost(f.error)
                    if attempt == 1 { continue }
                }
                noteFailure(f.error)
                throw f.error
            }
            do {
                return try stmt.run(sql.binds)
            } catch let f {
                if f.error.code == .connectionLost {
                    try connectionLost(f.error)
                    if attempt == 1 && (!f.sent || idempotent) {
                        logger.notice("retrying statement on a new connection",
                                      metadata: ["server": "\(address)", "sent": "\(f.sent)"])
                        continue
                    }
                    if f.sent && !idempotent {
                        var e = f.error
                        e.code = .outcomeUnknown
                        throw e
                    }
                    throw f.error
                }
                if f.error.code == .client || f.error.code == .misuse { evict(sql.text) }
                // The server re-prepared the statement after a schema change and its result
                // has other columns than the prepared ones: nothing was read, so a statement
                // that may run twice is prepared again (above, once evicted) and run again.
                if f.error.errno == MariaDBError.newStatementMetadata && attempt == 1 && idempotent {
                    logger.notice("statement re-prepared after its result changed shape",
                                  metadata: ["server": "\(address)"])
                    continue
                }
                noteFailure(f.error)
                throw f.error
            }
        }
    }

    /// Records a lost connection: drops the handle; inside a transaction marks it broken and
    /// throws, since nothing may be retried there.
    private func connectionLost(_ e: MariaDBError) throws {
        dropHandle()
        logger.notice("mariadb connection lost", metadata: ["server": "\(address)", "error": "\(e.debugDescription)"])
        if case .open = tx {
            tx = .broken(e)
            throw e
        }
    }

    private func noteFailure(_ e: MariaDBError) {
        if case .open(nil) = tx { tx = .open(failure: e) }
    }

    /// The live handle, reconnecting if it was dropped (never inside a transaction).
    private func handle() throws -> UnsafeMutablePointer<MYSQL> {
        if closed { throw MariaDBError(.misuse, message: "connection closed") }
        if let m = mysql { return m }
        if case .none = tx {} else {
            throw MariaDBError(.connectionLost, message: "connection lost inside a transaction")
        }
        let m = try Self.open(address: address, config: config)
        mysql = m
        logger.notice("mariadb reconnected", metadata: ["server": "\(address)", "connection": "\(mysql_thread_id(m))"])
        return m
    }

    private func statement(_ text: String, on m: UnsafeMutablePointer<MYSQL>) throws(StatementFailure) -> PreparedStatement {
        clock += 1
        if let s = cache[text] {
            s.lastUsed = clock
            return s
        }
        let s = try PreparedStatement(mysql: m, sql: text)
        if cache.count >= Self.statementCacheLimit,
           let oldest = cache.min(by: { $0.value.lastUsed < $1.value.lastUsed }) {
            oldest.value.close()
            cache[oldest.key] = nil
        }
        s.lastUsed = clock
        cache[text] = s
        return s
    }

    private func evict(_ text: String) {
        cache.removeValue(forKey: text)?.close()
    }

    /// Closes every statement, then the handle. The cache is per connection: cleared here.
    private func dropHandle() {
        for s in cache.values { s.close() }
        cache.removeAll()
        if let m = mysql {
            mysql_close(m)
            mysql = nil
        }
    }

    /// A text-protocol command without parameters (transaction control).
    private func simple(_ text: String, retryOnLoss: Bool) throws {
        var attempt = 0
        while true {
            attempt += 1
            let m = try handle()
            if mysql_real_query(m, text, UInt(text.utf8.count)) == 0 {
                if let res = mysql_store_result(m) { mysql_free_result(res) }
                return
            }
            let e = MariaDBError.fromConnection(m)
            if e.code == .connectionLost {
                dropHandle()
                if retryOnLoss && attempt == 1, case .none = tx { continue }
            }
            throw e
        }
    }

    private func rollbackQuietly() {
        guard let m = mysql else { return }
        if mysql_real_query(m, "ROLLBACK", 8) != 0 {
            let e = MariaDBError.fromConnection(m)
            logger.warning("rollback failed", metadata: ["server": "\(address)", "error": "\(e.debugDescription)"])
            if e.code == .connectionLost { dropHandle() }
        }
    }

    /// Opens and sets up a handle; on any failure the handle is closed before throwing.
    static func open(address: ServerAddress, config: DatabaseConfig,
                     flags: UInt = 0) throws -> UnsafeMutablePointer<MYSQL> {
        guard libraryReady, let m = mysql_init(nil) else {
            throw MariaDBError(.client, message: "mysql_init failed")
        }
        func fail(_ e: MariaDBError) -> MariaDBError {
            mysql_close(m)
            return e
        }
        func setOption(_ option: mysql_option, _ value: UInt32) throws {
            var v = value
            if mysql_options(m, option, &v) != 0 {
                throw fail(MariaDBError(.client, message: "mysql_options \(option.rawValue) failed"))
            }
        }
        try setOption(MYSQL_OPT_CONNECT_TIMEOUT, UInt32(clamping: max(config.connectTimeout, 1)))
        try setOption(MYSQL_OPT_READ_TIMEOUT, UInt32(clamping: max(config.readTimeout, 1)))
        try setOption(MYSQL_OPT_WRITE_TIMEOUT, UInt32(clamping: max(config.writeTimeout, 1)))
        if mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4") != 0 {
            throw fail(MariaDBError(.client, message: "cannot select utf8mb4"))
        }
        var host: String?
        var port: UInt32 = 0
        var socket: String?
        switch address.endpoint {
        case .tcp(let h, let p):
            host = h
            port = UInt32(p)
            // "localhost" would otherwise silently mean the default unix socket.
            try setOption(MYSQL_OPT_PROTOCOL, MYSQL_PROTOCOL_TCP.rawValue)
        case .unix(let path):
            socket = path
            try setOption(MYSQL_OPT_PROTOCOL, MYSQL_PROTOCOL_SOCKET.rawValue)
        }
        // CLIENT_FOUND_ROWS: an UPDATE reports matched rows, so "0" means "not found".
        let clientFlags = flags | UInt(CLIENT_FOUND_ROWS)
        let db = config.database.isEmpty ? nil : config.database
        if mysql_real_connect(m, host, config.user, config.password, db, port, socket, clientFlags) == nil {
            var e = MariaDBError.fromConnection(m)
            if e.code != .server && e.code != .readOnly { e.code = .connectionFailed }
            throw fail(e)
        }
        let setup = "SET time_zone = '+00:00', NAMES utf8mb4 COLLATE utf8mb4_unicode_ci"
        if mysql_real_query(m, setup, UInt(setup.utf8.count)) != 0 {
            var e = MariaDBError.fromConnection(m)
            if e.code == .connectionLost { e.code = .connectionFailed }
            throw fail(e)
        }
        return m
    }
}
