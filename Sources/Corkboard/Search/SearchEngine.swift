import Foundation
import MariaDB

/// One post in a list, as the list and the API show it.
public struct SearchHit: Sendable, Encodable {
    public var id: Int64
    public var title: String
    /// In the minor unit of `currency`, the city's.
    public var priceMinor: Int64?
    public var currency: Currency
    public var category: String
    public var neighbourhood: String?
    public var createdAt: Date
    /// The first photo's thumbnail path under /images/, when the post has photos.
    public var thumbnail: String?
}

/// One page of a list.
public struct SearchPage: Sendable {
    public var hits: [SearchHit] = []
    /// Where the next page starts; nil on the last page.
    public var next: SearchCursor?
    /// On a later page: how many matching posts arrived since the walk began (capped at 100).
    public var newPosts: Int?
}

/// Runs list requests: picks the driving term, then walks pages in index order, each page
/// joined to the shown posts by primary key in the same statement. Reads only (the router may
/// send them to a replica).
public struct SearchEngine {
    let database: Database
    let pageSize: Int
    /// A worker's recent term counts (nil: count on every request).
    let termCounts: TermCounts?
    /// Terms are counted up to this many matches to pick the rarest as the driver. The counting
    /// is most of a multi-term query's cost (a Korean word is two or more pieces): at 2000 the
    /// Korean bench query ran at ~900 req/s, at 1000 at ~1,130. Below the cap the choice is
    /// exact; above it, by how far back the newest `countCap` matches reach (`estimate`).
    static let countCap = 1000
    /// The "N new posts" line counts up to this many.
    static let newerCap = 100

    public init(database: Database, pageSize: Int, termCounts: TermCounts? = nil) {
        self.database = database
        self.pageSize = pageSize
        self.termCounts = termCounts
    }

    public func run(_ request: SearchRequest, now: Date = Date()) throws -> SearchPage {
        if request.query.matchesNothing { return SearchPage() }
        let weekAgo = now.addingTimeInterval(-Post.visibleFor)
        let since = request.today ? max(weekAgo, request.midnight(now: now)) : weekAgo
        let walkStart = request.cursor.map { Date(microseconds: $0.walkStart) } ?? now
        let plan = SearchPlan(request: request, driver: try driver(for: request, since: since, now: now), since: since, walkStart: walkStart)

        // Every key the walk took counts for the page and the cursor, shown or not.
        var taken = 0
        var last: (id: Int64, created: Date, price: Int64?, phase: UInt8)?
        var hits: [SearchHit] = []
        hits.reserveCapacity(pageSize)
        // Price orders walk the priced posts, then (without a price filter) the unpriced ones.
        let phases: [UInt8] = request.sort.isPrice && request.minPrice == nil && request.maxPrice == nil ? [0, 1] : [0]
        var more = false
        var nextPhaseStart: UInt8?
        var entries = request.catalog.byID
        // A later page's new-posts count, read with the first rows.
        var newer: Int64?
        for phase in phases where phase >= (request.cursor?.phase ?? 0) {
            let want = pageSize - taken
            guard want > 0 else {
                // The page filled up exactly at the end of the previous phase.
                if try !database.read(plan.page(phase: phase, after: nil, limit: 1)).isEmpty {
                    more = true
                    nextPhaseStart = phase
                }
                break
            }
            let count = request.cursor != nil && newer == nil
            let rows = try database.read(plan.shown(phase: phase, after: request.cursor, limit: want + 1,
                                                    newerCap: count ? Self.newerCap : nil))
            if let description = rows.first?.rowDescription {
                if count { newer = try rows[0].decode("newer", as: Int64.self) }
                let columns = try SearchPageColumns(description)
                try entries.complete(try columns.missing(from: rows.prefix(want), in: entries), database: database)
                for row in rows.prefix(want) {
                    let (key, hit) = try columns.decode(row, currency: request.city.currency, entries: entries)
                    last = (key.id, key.created, key.price, phase)
                    if let hit { hits.append(hit) }
                }
            }
            taken += min(rows.count, want)
            if rows.count > want {
                more = true
                break
            }
        }
        var next: SearchCursor?
        if more, let last {
            let fingerprint = request.fingerprint
            if let phase = nextPhaseStart {
                next = SearchCursor(phase: phase, walkStart: walkStart.microseconds, key: 0, postID: Int64.max,
                                    fingerprint: fingerprint, sort: request.sort)
            } else {
                let key = request.sort.isPrice && last.phase == 0 ? last.price ?? 0 : last.created.microseconds
                next = SearchCursor(phase: last.phase, walkStart: walkStart.microseconds, key: key, postID: last.id,
                                    fingerprint: fingerprint, sort: request.sort)
            }
        }
        var page = SearchPage(hits: hits, next: next)
        if request.cursor != nil {
            if newer == nil {   // the page showed nothing: counted on its own
                newer = try database.read(plan.newer(than: walkStart, cap: Self.newerCap)).first?.decode("n", as: Int64.self)
            }
            page.newPosts = Int(newer ?? 0)
        }
        return page
    }

