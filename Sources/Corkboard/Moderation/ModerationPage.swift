import FastCGI
import Foundation

/// `GET /moderation`: the queue (hidden and most-reported posts first, each with its reports'
/// reasons and texts and the poster's review note) with a form per action, and below it every
/// recorded action: who, when, what, why. Plain HTML forms, no script.
enum ModerationPage {
    static func show(_ context: RequestContext) throws -> FastCGIResponse {
        _ = try context.requireModerator()
        let token = try context.csrfToken()
        let items = try ModerationQueue.items(context.database)
        let queue: [HTML] = items.map { item($0, token: token) }
        let log: [HTML] = try ModerationLog.recent(context.database).map { entry in
            let post: HTML = entry.post_id.map { "<a href=\"/post/\($0)\">post \($0)</a>" } ?? ""
            return """
                <tr><td>\(stamp(entry.created_at))</td><td>\(entry.actor ?? "the site (reports)")</td><td>\(entry.action)</td><td>\(post)</td><td>\(entry.reason)</td></tr>

                """
        }
        let empty: HTML = items.isEmpty ? "<p class=\"notice\">Nothing waits for a moderator.</p>" : ""
        return HTMLResponse.make(Layout.page(title: "Moderation", siteName: context.app.config.siteName, body: """
            <h1>Moderation</h1>
            <section class="moderation-queue"><h2>Queue (\(items.count))</h2>
            \(empty)\(HTML.join(queue))
            </section>
            <section class="moderation-log"><h2>Actions</h2>
            <table><thead><tr><th>when (UTC)</th><th>who</th><th>what</th><th>post</th><th>why</th></tr></thead>
            <tbody>
            \(HTML.join(log))</tbody></table>
            </section>
            """))
    }

    static func item(_ item: ModerationQueue.Item, token: String) -> HTML {
        let state: HTML = item.hidden ? "<strong>hidden</strong>" : "visible"
        let review: HTML = item.review_note.map { "<p class=\"review-note\">The poster asks for a review: \($0)</p>" } ?? ""
        let reports: [HTML] = item.reports.map { r in
            let resolved: HTML = r.resolved ? " (resolved)" : ""
            return "<li>\(r.reason_label)\(resolved), weight \(r.weight): \(r.details ?? "")</li>\n"
        }
        let forms: [HTML] = ModerationRoutes.Kind.allCases.map { kind in
            """
            <form method="post" action="/moderation/posts/\(item.post_id)/\(kind.rawValue)">
            <input type="hidden" name="csrf_token" value="\(token)">
            <label>Why <input name="reason" required maxlength="1000"></label>
            <button type="submit">\(kind.rawValue.capitalized)</button>
            </form>

            """
        }
        return """
            <article class="queue-item" id="post-\(item.post_id)" data-post-id="\(item.post_id)">
            <h3><a href="/post/\(item.post_id)">\(item.title)</a></h3>
            <p>\(state) · \(item.open_reports) open report(s), weight \(item.open_weight) · poster \(item.poster_email)</p>
            \(review)<ul class="reports">
            \(HTML.join(reports))</ul>
            \(HTML.join(forms))</article>

            """
    }

    static func stamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
        return f.string(from: date)
    }
}
