import MariaDB

/// The categories and a city's neighbourhoods: the filter menus, how slugs in a request become
/// ids, and the names lists and post pages show. Read with one query; each worker keeps a copy
/// for a few seconds (`CityCatalogCache`).
public struct SearchCatalog: Sendable {
    /// One menu entry.
    public struct Entry: Sendable, Equatable {
        public var id: Int64
        public var slug: String
        public var name: String
    }

    public let categories: [Entry]
    public let neighbourhoods: [Entry]
    /// Both lists' names by id, made once per catalog: lists name their posts' entries with it.
    let labels: SearchLabels

    public init(categories: [Entry] = [], neighbourhoods: [Entry] = []) {
        self.categories = categories
        self.neighbourhoods = neighbourhoods
        labels = SearchLabels(categories: categories, neighbourhoods: neighbourhoods)
    }

    /// Both lists for `cityID`, categories in their menu order, neighbourhoods by name.
    public static func load(cityID: Int64, database: Database) throws -> SearchCatalog {
        let rows = try database.read("""
            (SELECT 'c' AS kind, id, slug, name, sort AS pos FROM categories)
            UNION ALL
            (SELECT 'n' AS kind, id, slug, name, 0 AS pos FROM neighbourhoods WHERE city_id = \(cityID))
            ORDER BY kind, pos, name
            """)
        var (categories, neighbourhoods): ([Entry], [Entry]) = ([], [])
        for row in rows {
            let entry = Entry(id: try row.decode("id", as: Int64.self), slug: try row.decode("slug", as: String.self),
                              name: try row.decode("name", as: String.self))
            if try row.decode("kind", as: String.self) == "c" {
                categories.append(entry)
            } else {
                neighbourhoods.append(entry)
            }
        }
        return SearchCatalog(categories: categories, neighbourhoods: neighbourhoods)
    }
}
