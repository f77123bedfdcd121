import Foundation
import MariaDB
import Testing
@testable import Corkboard

/// Moderation through the application in process (see `AppHarness`): only moderators reach the
/// queue and its actions; the queue lists hidden and reported posts with their reports; restore
/// resolves the reports (the same reporters cannot hide it again, later ones count from zero);
/// remove is final; a ban hides every post, ends the sessions, answers "suspended" only after
/// the right password and keeps the address from signing up again; every action is recorded;
/// the poster asks once for a review.
@Suite(.serialized) struct InProcessModerationTests {
    typealias R = InProcessReportTests
    static let api = R.api

    func moderator(_ h: AppHarness) throws -> (id: Int64, cookie: String) {
        let m = try h.loggedInUser()
        try h.app.database.write("UPDATE users SET role = 'moderator' WHERE id = \(m.id)")
        return m
    }

    func act(_ h: AppHarness, _ action: String, _ id: Int64, cookie: String?, reason: String = "checked") throws -> AppHarness.Response {
        var headers = Self.api
        if let cookie { headers["Cookie"] = cookie }
        return try h.request("POST", "/api/moderation/posts/\(id)/\(action)", headers: headers, body: R.json(["reason": reason]))
    }

    /// Hides `id` with three fresh accounts' reports; returns their cookies.
    func hide(_ h: AppHarness, _ id: Int64) throws -> [String] {
        try (1...3).map { _ in
            let reporter = try h.loggedInUser()
            #expect(try R.report(h, id, reason: "other", details: "Looks fake", cookie: reporter.cookie).status == 201)
            return reporter.cookie
        }
    }

    @Test func onlyModeratorsReachTheQueueAndItsActions() throws {
        let h = try AppHarness()
        let (id, poster, _) = try R.livePost(h)
        _ = try hide(h, id)
        #expect(try h.request("GET", "/api/moderation/queue", headers: Self.api).status == 401)
        #expect(try h.request("GET", "/api/moderation/queue", headers: ["Cookie": poster.cookie]).status == 403)
        #expect(try h.request("GET", "/moderation", headers: ["Cookie": poster.cookie]).status == 403)
        #expect(try h.request("GET", "/moderation").status == 303, "anonymous visitors are sent to log in")
        for action in ["restore", "remove", "ban"] {
            #expect(try act(h, action, id, cookie: nil).status == 401)
            let refused = try act(h, action, id, cookie: poster.cookie)
            #expect(refused.status == 403 && (refused.json["error"] as? String)?.contains("Only moderators") == true)
        }
        let m = try moderator(h)
        #expect(try h.request("GET", "/account", headers: ["Cookie": m.cookie]).text.contains("href=\"/moderation\""))
        let noHeader = try h.request("POST", "/api/moderation/posts/\(id)/restore", headers: ["Content-Type": "application/json", "Cookie": m.cookie],
                                     body: R.json(["reason": "x"]))
        #expect(noHeader.status == 403)
        let noReason = try act(h, "restore", id, cookie: m.cookie, reason: "")
        #expect(noReason.status == 400 && noReason.json["field"] as? String == "reason")
        #expect(try R.count(h, "SELECT COUNT(*) AS n FROM moderation_actions WHERE action <> 'auto_hide'") == 0)
        #expect(try R.count(h, "SELECT COUNT(*) AS n FROM posts WHERE id = \(id) AND hidden_at IS NOT NULL") == 1)
    }

