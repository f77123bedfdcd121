import Foundation
import Logging
import MariaDB

/// Sample data for the demo and the tests: cities with time zones and neighbourhoods, the
/// categories, and enough recent posts per city to scroll, from one sample poster, most with
/// photos drawn at seed time (`SamplePhotos`) when given somewhere to store them. Idempotent:
/// cities and categories are upserted, posts are added only when the sample poster has none.
public struct Seeder {
    let database: Database
    let logger: Logger
    let photos: SamplePhotos?

    public init(database: Database, logger: Logger, photos: SamplePhotos? = nil) {
        self.database = database
        self.logger = logger
        self.photos = photos
    }

    /// The sample cities. `centScale` turns a sample price (written in US cents) into the
    /// city's minor unit at a round, roughly realistic rate: a $180 table is €180 in Lisbon
    /// and ₩234,000 in Seoul (13 won to the cent).
    public static let cities: [(slug: String, name: String, timeZone: String, currency: Currency, centScale: Int64,
                                neighbourhoods: [String])] = [
        ("lisbon", "Lisbon", "Europe/Lisbon", .eur, 1, ["Alfama", "Baixa", "Belém", "Campo de Ourique", "Graça", "Príncipe Real"]),
        ("seoul", "Seoul", "Asia/Seoul", .krw, 13, ["Gangnam", "Hongdae", "Itaewon", "Jongno", "Mapo", "Songpa"]),
        ("chicago", "Chicago", "America/Chicago", .usd, 1, ["Hyde Park", "Lincoln Park", "Logan Square", "Pilsen", "Wicker Park"]),
    ]

    public static let categories: [(slug: String, name: String)] = [
        ("furniture", "Furniture"), ("electronics", "Electronics"), ("bikes", "Bikes"), ("cars", "Cars & trucks"),
        ("housing", "Housing"), ("jobs", "Jobs"), ("services", "Services"), ("free", "Free stuff"),
        ("clothes", "Clothes"), ("music", "Musical instruments"),
    ]

    static let samplePoster = "sample-poster@corkboard.invalid"

    /// Adds what is missing; `postsPerCity` only matters on the first run.
    public func run(postsPerCity: Int = 60) throws {
        let cityStore = CityStore(database: database)
        for city in Self.cities {
            try cityStore.create(slug: city.slug, name: city.name, timeZone: city.timeZone, currency: city.currency,
                                 neighbourhoods: city.neighbourhoods)
        }
        for (index, category) in Self.categories.enumerated() {
            _ = try database.write("""
                INSERT INTO categories (slug, name, sort) VALUES (\(category.slug), \(category.name), \(index))
                ON DUPLICATE KEY UPDATE name = VALUES(name), sort = VALUES(sort)
                """)
        }
        logger.info("seeded cities and categories", metadata: ["cities": "\(Self.cities.count)", "categories": "\(Self.categories.count)"])

        let now = Date()
        // The sample poster can never log in: its hash is not a valid password hash.
        _ = try database.write("""
            INSERT IGNORE INTO users (email, password_hash, role, email_verified_at, created_at, updated_at)
            VALUES (\(Self.samplePoster), '!', 'user', \(now), \(now), \(now))
            """)
        guard let poster = try database.read("SELECT id FROM users WHERE email = \(Self.samplePoster)").first else { return }
        let userID = try poster.decode("id", as: Int64.self)
        let existing = try database.read("SELECT COUNT(*) AS n FROM posts WHERE user_id = \(userID)").first
        if try existing?.decode("n", as: Int64.self) ?? 0 > 0 {
            logger.info("sample posts already present")
            return
        }
        let categoryIDs = try database.read("SELECT id, slug FROM categories").reduce(into: [String: Int64]()) {
            $0[try $1.decode("slug", as: String.self)] = try $1.decode("id", as: Int64.self)
        }
        var generator = SeededGenerator(seed: 20261124)
        var total = 0
        var postIDs: [Int64] = []
        var photos = self.photos
        try photos?.drawAll()
        try database.transaction { conn in
            try PhotoWrites.undoing(files: photos?.files ?? PhotoFiles(root: "/nonexistent")) { writes in
                for city in try cityStore.all() {
                    let scale = Self.cities.first { $0.slug == city.slug }?.centScale ?? 1
                    let hoods = try conn.query("SELECT id FROM neighbourhoods WHERE city_id = \(city.id)").map { try $0.decode("id", as: Int64.self) }
                    for i in 0..<postsPerCity {
                        let sampleIndex = (i + Int(city.id)) % SampleAd.all.count
                        let sample = SampleAd.all[sampleIndex]
                        let age = Double(i) * (6.5 * 86_400 / Double(max(postsPerCity, 1))) + Double(generator.next() % 600)
                        let created = now.addingTimeInterval(-age)
                        let hood: Int64? = hoods.isEmpty || i % 5 == 4 ? nil : hoods[Int(generator.next() % UInt64(hoods.count))]
                        let cents = sample.price + Int64(generator.next() % 20) * 100
                        let price: Int64? = sample.category == "free" ? nil : cents * scale
                        let inserted = try conn.execute("""
                            INSERT INTO posts (user_id, city_id, neighbourhood_id, category_id, title, description,
                                               price_minor, location_text, created_at, updated_at)
                            VALUES (\(userID), \(city.id), \(hood), \(categoryIDs[sample.category] ?? categoryIDs.values.first!),
                                    \(sample.title), \(sample.description), \(price), \(nil as String?), \(created), \(created))
                            """)
                        total += 1
                        postIDs.append(Int64(inserted.lastInsertID))
                        try photos?.attach(sampleIndex, to: Int64(inserted.lastInsertID), writes: &writes, on: conn)
                    }
                }
                try SearchIndex.index(postIDs: postIDs, on: conn)
            }
        }
        logger.info("seeded sample posts", metadata: ["posts": "\(total)"])
    }
}

/// A small deterministic generator so the sample data is the same on every machine.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
