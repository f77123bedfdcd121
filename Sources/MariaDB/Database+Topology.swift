import Foundation

extension Database {
    /// Seconds a worker waits before looking again when every reachable server is read-only
    /// (a switchover between its two halves): short, so the write pause is the switchover's.
    static let rediscoverAfter = 0.25

    /// Asks one server `@@read_only`, `@@server_id` and its topology row (sql/0015); nil when it
    /// cannot be reached. Any other failure of the row's query (a database not migrated yet)
    /// leaves the row out.
    public static func probe(_ conn: MariaDBConnection) throws -> TopologyProbe {
        let row = try conn.query("SELECT @@read_only AS ro, @@server_id AS sid").first
        var p = TopologyProbe(readOnly: try row?.decode("ro", as: Int64.self) != 0,
                              serverID: UInt32(truncatingIfNeeded: try row?.decode("sid", as: Int64.self) ?? 0))
        if let t = try? conn.query("SELECT epoch, server_id FROM db_topology WHERE id = 1").first {
            p.epoch = try? t.decode("epoch", as: Int64.self)
            p.primaryID = (try? t.decode("server_id", as: Int64.self)).map { UInt32(truncatingIfNeeded: $0) }
        }
        return p
    }

    func probe(_ s: Server) -> TopologyProbe? {
        do {
            let p = try Self.probe(connection(to: s))
            if let e = p.epoch, e > topologyEpoch { topologyEpoch = e }
            return p
        } catch {
            drop(s)
            return nil
        }
    }

    /// Confirms the current primary: the replicas' health checks bring news of a newer epoch,
    /// then the primary itself must still be writable and hold the newest epoch naming itself.
    /// Otherwise looks through every server (`locatePrimary`).
    func verifyPrimary() throws {
        refreshHealth()
        if let p = probe(primaryServer), Topology.choose([p], highestSeen: topologyEpoch).primary == 0 {
            primaryVerifiedAt = Self.now()
            return
        }
        try locatePrimary()
    }

    /// Asks every configured server and adopts the one `Topology.choose` names. With none,
    /// writes are refused (`connectionFailed`, a 503) for a while: briefly when the old primary
    /// answered but is read-only (a switchover under way), `primaryRetryAfter` when it did not
    /// answer (so writes do not each wait for a dead server's connect timeout).
    func locatePrimary() throws {
        let probes = servers.map { probe($0) }
        let choice = Topology.choose(probes, highestSeen: topologyEpoch)
        topologyEpoch = choice.epoch
        guard let index = choice.primary else {
            let answered = probes[primaryIndex] != nil
            markPrimaryDown(for: answered ? Self.rediscoverAfter : nil)
            throw MariaDBError(.connectionFailed, message: answered
                ? "no server is writable and named by topology epoch \(choice.epoch)"
                : "the primary does not answer and no other server may take writes")
        }
        primaryDownUntil = -.infinity
        primaryVerifiedAt = Self.now()
        guard index != primaryIndex else { return }
        let old = primaryServer
        primaryIndex = index
        // The old primary is now read from like any replica, once a health check says so.
        old.state = .unknown
        old.checkedAt = -.infinity
        caughtUp = []
        knownGTID = nil
        logger.notice("primary changed", metadata: [
            "from": "\(old.address)", "to": "\(primaryServer.address)", "epoch": "\(choice.epoch)"])
    }

    /// Runs a statement on the primary; one refused because the server turned read-only (a
    /// switchover under way) changed nothing, so it looks for the new primary for up to
    /// `primaryRetryAfter` seconds and runs it there once more. Writes pause rather than fail.
    func followingSwitchover<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as MariaDBError where e.code == .readOnly {
            let deadline = Self.now() + config.primaryRetryAfter
            while true {
                do {
                    try locatePrimary()
                    break
                } catch let f as MariaDBError where f.code == .connectionFailed {
                    if Self.now() >= deadline { throw f }
                    usleep(100_000)
                }
            }
            logger.notice("write refused by a read-only server; running it on the new primary",
                          metadata: ["primary": "\(primaryServer.address)", "error": "\(e.debugDescription)"])
            return try body()
        }
    }
}
