import Foundation

extension Database {
    /// A read on the servers `ReadRouter` orders, trying the next one when a server cannot be
    /// reached or dies mid-query. A replica is first asked to wait for the request's causal
    /// token; if it times out the read (and the rest of the request) goes to the primary.
    func routedRead(_ sql: SQL) throws -> [Row] {
        if replicaServers.isEmpty {
            let rows = try onPrimary { try $0.query(sql, idempotent: true) }
            observer?.didRead(server: primaryServer.number)
            return rows
        }
        refreshHealth()
        turn &+= 1
        // The primary may change under this read (a switchover): index the replicas it planned with.
        let replicaServers = self.replicaServers
        let plan = ReadRouter.plan(replicas: replicaServers.map(\.state), primaryDown: primaryMarkedDown,
                                   causalFallback: causalFallback, turn: turn)
        if let observer {
            for r in replicaServers { if let why = r.state.skip { observer.skipped(server: r.number, reason: why) } }
        }
        var lastError: MariaDBError?
        for target in plan {
            do {
                switch target {
                case .primary:
                    let rows = try onPrimary { try $0.query(sql, idempotent: true) }
                    observer?.didRead(server: primaryServer.number)
                    return rows
                case .replica(let i):
                    let s = replicaServers[i]
                    let conn = try connection(to: s)
                    // Only a replica that is up to date enough to be chosen first is waited on;
                    // a stale one is the last resort while the primary is down.
                    if s.state.skip == nil, !causalFallback, let token = causalToken, !caughtUp.contains(i) {
                        if try waitFor(token, on: conn, server: s) {
                            caughtUp.insert(i)
                        } else {
                            causalFallback = true
                            return try routedRead(sql)
                        }
                    }
                    let rows = try conn.query(sql, idempotent: true)
                    observer?.didRead(server: s.number)
                    return rows
                }
            } catch let e as MariaDBError where e.code == .connectionFailed || e.code == .connectionLost {
                lastError = e
                if case .replica(let i) = target {
                    let s = replicaServers[i]
                    drop(s)
                    s.state = ReplicaState(skip: .unreachable)
                    s.checkedAt = Self.now()
                    observer?.checked(server: s.number, state: s.state)
                    logger.warning("replica unreachable; reading elsewhere",
                                   metadata: ["server": "\(s.address)", "error": "\(e.debugDescription)"])
                }
            }
        }
        throw lastError ?? MariaDBError(.connectionFailed, message: "no database server can answer reads")
    }

    /// `MASTER_GTID_WAIT` on a replica: true when it has applied `token` within the causal
    /// timeout, false on timeout or when it cannot tell (NULL: not replicating).
    func waitFor(_ token: String, on conn: MariaDBConnection, server s: Server) throws -> Bool {
        let start = Self.now()
        let rows = try conn.query("SELECT MASTER_GTID_WAIT(\(token), \(config.causalWaitTimeout)) AS w")
        let result = try rows.first?.decode("w", as: Int64?.self) ?? nil
        let caughtUp = result == 0
        observer?.causalWait(server: s.number, seconds: Self.now() - start, caughtUp: caughtUp)
        return caughtUp
    }

    /// Re-checks every replica whose last check is older than `healthCheckInterval`. Reads do
    /// it on their way; operator pages (`/healthz`, `/status`) call it before they answer, so
    /// what they report is never older than that interval, even with no traffic.
    public func refreshHealth() {
        let now = Self.now()
        for s in replicaServers where now - s.checkedAt >= config.healthCheckInterval {
            check(s)
        }
    }

    /// One replica's health: reachable, IO thread running, lag from the heartbeat row the
    /// primary's event updates every second (known even when the SQL thread is stopped, when
    /// `Seconds_Behind_Master` is NULL).
    func check(_ s: Server) {
        let previous = s.state
        do {
            let conn = try connection(to: s)
            let status = try conn.query("SHOW SLAVE STATUS").first
            let io: Bool
            if case .string(let v)? = status?["Slave_IO_Running"] { io = v == "Yes" } else { io = false }
            var lag: Double?
            if let row = try? conn.query(
                "SELECT TIMESTAMPDIFF(MICROSECOND, ts, UTC_TIMESTAMP(6)) AS lag_us FROM replication_heartbeat WHERE id = 1").first,
               let us = (try? row.decode("lag_us", as: Int64?.self)) ?? nil {
                lag = max(0, Double(us) / 1e6)
            } else if let sbm = status?["Seconds_Behind_Master"], let v = try? Int64(mariaDBValue: sbm) {
                lag = Double(v)
            }
            s.state = ReadRouter.state(ioRunning: io, lag: lag, maxLag: Double(config.maxReplicaLag))
            // News of a promotion: the primary is confirmed again before the next statement.
            if let e = try? conn.query("SELECT epoch FROM db_topology WHERE id = 1").first?.decode("epoch", as: Int64.self),
               e > topologyEpoch {
                topologyEpoch = e
                primaryVerifiedAt = -.infinity
            }
        } catch let e as MariaDBError {
            if e.code == .connectionFailed || e.code == .connectionLost {
                drop(s)
                s.state = ReplicaState(skip: .unreachable)
            } else {
                // Cannot read its replication status (privileges?): do not trust it.
                s.state = ReplicaState(skip: .ioStopped)
            }
            if previous.skip != s.state.skip {
                logger.warning("replica check failed", metadata: ["server": "\(s.address)", "error": "\(e.debugDescription)"])
            }
        } catch {
            s.state = ReplicaState(skip: .ioStopped)
        }
        s.checkedAt = Self.now()
        if previous.skip != s.state.skip {
            logger.notice("replica state changed", metadata: [
                "server": "\(s.address)", "from": "\(previous.skip?.rawValue ?? "usable")",
                "to": "\(s.state.skip?.rawValue ?? "usable")", "lag": "\(s.state.lag.map { String(format: "%.2f", $0) } ?? "unknown")"])
        }
        observer?.checked(server: s.number, state: s.state)
    }
}
