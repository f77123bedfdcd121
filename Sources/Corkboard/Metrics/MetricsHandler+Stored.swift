import Foundation
import MariaDB

extension MetricsHandler {
    /// Figures MariaDB holds for the whole site (the same on every host). A query that fails
    /// (the database is down) leaves its samples out; `corkboard_primary_up` says why.
    static func stored(_ app: CorkboardApp, _ out: inout PrometheusText) {
        let db = app.database
        let outbox = try? db.read("""
            SELECT COUNT(*) AS n, COALESCE(TIMESTAMPDIFF(MICROSECOND, MIN(created_at), UTC_TIMESTAMP(6)), 0) AS age
            FROM outbox WHERE status = 'pending'
            """).first
        // Each family's samples follow its own TYPE line (the format wants them grouped).
        let depth = outbox.flatMap { try? $0.decode("n", as: Int64.self) }
        let age = outbox.flatMap { try? $0.decode("age", as: Int64.self) }
        out.family("corkboard_outbox_messages", "gauge", "Unsent messages in the outbox.")
        if let depth { out.sample("corkboard_outbox_messages", Double(depth)) }
        out.family("corkboard_outbox_oldest_age_seconds", "gauge", "Age of the oldest unsent message (0 when empty).")
        if let age { out.sample("corkboard_outbox_oldest_age_seconds", Double(max(0, age)) / 1e6) }

        let runs = try? db.read("""
            SELECT status, COUNT(*) AS n, CAST(COALESCE(SUM(posts), 0) AS SIGNED) AS posts,
                   MAX(finished_at) AS last FROM purge_runs WHERE status IN ('succeeded', 'failed') GROUP BY status
            """)
        var byStatus: [String: (n: Int64, posts: Int64, last: Date?)] = [:]
        for row in runs ?? [] {
            guard let status = try? row.decode("status", as: String.self) else { continue }
            byStatus[status] = ((try? row.decode("n", as: Int64.self)) ?? 0, (try? row.decode("posts", as: Int64.self)) ?? 0,
                                (try? row.decode("last", as: Date?.self)) ?? nil)
        }
        out.family("corkboard_purge_runs_total", "counter", "Purge runs that ended, by outcome (from purge_runs).")
        if runs != nil {
            out.sample("corkboard_purge_runs_total", [("outcome", "succeeded")], Double(byStatus["succeeded"]?.n ?? 0))
            out.sample("corkboard_purge_runs_total", [("outcome", "failed")], Double(byStatus["failed"]?.n ?? 0))
        }
        out.family("corkboard_purge_posts_deleted_total", "counter", "Posts the purge deleted.")
        if runs != nil { out.sample("corkboard_purge_posts_deleted_total", Double(byStatus.values.reduce(0) { $0 + $1.posts })) }
        out.family("corkboard_purge_last_success_timestamp_seconds", "gauge", "End of the last successful purge (0 if none).")
        if runs != nil {
            out.sample("corkboard_purge_last_success_timestamp_seconds",
                       byStatus["succeeded"]?.last?.timeIntervalSince1970.rounded(.down) ?? 0)
        }

        out.family("corkboard_moderation_queue_posts", "gauge", "Hidden or reported posts awaiting a moderator.")
        if let queue = try? app.moderationQueueDepth(db) { out.sample("corkboard_moderation_queue_posts", Double(queue)) }

        // This worker's own buffered searches count at once; other workers' within
        // `SearchTermBuffer.flushInterval`. Folding old hits is the purge job's (`prune`).
        app.searchTerms.flush(db, logger: app.logger)
        let stats = SearchTermStats(database: db)
        let terms = try? stats.top(minClients: app.config.metrics.searchTermMinClients)
        out.family("corkboard_search_term_recent", "gauge",
                   "Searches of the term in the last 10 minutes (top \(SearchTermStats.top), normalised, searched by enough distinct clients).")
        for t in terms ?? [] { out.sample("corkboard_search_term_recent", [("term", t.term)], Double(t.recent)) }
        out.family("corkboard_search_term_baseline", "gauge", "The term's mean searches per 10 minutes over the last 24 hours.")
        for t in terms ?? [] { out.sample("corkboard_search_term_baseline", [("term", t.term)], t.baseline) }
    }
}
