import ArgumentParser
import Corkboard
import MariaDB

/// `corkboard search reindex|prune`: operator jobs on the search index.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Maintain the search index.",
        subcommands: [Reindex.self, Prune.self])

    /// Rebuilds the index rows of visible posts, e.g. after a bulk import done with SQL.
    struct Reindex: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Index every post of the last seven days again (of one city with --city).")

        @OptionGroup var options: GlobalOptions
        @Option(help: "Only this city (its slug).")
        var city: String?

        func run() throws {
            let (config, logger) = options.load(label: "corkboard.search")
            let database = Database(config: config.database, logger: logger)
            do {
                let n = try SearchMaintenance(database: database, logger: logger).reindex(citySlug: city)
                print("reindexed \(n) posts")
            } catch let error as HTTPError {
                logger.error("\(error.message)")
                throw ExitCode(1)
            }
        }
    }

    /// Drops index rows of posts past the seven-day window (the purge job's companion).
    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove index rows of expired posts.")

        @OptionGroup var options: GlobalOptions

        func run() throws {
            let (config, logger) = options.load(label: "corkboard.search")
            let database = Database(config: config.database, logger: logger)
            print("pruned \(try SearchMaintenance(database: database, logger: logger).prune()) posts")
        }
    }
}
