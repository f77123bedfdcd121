import FastCGI
import Foundation

/// What the hot-post cache holds for one post: the decoded post and the whole page as a viewer
/// sees it, with the rendered article (the part of the page every viewer shares) inside it, so
/// a hit for a viewer skips the database, the rendering and the page frame alike. The poster's
/// own page (with edit and delete controls) is framed per request around `article`.
public struct HotPost {
    public var post: Post
    /// The complete HTML page for anyone but the poster, UTF-8; for a post with a contact form,
    /// the page up to where the viewer's CSRF token goes, with the rest in `viewerPageRest`.
    public var viewerPage: [UInt8]
    /// The page after the contact form's CSRF token (nil when the page has no form).
    public var viewerPageRest: [UInt8]?
    /// Where the article stands in `viewerPage`, which frames it as it is: the article is not
    /// kept a second time (a third of an entry's bytes). Nil when it is not found there.
    private let articleRange: Range<Int>?
    /// The article, kept only when `viewerPage` does not hold it.
    private let articleCopy: HTML?

    /// The rendered article (the part of the page every viewer shares).
    public var article: HTML {
        articleRange.map { HTML(unsafeRaw: String(decoding: viewerPage[$0], as: UTF8.self)) } ?? articleCopy ?? ""
    }

    /// Rough memory cost, for the cache's byte bound.
    public var bytes: Int {
        viewerPage.count + (viewerPageRest?.count ?? 0) + (articleCopy?.bytes.count ?? 0) + post.title.utf8.count
            + post.description.utf8.count + 256
    }

    public init(post: Post, article: HTML, viewerPage: [UInt8], viewerPageRest: [UInt8]? = nil) {
        self.post = post
        self.viewerPage = viewerPage
        self.viewerPageRest = viewerPageRest
        articleRange = article.bytes.isEmpty ? nil : viewerPage.firstRange(ofBytes: article.bytes)
        articleCopy = articleRange == nil ? article : nil
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
