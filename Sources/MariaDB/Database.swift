import CSupport
import Foundation
import Logging

/// Which kind of server a connection goes to.
public enum ServerRole: String, Sendable, Hashable {
    case primary, replica
}

/// What a statement needs from the cluster; the router maps it to a server.
public enum Route: Sendable, Hashable {
    /// Changes data: the primary.
    case write
    /// May be answered by a healthy, caught-up replica (else the primary).
    case read
    /// A read that decides security (sessions, roles, bans, ownership before a write):
    /// always the primary, so a lagging replica can never honour what was just revoked.
    case primaryRead
}

/// One server's answer to a health check.
public struct ServerHealth: Sendable {
    /// The server checked.
    public var address: ServerAddress
    /// Its place in the cluster.
    public var role: ServerRole
    /// Whether it accepted a connection and answered a ping within the connect timeout.
    public var reachable: Bool
    /// How long the check took.
    public var elapsed: Duration
    /// For logs only (`debugDescription` of the error): may quote server text.
    public var error: String?
}

/// The database cluster as one worker process sees it: one lazily opened connection per
/// server, used from one thread.
///
/// Routing: `write` and `transaction` go to the primary, and so does `readPrimary`; `read`
/// goes to a healthy replica (see `ReadRouter`), waiting there for the client's last write
/// when the request carries a causal token, and falling back to the primary on timeout.
/// A request starts with `beginRequest(causalToken:)`; after it, `lastCommittedGTID` says
/// whether (and where) it wrote, for the next request's token.
public final class Database {
    public let config: DatabaseConfig
    public var logger: Logger
    /// Counts routing decisions (the app's shared-memory metrics); nil counts nothing.
    public var observer: DatabaseObserver?

    /// One server of the cluster and this process's connection to it.
    final class Server {
        let address: ServerAddress
        /// Its place in the configuration: 0 for `db_primary`, 1… for `db_replicas` (the
        /// observer's numbering; which one is the primary now is `Database.primaryIndex`).
        let number: Int
        var connection: MariaDBConnection?
        /// As a replica: what the last health check found, and when (monotonic seconds).
        var state = ReplicaState.unknown
        var checkedAt: Double = -.infinity

        init(address: ServerAddress, number: Int) {
            self.address = address
            self.number = number
        }
    }

    /// Every configured server, in configuration order. Any of them may be the primary: pools
    /// find it (`locatePrimary`), so a switchover or failover needs no restart or config edit.
    let servers: [Server]
    /// The server writes go to: the configured primary until the topology says otherwise.
    var primaryIndex = 0
    var primaryServer: Server { servers[primaryIndex] }
    /// The others, in configuration order: where reads go.
    var replicaServers: [Server] { servers.filter { $0 !== primaryServer } }
    /// When the primary was last confirmed writable and named by the newest epoch (monotonic
    /// seconds); older than `healthCheckInterval` means check again before the next statement.
    var primaryVerifiedAt: Double = -.infinity
    /// The newest topology epoch this process has seen on any server: an older one is fenced.
    public internal(set) var topologyEpoch: Int64 = 0

    /// Monotonic seconds until which the primary counts as down.
    var primaryDownUntil: Double = -.infinity
    /// Rotates reads over the usable replicas.
    var turn = Int.random(in: 0..<1024)

    // Per-request state (`beginRequest`).
    /// The GTID the client last committed, to wait for before reading a replica.
    public private(set) var causalToken: String?
    /// The newest GTID this request committed on the primary; nil when it wrote nothing.
    public private(set) var lastCommittedGTID: String?
    /// The causal wait timed out this request: its reads go to the primary.
    var causalFallback = false
    /// Replicas already known to hold `causalToken` this request.
    var caughtUp: Set<Int> = []
    /// The primary connection's last seen `@@last_gtid`, to tell a writing transaction from a
    /// read-only one.
    var knownGTID: (connection: UInt64, gtid: String)?

    /// Connects nothing yet: each server's connection opens on first use.
    public init(config: DatabaseConfig, logger: Logger = Logger(label: "corkboard.database")) {
        self.config = config
        self.logger = logger
        servers = ([config.primary] + config.replicas).enumerated().map { Server(address: $1, number: $0) }
    }

    deinit { close() }

