import Foundation
import Logging
import MariaDB

/// Operator jobs on the search index: rebuild it after a bulk import (`corkboard search
/// reindex`) and drop the rows of expired posts (`corkboard search prune`). Both work in short
/// transactions of `batch` posts, so the replicas never fall far behind.
public struct SearchMaintenance {
    let database: Database
    let logger: Logger
    let batch = 500

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Re-indexes every post (of one city when `citySlug` is given): visible ones are written
    /// again, deleted or expired ones lose their rows. Returns the number of posts looked at.
    @discardableResult
    public func reindex(citySlug: String? = nil) throws -> Int {
        var cityID: Int64?
        if let citySlug {
            guard let city = try CityStore(database: database).find(slug: citySlug) else {
                throw HTTPError.notFound("There is no city `\(citySlug)`.")
            }
            cityID = city.id
        }
        var last: Int64 = 0
        var total = 0
        while true {
            let cityFilter: SQL = cityID.map { "AND city_id = \($0)" } ?? ""
            let ids = try database.readPrimary("""
                SELECT id FROM posts WHERE id > \(last) \(cityFilter)
                ORDER BY id LIMIT \(batch)
                """).map { try $0.decode("id", as: Int64.self) }
            guard let maxID = ids.last else { break }
            try database.transaction { try SearchIndex.index(postIDs: ids, on: $0) }
            total += ids.count
            last = maxID
            if total % 10_000 < batch { logger.info("reindexed", metadata: ["posts": "\(total)"]) }
        }
        logger.info("reindex done", metadata: ["posts": "\(total)", "city": "\(citySlug ?? "all")"])
        return total
    }

    /// Removes the index rows of posts older than the visible window plus a day; returns the count.
    @discardableResult
    public func prune(now: Date = Date()) throws -> Int {
        let cutoff = now.addingTimeInterval(-Post.visibleFor - 86_400)
        var total = 0
        while true {
            let ids = try database.readPrimary("""
                SELECT post_id FROM search_docs WHERE created_at < \(cutoff) ORDER BY created_at LIMIT \(batch)
                """).map { try $0.decode("post_id", as: Int64.self) }
            if ids.isEmpty { break }
            try database.transaction { try SearchIndex.remove(postIDs: ids, on: $0) }
            total += ids.count
        }
        logger.info("prune done", metadata: ["posts": "\(total)"])
        return total
    }
}
