import FastCGI
import Foundation

/// `GET /account/posts` ("my posts", linked from the account page): the user's posts that are
/// not deleted, expired ones marked and offered for reposting, hidden ones marked with why.
enum MyPostsPage {
    static func show(_ context: RequestContext) throws -> FastCGIResponse {
        let user = try context.requireUser()
        let posts = try PostStore(database: context.database).byUser(user.id)
        let token = try context.csrfToken()
        let now = Date()
        let purge = context.app.config.purge
        let rows: [HTML] = posts.map { post in
            let thumb: HTML = post.photos.first.map { "<img src=\"\($0.thumbURL)\" alt=\"\">" } ?? ""
            let state: HTML = post.hiddenAt != nil
                ? "<span class=\"hidden\">hidden: \(post.hiddenReason?.viewerMessage ?? "")</span>"
                : post.isExpired(now: now)
                ? """
                  <span class="expired">expired</span> \(deletion(post, purge))
                  <form method="post" action="/post/\(post.id)/repost"><input type="hidden" name="csrf_token" value="\(token)"><button type="submit">Repost</button></form>
                  """
                : "<span class=\"live\">shown until \(Layout.age(post.expiresAt, now: now).replacingOccurrences(of: " ago", with: ""))</span>"
            return """
                <li class="my-post\(post.isExpired(now: now) ? " is-expired" : "")" data-post-id="\(post.id)">\(thumb)
                <a href="/post/\(post.id)">\(post.title)</a> <span class="price">\(price: post.priceMinor, in: post.currency)</span>
                \(state) <a href="/post/\(post.id)/edit">edit</a></li>

                """
        }
        let list: HTML = posts.isEmpty ? "<p>You have no posts yet.</p>" : "<ul class=\"my-posts\">\n\(rows)</ul>"
        let body: HTML = """
            <h1>My posts</h1>
            <p><a class="button" href="/post/new">New post</a> · <a href="/account">Account</a></p>
            \(list)
            """
        return HTMLResponse.make(Layout.page(title: "My posts", siteName: context.app.config.siteName, body: body))
    }

    /// When the purge deletes an expired post for good (`purge_retention_days` after it was
    /// made), so its poster can repost it before then.
    static func deletion(_ post: Post, _ purge: PurgeConfig) -> HTML {
        let day = post.createdAt.addingTimeInterval(Double(purge.retentionDays) * 86_400)
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "UTC")
        format.dateFormat = "d MMMM yyyy"
        let iso = ISO8601DateFormatter().string(from: day)
        return "<span class=\"deletion\">deleted for good on <time datetime=\"\(iso)\">\(format.string(from: day))</time></span>"
    }
}
