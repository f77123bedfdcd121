import Foundation
import MariaDB

extension ClusterAdmin {
    /// What `corkboard backup` made.
    public struct BackupReport {
        public var folder: URL
        public var source: ServerAddress
        /// The GTID position the database copy is consistent at (binlog replay starts there).
        public var gtid: String
        public var bytes: Int64
        public var seconds: Double
        /// Older backups removed to keep `backup_keep`.
        public var removed: [String]
    }

    /// A consistent copy of a replica's data (`mariadb-backup`, prepared at once, so a restore
    /// is a copy) plus the image files (served and withdrawn: a hidden post's photos wait
    /// outside nginx's tree until a restore brings the post back), into `backup_dir/YYYYMMDD-HHMMSSZ/` with a SHA256SUMS
    /// manifest; then only the newest `backup_keep` backups are kept. Photo deletion is held on
    /// the primary from before the database copy until the image copy ends, and the source
    /// first applies the hold, so no photo a backed-up post references can be missing.
    /// mariadb-backup copies the server's files: run this on the source server's host.
    public func backup(from text: String?, imagesRoot: String) throws -> BackupReport {
        let clock = ContinuousClock()
        let start = clock.now
        refresh()
        guard let p = primary().index else { throw ClusterError("no current primary: the photo-deletion hold needs one") }
        let source: Int
        if let text {
            source = try index(of: text)
        } else {
            guard let r = nodes.indices.first(where: { $0 != p && nodes[$0].ioRunning && nodes[$0].sqlRunning }) else {
                throw ClusterError("no replica is replicating; back up the primary only on purpose: --from \(nodes[p].address)")
            }
            source = r
        }
        guard case .tcp(let host, let port) = nodes[source].address.endpoint else { throw ClusterError("needs a host:port address") }
        let root = URL(fileURLWithPath: config.cluster.backupDir)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss'Z'"
        let folder = root.appendingPathComponent(formatter.string(from: Date()))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])

        let primaryConn = try conn(p)
        try primaryConn.execute("""
            INSERT INTO photo_deletion_holds (holder, started_at, expires_at)
            VALUES (\("backup \(folder.lastPathComponent)"), UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) + INTERVAL 6 HOUR)
            """)
        let hold = try primaryConn.query("SELECT LAST_INSERT_ID() AS id, @@gtid_binlog_pos AS g").first
        let holdID = try hold?.decode("id", as: Int64.self) ?? 0
        defer { _ = try? primaryConn.execute("DELETE FROM photo_deletion_holds WHERE id = \(holdID)") }
        if source != p, !(try waitFor(hold?.decode("g", as: String.self) ?? "", on: source, seconds: 60)) {
            throw ClusterError("\(nodes[source].address) did not apply the photo-deletion hold within 60 s (lagging?)")
        }

        let db = folder.appendingPathComponent("db")
        let log = folder.appendingPathComponent("backup.log")
        // On a replica: its position in the primary's history too, and its SQL thread paused
        // while non-InnoDB tables are copied.
        let replicaOptions = source == p ? [] : ["--slave-info", "--safe-slave-backup"]
        try External.withClientOptions(user: config.cluster.adminUser, password: config.cluster.adminPassword) { options in
            try External.run(["mariadb-backup", "--defaults-extra-file=\(options.path)", "--backup", "--host=\(host)",
                              "--port=\(port)", "--target-dir=\(db.path)"] + replicaOptions, stdout: log, stderr: log)
        }
        let prepareLog = folder.appendingPathComponent("prepare.log")
        try External.run(["mariadb-backup", "--prepare", "--target-dir=\(db.path)"], stdout: prepareLog, stderr: prepareLog)
        try BackupFiles.copyImages(from: imagesRoot, into: folder)
        _ = try? primaryConn.execute("DELETE FROM photo_deletion_holds WHERE id = \(holdID)")

        let gtid = try Self.backupGTID(folder)
        try Data("""
            created_at=\(ISO8601DateFormatter().string(from: Date()))
            source=\(nodes[source].address)
            gtid=\(gtid)
            database=\(config.database.database)

            """.utf8).write(to: folder.appendingPathComponent("BACKUP"))
        try Self.writeChecksums(folder)
        let removed = try prune(root, keep: config.cluster.backupKeep)
        return BackupReport(folder: folder, source: nodes[source].address, gtid: gtid, bytes: Self.size(of: folder),
                            seconds: (clock.now - start).seconds, removed: removed)
    }

    /// The GTID position a backup's data is at (mariadb-backup's binlog info of the source).
    public static func backupGTID(_ folder: URL) throws -> String {
        for name in ["xtrabackup_binlog_info", "mariadb_backup_binlog_info"] {
            let url = folder.appendingPathComponent("db").appendingPathComponent(name)
            if let text = try? String(contentsOf: url, encoding: .utf8) {
                let fields = text.split(whereSeparator: { $0 == "\t" || $0 == "\n" }).map(String.init)
                if fields.count >= 3 { return fields[2] }
            }
        }
        throw ClusterError("\(folder.path) has no binlog position (xtrabackup_binlog_info): not a complete backup")
    }

    /// SHA256SUMS over every file of the backup (checked by `sha256sum -c`, and by restore).
    static func writeChecksums(_ folder: URL) throws {
        var files: [String] = []
        let walker = FileManager.default.enumerator(atPath: folder.path)
        while let path = walker?.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path, isDirectory: &isDir), !isDir.boolValue,
               path != "SHA256SUMS" {
                files.append(path)
            }
        }
        try External.run(["sha256sum", "--"] + files.sorted(), stdout: folder.appendingPathComponent("SHA256SUMS"), in: folder)
    }

    static func size(of folder: URL) -> Int64 {
        var total: Int64 = 0
        let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.fileSizeKey])
        while let url = walker?.nextObject() as? URL {
            total += Int64((try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0)
        }
        return total
    }

    /// Removes the oldest complete backups beyond `keep`, and incomplete ones (no SHA256SUMS)
    /// older than the newest complete one.
    func prune(_ root: URL, keep: Int) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: root.path)
            .filter { $0.range(of: #"^\d{8}-\d{6}Z$"#, options: .regularExpression) != nil }.sorted()
        let complete = names.filter { FileManager.default.fileExists(atPath: root.appendingPathComponent($0).appendingPathComponent("SHA256SUMS").path) }
        var gone = Array(complete.dropLast(keep))
        if let newest = complete.last { gone += names.filter { !complete.contains($0) && $0 < newest } }
        for name in gone { try FileManager.default.removeItem(at: root.appendingPathComponent(name)) }
        return gone
    }
}
