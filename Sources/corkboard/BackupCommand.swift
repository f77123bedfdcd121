import ArgumentParser
import Corkboard
import Foundation

/// `corkboard backup`: a replica's data and the image files, into a dated folder.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up a replica (mariadb-backup) and the image files into backup_dir/YYYYMMDD-HHMMSSZ.",
        discussion: """
            Run it on the source server's host (mariadb-backup copies its files). The folder holds db/ \
            (prepared: a restore is a copy), images/, images-withdrawn/ (hidden posts' photos), BACKUP (source, GTID) and SHA256SUMS; the newest \
            backup_keep are kept. Photo-file deletion pauses from before the database copy until the image \
            copy ends. corkboard-backup.timer runs it daily.
            """)
    @OptionGroup var global: GlobalOptions
    @Option(help: "The server to copy (host:port as configured). Default: a replicating replica.")
    var from: String?

    func run() throws {
        let (config, admin) = global.cluster(label: "corkboard.backup")
        try report {
            let r = try admin.backup(from: from, imagesRoot: config.imagesRoot)
            print(String(format: "backup %@ of %@ at GTID %@: %.1f MB in %.1f s", r.folder.path, r.source.description,
                         r.gtid, Double(r.bytes) / 1e6, r.seconds))
            for name in r.removed { print("removed old backup \(name)") }
        }
    }
}

/// `corkboard restore`: a server from a backup, then (once it runs) a replica or a point in time.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Build a server from a backup: --datadir (files), then --replica or --until on the started server.",
        discussion: """
            1. With the server stopped: corkboard restore BACKUP --datadir /var/lib/mysql (checksums, \
            mariadb-backup --copy-back, image files). Start the server (read_only = ON). \
            2a. corkboard restore BACKUP --replica --server HOST:PORT: it replicates from the current primary \
            from the backup's GTID (adding a replica, rebuilding a diverged old primary). \
            2b. corkboard restore BACKUP --until "YYYY-MM-DD HH:MM:SS" --server HOST:PORT: replays the binary \
            logs from the backup's GTID up to that time (this host's time zone).
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The backup folder.")
    var backup: String
    @Option(help: "Step 1: the stopped server's data directory (empty) to copy the backup into.")
    var datadir: String?
    @Flag(help: "Step 2: make the started --server a replica of the current primary.")
    var replica = false
    @Option(help: "Step 2: replay binary logs onto the started --server up to this time.")
    var until: String?
    @Option(help: "The started server (host:port) for --replica or --until.")
    var server: String?
    @Option(help: "--until: the server whose binary logs to read (default: the current primary).")
    var binlogsFrom: String?

    func validate() throws {
        let steps = [datadir != nil, replica, until != nil].filter { $0 }.count
        guard steps == 1 else { throw ValidationError("give exactly one of --datadir, --replica, --until") }
        if datadir == nil, server == nil { throw ValidationError("--replica and --until need --server HOST:PORT") }
    }

    func run() throws {
        let (config, admin) = global.cluster(label: "corkboard.restore")
        let folder = URL(fileURLWithPath: backup, isDirectory: true)
        try report {
            let clock = ContinuousClock()
            let start = clock.now
            if let datadir {
                try BackupFiles.restore(folder, datadir: URL(fileURLWithPath: datadir, isDirectory: true), imagesRoot: config.imagesRoot)
                print("restored \(folder.lastPathComponent) into \(datadir) and \(config.imagesRoot); start the server (read-only), then --replica or --until")
            } else if replica, let server {
                print(try admin.seedReplica(server, from: folder))
            } else if let until, let server {
                print(try admin.replay(onto: server, from: folder, until: until, binlogsFrom: binlogsFrom))
            }
            let elapsed = clock.now - start
            print(String(format: "took %.1f s", Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
        }
    }
}
