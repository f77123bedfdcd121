import FastCGI
import Foundation
import Logging
import MariaDB

/// Everything Corkboard reads from its configuration file and environment.
/// Defaults are documented in `systemd/corkboard.conf`.
public struct Config: Sendable {
    public static let defaultPath = "/etc/corkboard/corkboard.conf"

    public var pool: PoolConfig
    public var database: DatabaseConfig
    /// Largest request body a non-upload route reads, in bytes.
    public var bodyLimit: Int
    /// The public base URL, used in links sent by mail.
    public var siteURL: String
    public var siteName: String
    public var imagesRoot: String
    /// Other application hosts that take a copy of every photo file (`photo_peers`).
    public var photoPeers: PhotoPeers
    /// This host's name among the site's application hosts (`host_id`): set, the site has
    /// several, so this host writes the change log (each row under this name, which its own
    /// follower skips) and its pool masters follow it; nil, the site has this one host.
    public var hostID: String?
    public var staticRoot: String
    public var migrationsDir: String
    public var logLevel: Logger.Level
    public var accounts: AccountsConfig
    public var mail: MailConfig
    public var posts: PostsConfig
    public var contact: ContactConfig
    /// Reports and auto-hide.
    public var reports: ReportsConfig
    /// The hot-post cache and the causal-read cookie.
    public var cache: CacheConfig
    public var search: SearchConfig
    /// The old-post purge job.
    public var purge: PurgeConfig
    /// `/metrics`, the pool's name and where every process keeps its counters.
    public var metrics: MetricsConfig
    /// The operator's database commands: switchover, failover, backup, restore.
    public var cluster: ClusterConfig
    /// The file this configuration came from (nil: defaults and environment only), so a worker
    /// can start a job (`corkboard purge-old-posts`) with the same settings.
    public var sourcePath: String?

