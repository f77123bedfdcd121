import Foundation
import MariaDB

/// One worker's copy of each city it served lately with its filter menus (`SearchCatalog`),
/// kept `lifetime` seconds: every list page needs both, they change only when an operator adds
/// a city, neighbourhood or category, and reading them took two of a search's four round trips.
/// A city not found is never kept, so a new city answers at once; a renamed one or a new menu
/// entry shows within the lifetime.
///
/// One worker thread uses it; not `Sendable`.
public final class CityCatalogCache {
    /// Seconds an entry is used.
    public static let lifetime: Double = 5

    struct Entry {
        var city: City
        var catalog: SearchCatalog
        var expires: Double
    }

    private var entries: [String: Entry] = [:]
    /// Each kept city's slug by id (post pages name their city by id).
    private var slugs: [Int64: String] = [:]
    let clock: () -> Double

    public init(clock: @escaping () -> Double = Monotonic.seconds) {
        self.clock = clock
    }

    /// The city with slug `slug` and its menus (nil: no such city), read on a miss.
    public func city(_ slug: String, database: Database) throws -> (city: City, catalog: SearchCatalog)? {
        let now = clock()
        if let e = entries[slug], now < e.expires { return (e.city, e.catalog) }
        guard let city = try CityStore(database: database).find(slug: slug) else {
            entries[slug] = nil
            return nil
        }
        return try keep(city, now: now, database: database)
    }

    /// The same for the city with id `id`; `refresh` reads it again even when kept.
    public func city(id: Int64, database: Database, refresh: Bool = false) throws -> (city: City, catalog: SearchCatalog)? {
        let now = clock()
        if !refresh, let slug = slugs[id], let e = entries[slug], now < e.expires { return (e.city, e.catalog) }
        guard let city = try CityStore(database: database).find(id: id) else { return nil }
        return try keep(city, now: now, database: database)
    }

    private func keep(_ city: City, now: Double, database: Database) throws -> (city: City, catalog: SearchCatalog) {
        let catalog = try SearchCatalog.load(cityID: city.id, database: database)
        // Cities are few; still, a worker never keeps more than a few hundred.
        if entries.count >= 512 {
            entries = entries.filter { now < $0.value.expires }
            slugs = slugs.filter { entries[$0.value] != nil }
        }
        entries[city.slug] = Entry(city: city, catalog: catalog, expires: now + Self.lifetime)
        slugs[city.id] = city.slug
        return (city, catalog)
    }
}
