import ArgumentParser
import Corkboard
import Foundation

/// `corkboard db`: the primary's life cycle, through the administrative account.
struct DBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Database cluster operations: status, switchover, failover, rejoin.",
        discussion: """
            Every server in db_primary and db_replicas may be the primary; pools write to the one that \
            is read_only=OFF and named by the newest topology epoch, so none of these needs a pool \
            restart or a configuration edit. Uses db_admin_user/db_admin_password (e.g. \
            CORKBOARD_DB_ADMIN_PASSWORD) and db_repl_user/db_repl_password. README.md has the runbook.
            """,
        subcommands: [Status.self, Switchover.self, Failover.self, Rejoin.self],
        defaultSubcommand: Status.self)

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Each server: role, read_only, epoch, GTID, replication.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            global.cluster(label: "corkboard.db").admin.statusLines().forEach { print($0) }
        }
    }

    struct Switchover: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Planned: make REPLICA the primary with no committed write lost (writes pause briefly).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The replica to promote, as written in the configuration (host:port).")
        var to: String

        func run() throws {
            let admin = global.cluster(label: "corkboard.db").admin
            try report { print(try admin.switchover(to: to).summary) }
        }
    }

    struct Failover: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The primary is gone: promote the most advanced replica and fence the old primary.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Promote this replica instead of the most advanced one (refused if another is ahead).")
        var to: String?

        func run() throws {
            let admin = global.cluster(label: "corkboard.db").admin
            try report {
                print(try admin.failover(to: to).summary)
                print("when the old primary is back (it starts read-only): corkboard db rejoin SERVER")
            }
        }
    }

    struct Rejoin: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an old primary (started again, read-only) a replica of the current primary.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The server, as written in the configuration (host:port).")
        var server: String

        func run() throws {
            let (config, admin) = global.cluster(label: "corkboard.db")
            try report {
                let saveDir = URL(fileURLWithPath: config.cluster.backupDir).appendingPathComponent("diverged")
                print(try admin.rejoin(server, saveDir: saveDir))
            }
        }
    }
}
