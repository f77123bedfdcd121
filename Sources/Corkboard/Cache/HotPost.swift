import Foundation

/// What the hot-post cache holds for one post: the decoded post, the rendered article (the
/// part of the page every viewer shares) and the whole page as a viewer sees it, so a hit for
/// a viewer skips the database, the rendering and the page frame alike. The poster's own page
/// (with edit and delete controls) is framed per request around `article`.
public struct HotPost {
    public var post: Post
    public var article: HTML
    /// The complete HTML page for anyone but the poster, UTF-8.
    public var viewerPage: [UInt8]
    /// Rough memory cost, for the cache's byte bound.
    public var bytes: Int { viewerPage.count + article.text.utf8.count + post.title.utf8.count + post.description.utf8.count + 256 }

    public init(post: Post, article: HTML, viewerPage: [UInt8]) {
        self.post = post
        self.article = article
        self.viewerPage = viewerPage
    }
}

/// The per-worker cache of hot posts, keyed by post id.
public typealias HotPostCache = HotCache<HotPost>
