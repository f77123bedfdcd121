import ArgumentParser
import Corkboard
import Foundation
import MariaDB

/// `corkboard seed-bench`: the search benchmark's data, as files for `LOAD DATA LOCAL INFILE`
/// (scripts/bench-search.sh loads them). Creates the benchmark cities, their neighbourhoods and
/// poster in the database, then writes posts, photos and index rows to --out with a load.sql.
struct SeedBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed-bench",
        abstract: "Write a large synthetic corpus (default one city of 1,000,000 posts) for the search benchmark.")

    @OptionGroup var options: GlobalOptions

    @Option(help: "Directory for the TSV files and load.sql.")
    var out: String

    @Option(help: "Posts in the big city (slug metropolis).")
    var posts = 1_000_000

    @Option(help: "Posts in each of the two small cities (smallville, English; hanseong, Korean).")
    var smallPosts = 50_000

    func run() throws {
        let (_, logger, database) = options.database(label: "corkboard.seed-bench")
        let cities = CityStore(database: database)
        let hoods = (1...20).map { "District \($0)" }
        let specs: [(slug: String, name: String, zone: String, currency: Currency, posts: Int, korean: Bool)] = [
            ("metropolis", "Metropolis", "America/New_York", .usd, posts, false),
            ("smallville", "Smallville", "America/Chicago", .usd, smallPosts, false),
            ("hanseong", "Hanseong", "Asia/Seoul", .krw, smallPosts, true),
        ]
        var corpusCities: [BenchCorpus.City] = []
        for spec in specs {
            let city = try cities.create(slug: spec.slug, name: spec.name, timeZone: spec.zone, currency: spec.currency,
                                         neighbourhoods: hoods)
            let existing = try database.read("SELECT COUNT(*) AS n FROM posts WHERE city_id = \(city.id)").first
            if try existing?.decode("n", as: Int64.self) ?? 0 > 0 {
                print("\(spec.slug) already has posts; skipping it")
                continue
            }
            let hoodIDs = try database.read("SELECT id FROM neighbourhoods WHERE city_id = \(city.id) ORDER BY id")
                .map { try $0.decode("id", as: Int64.self) }
            corpusCities.append(BenchCorpus.City(id: city.id, posts: spec.posts, korean: spec.korean, neighbourhoods: hoodIDs))
        }
        let email = "bench-poster@corkboard.invalid"
        try database.write("INSERT IGNORE INTO users (email, password_hash, role) VALUES (\(email), '!', 'user')")
        let userID = try database.read("SELECT id FROM users WHERE email = \(email)").first!.decode("id", as: Int64.self)
        let categories = try database.read("SELECT id FROM categories ORDER BY id").map { try $0.decode("id", as: Int64.self) }
        guard !categories.isEmpty else {
            logger.error("no categories: run `corkboard seed` first")
            throw ExitCode(1)
        }
        let firstID = try database.read("SELECT COALESCE(MAX(id), 0) + 1 AS n FROM posts").first!.decode("n", as: Int64.self)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var corpus = BenchCorpus()
        let termFiles = try corpus.write(to: out, cities: corpusCities, userID: userID, categories: categories,
                                         firstID: firstID, now: Date())
        var load = """
            SET SESSION foreign_key_checks = 0, unique_checks = 0;
            LOAD DATA LOCAL INFILE '\(out)/posts.tsv' INTO TABLE posts CHARACTER SET utf8mb4
              (id, user_id, city_id, neighbourhood_id, category_id, title, description, price_minor, created_at, updated_at, has_photos);
            LOAD DATA LOCAL INFILE '\(out)/images.tsv' INTO TABLE post_images CHARACTER SET utf8mb4
              (post_id, position, @img, @thumb, width, height) SET image_sha256 = UNHEX(@img), thumb_sha256 = UNHEX(@thumb);
            LOAD DATA LOCAL INFILE '\(out)/docs.tsv' INTO TABLE search_docs CHARACTER SET utf8mb4
              (post_id, city_id, created_at, title_norm, text_norm);

            """
        for file in termFiles {
            load += """
                LOAD DATA LOCAL INFILE '\(out)/\(file)' INTO TABLE search_terms CHARACTER SET utf8mb4
                  (city_id, term, created_at, post_id, in_title, category_id, neighbourhood_id, price_minor, has_photos);

                """
        }
        try load.write(toFile: out + "/load.sql", atomically: true, encoding: .utf8)
        print("wrote \(corpusCities.map(\.posts).reduce(0, +)) posts to \(out); load with \(out)/load.sql")
    }
}
