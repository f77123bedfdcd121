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
    }

    static func status(_ context: RequestContext) throws -> FastCGIResponse {
        guard context.isLoopback else { throw HTTPError(403, "The status page is only available from the host itself.") }
        guard let board = context.app.scoreboard else { throw HTTPError(503, "This worker runs outside a pool.") }
        let snap = board.snapshot()
        let workers = snap.workers.map {
            Worker(slot: $0.slot, pid: $0.pid, state: "\($0.state)", requests: $0.requestsServed,
                   busySeconds: $0.busySeconds, current: $0.currentRequest)
        }
        let busy = workers.filter { $0.state == "busy" }.count
        let body = Body(masterPid: snap.masterPid, startedAt: Date(timeIntervalSince1970: Double(snap.startedAt)), generation: snap.generation, restarts: snap.restarts, workers: workers,
                        busy: busy, idle: workers.filter { $0.state == "idle" }.count,
                        requests: workers.reduce(0) { $0 + $1.requests })
        if context.request.queryItems.contains(where: { $0.0 == "format" && $0.1 == "json" }) {
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
            """
        return HTMLResponse.make(Layout.page(title: "Status", siteName: context.app.config.siteName, body: html))
    }
}
