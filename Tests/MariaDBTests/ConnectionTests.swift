import Foundation
import Testing
import MariaDB

@Suite struct ConnectionTests {
    @Test func everyColumnTypeRoundTrips() throws {
        try withScratchDatabase { config in
            let c = try MariaDBConnection(address: config.primary, config: config)
            defer { c.close() }
            try c.execute("""
                CREATE TABLE t (id BIGINT AUTO_INCREMENT PRIMARY KEY, s BIGINT, u BIGINT UNSIGNED, i INT,
                  flag TINYINT(1), d DOUBLE, amount DECIMAL(14,2), v VARCHAR(100), tx TEXT, bl BLOB,
                  big LONGBLOB, bin BINARY(32), dt DATETIME(6), ts TIMESTAMP(6) NULL, n INT NULL)
                """)
            let text = String(repeating: "안녕하세요 😀 ", count: 400)
            let blob: [UInt8] = [0, 1, 0, 255, 0, 0]
            var big = [UInt8](repeating: 0, count: 1 << 20)
            for i in big.indices where i % 7 != 0 { big[i] = UInt8(truncatingIfNeeded: i &* 31) }
            let hash = (0..<32).map { UInt8($0 % 3 == 0 ? 0 : $0) }
            let when = Date(timeIntervalSince1970: 1_700_000_000.123456)
            let early = Date(timeIntervalSince1970: -0.5)
            let none: Int? = nil
            let r1 = try c.execute("""
                INSERT INTO t (s, u, i, flag, d, amount, v, tx, bl, big, bin, dt, ts, n)
                VALUES (\(Int64.min), \(UInt64.max), \(Int32.min), \(true), \(3.25), \("12345678.91"),
                        \("héllo 😀 한국어"), \(text), \(blob), \(big), \(hash), \(when), \(when), \(none))
                """)
            #expect(r1.affectedRows == 1)
            #expect(r1.lastInsertID == 1)
            try c.execute("INSERT INTO t (s, dt, v) VALUES (\(Int64.max), \(early), \(""))")

            let rows = try c.query("SELECT * FROM t ORDER BY id")
            #expect(rows.count == 2)
            let r = rows[0]
            #expect(try r.decode("s", as: Int64.self) == Int64.min)
            #expect(try r.decode("u", as: UInt64.self) == UInt64.max)
            #expect(try r.decode("i", as: Int32.self) == Int32.min)
            #expect(try r.decode("flag", as: Bool.self) == true)
            #expect(try r.decode("d", as: Double.self) == 3.25)
            #expect(r["amount"] == .string("12345678.91"))
            #expect(try r.decode("v", as: String.self) == "héllo 😀 한국어")
            #expect(try r.decode("tx", as: String.self) == text)
            #expect(try r.decode("bl", as: [UInt8].self) == blob)
            #expect(try r.decode("big", as: [UInt8].self) == big)
            #expect(try r.decode("bin", as: [UInt8].self) == hash)
            let dt = try r.decode("dt", as: Date.self)
            #expect(abs(dt.timeIntervalSince1970 - when.timeIntervalSince1970) < 0.000001)
            let ts = try r.decode("ts", as: Date.self)
            #expect(abs(ts.timeIntervalSince1970 - when.timeIntervalSince1970) < 0.000001)
            #expect(r["n"] == .null)
            #expect(try r.decode("n", as: Int?.self) == nil)
            #expect(throws: MariaDBError.self) { try r.decode("v", as: Int.self) }

            let r2 = rows[1]
            #expect(try r2.decode("s", as: Int64.self) == Int64.max)
            #expect(try r2.decode("v", as: String.self) == "")
            #expect(r2["bl"] == .null)
            #expect(abs(try r2.decode("dt", as: Date.self).timeIntervalSince1970 + 0.5) < 0.000001)

            // The server sees UTC, bound values are placeholders.
            let utc = try c.query("SELECT DATE_FORMAT(dt, '%Y-%m-%d %H:%i:%s.%f') AS f, @@session.time_zone AS tz FROM t WHERE id = \(1)")
            #expect(utc.first?["f"] == .string("2023-11-14 22:13:20.123456"))
            #expect(utc.first?["tz"] == .string("+00:00"))
            let byList = try c.query("SELECT id FROM t WHERE id IN \(SQL.list([1, 2, 99])) ORDER BY id")
            #expect(try byList.map { try $0.decode("id", as: Int.self) } == [1, 2])
            // Same SQL text, new values: the cached statement is reused.
            let again = try c.query("SELECT v FROM t WHERE id = \(2)")
            #expect(again.first?["v"] == .string(""))
        }
    }

