import Foundation
import MariaDB

extension SearchEngine {
    /// MariaDB's plan (`EXPLAIN`) for the statement a page of `request` runs: the page query
    /// with its posts and, on a later page, the new-posts count (one statement). For the bench.
    public func explain(_ request: SearchRequest, now: Date = Date()) throws -> [String] {
        let since = now.addingTimeInterval(-Post.visibleFor)
        let driver = try driver(for: request, since: since, now: now)
        let plan = SearchPlan(request: request, driver: driver, since: since, walkStart: now)
        var out = ["driver term: \(driver ?? "none (browse posts)")"]
        let phase: UInt8 = request.cursor?.phase ?? 0
        let sql = plan.shown(phase: phase, after: request.cursor, limit: pageSize + 1,
                             newerCap: request.cursor == nil ? nil : Self.newerCap, explain: true)
        out.append("-- page: \(sql.text)")
        for row in try database.read(sql) {
            let cols = ["select_type", "table", "type", "key", "key_len", "rows", "Extra"]
            out.append(cols.map { c in
                let text = (try? row.decode(c, as: String?.self)) ?? (try? row.decode(c, as: Int64?.self)).flatMap { $0.map(String.init) }
                return "\(c)=\(text ?? "NULL")"
            }.joined(separator: "  "))
        }
        return out
    }
}
