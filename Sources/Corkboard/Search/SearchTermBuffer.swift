import Foundation
import Logging
import MariaDB

/// One worker's search-term counts not yet written to `search_term_hits`: a search with a
/// query adds to it in memory, and the counts go to the primary in one statement when they are
/// `flushInterval` old or `maxKeys` distinct, from the worker's idle hook (after the response
/// went out) and when the worker stops. A write per search would put a primary round trip on
/// every search's path; the gauges it feeds look at 10-minute windows, so a few seconds' delay
/// changes nothing they show.
///
/// One worker thread uses it; not `Sendable`.
public final class SearchTermBuffer {
    /// How long counts wait at most (while the worker runs).
    public static let flushInterval: Double = 5
    /// Distinct (minute, term, client) keys that make a flush due at once.
    public static let maxKeys = 256

    struct Key: Hashable, Comparable {
        var minute: Date
        var term: String
        var client: [UInt8]

        /// The table's primary key order (minute, term, client).
        static func < (a: Key, b: Key) -> Bool {
            if a.minute != b.minute { return a.minute < b.minute }
            if a.term != b.term { return a.term < b.term }
            return a.client.lexicographicallyPrecedes(b.client)
        }
    }

    private var counts: [Key: Int] = [:]
    private var oldest: Double?
    let clock: () -> Double

    public init(clock: @escaping () -> Double = Monotonic.seconds) {
        self.clock = clock
    }

    /// Distinct keys waiting.
    public var pending: Int { counts.count }

    /// Counts one search of `term` by `client` (see `SearchTermStats.term` and `.client`).
    public func add(term: String, client: [UInt8], now: Date = Date()) {
        counts[Key(minute: SearchTermStats.floor(now, 60), term: term, client: client), default: 0] += 1
        if oldest == nil { oldest = clock() }
    }

    /// Whether the counts should be written now (old enough, or enough of them).
    public var isDue: Bool {
        guard let oldest else { return false }
        return counts.count >= Self.maxKeys || clock() - oldest >= Self.flushInterval
    }

    /// Writes the counts if they are due (the idle hook).
    public func flushIfDue(_ database: Database, logger: Logger) {
        if isDue { flush(database, logger: logger) }
    }

    /// Writes every waiting count in one statement, its rows in key order: every worker then
    /// locks the keys they share in the same order (in a dictionary's order, which differs per
    /// process, two workers' flushes deadlocked). The counts are bookkeeping: when the write
    /// fails (the primary is down) they are logged as lost rather than kept, so a long outage
    /// cannot grow the buffer.
    public func flush(_ database: Database, logger: Logger) {
        guard !counts.isEmpty else { return }
        let rows = counts.sorted { $0.key < $1.key }.map { key, n -> SQL in "(\(key.minute), \(key.term), \(key.client), \(n))" }
        let keys = counts.count
        counts.removeAll(keepingCapacity: true)
        oldest = nil
        do {
            try SearchTermStats(database: database).record(rows)
        } catch {
            logger.notice("search terms not counted", metadata: ["keys": "\(keys)", "error": "\(String(reflecting: error))"])
        }
    }
}