    /// Starts a request: forgets the previous one's causal state and takes this one's token
    /// (a GTID such as `0-1-42` from the client's signed cookie; anything else is ignored).
    public func beginRequest(causalToken token: String?) {
        causalToken = token.flatMap { GTID.isValid($0) ? $0 : nil }
        lastCommittedGTID = nil
        causalFallback = false
        caughtUp = []
    }

    /// Runs a read on the server the router picks: a healthy replica when there is one. A read
    /// whose server dies under it is tried on the next one (reads are safe to repeat).
    public func read(_ sql: SQL, _ file: String = #fileID, _ line: Int = #line) throws -> [Row] {
        try MariaDBError.at(file, line) { try routedRead(sql) }
    }

    /// Runs a read on the primary, whatever the replicas say: for reads that decide security
    /// (sessions, roles, ownership) and an owner's view of their own latest state.
    public func readPrimary(_ sql: SQL, _ file: String = #fileID, _ line: Int = #line) throws -> [Row] {
        try MariaDBError.at(file, line) { try onPrimary { try $0.query(sql, idempotent: true) } }
    }

    /// Runs a write on the primary. A write whose outcome is unknown throws `.outcomeUnknown`.
    /// `readYourWrites` false: the write is bookkeeping the client never reads back (a
    /// session's last-seen stamp), so it does not make the client's next requests causal.
    /// A deadlock victim is run again, as a transaction is (see `againAfterDeadlock`), unless
    /// it ran inside a transaction: the server rolled that back whole, and the transaction's
    /// caller decides.
    @discardableResult
    public func write(_ sql: SQL, readYourWrites: Bool = true, _ file: String = #fileID, _ line: Int = #line) throws -> ExecResult {
        let once = { try MariaDBError.at(file, line) { try self.followingSwitchover { try self.onPrimary { try $0.execute(sql, idempotent: false) } } } }
        let alone = !(primaryServer.connection?.inTransaction ?? false)
        let result = alone ? try againAfterDeadlock(file, line, once) : try once()
        if result.affectedRows > 0, readYourWrites { noteCommit() }
        return result
    }

    /// Runs `body` in a transaction on the primary: COMMIT if it returns, ROLLBACK if it
    /// throws (see `MariaDBConnection.transaction`). Statements inside run on the
    /// `Transaction` it is given. A deadlock victim is run again (`againAfterDeadlock`), and so
    /// is one refused by a server that turned read-only (see `followingSwitchover`): `body`
    /// must undo anything it does outside the database when it throws (as `PostVisibility`
    /// does with the files it wrote).
    @discardableResult
    public func transaction<T>(_ file: String = #fileID, _ line: Int = #line, _ body: (Transaction) throws -> T) throws -> T {
        let value = try againAfterDeadlock(file, line) {
            try MariaDBError.at(file, line) {
                try followingSwitchover { try onPrimary { conn in try conn.transaction { try body(Transaction($0)) } } }
            }
        }
        noteCommit()
        return value
    }

    /// Runs `work` (a transaction, or one statement outside any) up to three times in all
    /// while the server picks it as a deadlock's victim. InnoDB rolls a victim's transaction
    /// back whole, a lone statement's included, so nothing of it stays and running it again
    /// applies it once (two workers' batched upserts of shared keys deadlock so).
    private func againAfterDeadlock<T>(_ file: String, _ line: Int, _ work: () throws -> T) throws -> T {
        var attempt = 0
        while true {
            do {
                return try work()
            } catch let error as MariaDBError where error.code == .deadlock && attempt < 2 {
                attempt += 1
                logger.notice("deadlock, running it again", metadata: ["attempt": "\(attempt)", "at": "\(file):\(line)"])
            }
        }
    }

    /// The primary for stores of primary-only state that also run inside transactions (they
    /// take an `SQLRunner`); see `PrimaryRoute`.
    public var primaryRoute: PrimaryRoute { PrimaryRoute(database: self) }

    /// What this worker last learned about each replica, in configuration order.
    public var replicaStates: [(address: ServerAddress, state: ReplicaState)] {
        replicaServers.map { ($0.address, $0.state) }
    }

    /// Whether this worker currently treats the primary as down.
    public var primaryMarkedDown: Bool { Self.now() < primaryDownUntil }

