import Foundation
import Logging
import MariaDB

/// One migration's state, as `corkboard migrate status` shows it.
public struct MigrationStatus: Sendable, Equatable {
    public enum State: String, Sendable {
        case applied, failed, pending
        /// Applied, but the file changed since.
        case changed
        /// Recorded in the database, but the file is gone.
        case missing
    }
    public var version: Int
    public var name: String
    public var state: State
    /// SHA-256 (hex) of the file on disk, nil when the file is missing.
    public var checksum: String?
    public var appliedAt: Date?
    /// For failed migrations: what went wrong (operator-facing).
    public var error: String?
}

/// Why the migrator refuses to go on. The message is for the operator: it names the
/// migration and says what to do.
public struct MigrationError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Applies `NNNN_name.sql` files in numeric order on the primary, each once, recorded in
/// `schema_migrations`.
///
/// DDL commits implicitly, so a migration that fails half-way cannot be rolled back: it is
/// recorded `failed` and blocks every later run until an operator repairs the schema by hand
/// and runs `corkboard migrate resolve NNNN --applied` (the file's work is now done) or
/// `--retry` (run the file again). A migration is recorded `failed` *before* it starts and
/// `applied` after it finishes, so a crash in between also blocks instead of re-running.
public struct Migrator {
    public enum Resolution: String, Sendable { case applied, retry }

    struct File {
        var version: Int
        var name: String
        var url: URL
        var text: String
        var checksum: String
    }

    struct Record {
        var version: Int
        var name: String
        var checksum: String
        var applied: Bool
        var error: String?
        var appliedAt: Date?
    }

    private let connectionFactory: () throws -> MariaDBConnection
    public let directory: URL
    public var logger: Logger
    /// Read timeout for one migration file (long ALTERs), in seconds.
    public var scriptTimeout = 3600

    public init(connectionFactory: @escaping () throws -> MariaDBConnection, directory: URL,
                logger: Logger = Logger(label: "corkboard.migrate")) {
        self.connectionFactory = connectionFactory
        self.directory = directory
        self.logger = logger
    }

    /// Migrates the primary of `config`.
    public init(config: DatabaseConfig, directory: URL, logger: Logger = Logger(label: "corkboard.migrate")) {
        self.init(connectionFactory: { try MariaDBConnection(address: config.primary, config: config, logger: logger) },
                  directory: directory, logger: logger)
    }

    /// Every migration on disk or in the database, by version.
    public func status() throws -> [MigrationStatus] {
        let files = try scan()
        let conn = try connectionFactory()
        defer { conn.close() }
        try ensureTable(conn)
        let records = try loadRecords(conn)
        var out: [MigrationStatus] = []
        for v in Set(files.keys).union(records.keys).sorted() {
            let f = files[v]
            let r = records[v]
            let state: MigrationStatus.State
            switch (f, r) {
            case (nil, _): state = .missing
            case (_, nil): state = .pending
            case (let f?, let r?):
                state = !r.applied ? .failed : (r.checksum == f.checksum ? .applied : .changed)
            }
            out.append(MigrationStatus(version: v, name: f?.name ?? r?.name ?? "", state: state,
                                       checksum: f?.checksum, appliedAt: r?.applied == true ? r?.appliedAt : nil,
                                       error: r?.error))
        }
        return out
    }

