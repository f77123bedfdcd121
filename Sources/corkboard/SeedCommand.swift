import ArgumentParser
import Corkboard
import MariaDB

/// `corkboard seed`: sample cities, categories and posts for the demo and the tests.
struct SeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Add sample cities (with time zones and neighbourhoods), categories and posts.",
        discussion: "Safe to run again: cities and categories are updated, posts are added only once.")

    @OptionGroup var options: GlobalOptions

    @Option(help: "Sample posts per city on the first run.")
    var postsPerCity = 40

    func run() throws {
        let (config, logger) = options.load(label: "corkboard.seed")
        let database = Database(config: config.database, logger: logger)
        do {
            try Seeder(database: database, logger: logger).run(postsPerCity: postsPerCity)
        } catch {
            logger.error("seeding failed", metadata: ["error": "\(String(reflecting: error))"])
            throw ExitCode(1)
        }
    }
}
