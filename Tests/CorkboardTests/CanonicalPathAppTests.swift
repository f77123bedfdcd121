import Foundation
import Testing
@testable import Corkboard

/// The application answers each route under its canonical path only (see `CanonicalPath`):
/// other spellings are moved (GET, HEAD) or refused (anything else) before any handler runs.
@Suite(.serialized) struct CanonicalPathAppTests {
    @Test func getAndHeadAreMovedForGoodWithTheQueryKept() throws {
        let h = try AppHarness(seedPosts: 0)
        for (method, uri, location) in [("GET", "/login/?next=%2Faccount", "/login?next=%2Faccount"),
                                        ("HEAD", "/LOGIN", "/login"), ("GET", "//lisbon//", "/lisbon"),
                                        ("GET", "/%6Cisbon/./search?q=oak", "/lisbon/search?q=oak")] {
            let r = try h.request(method, uri)
            #expect(r.status == 301, "\(method) \(uri)")
            #expect(r.header("Location") == location, "\(method) \(uri)")
        }
        #expect(try h.request("GET", "/login").status == 200)
        #expect(try h.request("GET", "/no/such/page/").status == 404)
    }

    @Test func otherMethodsAre404AndReachNoHandler() throws {
        let h = try AppHarness(seedPosts: 0)
        let user = try h.loggedInUser()
        let api = ["Content-Type": "application/json", "X-Requested-With": "corkboard", "Cookie": user.cookie]
        let refused = try h.request("DELETE", "/api/user/", headers: api, body: Array(#"{"password":"x"}"#.utf8))
        #expect(refused.status == 404)
        #expect((refused.json["error"] as? String)?.contains("/api/user") == true)
        // The handler never ran: not even its password check (a 403) answered.
        #expect(try h.request("DELETE", "/api/user", headers: api, body: Array(#"{"password":"x"}"#.utf8)).status == 403)
        let form = try h.request("POST", "/Logout", headers: ["Cookie": user.cookie])
        #expect(form.status == 404 && form.text.contains("/logout"))
        #expect(try h.request("GET", "/api/me", headers: ["Cookie": user.cookie]).status == 200)
    }
}
