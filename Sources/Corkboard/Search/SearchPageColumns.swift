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
        (category, neighbourhood, thumb) = (try columns.position(of: "category"), try columns.position(of: "neighbourhood"),
                                            try columns.position(of: "thumb"))
    }

    /// The walk's key of `row`, and the post to show: nil when it was deleted or hidden after
    /// it was indexed. Prices are in `currency`, the city's.
    func decode(_ row: Row, currency: Currency) throws -> (key: (id: Int64, created: Date, price: Int64?), hit: SearchHit?) {
        let key = (id: try row.decode(id, as: Int64.self), created: try row.decode(created, as: Date.self),
                   price: try row.decode(price, as: Int64?.self))
        guard try row.decode(postID, as: Int64?.self) != nil else { return (key, nil) }
        let hit = SearchHit(id: key.id, title: try row.decode(title), priceMinor: try row.decode(postPrice), currency: currency,
                            category: try row.decode(category), neighbourhood: try row.decode(neighbourhood),
                            createdAt: try row.decode(postCreated),
                            thumbnail: try row.decode(thumb, as: [UInt8]?.self).map(PhotoFiles.url))
        return (key, hit)
    }
}
