import FastCGI
import Foundation

/// `GET /status`: the pool's workers for operators (loopback only; nginx enforces the same).
/// `?format=json` answers JSON.
enum StatusHandler {
    struct Worker: Encodable {
        var slot: Int
        var pid: Int32
        var state: String
        var requests: UInt64
        var busySeconds: Double
        var current: String
    }
    struct Body: Encodable {
        var masterPid: Int32
        var startedAt: Date
        var generation: UInt64
        var restarts: UInt64
        var workers: [Worker]
        var busy: Int
        var idle: Int
        var requests: UInt64
        /// Read routing and hot-post cache figures, summed over every worker.
        var database: RoutingMetrics.Report
    }

    static func status(_ context: RequestContext) throws -> FastCGIResponse {
        guard context.isLoopback else { throw HTTPError(403, "The status page is only available from the host itself.") }
        guard let board = context.app.scoreboard else { throw HTTPError(503, "This worker runs outside a pool.") }
        // The replica states below are the last check by any worker: recheck here any older
        // than `db_health_check_ms`, so an idle site never reports a fault that is gone.
        context.database.refreshHealth()
        let snap = board.snapshot()
        let workers = snap.workers.map {
            Worker(slot: $0.slot, pid: $0.pid, state: "\($0.state)", requests: $0.requestsServed,
                   busySeconds: $0.busySeconds, current: $0.currentRequest)
        }
        let busy = workers.filter { $0.state == "busy" }.count
        let body = Body(masterPid: snap.masterPid, startedAt: Date(timeIntervalSince1970: Double(snap.startedAt)), generation: snap.generation, restarts: snap.restarts, workers: workers,
                        busy: busy, idle: workers.filter { $0.state == "idle" }.count,
                        requests: workers.reduce(0) { $0 + $1.requests },
                        database: context.app.metrics.report(primary: context.app.config.database.primary.description,
                                                             replicas: context.app.config.database.replicas.map(\.description)))
        if try context.request.queryItems.contains(where: { $0.0 == "format" && $0.1 == "json" }) {
            return JSONResponse.make(body)
        }
        let rows: [HTML] = workers.map {
            "<tr><td>\($0.slot)</td><td>\(Int($0.pid))</td><td>\($0.state)</td><td>\(Int($0.requests))</td><td>\($0.current)</td></tr>\n"
        }
        let html: HTML = """
            <h1>Pool status</h1>
            <p>Master pid \(Int(body.masterPid)) · \(body.busy) busy, \(body.idle) idle · \(Int(body.requests)) requests served · \(Int(body.restarts)) restarts</p>
            <table class="status"><thead><tr><th>slot</th><th>pid</th><th>state</th><th>requests</th><th>current request</th></tr></thead>
            <tbody>
            \(rows)</tbody></table>
            \(Self.databaseSection(body.database))
            """
        return HTMLResponse.make(Layout.page(title: "Status", siteName: context.app.config.siteName, body: html))
    }

    /// The read-routing and cache part of the HTML view.
    static func databaseSection(_ r: RoutingMetrics.Report) -> HTML {
        let servers: [HTML] = r.servers.map { s in
            let lag = s.lagSeconds.map { String(format: "%.2f s", $0) } ?? "–"
            let skips = s.skips.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            return "<tr><td>\(s.role)</td><td>\(s.address)</td><td>\(Int(s.reads))</td><td>\(s.state)</td><td>\(lag)</td><td>\(skips)</td></tr>\n"
        }
        let c = r.causal, k = r.cache
        let waits = c.caughtUp + c.fallbacks
        let mean = waits == 0 ? "–" : String(format: "%.1f ms", c.waitSecondsTotal * 1000 / Double(waits))
        return """
            <h2>Database reads</h2>
            <table class="status"><thead><tr><th>role</th><th>server</th><th>reads</th><th>state</th><th>lag</th><th>skipped</th></tr></thead>
            <tbody>
            \(servers)</tbody></table>
            <p>Causal reads: \(Int(c.caughtUp)) caught up, \(Int(c.fallbacks)) fell back to the primary, mean wait \(mean) · primary found down \(Int(r.primaryDownEvents)) times</p>
            <h2>Hot-post cache</h2>
            <p>\(Int(k.hits)) hits, \(Int(k.misses)) misses, \(Int(k.evictions)) evictions, \(Int(k.invalidations)) invalidations, \(Int(k.expirations)) expired, \(Int(k.stale)) dropped as stale</p>
            """
    }
}
