import FastCGI
import Foundation
import Logging
import MariaDB
@testable import Corkboard

/// The in-process test layer: the application's responder (`CorkboardApp.respond`) driven with
/// requests built in memory, against a scratch database on the test primary that holds every
/// migration and the seed data. No nginx, no pool, no sockets: a request takes a millisecond or
/// two, so most behaviour is tested here and the end-to-end suite keeps what crosses processes.
///
/// Environment as for the integration tests: CORKBOARD_TEST_DB_PRIMARY, CORKBOARD_TEST_DB_REPLICA,
/// CORKBOARD_TEST_DB_USER, CORKBOARD_TEST_DB_PASSWORD (the test stack's servers).
final class AppHarness {
    static let env = ProcessInfo.processInfo.environment
    static var primary: ServerAddress { ServerAddress(parsing: env["CORKBOARD_TEST_DB_PRIMARY"] ?? "127.0.0.1:18506")! }
    static var replica: ServerAddress { ServerAddress(parsing: env["CORKBOARD_TEST_DB_REPLICA"] ?? "127.0.0.1:18507")! }
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    let name: String
    let imagesRoot: String
    let app: CorkboardApp
    let logger: Logger = {
        var l = Logger(label: "corkboard.test")
        l.logLevel = .error
        return l
    }()
    /// Whether this harness made (and so drops) the scratch database.
    let owner: Bool
    /// The harness whose database this one shares (kept alive as long as this one).
    let base: AppHarness?

    /// A second app on `base`'s scratch database, configured with `settings` on top.
    static func attach(to base: AppHarness, settings: [String: String]) throws -> AppHarness {
        try AppHarness(base: base, settings: settings)
    }

    private init(base: AppHarness, settings: [String: String]) throws {
        name = base.name
        imagesRoot = base.imagesRoot
        owner = false
        self.base = base
        app = CorkboardApp(config: try Config(file: ConfigFile(values: base.settings.merging(settings) { $1 })),
                           logger: logger, scoreboard: nil)
        settingsValue = base.settings.merging(settings) { $1 }
    }

    private let settingsValue: [String: String]
    /// The configuration keys this harness's app runs with.
    var settings: [String: String] { settingsValue }

    /// A scratch database (`cbapp_<random>`) migrated and seeded, and an app on it. `settings`
    /// are configuration keys over the harness's own (e.g. `db_primary` to point at a dead port).
    init(settings: [String: String] = [:], seedPosts: Int = 3) throws {
        name = "cbapp_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        imagesRoot = FileManager.default.temporaryDirectory.appendingPathComponent(name).path
        try FileManager.default.createDirectory(atPath: imagesRoot, withIntermediateDirectories: true)
        let admin = try Self.adminConnection()
        defer { admin.close() }
        try admin.executeScript("CREATE DATABASE `\(name)` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        var values = [
            "db_primary": Self.primary.description, "db_name": name,
            "db_user": Self.env["CORKBOARD_TEST_DB_USER"] ?? "root",
            "db_password": Self.env["CORKBOARD_TEST_DB_PASSWORD"] ?? "",
            "images_root": imagesRoot, "site_url": "https://corkboard.test",
            "causal_cookie_secret": "in-process-test-secret-0123456789abcdef",
            "search_cursor_secret": "in-process-test-cursor-0123456789abcdef",
            "migrations_dir": Self.repository.appendingPathComponent("sql").path,
            // No request lines in the test output, and no counters files outside a pool.
            "request_log": "false", "metrics_dir": "",
            // Lists are read fresh: tests that need the list cache turn it on (ListingCacheAppTests).
            "list_cache_ms": "0",
        ]
        let migrateConfig = try Config(file: ConfigFile(values: values))
        _ = try Migrator(config: migrateConfig.database, directory: URL(fileURLWithPath: migrateConfig.migrationsDir),
                         logger: logger).migrate()
        try Seeder(database: Database(config: migrateConfig.database, logger: logger), logger: logger).run(postsPerCity: seedPosts)
        values.merge(settings) { _, new in new }
        settingsValue = values
        owner = true
        base = nil
        app = CorkboardApp(config: try Config(file: ConfigFile(values: values)), logger: logger, scoreboard: nil)
    }

    deinit {
        app.database.close()
        if owner, let admin = try? Self.adminConnection() {
            try? admin.executeScript("DROP DATABASE IF EXISTS `\(name)`")
            admin.close()
        }
        if owner { try? FileManager.default.removeItem(atPath: imagesRoot) }
    }

    static func adminConnection() throws -> MariaDBConnection {
        let config = DatabaseConfig(primary: primary, user: env["CORKBOARD_TEST_DB_USER"] ?? "root",
                                    password: env["CORKBOARD_TEST_DB_PASSWORD"] ?? "", database: "")
        return try MariaDBConnection(address: primary, config: config)
    }

    /// One request through the application, as nginx would pass it (from a non-loopback peer
    /// unless `remote` says otherwise; `params` as an nginx location sets them).
    func request(_ method: String, _ uri: String, headers: [String: String] = [:], body: [UInt8] = [],
                 remote: String = "192.0.2.10", params extra: [String: String] = [:]) throws -> Response {
        var params = ["REQUEST_METHOD": method, "REQUEST_URI": uri, "REMOTE_ADDR": remote,
                      "REQUEST_ID": "test-\(UInt32.random(in: 0...UInt32.max))", "HTTPS": "on",
                      "CONTENT_LENGTH": String(body.count)].merging(extra) { $1 }
        if let q = uri.firstIndex(of: "?") { params["QUERY_STRING"] = String(uri[uri.index(after: q)...]) }
        for (name, value) in headers {
            let key = name.uppercased().replacingOccurrences(of: "-", with: "_")
            params[key == "CONTENT_TYPE" ? key : "HTTP_" + key] = value
        }
        let request = FastCGIRequest(params: params, body: FastCGIBody(bytes: body))
        return Response(try app.respond(to: request))
    }

    /// A verified user with a live session; returns the session cookie header value.
    func loggedInUser(email: String = "user\(UInt32.random(in: 0...UInt32.max))@example.test") throws -> (id: Int64, cookie: String) {
        let database = app.database
        let id = Int64(try database.write("""
            INSERT INTO users (email, password_hash, role, email_verified_at, created_at, updated_at)
            VALUES (\(email), '!', 'user', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))
            """).lastInsertID)
        let token = try SessionStore(db: database.primaryRoute, config: app.config.accounts).create(userID: id)
        return (id, "\(SessionCookie.name)=\(token)")
    }

    /// What the responder answered, with the body as text.
    struct Response {
        let raw: FastCGIResponse
        init(_ raw: FastCGIResponse) { self.raw = raw }
        var status: Int { raw.status }
        var text: String { String(decoding: raw.body, as: UTF8.self) }
        func header(_ name: String) -> String? {
            raw.headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(raw.body))) as? [String: Any] ?? [:]
        }
    }
}
