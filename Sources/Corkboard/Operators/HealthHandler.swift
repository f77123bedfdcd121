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
    }
    struct Body: Encodable {
        var status: String
        var reads: Bool
        var writes: Bool
        var servers: [Server]
    }

    static func healthz(_ context: RequestContext) throws -> FastCGIResponse {
        let health = context.database.health()
        let servers = health.map { Server(address: $0.address.description, role: $0.role.rawValue, reachable: $0.reachable) }
        let writes = health.contains { $0.role == .primary && $0.reachable }
        let reads = health.contains { $0.reachable }
        let status = reads && writes ? "ok" : (reads ? "read-only" : "down")
        var response = JSONResponse.make(status: reads ? 200 : 503, Body(status: status, reads: reads, writes: writes, servers: servers))
        try response.setHeader("Cache-Control", "no-store")
        return response
    }
}