    /// A statement keeps its result's column index between runs (built once, not per run);
    /// another statement has its own.
    @Test func aCachedStatementFollowsItsResultsColumns() throws {
        try withScratchDatabase { config in
            let c = try MariaDBConnection(address: config.primary, config: config)
            defer { c.close() }
            try c.execute("CREATE TABLE shape (a INT, b INT)")
            try c.execute("INSERT INTO shape (a, b) VALUES (\(1), \(2))")
            let first = try c.query("SELECT * FROM shape")
            let again = try c.query("SELECT * FROM shape")
            #expect(first[0].rowDescription === again[0].rowDescription)
            let b = try again[0].rowDescription.position(of: "b")
            #expect(try again[0].decode(b, as: Int.self) == 2)
            let other = try c.query("SELECT b AS c, a FROM shape")
            #expect(other[0].columns == ["c", "a"] && other[0].rowDescription !== first[0].rowDescription)
            #expect(try other[0].decode("c", as: Int.self) == 2)
            // A schema change that adds a column: the connection prepares the statement again
            // (libmariadb fails its run with CR_NEW_STMT_METADATA) and its new columns get a
            // new index (a kept one would read `b` where `c` now is).
            try c.execute("ALTER TABLE shape ADD COLUMN c INT FIRST")
            try c.execute("UPDATE shape SET c = \(9)")
            let altered = try c.query("SELECT * FROM shape")
            #expect(altered[0].columns == ["c", "a", "b"] && altered[0].rowDescription !== first[0].rowDescription)
            #expect(try altered[0].decode("b", as: Int.self) == 2 && altered[0].decode("c", as: Int.self) == 9)
        }
    }

