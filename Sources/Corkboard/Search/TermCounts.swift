import MariaDB

/// One worker's recent counts of a city's matches per search term (exact up to
/// `SearchEngine.countCap`, estimated past it), for choosing which term of a multi-term search
/// drives the walk.
/// Counting was most of such a search's database work (a Korean word is two or more pieces, each
/// counted up to the cap on every request), yet a count only decides speed, never the result:
/// any required term may drive, since the others are checked for every post the walk reads. So
/// a count a minute old serves as well as a fresh one.
///
/// One worker thread uses it; not `Sendable`.
public final class TermCounts {
    struct Key: Hashable {
        var city: Int64
        var term: String
    }

    /// Seconds a count is used.
    public let ttl: Double
    public let maxEntries: Int
    let clock: () -> Double
    private var counts: [Key: (count: Int64, expires: Double)] = [:]

    public init(ttl: Double = 60, maxEntries: Int = 4096, clock: @escaping () -> Double = Monotonic.seconds) {
        self.ttl = ttl
        self.maxEntries = maxEntries
        self.clock = clock
    }

    /// The counts of `terms` in `city`: those this worker knows, and `count` asked for the rest
    /// (it gets them in `terms`' order and answers one count each).
    func counts(city: Int64, terms: [String], count: ([String]) throws -> [Int64]) rethrows -> [Int64] {
        let now = clock()
        var known: [Int64?] = terms.map { term in
            counts[Key(city: city, term: term)].flatMap { $0.expires > now ? $0.count : nil }
        }
        let missing = terms.indices.filter { known[$0] == nil }
        if !missing.isEmpty {
            let fresh = try count(missing.map { terms[$0] })
            if counts.count + missing.count > maxEntries { counts.removeAll(keepingCapacity: true) }
            for (i, n) in zip(missing, fresh) {
                known[i] = n
                counts[Key(city: city, term: terms[i])] = (n, now + ttl)
            }
        }
        return known.map { $0 ?? Int64.max }
    }
}
