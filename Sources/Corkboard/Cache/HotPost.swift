import FastCGI
import Foundation

/// What the hot-post cache holds for one post: the decoded post, the rendered article (the
/// part of the page every viewer shares) and the whole page as a viewer sees it, so a hit for
/// a viewer skips the database, the rendering and the page frame alike. The poster's own page
/// (with edit and delete controls) is framed per request around `article`.
public struct HotPost {
    public var post: Post
    public var article: HTML
    /// The complete HTML page for anyone but the poster, UTF-8; for a post with a contact form,
    /// the page up to where the viewer's CSRF token goes, with the rest in `viewerPageRest`.
    public var viewerPage: [UInt8]
    /// The page after the contact form's CSRF token (nil when the page has no form).
    public var viewerPageRest: [UInt8]?
    /// Rough memory cost, for the cache's byte bound.
    public var bytes: Int {
        viewerPage.count + (viewerPageRest?.count ?? 0) + article.bytes.count + post.title.utf8.count
            + post.description.utf8.count + 256
    }

    public init(post: Post, article: HTML, viewerPage: [UInt8], viewerPageRest: [UInt8]? = nil) {
        self.post = post
        self.article = article
        self.viewerPage = viewerPage
        self.viewerPageRest = viewerPageRest
    }

    /// The viewer's page with their `token` in the contact form (nil when it has none).
    public func viewerPage(token: String) -> [UInt8]? {
        guard let rest = viewerPageRest else { return nil }
        var page = [UInt8]()
        page.reserveCapacity(viewerPage.count + token.utf8.count + rest.count)
        page += viewerPage
        page.appendUTF8(token)
        page += rest
        return page
    }
}

/// The per-worker cache of hot posts, keyed by post id.
public typealias HotPostCache = HotCache<HotPost>
