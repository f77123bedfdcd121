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

        public init(id: Int64, slug: String, name: String) {
            (self.id, self.slug, self.name) = (id, slug, name)
        }

        /// The entry in a row's `id`, `slug` and `name` columns.
        init(row: Row) throws {
            self.init(id: try row.decode("id", as: Int64.self), slug: try row.decode("slug", as: String.self),
                      name: try row.decode("name", as: String.self))
        }
    }

    public let categories: [Entry]
    public let neighbourhoods: [Entry]
    /// Both lists' entries by id, made once per catalog: lists and post pages name their
    /// posts' category and neighbourhood with it.
    let byID: ByID
    /// Both menus' options, none selected, in list order (`SearchFormView.option`): made once
    /// per catalog, since every list page's search form draws them all.
    let options: (categories: [HTML], neighbourhoods: [HTML])

    public init(categories: [Entry] = [], neighbourhoods: [Entry] = []) {
        self.categories = categories
        self.neighbourhoods = neighbourhoods
        byID = ByID(categories: categories, neighbourhoods: neighbourhoods)
        options = (categories.map { SearchFormView.option($0, selected: false) },
                   neighbourhoods.map { SearchFormView.option($0, selected: false) })
    }

    /// Categories and neighbourhoods by id: a catalog's (made once with it), and, for a list,
    /// the entries it lacks (added since the worker's copy was read), read for the page.
    struct ByID: Sendable {
        var categories: [Int64: Entry] = [:]
        var neighbourhoods: [Int64: Entry] = [:]

        init(categories: [Entry], neighbourhoods: [Entry]) {
            for e in categories { self.categories[e.id] = e }
            for e in neighbourhoods { self.neighbourhoods[e.id] = e }
        }

        /// Reads the entries of `ids` (those `SearchPageColumns.missing` found), if any: one
        /// statement.
        mutating func complete(_ ids: (categories: [Int64], neighbourhoods: [Int64]), database: Database) throws {
            guard !ids.categories.isEmpty || !ids.neighbourhoods.isEmpty else { return }
            let rows = try database.read("""
                (SELECT 'c' AS kind, id, slug, name FROM categories WHERE id IN \(SQL.list(ids.categories + [0])))
                UNION ALL
                (SELECT 'n' AS kind, id, slug, name FROM neighbourhoods WHERE id IN \(SQL.list(ids.neighbourhoods + [0])))
                """)
            for row in rows {
                let entry = try Entry(row: row)
                if try row.decode("kind", as: String.self) == "c" {
                    categories[entry.id] = entry
                } else {
                    neighbourhoods[entry.id] = entry
                }
            }
        }
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
            let entry = try Entry(row: row)
            if try row.decode("kind", as: String.self) == "c" {
                categories.append(entry)
            } else {
                neighbourhoods.append(entry)
            }
        }
        return SearchCatalog(categories: categories, neighbourhoods: neighbourhoods)
    }
}
