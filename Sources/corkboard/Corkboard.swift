import ArgumentParser
import Corkboard
import Foundation
import Logging
import MariaDB

/// `corkboard`: the classified-ads site's one binary.
@main
struct CorkboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corkboard",
        abstract: "Corkboard, classified ads for a city: the FastCGI pool and its operator commands.",
        discussion: """
            Configuration comes from one file (--config, else $CORKBOARD_CONFIG, else \(Config.defaultPath) \
            when it exists) and the environment: every key can be overridden by CORKBOARD_<KEY>, e.g. \
            CORKBOARD_WORKERS=8. systemd/corkboard.conf documents every key and its default.
            """,
        subcommands: [ServeCommand.self, WorkerCommand.self, MigrateCommand.self, SeedCommand.self,
                      UserCommand.self, MailerCommand.self, MailCommand.self, GCPhotosCommand.self,
                      SearchCommand.self, SeedBenchCommand.self, PurgeCommand.self, MetricsAllowCommand.self,
                      DBCommand.self, BackupCommand.self, RestoreCommand.self, AssetsCommand.self])
}

/// Options every command shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Path of the configuration file.")
    var config: String?

    /// Loads the configuration and sets up logging to stderr at its level; exits with a clear
    /// message (and status 78, EX_CONFIG) when the configuration is wrong.
    func load(label: String) -> (Config, Logger) {
        let cfg: Config
        do {
            cfg = try Config.load(path: config)
        } catch {
            FileHandle.standardError.write(Data("corkboard: configuration error: \(error)\n".utf8))
            Foundation.exit(78)
        }
        LogSetup.bootstrap(level: cfg.logLevel)
        var logger = Logger(label: "\(label)[\(getpid())]")
        logger.logLevel = cfg.logLevel
        return (cfg, logger)
    }

    /// The configuration and a database handle: what most operator commands start from.
    func database(label: String) -> (config: Config, logger: Logger, database: Database) {
        let (config, logger) = load(label: label)
        return (config, logger, Database(config: config.database, logger: logger))
    }

    /// The configuration and the cluster's administrative handle (db, backup, restore).
    func cluster(label: String) -> (config: Config, admin: ClusterAdmin) {
        let (config, logger) = load(label: label)
        return (config, ClusterAdmin(config: config, logger: logger))
    }
}

/// swift-log to stderr (systemd's journal or the dev stack's log file), bootstrapped once.
enum LogSetup {
    nonisolated(unsafe) static var done = false
    static func bootstrap(level: Logger.Level) {
        guard !done else { return }
        done = true
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