    /// Checks every server with the worker's own connection (opened if needed) and a ping, and
    /// re-checks the replication state of every replica whose last check is older than
    /// `healthCheckInterval` (so `replicaStates` is current too, traffic or not).
    public func health() -> [ServerHealth] {
        defer { refreshHealth() }
        return servers.map { s in
            let clock = ContinuousClock()
            let start = clock.now
            var failure: MariaDBError?
            do {
                try connection(to: s).ping()
            } catch let e as MariaDBError {
                drop(s)
                failure = e
            } catch {
                failure = MariaDBError(.client, message: "\(error)")
            }
            let role: ServerRole = s === primaryServer ? .primary : .replica
            if role == .primary {
                // A failed ping only means the next write must look for the primary first (a
                // promotion may have moved it): marking it down here refused writes for
                // `primaryRetryAfter` even when another server had already taken over.
                if failure == nil { primaryDownUntil = -.infinity } else { primaryVerifiedAt = -.infinity }
            } else if failure != nil {
                s.state = ReplicaState(skip: .unreachable)
                s.checkedAt = Self.now()
            }
            return ServerHealth(address: s.address, role: role, reachable: failure == nil,
                                elapsed: clock.now - start, error: failure?.debugDescription)
        }
    }

    /// Closes every open connection.
    public func close() {
        for s in servers { drop(s) }
    }

    // MARK: primary

    /// Runs `body` on the primary's connection, after confirming (at most every
    /// `healthCheckInterval`) that it is still the writable server the newest topology epoch
    /// names. A primary that cannot be reached is remembered as down for `primaryRetryAfter`
    /// seconds, during which this fails at once; a lost connection or a read-only refusal
    /// (a switchover under way) makes the next statement look for the primary again.
    func onPrimary<T>(_ body: (MariaDBConnection) throws -> T) throws -> T {
        if primaryMarkedDown {
            throw MariaDBError(.connectionFailed, message: "primary marked down after a failed connect")
        }
        if Self.now() - primaryVerifiedAt >= config.healthCheckInterval, !(primaryServer.connection?.inTransaction ?? false) {
            try verifyPrimary()
        }
        do {
            return try body(connection(to: primaryServer))
        } catch let e as MariaDBError where e.code == .connectionFailed {
            drop(primaryServer)
            primaryVerifiedAt = -.infinity
            markPrimaryDown()
            throw e
        } catch let e as MariaDBError where e.code == .connectionLost || e.code == .outcomeUnknown || e.code == .readOnly {
            primaryVerifiedAt = -.infinity
            throw e
        }
    }

    func markPrimaryDown(for seconds: Double? = nil) {
        primaryDownUntil = Self.now() + (seconds ?? config.primaryRetryAfter)
        observer?.primaryDown()
        logger.warning("no writable primary; writes paused", metadata: ["retry_after": "\(seconds ?? config.primaryRetryAfter)"])
    }

    /// After a committed write: remember its GTID for the client's next requests, and wait for
    /// it in this request's own later reads. Only needed when there are replicas.
    func noteCommit() {
        guard !replicaServers.isEmpty, let conn = primaryServer.connection, !conn.inTransaction else { return }
        guard let gtid = try? conn.query("SELECT @@last_gtid AS g").first?.decode("g", as: String.self),
              GTID.isValid(gtid) else { return }
        let id = conn.connectionID
        if let known = knownGTID, known.connection == id, known.gtid == gtid { return }
        knownGTID = (id, gtid)
        lastCommittedGTID = gtid
        if causalToken != gtid {
            causalToken = gtid
            caughtUp = []
        }
    }

    // MARK: connections

    func connection(to s: Server) throws -> MariaDBConnection {
        if let c = s.connection { return c }
        var l = logger
        l[metadataKey: "server"] = "\(s.address)"
        let c = try MariaDBConnection(address: s.address, config: config, logger: l)
        let number = s.number
        c.onStatement = { [weak self] seconds, failed in
            self?.observer?.didExecute(server: number, seconds: seconds, failed: failed)
        }
        s.connection = c
        return c
    }

    func drop(_ s: Server) {
        s.connection?.close()
        s.connection = nil
    }

    /// Monotonic seconds (the one clock every process of the site measures intervals with).
    static func now() -> Double { Monotonic.seconds() }
}

/// GTID text as MariaDB writes it: `domain-server-sequence`, comma-separated for several domains.
enum GTID {
    static func isValid(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 200 else { return false }
        return text.split(separator: ",", omittingEmptySubsequences: false).allSatisfy { part in
            let fields = part.split(separator: "-", omittingEmptySubsequences: false)
            return fields.count == 3 && fields.allSatisfy { !$0.isEmpty && $0.count <= 20 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
        }
    }
}
