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
    var postsPerCity = 60

    @Flag(help: "Seed the sample posts without photos (no libvips drawing, no files).")
    var noPhotos = false

    func run() throws {
        let (config, logger, database) = options.database(label: "corkboard.seed")
        do {
            let photos = noPhotos ? nil : SamplePhotos(files: PhotoFiles(root: config.imagesRoot),
                                                       processor: PhotoProcessor(config: config.posts))
            try Seeder(database: database, logger: logger, photos: photos).run(postsPerCity: postsPerCity)
        } catch {
            logger.error("seeding failed", metadata: ["error": "\(String(reflecting: error))"])
            throw ExitCode(1)
        }
    }
}
