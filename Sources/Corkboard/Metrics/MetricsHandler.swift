import FastCGI
import Foundation
import MariaDB

/// `GET /metrics`: the site's metrics in Prometheus's text format (METRICS-CONTRACT.md), summed
/// over every process of the host through their counters files (`CounterSource`), plus what
/// this worker sees of the database cluster and what MariaDB holds (outbox, purge runs, search
/// terms). Loopback and `metrics_allow` only, here and in nginx.
enum MetricsHandler {
    static func metrics(_ context: RequestContext) throws -> FastCGIResponse {
        let app = context.app
        guard app.config.metrics.allow.allows(context.request.remoteAddress) else {
            throw HTTPError(403, "Metrics are only available to the monitoring hosts.")
        }
        var out = PrometheusText()
        let sources = CounterSource.all(app: app)
        requests(sources, &out)
        processes(sources, &out)
        cluster(app, &out)
        stored(app, &out)
        var response = FastCGIResponse(status: 200, body: Array(out.text.utf8))
        try response.setHeader("Content-Type", PrometheusText.contentType)
        try response.setHeader("Cache-Control", "no-store")
        return response
    }

    /// Requests and latency per route, from the named rows of every source.
    static func requests(_ sources: [CounterSource], _ out: inout PrometheusText) {
        var rows: [String: [UInt64]] = [:]
        for source in sources {
            for (route, values) in source.rows {
                rows[route] = rows[route].map { zip($0, values).map { $0 &+ $1 } } ?? values
            }
        }
        let routes = rows.keys.sorted()
        typealias V = RequestMetrics.Value
        out.family("corkboard_http_requests_total", "counter", "Requests answered by the application, by route pattern and status class.")
        for route in routes {
            for cls in 1...5 {
                let n = rows[route]![V.statusClasses + cls - 1]
                if n > 0 || cls == 2 { out.sample("corkboard_http_requests_total", [("route", route), ("status_class", "\(cls)xx")], n) }
            }
        }
        out.family("corkboard_http_request_duration_seconds", "histogram", "Time the application took to answer, by route pattern.")
        for route in routes {
            let values = rows[route]!
            let counts = Array(values[V.buckets..<(V.buckets + RequestMetrics.bucketBounds.count + 1)])
            out.histogram("corkboard_http_request_duration_seconds", [("route", route)], bounds: RequestMetrics.bucketBounds,
                          counts: counts, sum: Double(values[V.sumMicros]) / 1e6)
        }
    }

    /// Counters every process adds to, and each pool's workers.
    static func processes(_ sources: [CounterSource], _ out: inout PrometheusText) {
        typealias I = SharedCounters.Index
        func total(_ i: Int) -> UInt64 { sources.reduce(0) { $0 &+ $1.counters[i] } }
        for (name, index, help) in [("corkboard_db_queries_total", I.queries, "Statements sent, by server role."),
                                    ("corkboard_db_errors_total", I.queryErrors, "Statements that failed, by server role.")] {
            out.family(name, "counter", help)
            for (n, role) in ["primary", "replica"].enumerated() { out.sample(name, [("role", role)], total(index + n)) }
        }
        out.family("corkboard_causal_reads_total", "counter", "Causal-read waits on a replica: caught up, or fell back to the primary.")
        out.sample("corkboard_causal_reads_total", [("outcome", "caught_up")], total(I.causalCaughtUp))
        out.sample("corkboard_causal_reads_total", [("outcome", "fallback")], total(I.causalFallbacks))
        out.family("corkboard_causal_wait_seconds", "histogram", "Time spent waiting for a replica to catch up with the client's last write.")
        let bounds = SharedCounters.waitBucketsMS.dropLast().map { $0 / 1000 }
        out.histogram("corkboard_causal_wait_seconds", bounds: bounds,
                      counts: (0..<SharedCounters.waitBucketsMS.count).map { total(I.causalWaitBuckets + $0) },
                      sum: Double(total(I.causalWaitMicros)) / 1e6)
        for (name, index, help) in [("hits", I.cacheHits, "Hot-post cache hits."), ("misses", I.cacheMisses, "Hot-post cache misses."),
                                    ("invalidations", I.cacheInvalidations, "Hot-post cache entries dropped because the post changed.")] {
            out.family("corkboard_cache_\(name)_total", "counter", help)
            out.sample("corkboard_cache_\(name)_total", total(index))
        }
        let pools = sources.filter { $0.pool != nil }
        out.family("corkboard_workers", "gauge", "Workers the pool runs (0 while its master is stopped).")
        for s in pools { out.sample("corkboard_workers", [("pool", s.pool!)], s.status == nil ? 0 : UInt64(s.configuredWorkers)) }
        out.family("corkboard_workers_busy", "gauge", "Workers inside a request now.")
        for s in pools { out.sample("corkboard_workers_busy", [("pool", s.pool!)], UInt64(s.status?.workers.filter { $0.state == .busy }.count ?? 0)) }
        out.family("corkboard_workers_idle", "gauge", "Workers waiting for a request now.")
        for s in pools { out.sample("corkboard_workers_idle", [("pool", s.pool!)], UInt64(s.status?.workers.filter { $0.state == .idle }.count ?? 0)) }
        out.family("corkboard_worker_restarts_total", "counter", "Workers the pool's master replaced (died, recycled, killed, rolled).")
        for s in pools { out.sample("corkboard_worker_restarts_total", [("pool", s.pool!)], s.status?.restarts ?? 0) }
        for (name, index, help) in [("corkboard_mail_sent_total", I.mailSent, "Messages the mailer delivered."),
                                    ("corkboard_mail_failed_total", I.mailFailed, "Delivery attempts that failed (retried or dead)."),
                                    ("corkboard_searches_total", I.searches, "Searches with a query (first pages)."),
                                    ("corkboard_reports_total", I.reports, "Reports filed against posts."),
                                    ("corkboard_posts_auto_hidden_total", I.postsAutoHidden, "Posts hidden because of their reports.")] {
            out.family(name, "counter", help)
            out.sample(name, total(index))
        }
    }

    /// The primary and replicas as this worker finds them now (a fresh check).
    static func cluster(_ app: CorkboardApp, _ out: inout PrometheusText) {
        let health = app.database.health()
        out.family("corkboard_primary_up", "gauge", "1 when the primary answers, 0 in read-only mode.")
        out.sample("corkboard_primary_up", health.first { $0.role == .primary }?.reachable == true ? 1.0 : 0.0)
        let replicas = app.database.replicaStates
        out.family("corkboard_replica_up", "gauge", "1 when the replica is usable for reads, 0 when down, not replicating or lagging.")
        for r in replicas { out.sample("corkboard_replica_up", [("replica", r.address.description)], r.state.skip == nil ? 1.0 : 0.0) }
        out.family("corkboard_replica_lag_seconds", "gauge", "The replica's last measured lag (absent when unknown).")
        for r in replicas {
            if let lag = r.state.lag { out.sample("corkboard_replica_lag_seconds", [("replica", r.address.description)], lag) }
        }
    }
}
