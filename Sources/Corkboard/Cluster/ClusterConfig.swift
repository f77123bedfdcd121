import Foundation

/// What the operator commands (`corkboard db …`, `backup`, `restore`) need beyond the pool's
/// settings: an administrative account (the application's has neither SUPER nor READ_ONLY
/// ADMIN, by design), the replication account, where backups go.
public struct ClusterConfig: Sendable {
    /// Sets `read_only`, repoints replication, kills sessions, takes backups. Only the
    /// operator's commands use it; keep its password out of the pool's environment.
    public var adminUser: String
    public var adminPassword: String
    /// The account replicas connect to their primary with (REPLICATION SLAVE).
    public var replUser: String
    public var replPassword: String
    /// Turn on semi-synchronous replication at each promotion: a commit waits (up to
    /// `semiSyncTimeoutMs`) until a replica has the transaction, so a failover loses none.
    public var semiSync: Bool
    public var semiSyncTimeoutMs: Int
    /// Dated backup folders go here; the newest `backupKeep` are kept.
    public var backupDir: String
    public var backupKeep: Int

    public init(file: ConfigFile) throws {
        adminUser = file.string("db_admin_user", default: "root")
        adminPassword = file.string("db_admin_password", default: "")
        replUser = file.string("db_repl_user", default: "repl")
        replPassword = file.string("db_repl_password", default: "")
        semiSync = try file.bool("db_semi_sync", default: false)
        semiSyncTimeoutMs = try file.int("db_semi_sync_timeout_ms", default: 1000, range: 1...600_000)
        backupDir = file.string("backup_dir", default: "/var/backups/corkboard")
        backupKeep = try file.int("backup_keep", default: 7, range: 1...1000)
    }
}
