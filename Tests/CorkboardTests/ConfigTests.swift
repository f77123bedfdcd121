import FastCGI
import Foundation
import Testing
@testable import Corkboard

@Suite struct ConfigTests {
    static let secrets = """
        causal_cookie_secret = \(String(repeating: "c", count: 32))
        search_cursor_secret = \(String(repeating: "s", count: 32))

        """

    /// A file holding the required secrets and then `text` (so `text` starts at line 3).
    func file(_ text: String = "", source: String = "test.conf") throws -> ConfigFile {
        var file = ConfigFile()
        try file.parse(Self.secrets + text, source: source)
        return file
    }

    /// The error `Config` refuses `file` with, or nil (recording an issue) when it accepts it.
    func refusal(_ file: ConfigFile) -> String? {
        do {
            _ = try Config(file: file)
            Issue.record("accepted")
        } catch let error as ConfigError {
            return error.message
        } catch {
            Issue.record("\(error)")
        }
        return nil
    }

    @Test func defaultsWithoutAFile() throws {
        let config = try Config(file: file())
        #expect(config.pool.workers == 4)
        #expect(config.pool.listen == .unix(path: "/run/corkboard/pool.sock", mode: 0o660, owner: nil, group: nil))
        #expect(config.database.primary.description == "127.0.0.1:3306")
        #expect(config.database.replicas.isEmpty)
    }

    @Test func fileThenEnvironment() throws {
        var file = try file("""
            # comment
            workers = 3
            listen = tcp:127.0.0.1:9000
            db_replicas = 10.0.0.2:3306, unix:/run/mysqld/r.sock
            db_password = "se cret"
            socket_mode = 0600
            """)
        // The pool's own variables and unknown ones are not configuration, and no error.
        file.applyEnvironment(["CORKBOARD_WORKERS": "7", "CORKBOARD_MASTER_PID": "1", "CORKBOARD_WORKER_SLOT": "2",
                               "CORKBOARD_CONFIG": "/x.conf", "CORKBOARD_NO_SUCH_KEY": "1", "PATH": "/bin"])
        let config = try Config(file: file)
        #expect(config.pool.workers == 7)
        #expect(config.pool.listen == .tcp(host: "127.0.0.1", port: 9000))
        #expect(config.database.replicas.map(\.description) == ["10.0.0.2:3306", "unix:/run/mysqld/r.sock"])
        #expect(config.database.password == "se cret")
    }

    @Test func errorsNameTheLineAndKey() throws {
        var bad = ConfigFile()
        #expect(throws: ConfigError.self) { try bad.parse("workers 3", source: "x.conf") }
        let message = refusal(try file("workers = many", source: "x.conf"))
        #expect(message?.contains("x.conf:3") == true && message?.contains("workers") == true, "\(message ?? "")")
        var env = try file()
        env.applyEnvironment(["CORKBOARD_WORKERS": "0"])
        #expect(refusal(env)?.hasPrefix("env CORKBOARD_WORKERS: `workers`") == true)
    }

    @Test func unknownKeysAreRefusedNamingFileLineAndTheNearestKey() throws {
        let message = refusal(try file("workers = 3\nworker = 8\ncolour = blue\n", source: "/etc/corkboard/corkboard.conf"))
        #expect(message == """
            /etc/corkboard/corkboard.conf:4: unknown key `worker`; did you mean `workers`?
            /etc/corkboard/corkboard.conf:5: unknown key `colour`
            """)
    }

    @Test func secretsAreRequiredSettings() throws {
        var none = ConfigFile()
        try none.parse("search_cursor_secret = \(String(repeating: "s", count: 32))", source: "x.conf")
        let missing = refusal(none)
        #expect(missing?.contains("`causal_cookie_secret` is not set") == true, "\(missing ?? "")")
        var short = try file()
        short.applyEnvironment(["CORKBOARD_SEARCH_CURSOR_SECRET": "short"])
        let tooShort = refusal(short)
        #expect(tooShort?.contains("`search_cursor_secret` is 5 characters") == true, "\(tooShort ?? "")")
        // The keys come from the settings alone: another password or primary keeps them.
        let a = try Config(file: file("db_password = one\ndb_primary = 10.0.0.1:3306"))
        let b = try Config(file: file("db_password = two\ndb_primary = 10.0.0.2:3306"))
        let probe = Array("a cursor".utf8)
        #expect(a.search.cursorKey.mac(probe) == b.search.cursorKey.mac(probe) && a.cache.causalCookieSecret == b.cache.causalCookieSecret)
        let cookie = CausalCookie(secret: a.cache.causalCookieSecret, maxAge: 60).setCookie(gtid: "0-1-5")
        let value = String(cookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1)[1])
        #expect(CausalCookie(secret: b.cache.causalCookieSecret, maxAge: 60).gtid(fromCookie: value) == "0-1-5")
    }

    /// The keys `Config` reads are the keys systemd/corkboard.conf documents, both ways.
    @Test func knownKeysAreTheDocumentedKeys() throws {
        let file = try file()
        _ = try Config(file: file)
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: repo.appendingPathComponent("systemd/corkboard.conf"), encoding: .utf8)
        var documented = Set<String>()
        for line in text.split(separator: "\n") {
            let body = line.hasPrefix("#") ? line.dropFirst() : line[...]
            guard let eq = body.range(of: " ="), body[..<eq.lowerBound].allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "_" }),
                  !body[..<eq.lowerBound].isEmpty else { continue }
            documented.insert(String(body[..<eq.lowerBound]))
        }
        #expect(documented.subtracting(file.knownKeys).sorted() == [], "documented but never read")
        #expect(file.knownKeys.subtracting(documented).sorted() == [], "read but not documented")
    }

    /// host_id is the one setting that makes a host one of several: photo peers need it, and
    /// the key their copies are signed with.
    @Test func photoPeersNeedAHostIDAndTheirSecret() throws {
        let peers = "photo_peers = http://10.0.0.12:8444"
        #expect(refusal(try file(peers))?.contains("needs its `host_id`") == true)
        #expect(refusal(try file("host_id = Host A"))?.contains("`host_id` must be 1–32 of a-z") == true)
        #expect(refusal(try file(peers + "\nhost_id = a"))?.contains("`photo_peer_secret` is not set") == true)
        let config = try Config(file: file(peers + "\nhost_id = a\nphoto_peer_secret = " + String(repeating: "p", count: 32)))
        #expect(config.photoFiles.changeLog.origin == "a" && config.cache.followInterval == 0.25)
        #expect(try Config(file: file()).photoFiles.changeLog.origin == nil)
    }

    @Test func socketPathLimit() throws {
        #expect(throws: ConfigError.self) { _ = try Config(file: file("listen = unix:/" + String(repeating: "a", count: 120))) }
    }
}
