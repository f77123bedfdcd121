import Foundation
import MariaDB
import Testing
@testable import Corkboard

/// Accounts through the application in process (see `AppHarness`): sign-up, its mail in the
/// same transaction, bad input, and the per-account log-in back-off held in MariaDB.
@Suite(.serialized) struct InProcessAccountsTests {
    static let api = ["Content-Type": "application/json", "X-Requested-With": "corkboard"]

    func json(_ object: [String: String]) -> [UInt8] {
        Array(try! JSONSerialization.data(withJSONObject: object))
    }

    func outbox(_ h: AppHarness, to email: String) throws -> [String] {
        try h.app.database.readPrimary("SELECT kind FROM outbox WHERE recipient = \(email) ORDER BY id")
            .map { try $0.decode("kind", as: String.self) }
    }

    @Test func signUpQueuesItsMailAndAnswersTheSameForATakenAddress() throws {
        let h = try AppHarness(seedPosts: 0)
        let email = "new\(UInt32.random(in: 0...UInt32.max))@example.test"
        let body = json(["email": email, "password": "a long and unusual passphrase"])
        let first = try h.request("POST", "/api/signup", headers: Self.api, body: body)
        #expect(first.status == 202)
        #expect(try outbox(h, to: email) == ["verify"])
        let again = try h.request("POST", "/api/signup", headers: Self.api, body: body)
        #expect(again.status == 202)
        #expect(again.text == first.text, "the answer must not tell whether the address has an account")
        #expect(try outbox(h, to: email) == ["verify", "signup-exists"])
    }

    @Test func signUpRefusesBadInputNamingTheFieldAndStoresNothing() throws {
        let h = try AppHarness(seedPosts: 0)
        let cases: [([String: String], String)] = [
            (["email": "not-an-address", "password": "a long and unusual passphrase"], "email"),
            (["email": "short@example.test", "password": "short"], "password"),
        ]
        for (body, field) in cases {
            let r = try h.request("POST", "/api/signup", headers: Self.api, body: json(body))
            #expect(r.status == 400, "\(body)")
            #expect(r.json["field"] as? String == field)
            #expect((r.json["error"] as? String)?.isEmpty == false)
        }
        #expect(try h.app.database.readPrimary("SELECT COUNT(*) AS n FROM users WHERE email LIKE '%example.test'")
            .first?.decode("n", as: Int64.self) == 0)
        #expect(try h.app.database.readPrimary("SELECT COUNT(*) AS n FROM outbox").first?.decode("n", as: Int64.self) == 0)
    }

    @Test func logInLocksTheAddressAfterTooManyFailures() throws {
        let h = try AppHarness(settings: ["login_max_failures": "3", "login_lockout": "60"], seedPosts: 0)
        let email = "lock\(UInt32.random(in: 0...UInt32.max))@example.test"
        let password = "a long and unusual passphrase"
        #expect(try h.request("POST", "/api/signup", headers: Self.api, body: json(["email": email, "password": password])).status == 202)
        let right = try h.request("POST", "/api/login", headers: Self.api, body: json(["email": email, "password": password]))
        #expect(right.status == 200)
        #expect(right.header("Set-Cookie")?.hasPrefix(SessionCookie.name + "=") == true)
        for attempt in 1...3 {
            let wrong = try h.request("POST", "/api/login", headers: Self.api, body: json(["email": email, "password": "wrong \(attempt)"]))
            #expect(wrong.status == 401, "attempt \(attempt)")
        }
        let locked = try h.request("POST", "/api/login", headers: Self.api, body: json(["email": email, "password": password]))
        #expect(locked.status == 429)
        #expect(Int(locked.header("Retry-After") ?? "") ?? 0 > 0)
        #expect(locked.header("Set-Cookie") == nil)
    }
}
