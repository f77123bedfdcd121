import Foundation
import Testing
@testable import Corkboard

/// "My posts" tells the poster when an expired post is deleted for good.
@Suite(.serialized) struct MyPostsDeletionTests {
    @Test func anExpiredPostShowsItsDeletionDayFromTheRetention() throws {
        let base = try AppHarness(seedPosts: 1)
        let owner = try base.loggedInUser()
        let id = try #require(try base.app.database.readPrimary("SELECT MIN(id) AS id FROM posts").first?.decode("id", as: Int64.self))
        try base.app.database.write("UPDATE posts SET user_id = \(owner.id), created_at = '2020-01-05 12:00:00' WHERE id = \(id)")
        let page = try base.request("GET", "/account/posts", headers: ["Cookie": owner.cookie]).text
        #expect(page.contains("deleted for good on <time datetime=\"2020-02-04T12:00:00Z\">4 February 2020</time>"))
        let longer = try AppHarness.attach(to: base, settings: ["purge_retention_days": "40"])
        let later = try longer.request("GET", "/account/posts", headers: ["Cookie": owner.cookie]).text
        #expect(later.contains(">14 February 2020</time>"))
        // A live post has no deletion day.
        try base.app.database.write("UPDATE posts SET created_at = UTC_TIMESTAMP(6) WHERE id = \(id)")
        #expect(!(try base.request("GET", "/account/posts", headers: ["Cookie": owner.cookie]).text.contains("deleted for good")))
    }
}
