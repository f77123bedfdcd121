import Foundation
import MariaDB

/// The most searched terms of the last 10 minutes and each one's 24-hour mean, for /metrics,
/// kept in MariaDB (sql/0012) so every worker and host counts into the same figures.
///
/// Bounded: a term is normalised (`SearchText.normalized`) and cut to 64 characters; a client
/// is a keyed hash of its address; hits stay per client only for the recent window, then are
/// folded into per-term 10-minute buckets (at most `foldLimit` terms per fold), kept 24 hours.
/// A term is reported only once `minClients` distinct clients searched it in the window.
public struct SearchTermStats {
    let database: Database
    /// Terms reported at most.
    public static let top = 20
    /// The recent window, and the width of a bucket.
    public static let window: TimeInterval = 600
    /// How far back the baseline looks.
    public static let baselineSpan: TimeInterval = 86_400
    /// Terms kept per folded bucket (the most searched).
    static let foldLimit = 1000

    public init(database: Database) { self.database = database }

    /// One reported term.
    public struct Term: Equatable, Sendable {
        public var term: String
        /// Searches in the recent window.
        public var recent: Int
        /// Mean searches per window over the baseline span.
        public var baseline: Double
    }

    /// The stored form of a query's text; nil when nothing is left to count.
    public static func term(_ text: String) -> String? {
        let t = String(SearchText.normalized(text).prefix(64))
        return t.isEmpty ? nil : t
    }

    /// The hash a client is counted under (8 bytes of an HMAC of its address).
    public static func client(_ address: String, key: HMACSHA256) -> [UInt8] {
        Array(key.mac(Array("search-term-client:\(address)".utf8)).prefix(8))
    }

    /// Adds counted searches, each row `(minute, term, client, searches)` (`SearchTermBuffer`
    /// collects them per worker). Bookkeeping the client never reads back, so it does not make
    /// its next reads causal.
    func record(_ rows: [SQL]) throws {
        guard !rows.isEmpty else { return }
        try database.write("INSERT INTO search_term_hits (minute, term, client, searches) VALUES "
            + SQL.joined(rows, separator: ", ") + " ON DUPLICATE KEY UPDATE searches = searches + VALUES(searches)",
            readYourWrites: false)
    }

    /// Folds hits older than the recent window into buckets, one bucket per short transaction
    /// (at most `foldLimit` terms each), and drops buckets past the baseline span; only whole
    /// buckets are folded, each once. Idempotent; run by the purge job (`OldPostPurge`), not on
    /// the request path: `top` reads unfolded hits too, so how often it runs changes no figure.
    /// Returns the buckets folded.
    @discardableResult
    public func prune(now: Date = Date()) throws -> Int {
        let cutoff = Self.floor(now.addingTimeInterval(-Self.window), Self.window)
        let buckets = try database.readPrimary("""
            SELECT DISTINCT minute - INTERVAL (MINUTE(minute) MOD 10) MINUTE AS b FROM search_term_hits WHERE minute < \(cutoff) ORDER BY b
            """).map { try $0.decode("b", as: Date.self) }
        for bucket in buckets {
            let end = bucket.addingTimeInterval(Self.window)
            try database.transaction { tx in
                try tx.execute("""
                    INSERT INTO search_term_buckets (bucket, term, searches)
                    SELECT \(bucket), term, SUM(searches) AS n FROM search_term_hits
                    WHERE minute >= \(bucket) AND minute < \(end) GROUP BY term ORDER BY n DESC LIMIT \(Self.foldLimit)
                    ON DUPLICATE KEY UPDATE searches = search_term_buckets.searches + VALUES(searches)
                    """)
                try tx.execute("DELETE FROM search_term_hits WHERE minute >= \(bucket) AND minute < \(end)")
            }
        }
        try database.write("DELETE FROM search_term_buckets WHERE bucket < \(now.addingTimeInterval(-Self.baselineSpan))",
                           readYourWrites: false)
        return buckets.count
    }

    /// The top terms of the recent window searched by at least `minClients` clients, most
    /// searched first, with their baselines.
    public func top(minClients: Int, now: Date = Date()) throws -> [Term] {
        let since = Self.floor(now, 60).addingTimeInterval(-Self.window + 60)
        let rows = try database.read("""
            SELECT term, CAST(SUM(searches) AS SIGNED) AS n, COUNT(DISTINCT client) AS clients FROM search_term_hits
            WHERE minute >= \(since) GROUP BY term HAVING clients >= \(minClients)
            ORDER BY n DESC, term LIMIT \(Self.top)
            """)
        var terms = try rows.map { Term(term: try $0.decode("term", as: String.self), recent: Int(try $0.decode("n", as: Int64.self)), baseline: 0) }
        guard !terms.isEmpty else { return [] }
        // Folded buckets plus the hits not folded yet (at most two windows' worth).
        let names = terms.map(\.term)
        let from = now.addingTimeInterval(-Self.baselineSpan)
        var totals: [String: Int64] = [:]
        for name in names {
            let row = try database.read("""
                SELECT CAST((SELECT COALESCE(SUM(searches), 0) FROM search_term_buckets WHERE term = \(name) AND bucket >= \(from))
                     + (SELECT COALESCE(SUM(searches), 0) FROM search_term_hits WHERE term = \(name)) AS SIGNED) AS n
                """).first
            totals[name] = try row?.decode("n", as: Int64.self) ?? 0
        }
        for i in terms.indices {
            terms[i].baseline = Double(totals[terms[i].term] ?? 0) / (Self.baselineSpan / Self.window)
        }
        return terms
    }

    static func floor(_ date: Date, _ step: TimeInterval) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / step).rounded(.down) * step)
    }
}
