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
        let catalog = try SearchCatalog.load(cityID: city.id, database: database)
        // Cities are few; still, a worker never keeps more than a few hundred.
        if entries.count >= 512 { entries = entries.filter { now < $0.value.expires } }
        entries[slug] = Entry(city: city, catalog: catalog, expires: now + Self.lifetime)
        return (city, catalog)
    }
}
