import Foundation
import MariaDB

extension SearchEngine {
    /// MariaDB's plan (`EXPLAIN`) for the statements a page of `request` runs: the page query
    /// with its posts (one statement) and the new-posts count. For the bench.
    public func explain(_ request: SearchRequest, now: Date = Date()) throws -> [String] {
        let since = now.addingTimeInterval(-Post.visibleFor)
        let driver = try driver(for: request, since: since)
        let plan = SearchPlan(request: request, driver: driver, since: since, walkStart: now)
        var out = ["driver term: \(driver ?? "none (browse posts)")"]
        let phase: UInt8 = request.cursor?.phase ?? 0
        for (label, sql) in [("page", plan.shown(phase: phase, after: request.cursor, limit: pageSize + 1)),
                             ("new posts", plan.newer(than: now, cap: 100))] {
            out.append("-- \(label): \(sql.text)")
            for row in try database.read("EXPLAIN " + sql) {
                let cols = ["table", "type", "key", "key_len", "rows", "Extra"]
                out.append(cols.map { c in
                    let text = (try? row.decode(c, as: String?.self)) ?? (try? row.decode(c, as: Int64?.self)).flatMap { $0.map(String.init) }
                    return "\(c)=\(text ?? "NULL")"
                }.joined(separator: "  "))
            }
        }
        return out
    }
}
