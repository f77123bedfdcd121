import ArgumentParser
import Corkboard
import FastCGI
import MariaDB

/// `corkboard search reindex|prune`: operator jobs on the search index.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Maintain the search index.",
        subcommands: [Reindex.self, Prune.self, Explain.self])

    /// Rebuilds the index rows of visible posts, e.g. after a bulk import done with SQL.
    struct Reindex: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Index every post of the last seven days again (of one city with --city).")

        @OptionGroup var options: GlobalOptions
        @Option(help: "Only this city (its slug).")
        var city: String?

        func run() throws {
            let (_, logger, database) = options.database(label: "corkboard.search")
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
            let (_, logger, database) = options.database(label: "corkboard.search")
            print("pruned \(try SearchMaintenance(database: database, logger: logger).prune()) posts")
        }
    }

    /// Prints MariaDB's plan for the queries of one list request (the bench's "plans").
    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "EXPLAIN the queries of one search, given as a query string (city=…&q=…&sort=…).")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "The request's query string, as /api/search takes it.")
        var query: String

        func run() throws {
            let (config, logger, database) = options.database(label: "corkboard.search")
            let items = FastCGIRequest.parseFormURLEncoded(Array(query.utf8))
            let slug = items.first { $0.0 == "city" }?.1 ?? ""
            guard let city = try CityStore(database: database).find(slug: slug) else {
                logger.error("no city `\(slug)`")
                throw ExitCode(1)
            }
            let catalog = try SearchCatalog.load(cityID: city.id, database: database)
            let request = try SearchRequest(city: city, items: items, catalog: catalog, key: config.search.cursorKey)
            let engine = SearchEngine(database: database, pageSize: config.search.pageSize)
            for line in try engine.explain(request) { print(line) }
        }
    }
}
