import Foundation
import MariaDB
import Testing
@testable import Corkboard

/// Behaviour of the whole application in process (see `AppHarness`): routing, pages, the JSON
/// API and the database routes, against a real scratch database, without nginx or the pool.
@Suite(.serialized) struct InProcessAppTests {
    @Test func homePageLinksEverySeededCity() throws {
        let h = try AppHarness()
        let r = try h.request("GET", "/")
        #expect(r.status == 200)
        for city in Seeder.cities {
            #expect(r.text.contains("<a href=\"/\(city.slug)\">\(city.name)</a>"), "no link to \(city.slug)")
        }
    }

    @Test func unknownAddressesAre404InTheirOwnShape() throws {
        let h = try AppHarness(seedPosts: 0)
        let api = try h.request("GET", "/api/no-such-thing")
        #expect(api.status == 404)
        #expect(api.header("Content-Type") == "application/json")
        #expect(api.json["error"] is String)
        let page = try h.request("GET", "/post/999999999")
        #expect(page.status == 404)
        #expect(page.header("Content-Type")?.hasPrefix("text/html") == true)
        #expect(page.text.contains("<h1>Not Found</h1>"))
    }

    @Test func aPostIsCreatedReadRefusedToOthersAndDeleted() throws {
        let h = try AppHarness(seedPosts: 0)
        let owner = try h.loggedInUser(), other = try h.loggedInUser()
        let api = ["Content-Type": "application/json", "X-Requested-With": "corkboard"]
        let body = #"{"title":"Oak table","description":"Solid oak, seats six.","city":"lisbon","category":"furniture","price_minor":12000}"#
        let created = try h.request("POST", "/api/posts", headers: api.merging(["Cookie": owner.cookie]) { $1 }, body: Array(body.utf8))
        #expect(created.status == 201)
        let id = try #require(created.json["id"] as? Int)
        #expect(created.header("Location") == "/api/posts/\(id)")

        let shown = try h.request("GET", "/api/posts/\(id)")
        #expect(shown.status == 200)
        #expect(shown.json["title"] as? String == "Oak table")
        let page = try h.request("GET", "/post/\(id)")
        #expect(page.status == 200 && page.text.contains("<h1>Oak table</h1>"))
        #expect(!page.text.contains("owner-controls"))

        let edit = Array(#"{"title":"Mine now"}"#.utf8)
        let refused = try h.request("PUT", "/api/posts/\(id)", headers: api.merging(["Cookie": other.cookie]) { $1 }, body: edit)
        #expect(refused.status == 403)
        #expect(try h.request("GET", "/api/posts/\(id)").json["title"] as? String == "Oak table")

        let deleted = try h.request("DELETE", "/api/posts/\(id)", headers: api.merging(["Cookie": owner.cookie]) { $1 })
        #expect(deleted.status == 204)
        #expect(try h.request("GET", "/api/posts/\(id)").status == 410)
        #expect(try h.request("GET", "/post/\(id)").status == 410)
    }

    @Test func writesWithoutTheCSRFHeaderAreRefusedAndStoreNothing() throws {
        let h = try AppHarness(seedPosts: 0)
        let owner = try h.loggedInUser()
        let body = #"{"title":"No header","description":"x","city":"lisbon","category":"furniture"}"#
        let r = try h.request("POST", "/api/posts", headers: ["Content-Type": "application/json", "Cookie": owner.cookie],
                              body: Array(body.utf8))
        #expect(r.status == 403)
        #expect(try h.app.database.readPrimary("SELECT COUNT(*) AS n FROM posts").first?.decode("n", as: Int64.self) == 0)
    }

    /// Defect: with the primary down, a logged-in viewer got the generic 503 because sessions
    /// are looked up on the primary. Public pages must render as for an anonymous visitor, with
    /// a notice; pages that need an identity answer the read-only notice, not a generic error.
    @Test func loggedInViewerKeepsBrowsingWhileThePrimaryIsDown() throws {
        let seeded = try AppHarness(seedPosts: 2)
        let viewer = try seeded.loggedInUser()
        try waitUntilReplicaHas(database: seeded.name)
        // The same scratch database, seen by an app whose primary refuses connections.
        let h = try AppHarness.attach(to: seeded, settings: [
            "db_primary": "127.0.0.1:1", "db_replicas": AppHarness.replica.description,
        ])
        let city = try h.request("GET", "/lisbon", headers: ["Cookie": viewer.cookie])
        #expect(city.status == 200)
        #expect(city.text.contains(Layout.readOnlyNotice))
        #expect(city.text.contains("<h1>Lisbon</h1>"))
        let anonymous = try h.request("GET", "/lisbon")
        #expect(anonymous.status == 200)
        #expect(!anonymous.text.contains(Layout.readOnlyNotice))
        for path in ["/account", "/post/new"] {
            let r = try h.request("GET", path, headers: ["Cookie": viewer.cookie])
            #expect(r.status == 503, "\(path)")
            #expect(r.text.contains(Layout.readOnlyNotice), "\(path)")
            #expect(r.header("Retry-After") != nil)
        }
        let apiAccount = try h.request("GET", "/api/me", headers: ["Cookie": viewer.cookie])
        #expect(apiAccount.status == 503)
        #expect(apiAccount.json["error"] as? String == Layout.readOnlyNotice)
    }

    /// Every database failure names the application's statement that failed (for the logs).
    @Test func databaseErrorsCarryTheirCallSite() throws {
        let h = try AppHarness(seedPosts: 0)
        var site: String?
        do {
            _ = try h.app.database.read("SELECT no_such_column FROM cities")
        } catch let e as MariaDBError {
            site = e.callSite
            #expect(e.debugDescription.contains("at CorkboardTests/InProcessAppTests.swift:"))
            #expect(!e.description.contains("InProcessAppTests"))
        }
        #expect(site?.hasPrefix("CorkboardTests/InProcessAppTests.swift:") == true)
        do {
            try h.app.database.transaction { tx in _ = try tx.query("SELECT no_such_column FROM cities") }
            Issue.record("expected a failure")
        } catch let e as MariaDBError {
            #expect(e.callSite?.hasPrefix("CorkboardTests/InProcessAppTests.swift:") == true)
        }
    }

    func waitUntilReplicaHas(database name: String) throws {
        let config = DatabaseConfig(primary: AppHarness.replica, user: AppHarness.env["CORKBOARD_TEST_DB_USER"] ?? "root",
                                    password: AppHarness.env["CORKBOARD_TEST_DB_PASSWORD"] ?? "", database: "")
        let conn = try MariaDBConnection(address: AppHarness.replica, config: config)
        defer { conn.close() }
        // Generous (30 s): under a loaded machine the replica has lagged past 5 s.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            // The last thing the seed writes is its posts; sessions come after them.
            let tables = try conn.query("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = \(name) AND table_name = 'sessions'")
            if try tables.first?.decode("n", as: Int64.self) == 1,
               try conn.query(SQL(unsafeSQL: "SELECT COUNT(*) AS n FROM `\(name)`.sessions")).first?.decode("n", as: Int64.self) ?? 0 > 0 {
                return
            }
            usleep(50_000)
        }
        Issue.record("the replica never got \(name)")
    }
}
