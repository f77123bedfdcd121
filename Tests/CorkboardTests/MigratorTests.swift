import Foundation
import Testing
import MariaDB
@testable import Corkboard

/// Migrator against a scratch database on the test primary (env: CORKBOARD_TEST_DB_PRIMARY,
/// CORKBOARD_TEST_DB_USER, CORKBOARD_TEST_DB_PASSWORD) and a temp directory of .sql files.
@Suite struct MigratorTests {
    static func config(database: String = "") -> DatabaseConfig {
        let env = ProcessInfo.processInfo.environment
        return DatabaseConfig(primary: ServerAddress(parsing: env["CORKBOARD_TEST_DB_PRIMARY"] ?? "127.0.0.1:18406")!,
                              user: env["CORKBOARD_TEST_DB_USER"] ?? "root",
                              password: env["CORKBOARD_TEST_DB_PASSWORD"] ?? "", database: database)
    }

    /// A scratch database and an empty temp directory, both removed afterwards.
    func withScratch(_ body: (DatabaseConfig, URL) throws -> Void) throws {
        let name = "cbtest_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let admin = try MariaDBConnection(address: Self.config().primary, config: Self.config())
        defer { admin.close() }
        try admin.executeScript("CREATE DATABASE `\(name)`")
        defer { try? admin.executeScript("DROP DATABASE IF EXISTS `\(name)`") }
        try body(Self.config(database: name), dir)
    }

    func write(_ dir: URL, _ file: String, _ text: String) throws {
        try text.write(to: dir.appendingPathComponent(file), atomically: true, encoding: .utf8)
    }

    func tables(_ config: DatabaseConfig) throws -> Set<String> {
        let c = try MariaDBConnection(address: config.primary, config: config)
        defer { c.close() }
        return Set(try c.query("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE()")
            .map { try $0.decode("t", as: String.self) })
    }

    func failure(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch { return "\(error)" }
    }

    @Test func appliesOnceAndReRunIsANoOp() throws {
        try withScratch { config, dir in
            try write(dir, "0002_second.sql", "CREATE TABLE b (id INT PRIMARY KEY);\nINSERT INTO b VALUES (1);\n")
            try write(dir, "0001_first.sql", "-- first\nCREATE TABLE a (id INT PRIMARY KEY);\n")
            try write(dir, "README.md", "not a migration")
            let m = Migrator(config: config, directory: dir)
            #expect(try m.status().map(\.state) == [.pending, .pending])
            #expect(try m.migrate() == [1, 2])
            #expect(try m.migrate() == [])
            let status = try m.status()
            #expect(status.map(\.state) == [.applied, .applied])
            #expect(status.map(\.name) == ["first", "second"])
            #expect(status[0].checksum?.count == 64)
            #expect(try tables(config).isSuperset(of: ["a", "b", "schema_migrations"]))
            // A new file later is applied alone.
            try write(dir, "0003_third.sql", "ALTER TABLE a ADD COLUMN v INT NULL;")
            #expect(try m.migrate() == [3])
        }
    }

    @Test func changedOrRemovedAppliedFileIsRefused() throws {
        try withScratch { config, dir in
            try write(dir, "0001_first.sql", "CREATE TABLE a (id INT PRIMARY KEY);")
            let m = Migrator(config: config, directory: dir)
            #expect(try m.migrate() == [1])
            try write(dir, "0001_first.sql", "CREATE TABLE a (id BIGINT PRIMARY KEY);")
            try write(dir, "0002_next.sql", "CREATE TABLE b (id INT PRIMARY KEY);")
            let message = failure { _ = try m.migrate() }
            #expect(message?.contains("0001_first was changed after it was applied") == true)
            #expect(try m.status().map(\.state) == [.changed, .pending])
            #expect(try !tables(config).contains("b"))

            try FileManager.default.removeItem(at: dir.appendingPathComponent("0001_first.sql"))
            let removed = failure { _ = try m.migrate() }
            #expect(removed?.contains("0001_first was applied but its file is gone") == true)
            #expect(try m.status().map(\.state) == [.missing, .pending])

            try write(dir, "12_bad name.sql", "SELECT 1;")
            #expect(failure { _ = try m.migrate() }?.contains("NNNN_name.sql") == true)
        }
    }

