import Foundation
import Logging
import MariaDB

/// `corkboard restore`, first step: a backup's files onto a stopped server's empty data
/// directory and into the images root. Needs no running server.
public enum BackupFiles {
    /// Checks the backup against its SHA256SUMS, then `mariadb-backup --copy-back` into
    /// `datadir` (which must be empty or absent) and copies the image files, served and
    /// withdrawn (content-addressed: files already present are the same files).
    public static func restore(_ folder: URL, datadir: URL, imagesRoot: String) throws {
        try External.run(["sha256sum", "--check", "--quiet", "--strict", "SHA256SUMS"], in: folder)
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: datadir.path)) ?? []
        guard existing.isEmpty else {
            throw ClusterError("\(datadir.path) is not empty: stop the server and move its old data away first")
        }
        try FileManager.default.createDirectory(at: datadir, withIntermediateDirectories: true)
        let log = folder.deletingLastPathComponent().appendingPathComponent("restore-\(folder.lastPathComponent).log")
        try External.run(["mariadb-backup", "--copy-back", "--target-dir=\(folder.appendingPathComponent("db").path)",
                          "--datadir=\(datadir.path)"], stdout: log, stderr: log)
        for (kept, root) in imageFolders(imagesRoot) {
            let copy = folder.appendingPathComponent(kept)
            // A backup from before withdrawn photos were kept has no such folder.
            guard FileManager.default.fileExists(atPath: copy.path) else { continue }
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            try External.run(["cp", "-a", copy.path + "/.", root])
        }
    }

    /// Copies the images root, and its withdrawn sibling once a photo has been withdrawn, into
    /// the backup.
    static func copyImages(from imagesRoot: String, into folder: URL) throws {
        for (index, (kept, root)) in imageFolders(imagesRoot).enumerated()
        where index == 0 || FileManager.default.fileExists(atPath: root) {
            try External.run(["cp", "-a", root, folder.appendingPathComponent(kept).path])
        }
    }

    /// Each image folder a backup keeps: its name inside the backup, and where it lives.
    static func imageFolders(_ imagesRoot: String) -> [(String, String)] {
        [("images", imagesRoot), ("images-withdrawn", PhotoFiles(root: imagesRoot).withdrawnRoot)]
    }
}

extension ClusterAdmin {
    /// An administrative connection to `text`, configured or not (a restored server).
    func adminConnection(_ text: String) throws -> (ServerAddress, MariaDBConnection) {
        guard let address = ServerAddress(parsing: text) else { throw ClusterError("not host:port: \(text)") }
        return (address, try MariaDBConnection(address: address, config: adminDatabaseConfig, logger: logger))
    }

    /// `restore --replica`: a server started on a restored backup becomes a replica of the
    /// current primary from the backup's GTID position (the documented way to add a replica
    /// or rebuild a diverged old primary). Returns when it has caught up.
    public func seedReplica(_ text: String, from folder: URL) throws -> String {
        refresh()
        guard let p = primary().index else { throw ClusterError("no current primary to replicate from") }
        let gtid = try Self.backupGTID(folder)
        let (_, c) = try adminConnection(text)
        defer { c.close() }
        guard GTIDPosition.parse(gtid).count == gtid.split(separator: ",").count else { throw ClusterError("bad GTID in the backup: \(gtid)") }
        // The restored server may have logged transactions of its own since it started (its
        // heartbeat event writes whenever the server is writable). One logged past the backup's
        // position outranks that position in `current_pos`, and replication would ask the
        // primary for a GTID it never had (the diverged-primary drill hung on it once), or
        // setting the position is refused (error 1947). So the scheduler stops first, and what
        // this fresh server logged itself is forgotten.
        try c.executeScript("""
            SET GLOBAL read_only = ON; SET GLOBAL event_scheduler = OFF; STOP SLAVE; RESET SLAVE ALL; RESET MASTER;
            SET GLOBAL gtid_slave_pos = \(Self.literal(gtid))
            """)
        try replicate(c, from: p)
        let target = try conn(p).query("SELECT @@gtid_binlog_pos AS g").first?.decode("g", as: String.self) ?? ""
        guard try c.query("SELECT MASTER_GTID_WAIT(\(target), 100) AS w").first?.decode("w", as: Int64?.self) == 0 else {
            throw ClusterError("\(text) replicates from \(nodes[p].address) but has not caught up with \(target) in 100 s")
        }
        return "\(text) replicates from \(nodes[p].address) from the backup's \(gtid) (caught up with \(target)); add it to db_replicas"
    }

    /// `restore --until TIME`: replays onto a server started on a restored backup the binary
    /// log events after the backup's GTID and before TIME ("YYYY-MM-DD HH:MM:SS", this host's
    /// time zone, as mariadb-binlog reads it), read from `binlogsFrom` (default: the current
    /// primary). The SQL replayed is kept next to the backup.
    public func replay(onto text: String, from folder: URL, until time: String, binlogsFrom: String?) throws -> String {
        refresh()
        let sourceIndex: Int
        if let binlogsFrom { sourceIndex = try index(of: binlogsFrom) } else {
            guard let p = primary().index else { throw ClusterError("no current primary; name a server with the binary logs: --binlogs-from") }
            sourceIndex = p
        }
        guard case .tcp(let host, let port) = nodes[sourceIndex].address.endpoint else { throw ClusterError("needs a host:port address") }
        guard case .string(let first)? = try conn(sourceIndex).query("SHOW BINARY LOGS").first?["Log_name"] else {
            throw ClusterError("\(nodes[sourceIndex].address) has no binary logs")
        }
        let gtid = try Self.backupGTID(folder)
        let (target, c) = try adminConnection(text)
        c.close()
        guard case .tcp(let toHost, let toPort) = target.endpoint else { throw ClusterError("needs a host:port address") }
        let sql = folder.deletingLastPathComponent().appendingPathComponent(
            "replay-\(folder.lastPathComponent)-until-\(time.replacingOccurrences(of: " ", with: "T")).sql")
        try External.withClientOptions(user: config.cluster.adminUser, password: config.cluster.adminPassword) { options in
            try External.run(["mariadb-binlog", "--defaults-extra-file=\(options.path)", "--read-from-remote-server",
                              "--host=\(host)", "--port=\(port)", "--start-position=\(gtid)", "--stop-datetime=\(time)",
                              "--to-last-log", first], stdout: sql)
            try External.run(["mariadb", "--defaults-extra-file=\(options.path)", "--host=\(toHost)", "--port=\(toPort)",
                              "--binary-mode"], stdin: sql)
        }
        return "\(text) holds the backup plus the changes after \(gtid) and before \(time) (replayed: \(sql.path))"
    }
}
