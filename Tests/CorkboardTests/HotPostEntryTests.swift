import Foundation
import Testing
@testable import Corkboard

/// A hot-post cache entry keeps the article once, inside the viewer's page, and gives it back
/// whole for the pages framed per request (the poster's, a logged-in viewer's).
@Suite struct HotPostEntryTests {
    @Test func theArticleIsKeptOnceInsideThePage() throws {
        let h = try AppHarness()
        let id = try #require(try h.app.database.readPrimary(
            "SELECT id FROM posts WHERE deleted_at IS NULL AND hidden_at IS NULL ORDER BY id LIMIT 1").first).decode("id", as: Int64.self)
        h.app.hotPosts.invalidate(id)
        #expect(try h.request("GET", "/post/\(id)").status == 200)
        let hot = try #require(h.app.hotPosts.get(id))
        let article = PostPageHandler.render(hot.post, thumbSize: h.app.config.posts.photoThumbSize)
        #expect(hot.article.bytes == article.bytes)
        #expect(String(decoding: hot.viewerPage, as: UTF8.self).contains(article.text))
        let own = hot.post.title.utf8.count + hot.post.description.utf8.count + 256
        #expect(hot.bytes == hot.viewerPage.count + (hot.viewerPageRest?.count ?? 0) + own, "no second copy counted")
        // A page that does not hold the article keeps its own copy.
        let apart = HotPost(post: hot.post, article: article, viewerPage: Array("<p>elsewhere</p>".utf8))
        #expect(apart.article.bytes == article.bytes && apart.bytes == 16 + article.bytes.count + own)
    }
}
