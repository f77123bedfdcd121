import FastCGI
import Testing
@testable import Corkboard

@Suite struct ConfigTests {
    @Test func defaultsWithoutAFile() throws {
        let config = try Config(file: ConfigFile())
        #expect(config.pool.workers == 4)
        #expect(config.pool.listen == .unix(path: "/run/corkboard/pool.sock", mode: 0o660, owner: nil, group: nil))
        #expect(config.database.primary.description == "127.0.0.1:3306")
        #expect(config.database.replicas.isEmpty)
    }

    @Test func fileThenEnvironment() throws {
        var file = ConfigFile()
        try file.parse("""
            # comment
            workers = 3
            listen = tcp:127.0.0.1:9000
            db_replicas = 10.0.0.2:3306, unix:/run/mysqld/r.sock
            db_password = "se cret"
            """, source: "test.conf")
        file.applyEnvironment(["CORKBOARD_WORKERS": "7", "CORKBOARD_MASTER_PID": "1", "PATH": "/bin"])
        let config = try Config(file: file)
        #expect(config.pool.workers == 7)
        #expect(config.pool.listen == .tcp(host: "127.0.0.1", port: 9000))
        #expect(config.database.replicas.map(\.description) == ["10.0.0.2:3306", "unix:/run/mysqld/r.sock"])
        #expect(config.database.password == "se cret")
    }

    @Test func errorsNameTheLineAndKey() throws {
        var file = ConfigFile()
        #expect(throws: ConfigError.self) { try file.parse("workers 3", source: "x.conf") }
        try file.parse("workers = many", source: "x.conf")
        do {
            _ = try Config(file: file)
            Issue.record("expected an error")
        } catch let error as ConfigError {
            #expect(error.message.contains("x.conf:1"))
            #expect(error.message.contains("workers"))
        }
    }

    @Test func socketPathLimit() throws {
        var file = ConfigFile()
        try file.parse("listen = unix:/" + String(repeating: "a", count: 120), source: "x")
        #expect(throws: ConfigError.self) { _ = try Config(file: file) }
    }
}