    /// Applies every pending migration in order; returns the versions applied (empty when
    /// up to date). Throws `MigrationError` without touching anything if an applied file was
    /// changed or removed, or a failed migration is unresolved.
    @discardableResult
    public func migrate() throws -> [Int] {
        let files = try scan()
        let conn = try connectionFactory()
        defer { conn.close() }
        try ensureTable(conn)
        try lock(conn)
        defer { unlock(conn) }
        let records = try loadRecords(conn)
        try check(files: files, records: records)

        let pending = files.values.filter { records[$0.version] == nil }.sorted { $0.version < $1.version }
        if pending.isEmpty {
            logger.info("schema is up to date", metadata: ["applied": "\(records.count)"])
            return []
        }
        var applied: [Int] = []
        for f in pending {
            let label = Self.label(f.version, f.name)
            logger.info("applying migration", metadata: ["migration": "\(label)", "checksum": "\(f.checksum)"])
            try conn.execute("""
                INSERT INTO schema_migrations (version, name, checksum, status, error, applied_at)
                VALUES (\(f.version), \(f.name), \(f.checksum), 'failed',
                        \("started but did not finish (process or connection died)"), \(Date()))
                """)
            let started = ContinuousClock.now
            do {
                try conn.executeScript(f.text, readTimeout: scriptTimeout)
            } catch let e as MariaDBError where e.code == .connectionFailed {
                // The script's connection never opened: nothing ran, so nothing to block on.
                _ = try? conn.execute("DELETE FROM schema_migrations WHERE version = \(f.version) AND status = 'failed'")
                logger.error("cannot connect to run migration", metadata: ["migration": "\(label)", "error": "\(e.debugDescription)"])
                throw e
            } catch let e as MariaDBError {
                let statement = e.statementIndex.map { Self.excerpt(of: f.text, statement: $0) } ?? ""
                let detail = "statement \(e.statementIndex.map(String.init) ?? "?")"
                    + (statement.isEmpty ? "" : " (\(statement))") + ": \(e.debugDescription)"
                logger.error("migration failed", metadata: ["migration": "\(label)", "error": "\(detail)"])
                _ = try? conn.execute("""
                    UPDATE schema_migrations SET error = \(detail), applied_at = \(Date())
                    WHERE version = \(f.version)
                    """)
                throw MigrationError(message: "migration \(label) failed at \(detail)\n"
                    + Self.howToResolve(f.version))
            }
            try conn.execute("""
                UPDATE schema_migrations SET status = 'applied', error = NULL, applied_at = \(Date())
                WHERE version = \(f.version)
                """)
            logger.info("applied migration", metadata: ["migration": "\(label)",
                                                        "elapsed": "\(ContinuousClock.now - started)"])
            applied.append(f.version)
        }
        return applied
    }

    /// Unblocks a failed migration after a repair by hand: `.applied` records it as done (with
    /// the file's current checksum); `.retry` forgets the attempt so the next `migrate` runs
    /// the file again.
    public func resolve(version: Int, as resolution: Resolution) throws {
        let files = try scan()
        let conn = try connectionFactory()
        defer { conn.close() }
        try ensureTable(conn)
        try lock(conn)
        defer { unlock(conn) }
        guard let r = try loadRecords(conn)[version] else {
            throw MigrationError(message: "migration \(Self.version(version)) has no record: nothing to resolve")
        }
        guard !r.applied else {
            throw MigrationError(message: "migration \(Self.label(version, r.name)) is applied, not failed: nothing to resolve")
        }
        switch resolution {
        case .applied:
            guard let f = files[version] else {
                throw MigrationError(message: "migration \(Self.label(version, r.name)): file not found in \(directory.path)")
            }
            try conn.execute("""
                UPDATE schema_migrations SET status = 'applied', checksum = \(f.checksum), name = \(f.name),
                    error = NULL, applied_at = \(Date())
                WHERE version = \(version) AND status = 'failed'
                """)
            logger.notice("marked failed migration as applied", metadata: ["migration": "\(Self.label(version, f.name))"])
        case .retry:
            try conn.execute("DELETE FROM schema_migrations WHERE version = \(version) AND status = 'failed'")
            logger.notice("failed migration will run again on the next migrate",
                          metadata: ["migration": "\(Self.label(version, r.name))"])
        }
    }

    // MARK: internals

    private func check(files: [Int: File], records: [Int: Record]) throws {
        for r in records.values.sorted(by: { $0.version < $1.version }) {
            let label = Self.label(r.version, r.name)
            if !r.applied {
                throw MigrationError(message: "migration \(label) failed earlier and blocks all later ones: "
                    + (r.error ?? "no details") + "\n" + Self.howToResolve(r.version))
            }
            guard let f = files[r.version] else {
                throw MigrationError(message: "migration \(label) was applied but its file is gone from "
                    + "\(directory.path); restore it (applied migrations are never removed)")
            }
            if f.checksum != r.checksum {
                throw MigrationError(message: "migration \(label) was changed after it was applied "
                    + "(checksum \(r.checksum.prefix(12))… now \(f.checksum.prefix(12))…); restore the applied "
                    + "version and put the change in a new migration")
            }
        }
    }