    @Test func failedMigrationIsRecordedBlocksAndResolves() throws {
        try withScratch { config, dir in
            try write(dir, "0001_first.sql", "CREATE TABLE a (id INT PRIMARY KEY);")
            try write(dir, "0002_broken.sql", """
                CREATE TABLE c (id INT PRIMARY KEY);
                INSERT INTO missing_table VALUES (1);
                CREATE TABLE d (id INT PRIMARY KEY);
                """)
            let m = Migrator(config: config, directory: dir)
            let message = failure { _ = try m.migrate() }
            #expect(message?.contains("0002_broken failed at statement 2 (INSERT INTO missing_table VALUES (1))") == true)
            #expect(message?.contains("corkboard migrate resolve 0002 --applied") == true)
            #expect(message?.contains("--retry") == true)
            // DDL before the failure stayed; nothing after it ran.
            #expect(try tables(config).contains("c"))
            #expect(try !tables(config).contains("d"))
            let status = try m.status()
            #expect(status.map(\.state) == [.applied, .failed])
            #expect(status[1].error?.contains("missing_table") == true)

            // Blocks every later run, even with new files.
            try write(dir, "0003_after.sql", "CREATE TABLE e (id INT PRIMARY KEY);")
            let blocked = failure { _ = try m.migrate() }
            #expect(blocked?.contains("0002_broken failed earlier and blocks") == true)
            #expect(try !tables(config).contains("e"))

            // --retry: fix the file (the part that did run is made repeatable), run again.
            try write(dir, "0002_broken.sql", """
                CREATE TABLE IF NOT EXISTS c (id INT PRIMARY KEY);
                CREATE TABLE d (id INT PRIMARY KEY);
                """)
            try m.resolve(version: 2, as: .retry)
            #expect(try m.migrate() == [2, 3])
            #expect(try tables(config).isSuperset(of: ["c", "d", "e"]))

            // --applied: repaired by hand, marked done, never run.
            try write(dir, "0004_breaks.sql", "CREATE TABLE f (id INT PRIMARY KEY); CREATE TABLE f (id INT);")
            #expect(failure { _ = try m.migrate() } != nil)
            #expect(failure { try m.resolve(version: 3, as: .applied) }?.contains("not failed") == true)
            try m.resolve(version: 4, as: .applied)
            #expect(try m.migrate() == [])
            #expect(try m.status().map(\.state) == [.applied, .applied, .applied, .applied])
        }
    }

    @Test func initialSchemaApplies() throws {
        let sqlDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("sql")
        try withScratch { config, _ in
            let m = Migrator(config: config, directory: sqlDir)
            let applied = try m.migrate()
            #expect(applied.first == 1)
            #expect(try m.migrate() == [])
            #expect(try tables(config).isSuperset(of: ["users", "sessions", "cities", "neighbourhoods", "categories",
                                                       "posts", "post_images", "reports", "outbox"]))
            let c = try MariaDBConnection(address: config.primary, config: config)
            defer { c.close() }
            do {
                try c.execute("INSERT INTO cities (slug, name, time_zone, currency) VALUES (\("admin"), \("Admin"), \("UTC"), 'USD')")
                Issue.record("reserved slug accepted")
            } catch let e as MariaDBError {
                #expect(e.code == .constraintViolation)
            }
            try c.execute("INSERT INTO cities (slug, name, time_zone, currency) VALUES (\("seoul"), \("서울"), \("Asia/Seoul"), 'KRW')")
        }
    }

    /// 0008: a city is created with its currency or not at all, and cities that existed
    /// before get USD (what their prices were shown in until then).
    @Test func cityCurrencyMigration() throws {
        let sqlDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("sql")
        try withScratch { config, dir in
            let files = try FileManager.default.contentsOfDirectory(atPath: sqlDir.path).filter { $0.hasSuffix(".sql") }
            for file in files where file < "0008" {
                try FileManager.default.copyItem(at: sqlDir.appendingPathComponent(file), to: dir.appendingPathComponent(file))
            }
            let m = Migrator(config: config, directory: dir)
            try m.migrate()
            let c = try MariaDBConnection(address: config.primary, config: config)
            defer { c.close() }
            try c.execute("INSERT INTO cities (slug, name, time_zone) VALUES (\("oldtown"), \("Old Town"), \("UTC"))")
            try FileManager.default.copyItem(at: sqlDir.appendingPathComponent("0008_city_currency.sql"),
                                             to: dir.appendingPathComponent("0008_city_currency.sql"))
            #expect(try m.migrate() == [8])
            #expect(try c.query("SELECT currency FROM cities WHERE slug = 'oldtown'").first?.decode("currency", as: String.self) == "USD")
            for insert: SQL in [
                "INSERT INTO cities (slug, name, time_zone) VALUES (\("newtown"), \("New Town"), \("UTC"))",
                "INSERT INTO cities (slug, name, time_zone, currency) VALUES (\("newtown"), \("New Town"), \("UTC"), 'usd')",
            ] {
                do {
                    try c.execute(insert)
                    Issue.record("a city without a valid currency was created: \(insert)")
                } catch is MariaDBError {}
            }
            try c.execute("INSERT INTO cities (slug, name, time_zone, currency) VALUES (\("newtown"), \("New Town"), \("UTC"), 'EUR')")
        }
    }

    @Test func checksumIsSHA256() {
        #expect(Migrator.sha256Hex(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
