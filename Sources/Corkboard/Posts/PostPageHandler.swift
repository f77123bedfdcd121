import FastCGI
import Foundation
import MariaDB

/// `GET /post/{id}`: one post with its photos (thumbnails linking to the display size), the
/// description as escaped paragraphs. The article comes through the hot-post cache; the
/// poster's own controls (edit, delete) are added per request. 404 missing, 410 deleted,
/// hidden or expired — except that the poster (and moderators) still see an expired or hidden
/// post, marked as such.
enum PostPageHandler {
    static func show(_ context: RequestContext) throws -> FastCGIResponse {
        guard let id = Int64(context.parameter("id")), id > 0 else {
            throw HTTPError.notFound("This post does not exist.")
        }
        let user = try context.currentUser()
        let siteName = context.app.config.siteName
        let thumbSize = context.app.config.posts.photoThumbSize
        let post: Post
        let article: HTML
        if let hot = try HotPostReader.post(id, context: context, render: { hotPost($0, siteName: siteName, thumbSize: thumbSize) }) {
            if !isOwner(user, of: hot.post) {
                // The contact form carries this viewer's CSRF token (and a logged-in viewer's
                // address): an anonymous viewer gets the cached page with their token put in; a
                // logged-in one, or any while the primary is down, a page framed per request.
                guard hot.post.contactEnabled else { return HTMLResponse.make(bytes: hot.viewerPage) }
                if user == nil, !context.identityUnavailable, let token = try anonymousToken(context),
                   let page = hot.viewerPage(token: token) {
                    return HTMLResponse.make(bytes: page)
                }
                let contact = try ContactForm.onPostPage(context, post: hot.post)
                return HTMLResponse.make(page(hot.post, article: hot.article, controls: "\(ReportForm.button(hot.post))\n\(contact)",
                                              siteName: siteName))
            }
            (post, article) = (hot.post, hot.article)
        } else {
            guard let found = try PostStore(database: context.database).find(id: id) else {
                throw HTTPError.notFound("This post does not exist.")
            }
            if found.deletedAt != nil, let gone = found.goneForViewers() { throw gone }
            guard isOwner(user, of: found) else {
                throw found.goneForViewers() ?? HTTPError(410, "This post has expired and is no longer shown.")
            }
            (post, article) = (found, render(found, thumbSize: thumbSize))
        }
        var controls: HTML = ""
        if isOwner(user, of: post) {
            let token = try context.csrfToken()
            let expired: HTML = post.isExpired()
                ? """
                  <p class="expired">This post has expired: viewers no longer see it.</p>
                  <form method="post" action="/post/\(post.id)/repost"><input type="hidden" name="csrf_token" value="\(token)"><button type="submit">Repost it</button></form>
                  """
                : ""
            controls = """
                <section class="owner-controls">\(try hiddenNotice(context, post, token: token))\(expired)
                <a class="button" href="/post/\(post.id)/edit">Edit</a>
                <form method="post" action="/post/\(post.id)/delete"><input type="hidden" name="csrf_token" value="\(token)"><button type="submit" class="danger">Delete</button></form>
                </section>
                """
        }
        return HTMLResponse.make(page(post, article: article, controls: controls, siteName: siteName))
    }

    /// On a hidden post's page, for its poster (and moderators): why it is hidden, and the
    /// one review request (a form while it may still be asked).
    static func hiddenNotice(_ context: RequestContext, _ post: Post, token: String) throws -> HTML {
        guard post.hiddenAt != nil, let reason = post.hiddenReason else { return "" }
        var review: HTML = ""
        if reason == .reports, try context.currentUser()?.id == post.userID {
            review = post.reviewRequestedAt != nil
                ? "<p class=\"review-pending\">You asked for a review; a moderator will look at it.</p>"
                : """
                  <form class="review" method="post" action="/post/\(post.id)/review"><input type="hidden" name="csrf_token" value="\(token)">
                  <label for="review-note">Ask for a review (once): tell the moderators why the post is fine</label>
                  <textarea id="review-note" name="note" rows="3" maxlength="1000" required></textarea>
                  <button type="submit">Ask for a review</button></form>
                  """
        }
        return "<p class=\"hidden-notice\" role=\"status\">\(reason.posterMessage)</p>\n\(review)"
    }

    /// Whether `user` sees the poster's controls: the poster, or a moderator or admin.
    static func isOwner(_ user: User?, of post: Post) -> Bool {
        guard let user else { return false }
        return user.id == post.userID || user.role != .user
    }

    static func page(_ post: Post, article: HTML, controls: HTML, siteName: String) -> HTML {
        Layout.page(title: post.title, siteName: siteName, city: (post.citySlug, post.cityName), body: "\(article)\n\(controls)")
    }

    /// The anonymous viewer's CSRF token for the contact form; nil while the primary is down
    /// (no form then, as `ContactForm.onPostPage` decides).
    static func anonymousToken(_ context: RequestContext) throws -> String? {
        do {
            let token = try context.csrfToken()
            return context.identityUnavailable ? nil : token
        } catch let error as MariaDBError where error.isUnavailable {
            return nil
        }
    }

    /// Stands for the viewer's CSRF token in the cached page: random per process, in the
    /// token's own alphabet (escaping leaves it as it is), and looked for after the article.
    static let tokenPlaceholder = Crypto.token()

    /// What the hot-post cache keeps: the article and the finished page viewers get (with a
    /// contact form: split where each viewer's token goes).
    static func hotPost(_ post: Post, siteName: String, thumbSize: Int) -> HotPost {
        let article = render(post, thumbSize: thumbSize)
        guard post.contactEnabled else {
            return HotPost(post: post, article: article,
                           viewerPage: page(post, article: article, controls: ReportForm.button(post), siteName: siteName).bytes)
        }
        let contact = ContactForm.blank(postID: post.id)
        let whole = page(post, article: article, controls: "\(ReportForm.button(post))\n\(contact)", siteName: siteName).bytes
        guard let (head, rest) = split(whole, atLast: tokenPlaceholder) else {
            return HotPost(post: post, article: article, viewerPage: whole)   // no form after all: served per request
        }
        return HotPost(post: post, article: article, viewerPage: head, viewerPageRest: rest)
    }

    /// `bytes` before and after the last occurrence of `marker` (nil: it does not occur): how a
    /// drawing made around a placeholder is cut where each use puts its own value.
    static func split(_ bytes: [UInt8], atLast marker: String) -> (head: [UInt8], tail: [UInt8])? {
        let marker = Array(marker.utf8)
        guard let at = bytes.lastRange(ofBytes: marker) else { return nil }
        return (Array(bytes[..<at.lowerBound]), Array(bytes[at.upperBound...]))
    }

    /// The part every viewer shares (cached).
    static func render(_ post: Post, thumbSize: Int) -> HTML {
        let meta = ([post.category, post.neighbourhood, post.locationText].compactMap { $0 }.filter { !$0.isEmpty }
                    + ["posted \(Layout.age(post.createdAt))"]).joined(separator: " · ")
        let gallery = PhotoGalleryView(title: post.title, photos: post.photos, thumbSize: thumbSize).render()
        return """
            <article class="post" data-post-id="\(post.id)">
            <h1>\(post.title)</h1>
            <p class="price">\(price: post.priceMinor, in: post.currency)</p>
            <p class="meta">\(meta)</p>
            \(gallery)<div class="description">\(post.paragraphsHTML)</div></article>
            """
    }
}