    static func howToResolve(_ version: Int) -> String {
        let v = Self.version(version)
        return "DDL commits as it goes, so part of it may be applied. Repair the schema by hand, then run "
            + "`corkboard migrate resolve \(v) --applied` if the migration's work is now complete, or "
            + "`corkboard migrate resolve \(v) --retry` to run the (fixed) file again."
    }

    static func version(_ v: Int) -> String {
        let s = String(v)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }

    static func label(_ v: Int, _ name: String) -> String { "\(version(v))_\(name)" }

    static func excerpt(of text: String, statement index: Int) -> String {
        let parts = SQLScript.statements(in: text)
        guard index >= 1, index <= parts.count else { return "" }
        let flat = parts[index - 1].split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: " ")
        return flat.count > 120 ? String(flat.prefix(120)) + "…" : flat
    }

    /// The migration files by version. Refuses misnamed .sql files and duplicate versions.
    func scan() throws -> [Int: File] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw MigrationError(message: "cannot read the migrations directory \(directory.path): \(error)")
        }
        var files: [Int: File] = [:]
        for fileName in names.sorted() where fileName.hasSuffix(".sql") {
            let stem = fileName.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"),
                  stem[..<underscore].count >= 4, stem[..<underscore].allSatisfy(\.isASCII),
                  let v = Int(stem[..<underscore]), v > 0,
                  !stem[stem.index(after: underscore)...].isEmpty else {
                throw MigrationError(message: "\(fileName): migration files are named NNNN_name.sql")
            }
            let name = String(stem[stem.index(after: underscore)...])
            if let other = files[v] {
                throw MigrationError(message: "\(fileName) and \(other.url.lastPathComponent) have the same version")
            }
            let url = directory.appendingPathComponent(fileName)
            let data = try Data(contentsOf: url)
            guard let text = String(data: data, encoding: .utf8) else {
                throw MigrationError(message: "\(fileName) is not UTF-8")
            }
            files[v] = File(version: v, name: name, url: url, text: text, checksum: Self.sha256Hex(data))
        }
        return files
    }

    private func ensureTable(_ conn: MariaDBConnection) throws {
        try conn.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    INT UNSIGNED NOT NULL PRIMARY KEY,
                name       VARCHAR(200) NOT NULL,
                checksum   CHAR(64)     NOT NULL,
                status     ENUM('applied', 'failed') NOT NULL,
                error      TEXT         NULL,
                applied_at DATETIME(6)  NOT NULL
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
            """, idempotent: true)
    }

    private func loadRecords(_ conn: MariaDBConnection) throws -> [Int: Record] {
        var out: [Int: Record] = [:]
        for row in try conn.query("SELECT version, name, checksum, status, error, applied_at FROM schema_migrations") {
            let v = try row.decode("version", as: Int.self)
            out[v] = Record(version: v, name: try row.decode("name"), checksum: try row.decode("checksum"),
                            applied: try row.decode("status", as: String.self) == "applied",
                            error: try row.decode("error"), appliedAt: try row.decode("applied_at"))
        }
        return out
    }

    /// One migrator at a time per database (two deploys starting together).
    private func lock(_ conn: MariaDBConnection) throws {
        let got = try conn.query("SELECT GET_LOCK(CONCAT('corkboard_migrate.', DATABASE()), \(30)) AS got")
        guard got.first?["got"] == .int(1) else {
            throw MigrationError(message: "another migrator holds the migration lock; try again when it finishes")
        }
    }

    private func unlock(_ conn: MariaDBConnection) {
        _ = try? conn.query("SELECT RELEASE_LOCK(CONCAT('corkboard_migrate.', DATABASE())) AS released")
    }

    static func sha256Hex(_ data: Data) -> String {
        Crypto.hex(Crypto.sha256(Array(data)))
    }
}
