import Foundation

/// What the hot-post cache holds for one post: the decoded post, and the rendered article
/// markup (the part of the page every viewer shares), so a hit skips both the database and
/// the rendering.
public struct HotPost {
    public var post: Post
    public var article: HTML
    /// Rough memory cost, for the cache's byte bound.
    public var bytes: Int { article.text.utf8.count + post.title.utf8.count + post.description.utf8.count + 256 }

    public init(post: Post, article: HTML) {
        self.post = post
        self.article = article
    }
}

/// The per-worker cache of hot posts, keyed by post id.
public typealias HotPostCache = HotCache<HotPost>
