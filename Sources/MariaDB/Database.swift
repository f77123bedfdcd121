import Foundation
import Logging

/// Which kind of server a connection goes to.
public enum ServerRole: String, Sendable, Hashable {
    case primary, replica
}

/// What a statement needs from the cluster; the router maps it to a server.
public enum Route: Sendable, Hashable {
    /// Changes data, or must see the latest data: the primary.
    case write
    /// May be answered by any healthy, caught-up server. Today: the primary (read splitting
    /// is a later change, made in `Database.server(for:)` only).
    case read
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
public final class Database {
    public let config: DatabaseConfig
    public var logger: Logger

    /// One server of the cluster and this process's connection to it.
    final class Server {
        let address: ServerAddress
        let role: ServerRole
        var connection: MariaDBConnection?

        init(address: ServerAddress, role: ServerRole) {
            self.address = address
            self.role = role
        }
    }

    private let servers: [Server]

    /// Connects nothing yet: each server's connection opens on first use.
    public init(config: DatabaseConfig, logger: Logger = Logger(label: "corkboard.database")) {
        self.config = config
        self.logger = logger
        servers = [Server(address: config.primary, role: .primary)]
            + config.replicas.map { Server(address: $0, role: .replica) }
    }

    deinit { close() }

    /// Runs a read on the server the router picks.
    public func read(_ sql: SQL) throws -> [Row] {
        try connection(for: .read).query(sql, idempotent: true)
    }

    /// Runs a write on the primary. A write whose outcome is unknown throws `.outcomeUnknown`.
    @discardableResult
    public func write(_ sql: SQL) throws -> ExecResult {
        try connection(for: .write).execute(sql, idempotent: false)
    }

    /// Runs `body` in a transaction on the primary; see `MariaDBConnection.transaction`.
    @discardableResult
    public func transaction<T>(_ body: (MariaDBConnection) throws -> T) throws -> T {
        try connection(for: .write).transaction(body)
    }

    /// The primary's connection, for tools (migrations, scripts).
    public func primary() throws -> MariaDBConnection {
        try connection(for: .write)
    }

    /// Checks every server with a fresh short-lived connection whose timeouts are all the
    /// connect timeout, so a down or hung server answers within it.
    public func health() -> [ServerHealth] {
        servers.map { s in
            let clock = ContinuousClock()
            let start = clock.now
            var failure: MariaDBError?
            do {
                // The worker's own connection (opened if needed), pinged: what a query would use,
                // without the cost of a fresh handshake on every health check.
                try connection(to: s).ping()
            } catch let e as MariaDBError {
                s.connection?.close()
                s.connection = nil
                failure = e
            } catch {
                failure = MariaDBError(.client, message: "\(error)")
            }
            return ServerHealth(address: s.address, role: s.role, reachable: failure == nil,
                                elapsed: clock.now - start, error: failure?.debugDescription)
        }
    }

    /// Closes every open connection.
    public func close() {
        for s in servers {
            s.connection?.close()
            s.connection = nil
        }
    }

    /// The router: which server answers a route. The one place read splitting will change.
    func server(for route: Route) -> Server {
        switch route {
        case .write, .read:
            return servers[0]
        }
    }

    private func connection(for route: Route) throws -> MariaDBConnection {
        try connection(to: server(for: route))
    }

    private func connection(to s: Server) throws -> MariaDBConnection {
        if let c = s.connection { return c }
        var l = logger
        l[metadataKey: "server"] = "\(s.address)"
        let c = try MariaDBConnection(address: s.address, config: config, logger: l)
        s.connection = c
        return c
    }
}