    @Test func theQueueListsHiddenPostsFirstAndRestoreResolvesTheirReports() throws {
        let h = try AppHarness()
        let (hidden, poster, city) = try R.livePost(h)
        let (reported, _, _) = try R.livePost(h, skip: 1)
        let reporters = try hide(h, hidden)
        #expect(try R.report(h, reported, reason: "spam", cookie: try h.loggedInUser().cookie).status == 201)
        // The poster asks for a review, once.
        let review = { try h.request("POST", "/api/posts/\(hidden)/review", headers: Self.api.merging(["Cookie": poster.cookie]) { $1 },
                                     body: R.json(["note": "It is a real bike."])) }
        #expect(try review().status == 202)
        #expect(try review().status == 409)
        let m = try moderator(h)
        let queue = try h.request("GET", "/api/moderation/queue", headers: ["Cookie": m.cookie])
        let posts = try #require(queue.json["posts"] as? [[String: Any]])
        #expect(posts.compactMap { $0["post_id"] as? Int } == [Int(hidden), Int(reported)])
        #expect(posts.first?["review_note"] as? String == "It is a real bike.")
        let reports = try #require(posts.first?["reports"] as? [[String: Any]])
        #expect(reports.count == 3 && reports.allSatisfy { $0["reason"] as? String == "other" && $0["details"] as? String == "Looks fake" })
        let page = try h.request("GET", "/moderation", headers: ["Cookie": m.cookie])
        #expect(page.status == 200 && page.text.contains("Looks fake") && page.text.contains("It is a real bike."))

        #expect(try act(h, "restore", hidden, cookie: m.cookie, reason: "Real ad").status == 200)
        #expect(try h.request("GET", "/post/\(hidden)").status == 200)
        #expect(try R.listed(h, hidden, city: city))
        #expect(try R.count(h, "SELECT COUNT(*) AS n FROM post_reports WHERE post_id = \(hidden) AND resolved_at IS NOT NULL") == 3)
        // The same reporters are repeats; later reports count from zero.
        #expect(try R.report(h, hidden, cookie: reporters[0]).status == 409)
        for n in 1...3 {
            let r = try R.report(h, hidden, cookie: try h.loggedInUser().cookie)
            #expect(r.json["post_hidden"] as? Bool == (n == 3))
        }
        let log = try h.request("GET", "/api/moderation/actions", headers: ["Cookie": m.cookie])
        let actions = try #require(log.json["actions"] as? [[String: Any]]).compactMap { $0["action"] as? String }
        #expect(actions == ["auto_hide", "restore", "review_request", "auto_hide"])
        #expect(try h.request("GET", "/moderation", headers: ["Cookie": m.cookie]).text.contains("Real ad"))
    }

    @Test func thePosterMayEditOrDeleteAHiddenPostButNotUnhideOrRepostIt() throws {
        let h = try AppHarness()
        let (id, poster, _) = try R.livePost(h)
        _ = try hide(h, id)
        let headers = Self.api.merging(["Cookie": poster.cookie]) { $1 }
        let edit = try h.request("PUT", "/api/posts/\(id)", headers: headers, body: Array(#"{"title": "Edited while hidden"}"#.utf8))
        #expect(edit.status == 200)
        #expect(try h.request("GET", "/post/\(id)").status == 410, "an edit does not unhide")
        #expect(try h.request("GET", "/post/\(id)", headers: ["Cookie": poster.cookie]).text.contains("Edited while hidden"))
        #expect(try h.request("GET", "/account/posts", headers: ["Cookie": poster.cookie]).text.contains("hidden: This post was removed after reports."))
        try h.app.database.write("UPDATE posts SET created_at = UTC_TIMESTAMP(6) - INTERVAL 8 DAY WHERE id = \(id)")
        let repost = try h.request("POST", "/api/posts/\(id)/repost", headers: headers)
        #expect(repost.status == 409)
        #expect(try h.request("DELETE", "/api/posts/\(id)", headers: headers).status == 204)
    }

    @Test func theQueuePagesFormsActWithTheirTokenOnly() throws {
        let h = try AppHarness()
        let (id, _, _) = try R.livePost(h)
        _ = try hide(h, id)
        let m = try moderator(h)
        let page = try h.request("GET", "/moderation", headers: ["Cookie": m.cookie])
        #expect(page.text.contains("action=\"/moderation/posts/\(id)/restore\""))
        let token = try #require(page.text.range(of: "name=\"csrf_token\" value=\"").map { r in
            String(page.text[r.upperBound...].prefix { $0 != "\"" })
        })
        let form = ["Content-Type": "application/x-www-form-urlencoded", "Cookie": m.cookie]
        let missing = try h.request("POST", "/moderation/posts/\(id)/restore", headers: form, body: Array("reason=fine".utf8))
        #expect(missing.status == 403)
        #expect(try R.count(h, "SELECT COUNT(*) AS n FROM posts WHERE id = \(id) AND hidden_at IS NOT NULL") == 1)
        let done = try h.request("POST", "/moderation/posts/\(id)/restore", headers: form, body: Array("reason=fine&csrf_token=\(token)".utf8))
        #expect(done.status == 303)
        #expect(try h.request("GET", "/post/\(id)").status == 200)
    }

