import MariaDB

/// The categories and a city's neighbourhoods: the filter menus, and how slugs in a request
/// become ids. Read with one query per request (nothing is cached in the worker).
public struct SearchCatalog: Sendable {
    /// One menu entry.
    public struct Entry: Sendable, Equatable {
        public var id: Int64
        public var slug: String
        public var name: String
    }

    public var categories: [Entry] = []
    public var neighbourhoods: [Entry] = []

    public init(categories: [Entry] = [], neighbourhoods: [Entry] = []) {
        self.categories = categories
        self.neighbourhoods = neighbourhoods
    }

    /// Both lists for `cityID`, categories in their menu order, neighbourhoods by name.
    public static func load(cityID: Int64, database: Database) throws -> SearchCatalog {
        let rows = try database.read("""
            (SELECT 'c' AS kind, id, slug, name, sort AS pos FROM categories)
            UNION ALL
            (SELECT 'n' AS kind, id, slug, name, 0 AS pos FROM neighbourhoods WHERE city_id = \(cityID))
            ORDER BY kind, pos, name
            """)
        var catalog = SearchCatalog()
        for row in rows {
            let entry = Entry(id: try row.decode("id", as: Int64.self), slug: try row.decode("slug", as: String.self),
                              name: try row.decode("name", as: String.self))
            if try row.decode("kind", as: String.self) == "c" {
                catalog.categories.append(entry)
            } else {
                catalog.neighbourhoods.append(entry)
            }
        }
        return catalog
    }
}