    /// Loads `path` (or `CORKBOARD_CONFIG`, or the default path when it exists) plus the environment.
    public static func load(path: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Config {
        var chosen = path ?? environment["CORKBOARD_CONFIG"]
        if chosen == nil, FileManager.default.fileExists(atPath: defaultPath) { chosen = defaultPath }
        var config = try Config(file: ConfigFile.load(path: chosen, environment: environment))
        config.sourcePath = chosen
        return config
    }

    public init(file: ConfigFile) throws {
        pool = PoolConfig(
            listen: try Self.listenAddress(file),
            workers: try file.int("workers", default: 4, range: 1...512),
            maxRequests: try file.int("max_requests", default: 1_000_000, range: 0...Int.max),
            requestTimeout: try file.int("request_timeout", default: 30, range: 1...3600),
            shutdownTimeout: try file.int("shutdown_timeout", default: 30, range: 1...3600),
            backlog: try file.int("backlog", default: 1024, range: 1...65535))

        let primaryText = file.string("db_primary", default: "127.0.0.1:3306")
        guard let primary = ServerAddress(parsing: primaryText) else {
            throw file.fail("db_primary", "must be host:port or unix:/path, got `\(primaryText)`")
        }
        var replicas: [ServerAddress] = []
        for item in file.string("db_replicas", default: "").split(separator: ",") {
            guard let r = ServerAddress(parsing: String(item)) else {
                throw file.fail("db_replicas", "has an entry that is not host:port or unix:/path: `\(item)`")
            }
            replicas.append(r)
        }
        database = DatabaseConfig(
            primary: primary, replicas: replicas,
            user: file.string("db_user", default: "corkboard"),
            password: file.string("db_password", default: ""),
            database: file.string("db_name", default: "corkboard"),
            connectTimeout: try file.int("db_connect_timeout", default: 2, range: 1...60),
            readTimeout: try file.int("db_read_timeout", default: 10, range: 1...3600),
            writeTimeout: try file.int("db_write_timeout", default: 10, range: 1...3600),
            maxReplicaLag: try file.int("db_max_replica_lag", default: 5, range: 0...86400))
        database.causalWaitTimeout = Double(try file.int("db_causal_wait_ms", default: 200, range: 0...10_000)) / 1000
        database.healthCheckInterval = Double(try file.int("db_health_check_ms", default: 1000, range: 0...60_000)) / 1000
        database.primaryRetryAfter = Double(try file.int("db_primary_retry_ms", default: 2000, range: 0...600_000)) / 1000
        cache = try CacheConfig(file: file)

        bodyLimit = try file.int("body_limit", default: 65_536, range: 1024...(64 << 20))
        siteURL = file.string("site_url", default: "https://localhost")
        siteName = file.string("site_name", default: "Corkboard")
        imagesRoot = file.string("images_root", default: "/var/lib/corkboard/images")
        let peerURLs = file.string("photo_peers", default: "").split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        hostID = file.optionalString("host_id")
        if let hostID, !ConfigFile.isShortName(hostID) {
            throw file.fail("host_id", "must be \(ConfigFile.shortNameRule), got `\(hostID)`")
        }
        if hostID == nil, !peerURLs.isEmpty {
            // Peers mean other hosts, whose copies only the change log keeps in step.
            throw file.fail("photo_peers", "names other hosts, so this host needs its `host_id` (a name of its own among them)")
        }
        // Read in any case (a known key); required once there are peers, who sign with it.
        var peerSecret = file.optionalString("photo_peer_secret") ?? ""
        if !peerURLs.isEmpty { peerSecret = try file.secret("photo_peer_secret") }
        photoPeers = PhotoPeers(urls: peerURLs, secret: peerSecret)
        staticRoot = file.string("static_root", default: "/usr/share/corkboard/public/static")
        migrationsDir = file.string("migrations_dir", default: "/usr/share/corkboard/sql")
        let level = file.string("log_level", default: "info")
        guard let parsed = Logger.Level(rawValue: level) else {
            throw file.fail("log_level", "must be one of trace, debug, info, notice, warning, error, critical")
        }
        logLevel = parsed
        accounts = try AccountsConfig(file: file)
        mail = try MailConfig(file: file)
        posts = try PostsConfig(file: file)
        contact = try ContactConfig(file: file)
        reports = try ReportsConfig(file: file)
        search = try SearchConfig(file: file)
        purge = try PurgeConfig(file: file)
        metrics = try MetricsConfig(file: file)
        cluster = try ClusterConfig(file: file)
        // Last: every setting has been read, so any other key in the file is a typo.
        try file.rejectUnknownKeys()
    }

    static func listenAddress(_ file: ConfigFile) throws -> ListenAddress {
        let raw = file.string("listen", default: "unix:/run/corkboard/pool.sock")
        // Read whatever `listen` is: a key counts as known only once it is read.
        let modeText = file.string("socket_mode", default: "0660")
        let owner = file.optionalString("socket_owner"), group = file.optionalString("socket_group")
        if raw == "systemd" { return .systemd }
        if raw.hasPrefix("unix:") {
            let path = String(raw.dropFirst(5))
            guard path.hasPrefix("/") else { throw file.fail("listen", "needs an absolute socket path") }
            guard path.utf8.count < 108 else { throw file.fail("listen", "socket path must be shorter than 108 bytes") }
            guard let mode = UInt16(modeText, radix: 8), mode <= 0o777 else {
                throw file.fail("socket_mode", "must be an octal mode such as 0660")
            }
            return .unix(path: path, mode: mode, owner: owner, group: group)
        }
        if raw.hasPrefix("tcp:") {
            let rest = raw.dropFirst(4)
            guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]),
                  (1...65535).contains(port) else {
                throw file.fail("listen", "must be tcp:HOST:PORT")
            }
            return .tcp(host: String(rest[..<colon]), port: port)
        }
        throw file.fail("listen", "must be unix:/path, tcp:HOST:PORT or systemd, got `\(raw)`")
    }
}

extension Config {
    /// The photo files of this host (`images_root`) with their peers (`photo_peers`) and the
    /// change log under this host's name (`host_id`).
    public var photoFiles: PhotoFiles { PhotoFiles(root: imagesRoot, peers: photoPeers, changeLog: ChangeLog(origin: hostID)) }
}
