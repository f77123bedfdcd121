import FastCGI
import Foundation
import MariaDB

/// One worker's cache of finished list pages (a city's listing and searches, HTML and JSON),
/// keyed by the request's path and query, each kept at most `ttl` seconds (`list_cache_ms`, at
/// most 2 s): most of a city's traffic is the same few first pages, and a new post may take that
/// long to appear in them.
///
/// - Any change to an existing post (edit, delete, hide) bumps its city's generation
///   (`PostVisibility`), and an entry of an older generation is dead at once, in every worker.
/// - A client with a causal token (it wrote lately) neither reads nor fills the cache, so a
///   poster sees their own new post at once.
/// - The generation is read before the page's database reads, so a fill racing a change is
///   dropped; and a city changed within the replica-lag window is not cached at all, so a
///   lagging replica's older page is never kept (it is served once, as without the cache).
///
/// One worker thread uses it; not `Sendable`.
public final class ListingCache {
    struct Entry {
        var response: FastCGIResponse
        var city: Int64
        var generation: UInt64
        var expires: Double
        /// The search term the page counts on every view (nil: counts none).
        var term: String?
    }

    /// Seconds an entry lives (0: the cache is off).
    public let ttl: Double
    public let maxEntries: Int
    public let maxBytes: Int
    let generations: GenerationTable
    /// How long after a city's change a replica may still lack it (see `HotPostReader`).
    let refillWindow: Double
    let clock: () -> Double
    private var entries: [String: Entry] = [:]
    public private(set) var bytes = 0

    public init(ttl: Double, maxEntries: Int = 256, maxBytes: Int = 4 << 20, generations: GenerationTable,
                refillWindow: Double, clock: @escaping () -> Double = Monotonic.seconds) {
        self.ttl = max(0, ttl)
        self.maxEntries = maxEntries
        self.maxBytes = maxBytes
        self.generations = generations
        self.refillWindow = refillWindow
        self.clock = clock
    }

    public var count: Int { entries.count }

    /// The cached page for `key` and the term it counts, if it is young and of its city's
    /// current generation.
    public func get(_ key: String) -> (response: FastCGIResponse, term: String?)? {
        guard let entry = entries[key] else { return nil }
        guard clock() < entry.expires, generations.generation(ofCity: entry.city) == entry.generation else {
            remove(key)
            return nil
        }
        return (entry.response, entry.term)
    }

    /// The city's generation now: read it before the page's database reads, for `put`.
    public func generation(city: Int64) -> UInt64 { generations.generation(ofCity: city) }

    /// Keeps `response` for `key` unless the city changed since `generation` was read or within
    /// the replica-lag window. Full: expired entries go first, then everything (entries live
    /// two seconds at most, so nothing of value is lost).
    public func put(_ key: String, _ response: FastCGIResponse, city: Int64, generation: UInt64, term: String?) {
        let size = response.body.count + key.utf8.count
        guard ttl > 0, size <= maxBytes / 8, generations.generation(ofCity: city) == generation,
              !generations.invalidatedRecently(city: city, within: refillWindow) else { return }
        remove(key)
        let now = clock()
        if entries.count >= maxEntries || bytes + size > maxBytes {
            for (k, e) in entries where e.expires <= now { remove(k) }
            if entries.count >= maxEntries || bytes + size > maxBytes { removeAll() }
        }
        entries[key] = Entry(response: response, city: city, generation: generation, expires: now + ttl, term: term)
        bytes += size
    }

    public func removeAll() {
        entries.removeAll(keepingCapacity: true)
        bytes = 0
    }

    private func remove(_ key: String) {
        guard let old = entries.removeValue(forKey: key) else { return }
        bytes -= old.response.body.count + key.utf8.count
    }
}
