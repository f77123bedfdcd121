import Foundation
import MariaDB

extension ClusterAdmin {
    /// What a switchover or failover did, for the operator and the drills.
    public struct PromotionReport {
        public var primary: ServerAddress
        public var epoch: Int64
        /// Switchover: from `read_only` on the old primary to the topology row on the new one
        /// (the longest any write can wait). Failover: from the command's start to that row.
        public var writePause: Double
        /// Servers now replicating from the new primary.
        public var replicas: [ServerAddress]

        /// The operator's one line: who is primary, at which epoch, how long writes waited.
        public var summary: String {
            String(format: "primary is now %@ (epoch %lld); writes paused %.3f s; replicas: %@",
                   primary.description, epoch, writePause, replicas.map(\.description).joined(separator: ", "))
        }
    }

    /// Planned change of primary, losing no committed write: the target catches up while
    /// writes go on; then the old primary turns read-only (running transactions end first) and
    /// its sessions are ended, the target applies its last GTID, is promoted at the next epoch,
    /// and every other server (the old primary too) replicates from it. Pools follow by
    /// themselves; a write refused meanwhile waits for the new primary (`Database`).
    public func switchover(to text: String, timeout: Double = 30) throws -> PromotionReport {
        refresh()
        let target = try index(of: text)
        let (current, epoch) = primary()
        guard let old = current else {
            throw ClusterError("no server is writable and named by topology epoch \(epoch): the primary is gone; use `corkboard db failover`")
        }
        guard target != old else { throw ClusterError("\(nodes[target].address) is already the primary") }
        guard nodes[target].ioRunning, nodes[target].sqlRunning else {
            throw ClusterError("\(nodes[target].address) is not replicating (IO and SQL threads must run); see `corkboard db status`")
        }
        // Catch up first while writes go on, so the pause below is only the last few.
        _ = try waitFor(nodes[old].binlogPos, on: target, seconds: timeout)
        let clock = ContinuousClock()
        let start = clock.now
        try fence(old)
        let last = try conn(old).query("SELECT @@gtid_binlog_pos AS g").first?.decode("g", as: String.self) ?? ""
        guard try waitFor(last, on: target, seconds: timeout) else {
            try? conn(old).executeScript("SET GLOBAL read_only = OFF; SET GLOBAL event_scheduler = ON")
            throw ClusterError("\(nodes[target].address) did not apply \(last) within \(Int(timeout)) s; switchover abandoned, \(nodes[old].address) takes writes again")
        }
        try promote(target, epoch: epoch + 1)
        let pause = clock.now - start
        var followers = [nodes[old].address]
        try replicate(old, from: target)
        for i in nodes.indices where i != old && i != target && nodes[i].reachable {
            _ = try waitFor(last, on: i, seconds: timeout)
            try replicate(i, from: target)
            followers.append(nodes[i].address)
        }
        refresh()
        return PromotionReport(primary: nodes[target].address, epoch: epoch + 1,
                               writePause: pause.seconds, replicas: followers)
    }

    /// The primary is gone: each reachable replica applies what it received, the most
    /// advanced one (or `text`) is promoted at the next epoch, an old primary that still
    /// answers is fenced (read-only, sessions ended), and the others replicate from the new one.
    /// Refused while the primary answers and is writable (that is a switchover).
    public func failover(to text: String? = nil, timeout: Double = 30) throws -> PromotionReport {
        let clock = ContinuousClock()
        let start = clock.now
        refresh()
        let (current, epoch) = primary()
        if let p = current {
            throw ClusterError("\(nodes[p].address) answers and takes writes: use `corkboard db switchover --to …` (no write lost)")
        }
        let candidates = nodes.indices.filter { nodes[$0].reachable && nodes[$0].replicatingFrom != nil }
        guard !candidates.isEmpty else { throw ClusterError("no reachable replica to promote") }
        for i in candidates {
            let c = try conn(i)
            try c.executeScript("STOP SLAVE IO_THREAD")
            let io = try c.query("SHOW SLAVE STATUS").first?["Gtid_IO_Pos"]
            if case .string(let received)? = io, !(try waitFor(received, on: i, seconds: timeout)) {
                logger.warning("replica did not apply its relay log in time", metadata: ["server": "\(nodes[i].address)"])
            }
        }
        refresh()
        let best = candidates.max { GTIDPosition.progress(nodes[$0].currentPos) < GTIDPosition.progress(nodes[$1].currentPos) }!
        var chosen = best
        if let text {
            chosen = try index(of: text)
            guard candidates.contains(chosen) else { throw ClusterError("\(text) is not a reachable replica") }
            if GTIDPosition.progress(nodes[best].currentPos) > GTIDPosition.progress(nodes[chosen].currentPos) {
                throw ClusterError("\(nodes[best].address) is further ahead (\(nodes[best].currentPos)) than \(text) (\(nodes[chosen].currentPos)); promoting \(text) would lose transactions")
            }
        }
        try promote(chosen, epoch: epoch + 1)
        let pause = clock.now - start
        for i in nodes.indices where i != chosen && nodes[i].reachable && !candidates.contains(i) {
            try? fence(i)
        }
        var followers: [ServerAddress] = []
        for i in candidates where i != chosen {
            try replicate(i, from: chosen)
            followers.append(nodes[i].address)
        }
        refresh()
        return PromotionReport(primary: nodes[chosen].address, epoch: epoch + 1, writePause: pause.seconds, replicas: followers)
    }

