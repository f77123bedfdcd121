import Foundation
import MariaDB

/// Reads and creates cities. Creation is the one place slugs are checked against reserved names.
public struct CityStore {
    let database: Database

    public init(database: Database) { self.database = database }

    public func all() throws -> [City] {
        try database.read("SELECT id, slug, name, time_zone, currency FROM cities ORDER BY name").map(City.init(row:))
    }

    public func find(slug: String) throws -> City? {
        try database.read("SELECT id, slug, name, time_zone, currency FROM cities WHERE slug = \(slug)").first.map(City.init(row:))
    }

    public func find(id: Int64) throws -> City? {
        try database.read("SELECT id, slug, name, time_zone, currency FROM cities WHERE id = \(id)").first.map(City.init(row:))
    }

    /// Creates a city (or updates the one with that slug) with its neighbourhoods. The
    /// currency has no default: prices are stored in its minor unit, so guessing it would
    /// misread every price (the column refuses an insert without one, too).
    @discardableResult
    public func create(slug: String, name: String, timeZone: String, currency: Currency, neighbourhoods: [String]) throws -> City {
        if let problem = City.slugProblem(slug) {
            throw HTTPError.badRequest("The city slug `\(slug)` \(problem).", field: "slug")
        }
        try database.transaction { conn in
            _ = try conn.execute("""
                INSERT INTO cities (slug, name, time_zone, currency) VALUES (\(slug), \(name), \(timeZone), \(currency.code))
                ON DUPLICATE KEY UPDATE name = VALUES(name), time_zone = VALUES(time_zone), currency = VALUES(currency)
                """)
            for hood in neighbourhoods {
                let hoodSlug = Slug.make(hood)
                _ = try conn.execute("""
                    INSERT IGNORE INTO neighbourhoods (city_id, slug, name)
                    SELECT id, \(hoodSlug), \(hood) FROM cities WHERE slug = \(slug)
                    """)
            }
        }
        guard let city = try find(slug: slug) else { throw HTTPError(500, "The city could not be created.") }
        return city
    }
}

/// Turns a display name into a URL slug: "Lower East Side" → "lower-east-side".
public enum Slug {
    public static func make(_ name: String) -> String {
        let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
        var out = ""
        for scalar in folded.unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else if !out.isEmpty, !out.hasSuffix("-") {
                out += "-"
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out
    }
}
