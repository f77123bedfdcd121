import MariaDB

/// The choices a post refers to by slug — cities, a city's neighbourhoods, categories — and
/// their resolution to ids, with a 400 naming the field for an unknown one.
public struct PostCatalog {
    let database: Database

    public init(database: Database) { self.database = database }

    public struct Choice: Sendable {
        public var id: Int64
        public var slug: String
        public var name: String
    }

    func choices(_ sql: SQL) throws -> [Choice] {
        try database.read(sql).map {
            Choice(id: try $0.decode("id", as: Int64.self), slug: try $0.decode("slug", as: String.self),
                   name: try $0.decode("name", as: String.self))
        }
    }

    public func categories() throws -> [Choice] { try choices("SELECT id, slug, name FROM categories ORDER BY sort, name") }
    /// Every neighbourhood with its city's slug, for the form (grouped per city).
    public func neighbourhoods() throws -> [(city: String, choice: Choice)] {
        try database.read("""
            SELECT n.id, n.slug, n.name, c.slug AS city FROM neighbourhoods n JOIN cities c ON c.id = n.city_id
            ORDER BY c.name, n.name
            """).map {
            (try $0.decode("city", as: String.self),
             Choice(id: try $0.decode("id", as: Int64.self), slug: try $0.decode("slug", as: String.self),
                    name: try $0.decode("name", as: String.self)))
        }
    }

    public func cityID(_ slug: String) throws -> Int64 {
        guard let id = try choices("SELECT id, slug, name FROM cities WHERE slug = \(slug)").first?.id else {
            throw HTTPError.badRequest("There is no city “\(slug)”.", field: "city")
        }
        return id
    }

    /// The currency of the city with `id`, which a post's typed price is read in.
    public func currency(cityID: Int64) throws -> Currency {
        guard let row = try database.read("SELECT currency FROM cities WHERE id = \(cityID)").first else {
            throw HTTPError.badRequest("There is no such city.", field: "city")
        }
        return try Currency(storedCode: try row.decode("currency", as: String.self))
    }

    public func categoryID(_ slug: String) throws -> Int64 {
        guard let id = try choices("SELECT id, slug, name FROM categories WHERE slug = \(slug)").first?.id else {
            throw HTTPError.badRequest("There is no category “\(slug)”.", field: "category")
        }
        return id
    }

    public func neighbourhoodID(_ slug: String, cityID: Int64) throws -> Int64 {
        guard let id = try choices("SELECT id, slug, name FROM neighbourhoods WHERE city_id = \(cityID) AND slug = \(slug)").first?.id else {
            throw HTTPError.badRequest("There is no neighbourhood “\(slug)” in this city.", field: "neighbourhood")
        }
        return id
    }
}
