import Foundation
import MariaDB

/// The columns of `SearchPlan.shown`, by position: each looked up once per result, since a
/// page decodes 25 rows of ten columns.
struct SearchPageColumns {
    let id, created, price, postID, title, postPrice, postCreated, category, neighbourhood, thumb: Int

    init(_ columns: RowDescription) throws {
        (id, created, price) = (try columns.position(of: "id"), try columns.position(of: "created_at"),
                                try columns.position(of: "price_minor"))
        (postID, title, postPrice, postCreated) = (try columns.position(of: "post_id"), try columns.position(of: "title"),
                                                   try columns.position(of: "post_price"), try columns.position(of: "post_created"))
        (category, neighbourhood, thumb) = (try columns.position(of: "category_id"), try columns.position(of: "neighbourhood_id"),
                                            try columns.position(of: "thumb"))
    }

    /// The walk's key of `row`, and the post to show: nil when it was deleted or hidden after
    /// it was indexed. Prices are in `currency`, the city's; `labels` names the category and
    /// neighbourhood.
    func decode(_ row: Row, currency: Currency, labels: SearchLabels) throws -> (key: (id: Int64, created: Date, price: Int64?), hit: SearchHit?) {
        let key = (id: try row.decode(id, as: Int64.self), created: try row.decode(created, as: Date.self),
                   price: try row.decode(price, as: Int64?.self))
        guard try row.decode(postID, as: Int64?.self) != nil else { return (key, nil) }
        let hit = SearchHit(id: key.id, title: try row.decode(title), priceMinor: try row.decode(postPrice), currency: currency,
                            category: labels.categories[try row.decode(category, as: Int64.self)] ?? "",
                            neighbourhood: try row.decode(neighbourhood, as: Int64?.self).flatMap { labels.neighbourhoods[$0] },
                            createdAt: try row.decode(postCreated),
                            thumbnail: try row.decode(thumb, as: [UInt8]?.self).map(PhotoFiles.url))
        return (key, hit)
    }

    /// The category and neighbourhood ids of the shown posts in `rows` that `labels` cannot
    /// name (none, unless an entry was added since the catalog copy was read).
    func missing(from rows: some Sequence<Row>, in labels: SearchLabels) throws -> (categories: [Int64], neighbourhoods: [Int64]) {
        var ids: (categories: [Int64], neighbourhoods: [Int64]) = ([], [])
        for row in rows where try row.decode(postID, as: Int64?.self) != nil {
            let c = try row.decode(category, as: Int64.self)
            if labels.categories[c] == nil { ids.categories.append(c) }
            if let n = try row.decode(neighbourhood, as: Int64?.self), labels.neighbourhoods[n] == nil { ids.neighbourhoods.append(n) }
        }
        return ids
    }
}

/// Names of categories and neighbourhoods by id for a list's rows: a catalog's (made once with
/// it), and what it lacks (an entry added since the worker's copy was read), read for the page.
struct SearchLabels: Sendable {
    var categories: [Int64: String] = [:]
    var neighbourhoods: [Int64: String] = [:]

    init(categories: [SearchCatalog.Entry], neighbourhoods: [SearchCatalog.Entry]) {
        for e in categories { self.categories[e.id] = e.name }
        for e in neighbourhoods { self.neighbourhoods[e.id] = e.name }
    }

    /// Reads the names of `ids` (those `SearchPageColumns.missing` found), if any: one statement.
    mutating func complete(_ ids: (categories: [Int64], neighbourhoods: [Int64]), database: Database) throws {
        guard !ids.categories.isEmpty || !ids.neighbourhoods.isEmpty else { return }
        let rows = try database.read("""
            (SELECT 'c' AS kind, id, name FROM categories WHERE id IN \(SQL.list(ids.categories + [0])))
            UNION ALL
            (SELECT 'n' AS kind, id, name FROM neighbourhoods WHERE id IN \(SQL.list(ids.neighbourhoods + [0])))
            """)
        for row in rows {
            let (id, name) = (try row.decode("id", as: Int64.self), try row.decode("name", as: String.self))
            if try row.decode("kind", as: String.self) == "c" { categories[id] = name } else { neighbourhoods[id] = name }
        }
    }
}
