import Foundation
import MariaDB
import Testing
@testable import Corkboard

/// Reports through the application in process (see `AppHarness`): the threshold and weights
/// hide a post from its page, the API, the list, search and the cache, the poster is mailed and
/// still sees it; one report per reporter (account, address or cookie); the poster cannot
/// report; bad input is refused naming the problem with nothing written; the form with and
/// without its token.
@Suite(.serialized) struct InProcessReportTests {
    static let api = ["Content-Type": "application/json", "X-Requested-With": "corkboard"]

    static func json(_ object: [String: String]) -> [UInt8] {
        Array(try! JSONSerialization.data(withJSONObject: object))
    }

    /// A live post of the seed (made fresh) with a logged-in poster: (id, poster's cookie, city slug).
    static func livePost(_ h: AppHarness, skip: Int = 0) throws -> (id: Int64, poster: (id: Int64, cookie: String), city: String) {
        let row = try #require(try h.app.database.readPrimary("""
            SELECT p.id, c.slug FROM posts p JOIN cities c ON c.id = p.city_id ORDER BY p.id LIMIT 1 OFFSET \(skip)
            """).first)
        let id = try row.decode("id", as: Int64.self)
        let poster = try h.loggedInUser()
        try h.app.database.write("""
            UPDATE posts SET user_id = \(poster.id), created_at = UTC_TIMESTAMP(6) - INTERVAL 1 HOUR, deleted_at = NULL,
                   hidden_at = NULL, hidden_reason = NULL WHERE id = \(id)
            """)
        try h.app.visibility.change { try $0.willChange(posts: [id]) }   // re-index, drop cached copies
        return (id, poster, try row.decode("slug", as: String.self))
    }

    static func report(_ h: AppHarness, _ id: Int64, reason: String = "scam", details: String? = nil,
                       cookie: String? = nil, remote: String = "192.0.2.10") throws -> AppHarness.Response {
        var body = ["reason": reason]
        if let details { body["details"] = details }
        var headers = api
        if let cookie { headers["Cookie"] = cookie }
        return try h.request("POST", "/api/posts/\(id)/report", headers: headers, body: json(body), remote: remote)
    }

    static func count(_ h: AppHarness, _ sql: SQL) throws -> Int64 {
        try h.app.database.readPrimary(sql).first?.decode("n", as: Int64.self) ?? -1
    }

    static func listed(_ h: AppHarness, _ id: Int64, city: String, query: String = "") throws -> Bool {
        let r = try h.request("GET", "/api/search?city=\(city)\(query)")
        return ((r.json["posts"] as? [[String: Any]]) ?? []).contains { ($0["id"] as? Int).map(Int64.init) == id }
    }

    @Test func theThirdDistinctReportHidesThePostEverywhereAndTellsThePoster() throws {
        let h = try AppHarness()
        let (id, poster, city) = try Self.livePost(h)
        let title = try h.app.database.readPrimary("SELECT title FROM posts WHERE id = \(id)").first!.decode("title", as: String.self)
        let word = String(title.split(separator: " ").first!)
        #expect(try h.request("GET", "/post/\(id)").status == 200)   // now in this worker's cache
        #expect(try Self.listed(h, id, city: city) && Self.listed(h, id, city: city, query: "&q=\(word)"))
        for n in 1...3 {
            let reporter = try h.loggedInUser()
            let r = try Self.report(h, id, cookie: reporter.cookie)
            #expect(r.status == 201, "report \(n): \(r.text)")
            #expect(r.json["post_hidden"] as? Bool == (n == 3))
            if n < 3 { #expect(try h.request("GET", "/post/\(id)").status == 200) }
        }
        let page = try h.request("GET", "/post/\(id)")
        #expect(page.status == 410 && page.text.contains("removed after reports"))
        let apiAnswer = try h.request("GET", "/api/posts/\(id)")
        #expect(apiAnswer.status == 410 && (apiAnswer.json["error"] as? String)?.contains("removed after reports") == true)
        #expect(try !Self.listed(h, id, city: city) && !Self.listed(h, id, city: city, query: "&q=\(word)"))
        // The poster still opens it, is told why, and may ask for a review; contact is closed.
        let own = try h.request("GET", "/post/\(id)", headers: ["Cookie": poster.cookie])
        #expect(own.status == 200 && own.text.contains("hidden from everyone else") && own.text.contains("action=\"/post/\(id)/review\""))
        #expect(try h.request("GET", "/api/posts/\(id)", headers: ["Cookie": poster.cookie]).status == 200)
        let contact = try h.request("POST", "/api/posts/\(id)/contact", headers: Self.api,
                                    body: Self.json(["email": "v@example.test", "message": "hi"]))
        #expect(contact.status == 410)
        #expect(try Self.count(h, "SELECT COUNT(*) AS n FROM outbox WHERE kind = 'contact'") == 0)
        #expect(try Self.count(h, "SELECT COUNT(*) AS n FROM outbox WHERE kind = 'post_hidden' AND recipient = (SELECT email FROM users WHERE id = \(poster.id))") == 1)
        #expect(try Self.count(h, "SELECT COUNT(*) AS n FROM moderation_actions WHERE action = 'auto_hide' AND post_id = \(id) AND actor_id IS NULL") == 1)
        // A fourth reporter finds it gone, and writes nothing.
        let late = try Self.report(h, id, cookie: try h.loggedInUser().cookie)
        #expect(late.status == 410)
        #expect(try Self.count(h, "SELECT COUNT(*) AS n FROM post_reports WHERE post_id = \(id)") == 3)
    }

    @Test func reportsFromEstablishedAccountsCountDouble() throws {
        let h = try AppHarness()
        let (id, _, _) = try Self.livePost(h)
        var answers: [Bool] = []
        for _ in 1...2 {
            let old = try h.loggedInUser()
            try h.app.database.write("UPDATE users SET created_at = UTC_TIMESTAMP(6) - INTERVAL 8 DAY WHERE id = \(old.id)")
            answers.append(try Self.report(h, id, cookie: old.cookie).json["post_hidden"] as? Bool ?? false)
        }
        #expect(answers == [false, true], "2 + 2 reaches the threshold of 3")
        #expect(try Self.count(h, "SELECT CAST(SUM(weight) AS SIGNED) AS n FROM post_reports WHERE post_id = \(id)") == 4)
    }

    @Test func oneReportPerReporterAndNeverTheirOwnPost() throws {
        let h = try AppHarness(settings: ["report_hide_threshold": "100"])
        let (id, poster, _) = try Self.livePost(h)
        let own = try Self.report(h, id, cookie: poster.cookie)
        #expect(own.status == 403 && (own.json["error"] as? String)?.contains("your own post") == true)
        let account = try h.loggedInUser()
        #expect(try Self.report(h, id, cookie: account.cookie).status == 201)
        let again = try Self.report(h, id, cookie: account.cookie, remote: "198.51.100.7")
        #expect(again.status == 409 && (again.json["error"] as? String)?.contains("already reported") == true)
        // Anonymous: the first sets the signed cookie; the same address or the same cookie repeats.
        let first = try Self.report(h, id, remote: "2001:db8:1:2::10")
        #expect(first.status == 201)
        let cookie = try #require(first.header("Set-Cookie")?.split(separator: ";").first.map(String.init))
        #expect(cookie.hasPrefix(Reporter.cookieName + "="))
        #expect(try Self.report(h, id, remote: "2001:db8:1:2:ffff::1").status == 409, "the same IPv6 /64")
        #expect(try Self.report(h, id, cookie: cookie, remote: "203.0.113.9").status == 409, "the same cookie")
        #expect(try Self.report(h, id, cookie: Reporter.cookieName + "=forged.value", remote: "203.0.113.9").status == 201,
                "a forged cookie counts as none; a new address is a new reporter")
        #expect(try Self.report(h, id, remote: "2001:db8:1:3::1").status == 201, "another /64")
        #expect(try Self.count(h, "SELECT COUNT(*) AS n FROM post_reports WHERE post_id = \(id)") == 4)
    }

    @Test func badInputIsRefusedNamingTheProblemAndWritesNothing() throws {
        let h = try AppHarness()
        let (id, _, _) = try Self.livePost(h)
        let cases: [(String, String?, String)] = [
            ("", nil, "reason"), ("counterfeit", nil, "reason"), ("other", nil, "details"), ("other", "   ", "details"),
            ("spam", String(repeating: "x", count: 501), "details"),
        ]
        for (reason, details, field) in cases {
            let r = try Self.report(h, id, reason: reason, details: details)
            #expect(r.status == 400, "\(reason) \(details ?? "-")")
            #expect(r.json["field"] as? String == field)
            #expect((r.json["error"] as? String)?.isEmpty == false)
        }
        let unknownField = try h.request("POST", "/api/posts/\(id)/report", headers: Self.api,
                                         body: Self.json(["reason": "spam", "comment": "x"]))
        #expect(unknownField.status == 400 && unknownField.json["field"] as? String == "comment")
        let noHeader = try h.request("POST", "/api/posts/\(id)/report", headers: ["Content-Type": "application/json"],
                                     body: Self.json(["reason": "spam"]))
        #expect(noHeader.status == 403)
        #expect(try Self.report(h, 987_654_321).status == 404)
        try h.app.database.write("UPDATE posts SET deleted_at = UTC_TIMESTAMP(6) WHERE id = \(id)")
        #expect(try Self.report(h, id).status == 410)
        #expect(try Self.count(h, "SELECT COUNT(*) AS n FROM post_reports") == 0)
        // The longest text is accepted.
        let (other, _, _) = try Self.livePost(h, skip: 1)
        #expect(try Self.report(h, other, reason: "other", details: String(repeating: "é", count: 500)).status == 201)
    }

    @Test func theFormReportsWithItsTokenAndComesBackRefilledWithout() throws {
        let h = try AppHarness()
        let (id, _, _) = try Self.livePost(h)
        let post = try h.request("GET", "/post/\(id)")
        #expect(post.text.contains("action=\"/post/\(id)/report\""), "the post page's button")
        let page = try h.request("GET", "/post/\(id)/report")
        #expect(page.status == 200 && page.text.contains("value=\"wrong_category\""))
        let cookie = try #require(page.raw.headers.filter { $0.name.lowercased() == "set-cookie" }
            .map { String($0.value.split(separator: ";")[0]) }.first { $0.hasPrefix(SessionCookie.csrfName + "=") })
        let token = try #require(page.text.range(of: "name=\"csrf_token\" value=\"").map { r in
            String(page.text[r.upperBound...].prefix { $0 != "\"" })
        })
        let form = ["Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie]
        let missing = try h.request("POST", "/post/\(id)/report", headers: form, body: Array("reason=other&details=Fake+photos".utf8))
        #expect(missing.status == 403 && missing.text.contains("did not come from this site") && missing.text.contains("Fake photos"))
        let unknown = try h.request("POST", "/post/\(id)/report", headers: form,
                                    body: Array("reason=nope&csrf_token=\(token)".utf8))
        #expect(unknown.status == 400 && unknown.text.contains("Unknown reason"))
        #expect(try Self.count(h, "SELECT COUNT(*) AS n FROM post_reports") == 0)
        let sent = try h.request("POST", "/post/\(id)/report", headers: form,
                                 body: Array("reason=other&details=Fake+photos&csrf_token=\(token)".utf8))
        #expect(sent.status == 200 && sent.text.contains("Report received"))
        #expect(try Self.count(h, "SELECT COUNT(*) AS n FROM post_reports WHERE details = 'Fake photos' AND reason = 'other'") == 1)
    }

    @Test func clientAddressesAreNormalised() {
        #expect(Reporter.normalize("192.0.2.1") == "192.0.2.1")
        #expect(Reporter.normalize("::ffff:192.0.2.1") == "192.0.2.1")
        #expect(Reporter.normalize("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64")
        #expect(Reporter.normalize("2001:0DB8:0001:0002::1") == "2001:db8:1:2::/64")
    }
}
