import MariaDB
import Foundation

/// An in-process LRU of hot items (posts) keyed by id, bounded in entries and bytes, with a
/// TTL, whose entries die as soon as the item's generation in a `GenerationTable` moves.
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

    private var nodes: [Int64: Node] = [:]
    private var head: Node?   // most recently used
    private var tail: Node?   // least recently used
    public private(set) var bytes = 0

    public init(maxEntries: Int, maxBytes: Int, ttl: Double, generations: GenerationTable,
                counters: CacheCounters? = nil, clock: @escaping () -> Double = Monotonic.seconds) {
        self.maxEntries = max(0, maxEntries)
        self.maxBytes = max(0, maxBytes)
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
            remove(node)
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
        moveToFront(node)
        counters?.hit()
        return node.value
    }

    /// Stores `value` (about `bytes` big) as of `generation`, which the caller read with
    /// `generation(of:)` before fetching the value. Evicts least recently used entries to stay
    /// within both bounds; a value larger than `maxBytes` is not cached.
    public func put(_ key: Int64, _ value: Value, bytes: Int, generation: UInt64) {
        if let old = nodes[key] { remove(old) }
        guard maxEntries > 0, bytes <= maxBytes, generation == generations.generation(of: key) else { return }
        let node = Node(key: key, value: value, bytes: bytes, generation: generation, expires: clock() + ttl)
        nodes[key] = node
        self.bytes += bytes
        pushFront(node)
        while nodes.count > maxEntries || self.bytes > maxBytes, let victim = tail, victim !== node {
            remove(victim)
            counters?.evicted()
        }
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
        head = nil
        tail = nil
        bytes = 0
    }

    // MARK: list

    private func pushFront(_ node: Node) {
        node.prev = nil
        node.next = head
        head?.prev = node
        head = node
        if tail == nil { tail = node }
    }

    private func unlink(_ node: Node) {
        if let p = node.prev { p.next = node.next } else { head = node.next }
        if let n = node.next { n.prev = node.prev } else { tail = node.prev }
        node.prev = nil
        node.next = nil
    }

    private func moveToFront(_ node: Node) {
        guard head !== node else { return }
        unlink(node)
        pushFront(node)
    }

    private func remove(_ node: Node) {
        unlink(node)
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
