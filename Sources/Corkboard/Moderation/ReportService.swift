import Foundation
import MariaDB

/// Reports, shared by the API and the form: one report per reporter per post, and the
/// auto-hide when a post's open reports weigh `report_hide_threshold`. The report, the hide,
/// the record of it and the poster's mail are one `PostVisibility` change: the search index,
/// every worker's cache and the photos follow, and a refused report writes nothing.
struct ReportService {
    let context: RequestContext

    /// What a filed report did.
    struct Outcome {
        /// The post's open reports' weight, this one included.
        var weight: Int
        /// Whether this report hid the post.
        var hid: Bool
    }

    static let thanks = "Thank you: your report was received, and moderators will look at it."

    /// The post as it may be reported, checked without locks (the form page): 404 missing,
    /// 410 deleted, expired or hidden.
    func reportable(_ id: Int64) throws -> Post {
        guard let post = try PostStore(database: context.database).find(id: id) else {
            throw HTTPError.notFound("There is no such post.")
        }
        if let gone = post.goneForViewers() { throw gone }
        return post
    }

    /// Files the report of `reporter` on post `id`. Under the post's row lock: 404/410 as in
    /// `reportable` (and 410 when its poster is banned), 403 for the poster's own post, 409 for
    /// a repeat (the same account; anonymously, the same address or cookie).
    func file(postID id: Int64, reason: ReportReason, details: String?, reporter: Reporter) throws -> Outcome {
        let config = context.app.config.reports
        let mail = ModerationMail(siteURL: context.app.config.siteURL, siteName: context.app.config.siteName)
        let outcome = try context.app.visibility.change { (change: inout PostChange) throws -> Outcome in
            let conn = change.conn
            guard let row = try conn.query("""
                SELECT p.user_id, p.title, p.created_at, p.deleted_at, p.hidden_at, u.email, u.banned_at
                FROM posts p JOIN users u ON u.id = p.user_id WHERE p.id = \(id) FOR UPDATE
                """).first else { throw HTTPError.notFound("There is no such post.") }
            if try row.decode("deleted_at", as: Date?.self) != nil { throw HTTPError(410, "This post was deleted.") }
            if try row.decode("hidden_at", as: Date?.self) != nil || row.decode("banned_at", as: Date?.self) != nil {
                throw HTTPError(410, "This post was removed after reports.")
            }
            if try row.decode("created_at", as: Date.self).addingTimeInterval(Post.visibleFor) <= Date() {
                throw HTTPError(410, "This post has expired and is no longer shown.")
            }
            let owner: Int64 = try row.decode("user_id")
            if reporter.user?.id == owner { throw HTTPError(403, "You cannot report your own post.") }
            try refuseRepeat(conn, postID: id, reporter: reporter)
            let weight = try self.weight(conn, reporter: reporter, config: config)
            _ = try conn.execute("""
                INSERT INTO post_reports (post_id, reporter_user_id, reporter_address, reporter_cookie, reason, details, weight)
                VALUES (\(id), \(reporter.user?.id), \(reporter.address), \(reporter.cookie), \(reason.rawValue), \(details), \(weight))
                """)
            let open = try conn.query("""
                SELECT CAST(COALESCE(SUM(weight), 0) AS SIGNED) AS w FROM post_reports WHERE post_id = \(id) AND resolved_at IS NULL
                """).first?.decode("w", as: Int64.self) ?? 0
            guard open >= config.hideThreshold else { return Outcome(weight: Int(open), hid: false) }
            try change.hide(posts: [id], reason: .reports)
            try ModerationLog.record(conn, actor: nil, action: .autoHide, postID: id, userID: owner,
                                     reason: "Open reports weigh \(open) (threshold \(config.hideThreshold)).")
            try mail.hiddenAfterReports(conn, to: try row.decode("email"), postID: id, title: try row.decode("title"))
            return Outcome(weight: Int(open), hid: true)
        }
        ModerationEvents.reported(postID: id, metrics: context.app.metrics, logger: context.logger)
        if outcome.hid { ModerationEvents.autoHidden(postID: id, weight: outcome.weight, metrics: context.app.metrics, logger: context.logger) }
        return outcome
    }

    /// 409 when this reporter already reported the post (resolved reports too: a restored post
    /// cannot be hidden again by the same reporters).
    private func refuseRepeat(_ conn: Transaction, postID id: Int64, reporter: Reporter) throws {
        let match: SQL
        if let user = reporter.user {
            match = "reporter_user_id = \(user.id)"
        } else if let cookie = reporter.cookie {
            match = "(reporter_address = \(reporter.address) OR reporter_cookie = \(cookie))"
        } else {
            match = "reporter_address = \(reporter.address)"
        }
        if try !conn.query("SELECT 1 FROM post_reports WHERE post_id = \(id) AND " + match + " LIMIT 1").isEmpty {
            throw HTTPError(409, "You have already reported this post; one report per person is counted.")
        }
    }

    /// Anonymous and young accounts weigh `report_weight_new`, older accounts
    /// `report_weight_established`.
    private func weight(_ conn: Transaction, reporter: Reporter, config: ReportsConfig) throws -> Int {
        guard let user = reporter.user,
              let created = try conn.query("SELECT created_at FROM users WHERE id = \(user.id)").first?.decode("created_at", as: Date.self)
        else { return config.weightNew }
        let established = Date().timeIntervalSince(created) >= TimeInterval(config.establishedAfter)
        return established ? config.weightEstablished : config.weightNew
    }
}
