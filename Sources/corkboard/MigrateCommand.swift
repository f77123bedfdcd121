import ArgumentParser
import Corkboard
import Foundation

/// `corkboard migrate`: the schema, applied in order on the primary.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the schema migrations (sql/NNNN_name.sql) on the primary.",
        discussion: """
            Each file is applied once, in order, and recorded in schema_migrations with its checksum. \
            A re-run is a no-op; a changed applied file is refused. MariaDB commits DDL implicitly, so a \
            migration that fails half-way is recorded as failed and blocks later runs until an operator \
            repairs the schema and runs `corkboard migrate resolve`.
            """,
        subcommands: [Up.self, Status.self, Resolve.self],
        defaultSubcommand: Up.self)

    /// Shared by the subcommands: the configuration, the migrations directory and a migrator.
    struct Options: ParsableArguments {
        @OptionGroup var global: GlobalOptions

        @Option(help: "Directory of the NNNN_name.sql files (default: `migrations_dir` from the configuration).")
        var directory: String?

        func migrator(label: String) -> Migrator {
            let (config, logger) = global.load(label: label)
            let dir = URL(fileURLWithPath: directory ?? config.migrationsDir, isDirectory: true)
            return Migrator(config: config.database, directory: dir, logger: logger)
        }
    }

    struct Up: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "up", abstract: "Apply every pending migration (the default).")
        @OptionGroup var options: Options

        func run() throws {
            try report {
                let applied = try options.migrator(label: "corkboard.migrate").migrate()
                print(applied.isEmpty ? "schema is up to date" : "applied: " + applied.map { String(format: "%04d", $0) }.joined(separator: ", "))
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "List each migration and its state.")
        @OptionGroup var options: Options

        func run() throws {
            try report {
                for m in try options.migrator(label: "corkboard.migrate").status() {
                    let when = m.appliedAt.map { " at \($0)" } ?? ""
                    print(String(format: "%04d", m.version), m.name, m.state.rawValue + when)
                    if let error = m.error { print("      \(error)") }
                }
            }
        }
    }

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "resolve",
            abstract: "Unblock a failed migration after repairing the schema by hand.",
            discussion: "--applied records it as done (you finished it by hand); --retry forgets the failure so the next run applies the file again.")
        @OptionGroup var options: Options

        @Argument(help: "The migration's number, e.g. 3 or 0003.")
        var version: Int

        @Flag(help: "How to resolve it.")
        var resolution: Choice

        enum Choice: String, EnumerableFlag {
            case applied, retry
        }

        func run() throws {
            try report {
                try options.migrator(label: "corkboard.migrate").resolve(version: version, as: resolution == .applied ? .applied : .retry)
                print("migration \(String(format: "%04d", version)) resolved as \(resolution.rawValue)")
            }
        }
    }
}

/// Runs an operator command, printing a failure as one clear line and exiting 1.
func report(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch {
        FileHandle.standardError.write(Data("corkboard: \(error)\n".utf8))
        throw ExitCode(1)
    }
}
