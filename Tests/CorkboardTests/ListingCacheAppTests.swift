import Foundation
import Testing
@testable import Corkboard

/// The list cache in the application (`list_cache_ms` on): anonymous viewers get a city's
/// lists from the worker's cache for up to two seconds, but an edit or delete empties them at
/// once, and a client with a causal cookie always reads them fresh.
@Suite struct ListingCacheAppTests {
    static let api = ["Content-Type": "application/json", "X-Requested-With": "corkboard"]

    @Test func editsAndDeletesLeaveCachedListsAtOnceAndWritersReadFresh() throws {
        let base = try AppHarness(seedPosts: 0)
        let h = try AppHarness.attach(to: base, settings: ["list_cache_ms": "2000"])
        let owner = try h.loggedInUser()
        let headers = Self.api.merging(["Cookie": owner.cookie]) { $1 }
        let body = #"{"title":"Oak table","description":"Solid oak, seats six.","city":"lisbon","category":"furniture","price_minor":12000}"#
        let created = try h.request("POST", "/api/posts", headers: headers, body: Array(body.utf8))
        let id = try #require(created.json["id"] as? Int)
        #expect(try h.request("GET", "/lisbon").text.contains("Oak table"))
        #expect(try h.request("GET", "/api/search?city=lisbon&q=oak").text.contains("Oak table"))
        #expect(h.app.listings.count == 2)

        // A post that only appears (written here behind the site's back) may wait for the lifetime…
        let user = owner.id
        try h.app.database.write("""
            INSERT INTO posts (user_id, city_id, category_id, title, description)
            SELECT \(user), c.id, cat.id, 'Brand new lamp', 'Just posted.' FROM cities c, categories cat
            WHERE c.slug = 'lisbon' AND cat.slug = 'furniture'
            """)
        #expect(!(try h.request("GET", "/lisbon").text.contains("Brand new lamp")), "served from the cache")
        // …but its poster, carrying a causal cookie, reads the list fresh.
        let causal = h.app.causalCookie.setCookie(gtid: "0-1-1").split(separator: ";")[0]
        #expect(try h.request("GET", "/lisbon", headers: ["Cookie": String(causal)]).text.contains("Brand new lamp"))

        // An edit empties the city's lists at once, in this worker and (shared generations) every other.
        let edit = Array(#"{"title":"Walnut table"}"#.utf8)
        #expect(try h.request("PUT", "/api/posts/\(id)", headers: headers, body: edit).status == 200)
        let listing = try h.request("GET", "/lisbon").text
        #expect(listing.contains("Walnut table") && !listing.contains("Oak table"))
        let search = try h.request("GET", "/api/search?city=lisbon&q=oak").text   // the description still says oak
        #expect(search.contains("Walnut table") && !search.contains("Oak table"))

        #expect(try h.request("DELETE", "/api/posts/\(id)", headers: headers).status == 204)
        #expect(!(try h.request("GET", "/lisbon").text.contains("Walnut table")))
        #expect(!(try h.request("GET", "/api/search?city=lisbon&q=walnut").text.contains("Walnut table")))
    }
}
