import MariaDB
import Foundation

/// An in-process cache of hot items (posts) keyed by id, bounded in entries and bytes, with a
/// TTL, whose entries die as soon as the item's generation in a `GenerationTable` moves.
///
/// A segmented LRU: a new entry joins the probation segment; a hit there moves it to the
/// protected one, which holds at most `protectedShare` of the entries (its least recently used
/// go back to the front of probation). Evictions take probation's least recently used first.
/// Views of a city's posts have a long tail: most posts are viewed once in a while, and under a
/// plain LRU each of them pushed out a post that was viewed again and again. With the mixed
/// load's views (Zipf, s = 1.1, over a million posts) and 2,000 entries, a worker's hit rate
/// rose from 65% to 71% (a simulation of the same views gave 64.8% and 71.3%; keeping the
/// 2,000 most viewed would give 73.2%).
///
/// Why generations: any worker on the host that edits or deletes an item bumps its
/// generation in shared memory; every other worker compares the generation stored with its
/// entry on each hit, so no worker serves the old copy after the edit committed. The TTL bounds
/// staleness for edits made on other hosts. `put` takes the generation read *before* the
/// database read that produced the value, so a refill racing an edit is dropped on the next hit.
///
/// One worker thread uses it; not `Sendable`.
public final class HotCache<Value> {
    final class Node {
        let key: Int64
        var value: Value
        var bytes: Int
        var generation: UInt64
        var expires: Double
        /// In the protected segment (else in probation).
        var protected = false
        var prev: Node?
        var next: Node?
        init(key: Int64, value: Value, bytes: Int, generation: UInt64, expires: Double) {
            self.key = key
            self.value = value
            self.bytes = bytes
            self.generation = generation
            self.expires = expires
        }
    }

    public let maxEntries: Int
    public let maxBytes: Int
    public let ttl: Double
    public let generations: GenerationTable
    /// Hits, misses, evictions… (shared counters in a pool).
    public var counters: CacheCounters?
    let clock: () -> Double

    /// One segment's entries, most recently used first.
    struct Segment {
        var head: Node?
        var tail: Node?
        var count = 0
    }

    /// The protected segment's most entries, as a share of `maxEntries`.
    static var protectedShare: Double { 0.8 }

    private var nodes: [Int64: Node] = [:]
    private var probation = Segment()
    private var protected = Segment()
    private let maxProtected: Int
    public private(set) var bytes = 0

    public init(maxEntries: Int, maxBytes: Int, ttl: Double, generations: GenerationTable,
                counters: CacheCounters? = nil, clock: @escaping () -> Double = Monotonic.seconds) {
        self.maxEntries = max(0, maxEntries)
        self.maxBytes = max(0, maxBytes)
        maxProtected = Int(Double(max(0, maxEntries)) * Self.protectedShare)
        self.ttl = ttl
        self.generations = generations
        self.counters = counters
        self.clock = clock
    }

    public var count: Int { nodes.count }

    /// The cached value, if present, younger than the TTL and of the item's current generation.
    public func get(_ key: Int64) -> Value? {
        guard let node = nodes[key] else {
            counters?.miss()
            return nil
        }
        if clock() >= node.expires {
            // A protected entry keeps its place for the refill (`put`): else every popular
            // post would start over in probation each TTL.
            if !node.protected { remove(node) }
            counters?.expired()
            counters?.miss()
            return nil
        }
        if generations.generation(of: key) != node.generation {
            remove(node)
            counters?.stale()
            counters?.miss()
            return nil
        }
        if node.protected {
            moveToFront(node, in: &protected)
        } else {
            promote(node)
        }
        counters?.hit()
        return node.value
    }

    /// Stores `value` (about `bytes` big) as of `generation`, which the caller read with
    /// `generation(of:)` before fetching the value, into probation (into the protected segment
    /// when it refills a protected entry whose TTL ran out). Evicts least recently used entries,
    /// probation's first, to stay within both bounds; a value larger than `maxBytes` is not
    /// cached.
    public func put(_ key: Int64, _ value: Value, bytes: Int, generation: UInt64) {
        var refill = false
        if let old = nodes[key] {
            refill = old.protected
            remove(old)
        }
        guard maxEntries > 0, bytes <= maxBytes, generation == generations.generation(of: key) else { return }
        let node = Node(key: key, value: value, bytes: bytes, generation: generation, expires: clock() + ttl)
        nodes[key] = node
        self.bytes += bytes
        node.protected = refill
        if refill {
            pushFront(node, in: &protected)
        } else {
            pushFront(node, in: &probation)
        }
        while nodes.count > maxEntries || self.bytes > maxBytes, let victim = victim(sparing: node) {
            remove(victim)
            counters?.evicted()
        }
    }

    /// The entry to evict next: probation's least recently used, else the protected one's;
    /// never `kept` (the entry just stored, at the head of its segment).
    private func victim(sparing kept: Node) -> Node? {
        if let last = probation.tail, last !== kept { return last }
        if let last = protected.tail, last !== kept { return last }
        return nil
    }

    /// The item's generation now; read it before fetching a value to `put`.
    public func generation(of key: Int64) -> UInt64 { generations.generation(of: key) }

    /// Drops `key` here and bumps its generation, so every worker on the host drops it too.
    /// Call after the change committed.
    public func invalidate(_ key: Int64) {
        if let node = nodes[key] { remove(node) }
        generations.bump(key)
        counters?.invalidated()
    }

    /// Whether `key` was invalidated within the last `seconds` (on this host): a refill then
    /// must not come from a replica that may not have the change yet.
    public func invalidatedRecently(_ key: Int64, within seconds: Double) -> Bool {
        generations.invalidatedRecently(key, within: seconds)
    }

    /// Empties the cache (not the generations).
    public func removeAll() {
        nodes.removeAll()
        probation = Segment()
        protected = Segment()
        bytes = 0
    }

    /// Entries in the protected segment (tests).
    var protectedCount: Int { protected.count }

    // MARK: segments

    /// Moves a probation entry that was hit to the front of the protected segment; the
    /// protected least recently used beyond its share go back to the front of probation.
    private func promote(_ node: Node) {
        unlink(node, from: &probation)
        node.protected = true
        pushFront(node, in: &protected)
        while protected.count > maxProtected, let demoted = protected.tail {
            unlink(demoted, from: &protected)
            demoted.protected = false
            pushFront(demoted, in: &probation)
        }
    }

    private func pushFront(_ node: Node, in segment: inout Segment) {
        node.prev = nil
        node.next = segment.head
        segment.head?.prev = node
        segment.head = node
        if segment.tail == nil { segment.tail = node }
        segment.count += 1
    }

    private func unlink(_ node: Node, from segment: inout Segment) {
        if let p = node.prev { p.next = node.next } else { segment.head = node.next }
        if let n = node.next { n.prev = node.prev } else { segment.tail = node.prev }
        node.prev = nil
        node.next = nil
        segment.count -= 1
    }

    private func moveToFront(_ node: Node, in segment: inout Segment) {
        guard segment.head !== node else { return }
        unlink(node, from: &segment)
        pushFront(node, in: &segment)
    }

    private func remove(_ node: Node) {
        if node.protected {
            unlink(node, from: &protected)
        } else {
            unlink(node, from: &probation)
        }
        nodes[node.key] = nil
        bytes -= node.bytes
    }
}

/// What a `HotCache` reports; `Metrics` counts it in shared memory.
public protocol CacheCounters: AnyObject {
    func hit()
    func miss()
    func evicted()
    func invalidated()
    func expired()
    func stale()
}