    @Test func transactionsCommitAndRollBack() throws {
        struct Boom: Error {}
        try withScratchDatabase { config in
            let c = try MariaDBConnection(address: config.primary, config: config)
            defer { c.close() }
            try c.execute("CREATE TABLE t (id INT PRIMARY KEY) ENGINE=InnoDB")
            try c.transaction { tx in
                try tx.execute("INSERT INTO t VALUES (\(1))")
            }
            #expect(throws: Boom.self) {
                try c.transaction { tx in
                    try tx.execute("INSERT INTO t VALUES (\(2))")
                    throw Boom()
                }
            }
            // A failed statement whose error the body swallows still rolls everything back.
            let e = expectError(.duplicateEntry) {
                try c.transaction { tx in
                    try tx.execute("INSERT INTO t VALUES (\(3))")
                    _ = try? tx.execute("INSERT INTO t VALUES (\(1))")
                }
            }
            #expect(e != nil)
            #expect(expectError(.misuse) { try c.transaction { tx in _ = try tx.transaction { _ in } } } != nil)
            let ids = try c.query("SELECT id FROM t ORDER BY id").map { try $0.decode("id", as: Int.self) }
            #expect(ids == [1])
            #expect(!c.inTransaction)
        }
    }

    @Test func killedConnectionIsReconnectedAndReadRetried() throws {
        try withScratchDatabase { config in
            let c = try MariaDBConnection(address: config.primary, config: config)
            defer { c.close() }
            #expect(try c.query("SELECT \(1) AS one").first?["one"] == .int(1))
            let before = c.connectionID
            try kill(before, config: config)
            Thread.sleep(forTimeInterval: 0.1)
            // Cached statement: execute fails with a lost connection, the read is retried.
            #expect(try c.query("SELECT \(2) AS one").first?["one"] == .int(2))
            #expect(c.connectionID != before)
            try kill(c.connectionID, config: config)
            Thread.sleep(forTimeInterval: 0.1)
            try c.ping()
            #expect(try c.query("SELECT \(3) AS one").first?["one"] == .int(3))
        }
    }

    @Test func writeOnKilledConnectionIsOutcomeUnknownAndNotResent() throws {
        try withScratchDatabase { config in
            let c = try MariaDBConnection(address: config.primary, config: config)
            defer { c.close() }
            try c.execute("CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v INT NOT NULL)")
            try c.execute("INSERT INTO t (v) VALUES (\(1))")
            try kill(c.connectionID, config: config)
            Thread.sleep(forTimeInterval: 0.1)
            // The INSERT is prepared already: the execute is what hits the dead connection.
            let e = expectError(.outcomeUnknown) { try c.execute("INSERT INTO t (v) VALUES (\(2))") }
            #expect(e != nil)
            #expect(try c.query("SELECT COUNT(*) AS n FROM t").first?["n"] == .int(1))

            // Killed while the write runs: outcome unknown, and it is not sent again.
            try c.execute("INSERT INTO t (v) VALUES (\(10))")
            let id = c.connectionID
            let killerConfig = config
            Thread.detachNewThread {
                Thread.sleep(forTimeInterval: 0.3)
                try? kill(id, config: killerConfig)
            }
            let e2 = expectError(.outcomeUnknown) {
                try c.execute("UPDATE t SET v = v + 1 WHERE v >= 10 AND SLEEP(\(2)) = 0")
            }
            #expect(e2 != nil)
            #expect(try c.query("SELECT v FROM t WHERE v >= \(10)").first?["v"] == .int(10))

            // A new statement on a dead connection fails at prepare (nothing sent): it goes on.
            try kill(c.connectionID, config: config)
            Thread.sleep(forTimeInterval: 0.1)
            try c.execute("INSERT INTO t (v) VALUES (\(3)), (\(4))")
            let vs = try c.query("SELECT v FROM t ORDER BY id").map { try $0.decode("v", as: Int.self) }
            #expect(vs == [1, 10, 3, 4])
        }
    }

    /// A lone write the server picks as a deadlock's victim was rolled back whole: it runs
    /// again, and its change lands once. (Two workers' batched upserts of the same search-term
    /// keys deadlocked so and lost their counts.)
    @Test func aWriteChosenAsADeadlockVictimRunsAgain() throws {
        try withScratchDatabase { config in
            let c = try MariaDBConnection(address: config.primary, config: config)
            defer { c.close() }
            try c.execute("CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB")
            try c.execute("INSERT INTO t SELECT seq, 0 FROM seq_1_to_200")
            let holding = DispatchSemaphore(value: 0), finished = DispatchSemaphore(value: 0)
            let holderConfig = config
            Thread.detachNewThread {
                defer { finished.signal() }
                guard let holder = try? MariaDBConnection(address: holderConfig.primary, config: holderConfig) else {
                    holding.signal()
                    return
                }
                defer { holder.close() }
                try? holder.transaction { tx in
                    // Many rows changed: InnoDB picks the smaller transaction, the write below.
                    try tx.execute("UPDATE t SET v = v + 1 WHERE id >= \(3)")
                    try tx.execute("UPDATE t SET v = v + 1 WHERE id = \(1)")
                    holding.signal()
                    Thread.sleep(forTimeInterval: 0.5)   // the write takes row 2 and waits for row 1
                    try tx.execute("UPDATE t SET v = v + 1 WHERE id = \(2)")
                }
            }
            holding.wait()
            let db = Database(config: config)
            defer { db.close() }
            #expect(try db.write("UPDATE t SET v = v + 10 WHERE id IN (\(1), \(2)) ORDER BY id DESC").affectedRows == 2)
            finished.wait()
            let v = try c.query("SELECT v FROM t WHERE id <= \(3) ORDER BY id").map { try $0.decode("v", as: Int.self) }
            #expect(v == [11, 11, 1], "the holder's transaction and the write each landed once")
        }
    }

    @Test func lostConnectionInsideTransactionThrowsAndCommitsNothing() throws {
        try withScratchDatabase { config in
            let c = try MariaDBConnection(address: config.primary, config: config)
            defer { c.close() }
            try c.execute("CREATE TABLE t (id INT PRIMARY KEY)")
            var secondError: MariaDBError?
            let e = expectError(.connectionLost) {
                try c.transaction { tx in
                    try tx.execute("INSERT INTO t VALUES (\(1))")
                    try kill(tx.connectionID, config: config)
                    Thread.sleep(forTimeInterval: 0.1)
                    do { try tx.execute("INSERT INTO t VALUES (\(2))") } catch let e as MariaDBError { secondError = e }
                    try tx.execute("INSERT INTO t VALUES (\(3))") // must not run on a new connection
                }
            }
            #expect(e != nil)
            #expect(secondError?.code == .connectionLost)
            #expect(!c.inTransaction)
            #expect(try c.query("SELECT COUNT(*) AS n FROM t").first?["n"] == .int(0))
        }
    }

    @Test func errorDescriptionLeaksNothing() throws {
        try withScratchDatabase { config in
            let c = try MariaDBConnection(address: config.primary, config: config)
            defer { c.close() }
            try c.execute("CREATE TABLE t (email VARCHAR(100) PRIMARY KEY)")
            try c.execute("INSERT INTO t VALUES (\("secret@example.com"))")
            do {
                try c.execute("INSERT INTO t VALUES (\("secret@example.com"))")
                Issue.record("duplicate accepted")
            } catch let e as MariaDBError {
                #expect(e.code == .duplicateEntry)
                #expect(e.errno == 1062)
                #expect(e.sqlState == "23000")
                #expect(e.description == "database error: duplicate entry")
                #expect(!"\(e)".contains("secret"))
                #expect(!String(describing: e).contains("secret"))
                #expect(e.debugDescription.contains("secret@example.com"))
            }
            do {
                _ = try c.query("SELECT hidden_column_name FROM t")
                Issue.record("bad column accepted")
            } catch let e as MariaDBError {
                #expect(e.code == .server)
                #expect(!e.description.contains("hidden_column_name"))
                #expect(e.debugDescription.contains("hidden_column_name"))
            }
            // The connection is still usable after errors.
            #expect(try c.query("SELECT COUNT(*) AS n FROM t").first?["n"] == .int(1))
        }
    }

    @Test func scriptReportsTheFailingStatement() throws {
        try withScratchDatabase { config in
            let c = try MariaDBConnection(address: config.primary, config: config)
            defer { c.close() }
            try c.executeScript("CREATE TABLE a (x INT); INSERT INTO a VALUES (1); SELECT * FROM a;")
            do {
                try c.executeScript("INSERT INTO a VALUES (2);\nCREATE TABLE b (y INT);\nINSERT INTO nope VALUES (3);\nINSERT INTO a VALUES (4);")
                Issue.record("script did not fail")
            } catch let e as MariaDBError {
                #expect(e.statementIndex == 3)
                #expect(e.errno == 1146)
            }
            let xs = try c.query("SELECT x FROM a ORDER BY x").map { try $0.decode("x", as: Int.self) }
            #expect(xs == [1, 2])
        }
    }

    @Test func healthOfADownServerIsQuick() throws {
        var config = TestServers.config()
        config.replicas = [ServerAddress(parsing: "127.0.0.1:1")!, TestServers.replica]
        let db = Database(config: config)
        let start = Date()
        let health = db.health()
        #expect(Date().timeIntervalSince(start) < Double(config.connectTimeout) + 1)
        #expect(health.map(\.role) == [.primary, .replica, .replica])
        #expect(health[0].reachable)
        #expect(!health[1].reachable)
        #expect(health[1].error != nil)
        #expect(health[2].reachable)

        // Primary down: reads go on from the replica, writes fail at once and stay refused
        // (remembered down) without waiting for another connect.
        var down = config
        down.primary = ServerAddress(parsing: "127.0.0.1:1")!
        down.replicas = [TestServers.replica]
        let downDB = Database(config: down)
        let rows = try downDB.read("SELECT \(1) AS one")
        #expect(try rows.first?.decode("one", as: Int64.self) == 1)
        #expect(expectError(.connectionFailed) { _ = try downDB.write("DO \(1)") } != nil)
        #expect(downDB.primaryMarkedDown)
        var alone = config
        alone.primary = down.primary
        alone.replicas = []
        #expect(expectError(.connectionFailed) { _ = try Database(config: alone).read("SELECT \(1)") } != nil)
    }

    /// Defect: a health check (/healthz, /metrics) that could not ping the primary this worker
    /// knew marked it down, so writes were refused for `primaryRetryAfter` although another
    /// server had been promoted; the next write must find that server instead.
    @Test func aFailedHealthPingLetsTheNextWriteFindThePrimary() throws {
        var config = TestServers.config()
        config.primary = ServerAddress(parsing: "127.0.0.1:1")!
        config.replicas = [TestServers.primary, TestServers.replica]
        let db = Database(config: config)
        defer { db.close() }
        #expect(!db.health()[0].reachable)
        #expect(!db.primaryMarkedDown)
        try db.write("DO \(1)")
        #expect(db.health().map(\.role) == [.replica, .primary, .replica])
    }

    @Test func databaseRoutesAndReplicaCatchesUp() throws {
        try withScratchDatabase { config in
            let db = Database(config: config)
            defer { db.close() }
            try db.write("CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(20))")
            let r = try db.write("INSERT INTO t (v) VALUES (\("a")), (\("b"))")
            #expect(r.affectedRows == 2)
            let n = try db.transaction { tx -> Int in
                try tx.execute("UPDATE t SET v = \("c") WHERE id = \(1)")
                return try tx.query("SELECT COUNT(*) AS n FROM t").first!.decode("n", as: Int.self)
            }
            #expect(n == 2)
            #expect(try db.read("SELECT v FROM t WHERE id = \(1)").first?["v"] == .string("c"))

            // No default database: the scratch database may not have reached the replica yet.
            var replicaConfig = config
            replicaConfig.database = ""
            let replica = try MariaDBConnection(address: config.replicas[0], config: replicaConfig)
            defer { replica.close() }
            #expect(try replica.query("SELECT @@read_only AS ro").first?["ro"] == .int(1))
            let marker = "m\(Int.random(in: 0...999_999))"
            try db.write("INSERT INTO t (v) VALUES (\(marker))")
            // Generous: under a loaded machine (make test beside builds) the replica's SQL
            // thread has lagged past 5 s; the test is about routing, not replication speed.
            var seen = false
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                let found = try replica.query("""
                    SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = \(config.database) AND table_name = 't'
                    """).first?["n"] == .int(1)
                    && !replica.query("SELECT id FROM \(unsafeSQL: "`\(config.database)`").t WHERE v = \(marker)").isEmpty
                if found { seen = true; break }
                Thread.sleep(forTimeInterval: 0.05)
            }
            #expect(seen)
        }
    }
}
