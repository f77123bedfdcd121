import FastCGI
import MariaDB

/// `GET /healthz`: each database server's role and reachability. It answers 200 while reads
/// can be served (any server reachable), even with the primary down, so a load balancer does
/// not drain a host that can still serve viewers; 503 only when nothing can be read.
enum HealthHandler {
    struct Server: Encodable {
        var address: String
        var role: String
        var reachable: Bool
        /// Replicas: usable, or why reads skip it (unreachable, io-stopped, lagging).
        var state: String?
        /// Replicas: seconds behind the primary, from the heartbeat row.
        var lagSeconds: Double?
    }
    struct Body: Encodable {
        var status: String
        var reads: Bool
        var writes: Bool
        var servers: [Server]
    }

    static func healthz(_ context: RequestContext) throws -> FastCGIResponse {
        let health = context.database.health()
        let states = context.database.replicaStates
        var replica = 0
        let servers = health.map { h -> Server in
            var s = Server(address: h.address.description, role: h.role.rawValue, reachable: h.reachable)
            if h.role == .replica, replica < states.count {
                s.state = states[replica].state.skip?.rawValue ?? "usable"
                s.lagSeconds = states[replica].state.lag
                replica += 1
            }
            return s
        }
        let writes = health.contains { $0.role == .primary && $0.reachable }
        let reads = health.contains { $0.reachable }
        let status = reads && writes ? "ok" : (reads ? "read-only" : "down")
        var response = JSONResponse.make(status: reads ? 200 : 503, Body(status: status, reads: reads, writes: writes, servers: servers))
        try response.setHeader("Cache-Control", "no-store")
        return response
    }
}
