import Foundation
import MariaDB

/// What awaits a moderator: posts hidden after reports and visible posts with open reports,
/// hidden ones first (those whose poster asked for a review first among them), then by the
/// weight of their open reports, each with its reports' reasons and texts. Read on the primary:
/// a moderator acts on what the queue shows.
enum ModerationQueue {
    /// One post in the queue (the JSON of `GET /api/moderation/queue`).
    struct Item: Codable, Sendable {
        var post_id: Int64
        var title: String
        var poster_id: Int64
        var poster_email: String
        var hidden: Bool
        var hidden_at: Date?
        var review_requested_at: Date?
        var review_note: String?
        var open_reports: Int
        var open_weight: Int
        var reports: [Report] = []
    }

    /// One report as moderators read it (resolved ones too, marked).
    struct Report: Codable, Sendable {
        var reason: String
        var reason_label: String
        var details: String?
        var weight: Int
        var from_account: Bool
        var created_at: Date
        var resolved: Bool
    }

    /// Posts waiting: hidden after reports, or with open reports.
    static let waiting: SQL = """
        p.deleted_at IS NULL AND (p.hidden_reason = 'reports'
            OR (p.hidden_at IS NULL AND p.id IN (SELECT post_id FROM post_reports WHERE resolved_at IS NULL)))
        """

    /// How many posts wait: on the primary for the moderators' queue, from a replica for the
    /// `corkboard_moderation_queue_posts` gauge (every scrape asks; a second's lag is fine there).
    static func pendingCount(_ database: Database, fromPrimary: Bool = true) throws -> Int {
        let sql: SQL = "SELECT COUNT(*) AS n FROM posts p WHERE " + waiting
        let rows = fromPrimary ? try database.readPrimary(sql) : try database.read(sql)
        return Int(try rows.first?.decode("n", as: Int64.self) ?? 0)
    }

    static func items(_ database: Database, limit: Int = 100) throws -> [Item] {
        var items = try database.readPrimary("""
            SELECT p.id, p.title, p.user_id, u.email, p.hidden_at, p.review_requested_at, p.review_note,
                   (SELECT COUNT(*) FROM post_reports r WHERE r.post_id = p.id AND r.resolved_at IS NULL) AS open_reports,
                   (SELECT CAST(COALESCE(SUM(r.weight), 0) AS SIGNED) FROM post_reports r
                     WHERE r.post_id = p.id AND r.resolved_at IS NULL) AS open_weight
            FROM posts p JOIN users u ON u.id = p.user_id WHERE
            """ + " " + waiting + """
             ORDER BY p.hidden_at IS NULL, p.review_requested_at IS NULL, open_weight DESC, p.id DESC LIMIT \(limit)
            """).map { row in
            Item(post_id: try row.decode("id"), title: try row.decode("title"), poster_id: try row.decode("user_id"),
                 poster_email: try row.decode("email"), hidden: try row.decode("hidden_at", as: Date?.self) != nil,
                 hidden_at: try row.decode("hidden_at"), review_requested_at: try row.decode("review_requested_at"),
                 review_note: try row.decode("review_note"), open_reports: Int(try row.decode("open_reports", as: Int64.self)),
                 open_weight: Int(try row.decode("open_weight", as: Int64.self)))
        }
        guard !items.isEmpty else { return [] }
        var byPost: [Int64: [Report]] = [:]
        for row in try database.readPrimary("""
            SELECT post_id, reason, details, weight, reporter_user_id IS NOT NULL AS from_account, created_at,
                   resolved_at IS NOT NULL AS resolved
            FROM post_reports WHERE post_id IN \(SQL.list(items.map(\.post_id))) ORDER BY created_at, id
            """) {
            let reason: String = try row.decode("reason")
            byPost[try row.decode("post_id"), default: []].append(Report(
                reason: reason, reason_label: ReportReason(rawValue: reason)?.label ?? reason, details: try row.decode("details"),
                weight: Int(try row.decode("weight", as: Int64.self)), from_account: try row.decode("from_account", as: Int64.self) != 0,
                created_at: try row.decode("created_at"), resolved: try row.decode("resolved", as: Int64.self) != 0))
        }
        for i in items.indices { items[i].reports = byPost[items[i].post_id] ?? [] }
        return items
    }
}