    /// Brings an old primary (started again, read-only) back as a replica of the current
    /// primary. A server that wrote transactions the new primary never received (after the
    /// promotion's fork GTID) cannot be rewound: its extra transactions are saved with
    /// mariadb-binlog into `saveDir` and it must be rebuilt (`corkboard restore --replica`).
    public func rejoin(_ text: String, saveDir: URL) throws -> String {
        refresh()
        let i = try index(of: text)
        let (current, epoch) = primary()
        guard let p = current else { throw ClusterError("no current primary (epoch \(epoch)); run `corkboard db failover` first") }
        guard i != p else { throw ClusterError("\(text) is the primary") }
        let c = try conn(i)
        try c.executeScript("SET GLOBAL read_only = ON; SET GLOBAL event_scheduler = OFF")
        let fork = try conn(p).query("SELECT fork_gtid FROM db_topology WHERE id = 1").first?.decode("fork_gtid", as: String.self) ?? ""
        if let own = nodes[i].probe?.serverID, GTIDPosition.hasOwn(nodes[i].binlogPos, after: fork, serverID: own) {
            let file = try saveExtraTransactions(i, after: fork, into: saveDir)
            throw ClusterError("""
                \(text) has transactions the primary never received (its binlog \(nodes[i].binlogPos) goes past the promotion's \(fork)); \
                MariaDB cannot rewind it. They are saved in \(file.path) for inspection. Rebuild it from a backup: \
                corkboard restore --replica --server \(text)
                """)
        }
        try replicate(i, from: p)
        let target = try conn(p).query("SELECT @@gtid_binlog_pos AS g").first?.decode("g", as: String.self) ?? ""
        guard try waitFor(target, on: i, seconds: 60) else {
            refresh()
            throw ClusterError("\(text) replicates but has not caught up with \(target) within 60 s: \(nodes[i].lastIOError)")
        }
        refresh()
        return "\(text) replicates from \(nodes[p].address) (caught up with \(target))"
    }

    /// `mariadb-binlog` of node `i`'s own binlog from `fork` on, as SQL text in `dir` (with
    /// `--verbose`, each row change also as a readable `###` comment).
    func saveExtraTransactions(_ i: Int, after fork: String, into dir: URL) throws -> URL {
        guard case .tcp(let host, let port) = nodes[i].address.endpoint else { throw ClusterError("needs a host:port address") }
        let first = try conn(i).query("SHOW BINARY LOGS").first?["Log_name"]
        guard case .string(let log)? = first else { throw ClusterError("\(nodes[i].address) has no binary logs") }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let stamp = Int(Date().timeIntervalSince1970)
        let out = dir.appendingPathComponent("diverged-\(host)-\(port)-\(stamp).sql")
        try External.withClientOptions(user: config.cluster.adminUser, password: config.cluster.adminPassword) { options in
            try External.run(["mariadb-binlog", "--defaults-extra-file=\(options.path)", "--read-from-remote-server",
                              "--host=\(host)", "--port=\(port)", "--start-position=\(fork)", "--to-last-log", "--verbose", log],
                             stdout: out)
        }
        return out
    }
}

extension Duration {
    /// Seconds as a Double.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
