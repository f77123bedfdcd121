import Foundation
import Logging
import MariaDB

/// An operator's failure with a message meant for the terminal.
public struct ClusterError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The operator's view of the configured servers, through the administrative account: what
/// `corkboard db status|switchover|failover|rejoin` work with. The same fencing rule as the
/// pools (`Topology.choose`) says which server is the primary.
public final class ClusterAdmin {
    /// One configured server as the operator sees it.
    public struct Node {
        public var address: ServerAddress
        public var connection: MariaDBConnection?
        public var probe: TopologyProbe?
        /// `@@gtid_binlog_pos` (what it logged) and `@@gtid_current_pos` (logged or applied).
        public var binlogPos = ""
        public var currentPos = ""
        /// SHOW SLAVE STATUS: replicating from, threads running, last IO error.
        public var replicatingFrom: String?
        public var ioRunning = false
        public var sqlRunning = false
        public var lastIOError = ""
        public var reachable: Bool { connection != nil }
    }

    let config: Config
    let logger: Logger
    public private(set) var nodes: [Node] = []

    /// Connects to every configured server with the administrative account (an unreachable one
    /// is kept, without a connection) and reads each one's state.
    public init(config: Config, logger: Logger) {
        self.config = config
        self.logger = logger
        let d = config.database
        nodes = ([d.primary] + d.replicas).map { Node(address: $0) }
        refresh()
    }

    deinit { for n in nodes { n.connection?.close() } }

    /// The administrative account's connection settings (long reply timeout: waits for GTIDs).
    var adminDatabaseConfig: DatabaseConfig {
        var d = config.database
        d.user = config.cluster.adminUser
        d.password = config.cluster.adminPassword
        d.readTimeout = max(d.readTimeout, 120)
        return d
    }

    /// Reads every node's state again (reconnecting the ones that were down).
    public func refresh() {
        for i in nodes.indices {
            if nodes[i].connection == nil {
                nodes[i].connection = try? MariaDBConnection(address: nodes[i].address, config: adminDatabaseConfig, logger: logger)
            }
            guard let c = nodes[i].connection else { nodes[i].probe = nil; continue }
            do {
                nodes[i].probe = try Database.probe(c)
                let g = try c.query("SELECT @@gtid_binlog_pos AS b, @@gtid_current_pos AS c").first
                nodes[i].binlogPos = try g?.decode("b", as: String.self) ?? ""
                nodes[i].currentPos = try g?.decode("c", as: String.self) ?? ""
                let s = try c.query("SHOW SLAVE STATUS").first
                func text(_ k: String) -> String { if case .string(let v)? = s?[k] { return v }; return "" }
                let port = s?["Master_Port"].flatMap { try? Int64(mariaDBValue: $0) }
                nodes[i].replicatingFrom = s == nil ? nil : "\(text("Master_Host")):\(port.map(String.init) ?? "?")"
                nodes[i].ioRunning = text("Slave_IO_Running") == "Yes"
                nodes[i].sqlRunning = text("Slave_SQL_Running") == "Yes"
                nodes[i].lastIOError = text("Last_IO_Error")
            } catch {
                c.close()
                nodes[i].connection = nil
                nodes[i].probe = nil
            }
        }
    }

    /// The current primary by the fencing rule, and the newest epoch any node holds.
    public func primary() -> (index: Int?, epoch: Int64) {
        let c = Topology.choose(nodes.map(\.probe), highestSeen: 0)
        return (c.primary, c.epoch)
    }

    /// The index of the configured server written `text` (as in the configuration).
    public func index(of text: String) throws -> Int {
        guard let a = ServerAddress(parsing: text), let i = nodes.firstIndex(where: { $0.address == a }) else {
            throw ClusterError("\(text) is not a configured server (db_primary, db_replicas): "
                + nodes.map(\.address.description).joined(separator: ", "))
        }
        return i
    }

    /// One line per server for `corkboard db status`.
    public func statusLines() -> [String] {
        let p = primary()
        var lines = ["topology epoch \(p.epoch); primary: \(p.index.map { nodes[$0].address.description } ?? "none (writes refused)")"]
        for (i, n) in nodes.enumerated() {
            guard let probe = n.probe else { lines.append("  \(n.address)  unreachable"); continue }
            var parts = ["server_id=\(probe.serverID)", probe.readOnly ? "read-only" : "writable",
                         "epoch=\(probe.epoch.map(String.init) ?? "-")", "gtid=\(n.currentPos)"]
            if i == p.index { parts.insert("PRIMARY", at: 0) }
            if let from = n.replicatingFrom {
                parts.append("replicating from \(from) io=\(n.ioRunning ? "yes" : "no") sql=\(n.sqlRunning ? "yes" : "no")")
                if !n.lastIOError.isEmpty { parts.append("io error: \(n.lastIOError)") }
            }
            lines.append("  \(n.address)  " + parts.joined(separator: "  "))
        }
        return lines
    }

