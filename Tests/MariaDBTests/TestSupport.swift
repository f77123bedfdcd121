import Foundation
import MariaDB

/// Test servers from the environment, with the dev-stack defaults.
enum TestServers {
    static var env: [String: String] { ProcessInfo.processInfo.environment }
    static var primary: ServerAddress {
        ServerAddress(parsing: env["CORKBOARD_TEST_DB_PRIMARY"] ?? "127.0.0.1:18406")!
    }
    static var replica: ServerAddress {
        ServerAddress(parsing: env["CORKBOARD_TEST_DB_REPLICA"] ?? "127.0.0.1:18407")!
    }
    static func config(database: String = "") -> DatabaseConfig {
        DatabaseConfig(primary: primary, replicas: [replica],
                       user: env["CORKBOARD_TEST_DB_USER"] ?? "root",
                       password: env["CORKBOARD_TEST_DB_PASSWORD"] ?? "",
                       database: database, connectTimeout: 2, readTimeout: 10, writeTimeout: 10)
    }
}

/// Creates `cbtest_<random>` on the primary, runs body with a config pointing at it, drops it.
func withScratchDatabase<T>(_ body: (DatabaseConfig) throws -> T) throws -> T {
    let name = "cbtest_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
    let admin = try MariaDBConnection(address: TestServers.primary, config: TestServers.config())
    defer { admin.close() }
    try admin.executeScript("CREATE DATABASE `\(name)` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    defer { try? admin.executeScript("DROP DATABASE IF EXISTS `\(name)`") }
    return try body(TestServers.config(database: name))
}

/// Kills a session from a separate connection, as an operator or a crash would.
func kill(_ connectionID: UInt64, config: DatabaseConfig) throws {
    let killer = try MariaDBConnection(address: config.primary, config: config)
    defer { killer.close() }
    try killer.executeScript("KILL CONNECTION \(connectionID)")
}

func expectError(_ code: MariaDBError.Code, _ body: () throws -> Void) -> MariaDBError? {
    do {
        try body()
        return nil
    } catch let e as MariaDBError {
        return e.code == code ? e : nil
    } catch {
        return nil
    }
}