    @Test func removeIsFinal() throws {
        let h = try AppHarness()
        let (id, poster, _) = try R.livePost(h)
        let m = try moderator(h)
        #expect(try act(h, "remove", id, cookie: m.cookie, reason: "Prohibited").status == 200)
        let gone = try h.request("GET", "/post/\(id)", headers: ["Cookie": poster.cookie])
        #expect(gone.status == 410 && gone.text.contains("removed by a moderator"))
        #expect(try act(h, "restore", id, cookie: m.cookie).status == 410)
        #expect(try act(h, "remove", 987_654_321, cookie: m.cookie).status == 404)
    }

    @Test func aBanHidesEveryPostEndsSessionsAndRefusesLogInAndSignUp() throws {
        let h = try AppHarness()
        let (first, _, city) = try R.livePost(h)
        let (second, _, _) = try R.livePost(h, skip: 1)
        let password = "a long and unusual passphrase"
        let email = "Banned.Poster\(UInt32.random(in: 0...UInt32.max))@Example.test"
        let hash = try PasswordHasher(config: h.app.config.accounts).hash(password)
        let poster = try h.loggedInUser(email: email)
        try h.app.database.write("UPDATE users SET password_hash = \(hash) WHERE id = \(poster.id)")
        try h.app.database.write("UPDATE posts SET user_id = \(poster.id) WHERE id IN (\(first), \(second))")
        #expect(try h.request("GET", "/api/account/posts", headers: ["Cookie": poster.cookie]).status == 200)
        let m = try moderator(h)
        #expect(try act(h, "ban", first, cookie: m.cookie, reason: "Scammer").status == 200)
        #expect(try act(h, "ban", second, cookie: m.cookie).status == 409, "already banned")
        for id in [first, second] {
            #expect(try h.request("GET", "/post/\(id)").status == 410)
            #expect(try !R.listed(h, id, city: city))
            #expect(try R.report(h, id).status == 410)
            #expect(try h.request("POST", "/api/posts/\(id)/contact", headers: Self.api,
                                  body: R.json(["email": "v@example.test", "message": "hi"])).status == 410)
        }
        #expect(try R.count(h, "SELECT COUNT(*) AS n FROM outbox WHERE kind = 'contact'") == 0)
        #expect(try h.request("GET", "/api/account/posts", headers: ["Cookie": poster.cookie]).status == 401, "the session ended")
        let wrong = try h.request("POST", "/api/login", headers: Self.api, body: R.json(["email": email, "password": "not it at all"]))
        #expect(wrong.status == 401 && !(wrong.text.contains("suspended")), "nothing told before the right password")
        let right = try h.request("POST", "/api/login", headers: Self.api, body: R.json(["email": email, "password": password]))
        #expect(right.status == 403 && right.text.contains("suspended"))
        #expect(right.header("Set-Cookie") == nil)
        let variant = "banned.poster" + email.dropFirst("Banned.Poster".count).replacingOccurrences(of: "@", with: "+again@").lowercased()
        #expect(try h.request("POST", "/api/signup", headers: Self.api, body: R.json(["email": variant, "password": password])).status == 202)
        #expect(try R.count(h, "SELECT COUNT(*) AS n FROM users WHERE email = \(variant)") == 0)
        #expect(try R.count(h, "SELECT COUNT(*) AS n FROM outbox WHERE recipient = \(variant)") == 0)
        #expect(try R.count(h, "SELECT COUNT(*) AS n FROM moderation_actions WHERE action = 'ban' AND target_user_id = \(poster.id) AND reason = 'Scammer'") == 1)
    }
}