    // MARK: steps shared by the operations

    func conn(_ i: Int) throws -> MariaDBConnection {
        guard let c = nodes[i].connection else { throw ClusterError("\(nodes[i].address) is unreachable") }
        return c
    }

    /// A string literal for the few administrative statements that take no bound values
    /// (CHANGE MASTER): quotes and backslashes escaped. Values come from the configuration.
    static func literal(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    /// Refuses writes on node `i` (`read_only`, which waits for running transactions to end),
    /// stops its heartbeat event and ends the application's sessions there, so pools look for
    /// the primary again at once.
    func fence(_ i: Int) throws {
        let c = try conn(i)
        try c.executeScript("SET GLOBAL read_only = ON; SET GLOBAL event_scheduler = OFF")
        let ids = try c.query("SELECT id FROM information_schema.processlist WHERE user = \(config.database.user) AND id <> CONNECTION_ID()")
        for row in ids {
            if let id = try? row.decode("id", as: Int64.self) { try? c.executeScript("KILL CONNECTION \(id)") }
        }
    }

    /// Makes node `i` the primary at `epoch`: replication off, writable, heartbeat event on,
    /// and the topology row naming it (the write pools wait for before they use it).
    func promote(_ i: Int, epoch: Int64) throws {
        let c = try conn(i)
        let fork = try c.query("SELECT @@gtid_current_pos AS g").first?.decode("g", as: String.self) ?? ""
        try c.executeScript("STOP SLAVE; RESET SLAVE ALL; SET GLOBAL read_only = OFF; SET GLOBAL event_scheduler = ON")
        try? c.executeScript("ALTER EVENT replication_heartbeat_tick ENABLE")
        try c.execute("""
            INSERT INTO db_topology (id, epoch, server_id, fork_gtid, promoted_at)
            VALUES (1, \(epoch), @@server_id, \(fork), UTC_TIMESTAMP(6))
            ON DUPLICATE KEY UPDATE epoch = VALUES(epoch), server_id = VALUES(server_id),
                fork_gtid = VALUES(fork_gtid), promoted_at = VALUES(promoted_at)
            """)
        // Semi-sync last: until a replica reconnects, the row above would wait out the timeout.
        if config.cluster.semiSync {
            try c.executeScript("SET GLOBAL rpl_semi_sync_master_timeout = \(config.cluster.semiSyncTimeoutMs); "
                + "SET GLOBAL rpl_semi_sync_master_enabled = ON; SET GLOBAL rpl_semi_sync_slave_enabled = OFF")
        }
        logger.notice("promoted", metadata: ["server": "\(nodes[i].address)", "epoch": "\(epoch)"])
    }

    /// Points node `i` at node `primary` as a GTID replica (from everything it has applied or
    /// logged, `current_pos`) and starts replication; it stays read-only.
    func replicate(_ i: Int, from primary: Int) throws {
        try replicate(conn(i), from: primary)
    }

    /// The same for any server's administrative connection (a restored one need not be
    /// configured yet).
    func replicate(_ c: MariaDBConnection, from primary: Int) throws {
        guard case .tcp(let host, let port) = nodes[primary].address.endpoint else {
            throw ClusterError("\(nodes[primary].address): replication needs a host:port address")
        }
        try c.executeScript("SET GLOBAL read_only = ON; SET GLOBAL event_scheduler = OFF; SET GLOBAL rpl_semi_sync_master_enabled = OFF; STOP SLAVE")
        try c.executeScript("""
            CHANGE MASTER TO MASTER_HOST = \(Self.literal(host)), MASTER_PORT = \(port),
              MASTER_USER = \(Self.literal(config.cluster.replUser)), MASTER_PASSWORD = \(Self.literal(config.cluster.replPassword)),
              MASTER_USE_GTID = current_pos, MASTER_CONNECT_RETRY = 2
            """)
        if config.cluster.semiSync { try c.executeScript("SET GLOBAL rpl_semi_sync_slave_enabled = ON") }
        try c.executeScript("START SLAVE")
    }

    /// Waits until node `i` has applied `gtid`; false on timeout.
    func waitFor(_ gtid: String, on i: Int, seconds: Double) throws -> Bool {
        guard !gtid.isEmpty else { return true }
        let w = try conn(i).query("SELECT MASTER_GTID_WAIT(\(gtid), \(seconds)) AS w").first
        return try w?.decode("w", as: Int64?.self) == 0
    }
}