    /// The required term with the fewest matches in this city since `since` (exact up to `cap`,
    /// estimated past it); the counts come through `termCounts` when the engine has them (a
    /// worker's). The walk reads the driver's keys newest first until a page of them has every
    /// other term too, so the rarer the driver, the fewer keys it reads for a page.
    func driver(for request: SearchRequest, since: Date, now: Date, cap: Int = countCap) throws -> String? {
        let terms = request.query.required
        guard terms.count > 1 else { return terms.first }
        let counts = try termCounts.map { try $0.counts(city: request.city.id, terms: terms) { try count($0, request, since: since, now: now, cap: cap) } }
            ?? count(terms, request, since: since, now: now, cap: cap)
        var best = (index: 0, count: Int64.max)
        for (i, n) in counts.enumerated() where n < best.count { best = (i, n) }
        return terms[best.index]
    }

    /// How many matches each of `terms` has in the request's city since `since`, in one
    /// statement that reads at most `cap` keys a term, newest first: exact below `cap`,
    /// `estimate`d from the oldest of those keys at it.
    func count(_ terms: [String], _ request: SearchRequest, since: Date, now: Date, cap: Int) throws -> [Int64] {
        var parts: [SQL] = []
        for (i, term) in terms.enumerated() {
            parts.append("""
                SELECT \(i) AS i, COUNT(*) AS n, MIN(created_at) AS oldest FROM (SELECT created_at FROM search_terms
                WHERE city_id = \(request.city.id) AND term = \(SearchText.hash(term)) AND created_at > \(since)
                ORDER BY created_at DESC LIMIT \(cap)) z\(unsafeSQL: String(i))
                """)
        }
        var counts = [Int64](repeating: Int64.max, count: terms.count)
        for row in try database.read(SQL.joined(parts, separator: " UNION ALL ")) {
            let i = Int(try row.decode("i", as: Int64.self))
            guard counts.indices.contains(i) else { continue }
            counts[i] = Self.estimate(count: try row.decode("n", as: Int64.self), oldest: try row.decode("oldest", as: Date?.self),
                                      since: since, now: now, cap: cap)
        }
        return counts
    }

    /// A term's matches since `since`, from the `count` newest (at most `cap`) of which `oldest`
    /// is the oldest: `count` itself below the cap; at it, scaled from the time those matches
    /// span to the whole window, as the walk meets them. Every common word used to count as the
    /// cap, and on a tie the query's first word drove: `vintage lamp` read twice the keys of
    /// `lamp vintage` in the 1 M-post city, and cost the replica three times as much.
    static func estimate(count: Int64, oldest: Date?, since: Date, now: Date, cap: Int) -> Int64 {
        guard count >= cap, let oldest else { return count }
        let reached = now.timeIntervalSince(oldest)
        let window = now.timeIntervalSince(since)
        // Matches stamped at or after `now` (another host's clock): as dense as it gets.
        guard reached > 0 else { return Self.densest }
        return Int64(min(max(Double(count) * window / reached, Double(count)), Double(Self.densest)))
    }

    /// The largest estimate: far above any real count, far below `Int64.max` (no term's count).
    static let densest: Int64 = 1 << 50
}
