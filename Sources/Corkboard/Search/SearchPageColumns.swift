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
    /// it was indexed. Prices are in `currency`, the city's; `entries` names the category and
    /// neighbourhood.
    func decode(_ row: Row, currency: Currency, entries: SearchCatalog.ByID) throws -> (key: (id: Int64, created: Date, price: Int64?), hit: SearchHit?) {
        let key = (id: try row.decode(id, as: Int64.self), created: try row.decode(created, as: Date.self),
                   price: try row.decode(price, as: Int64?.self))
        guard try row.decode(postID, as: Int64?.self) != nil else { return (key, nil) }
        let hit = SearchHit(id: key.id, title: try row.decode(title), priceMinor: try row.decode(postPrice), currency: currency,
                            category: entries.categories[try row.decode(category, as: Int64.self)]?.name ?? "",
                            neighbourhood: try row.decode(neighbourhood, as: Int64?.self).flatMap { entries.neighbourhoods[$0]?.name },
                            createdAt: try row.decode(postCreated),
                            thumbnail: try row.decode(thumb, as: [UInt8]?.self).map(PhotoFiles.url))
        return (key, hit)
    }

    /// The category and neighbourhood ids of the shown posts in `rows` that `entries` cannot
    /// name (none, unless an entry was added since the catalog copy was read).
    func missing(from rows: some Sequence<Row>, in entries: SearchCatalog.ByID) throws -> (categories: [Int64], neighbourhoods: [Int64]) {
        var ids: (categories: [Int64], neighbourhoods: [Int64]) = ([], [])
        for row in rows where try row.decode(postID, as: Int64?.self) != nil {
            let c = try row.decode(category, as: Int64.self)
            // `index(forKey:)`: asking `[key] == nil` copied each entry out (its two strings) to compare it.
            if entries.categories.index(forKey: c) == nil { ids.categories.append(c) }
            if let n = try row.decode(neighbourhood, as: Int64?.self), entries.neighbourhoods.index(forKey: n) == nil {
                ids.neighbourhoods.append(n)
            }
        }
        return ids
    }
}
