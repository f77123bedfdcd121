import MariaDB

/// Counts the database router's and the hot-post cache's decisions in `SharedCounters`, and
/// reads them back as one pool-wide report for /status.
public final class RoutingMetrics: DatabaseObserver, CacheCounters {
    public let counters: SharedCounters
    typealias I = SharedCounters.Index

    public init(counters: SharedCounters) { self.counters = counters }

    // MARK: DatabaseObserver

    public func didRead(server: Int) { counters.add(I.reads + SharedCounters.server(server)) }

    public func causalWait(server: Int, seconds: Double, caughtUp: Bool) {
        counters.add(caughtUp ? I.causalCaughtUp : I.causalFallbacks)
        counters.add(I.causalWaitMicros, UInt64(max(0, seconds * 1e6)))
        let ms = seconds * 1000
        let bucket = SharedCounters.waitBucketsMS.firstIndex { ms <= $0 } ?? SharedCounters.waitBucketsMS.count - 1
        counters.add(I.causalWaitBuckets + bucket)
    }

    public func skipped(server: Int, reason: SkipReason) {
        counters.add(I.skips + SharedCounters.server(server) * 3 + Self.reasonNumber(reason))
    }

    public func checked(server: Int, state: ReplicaState) {
        let s = SharedCounters.server(server)
        counters.set(I.lagMillis + s, state.lag.map { UInt64(max(0, $0 * 1000)) } ?? UInt64.max)
        counters.set(I.replicaState + s, state.skip.map { UInt64(2 + Self.reasonNumber($0)) } ?? 1)
    }

    public func primaryDown() { counters.add(I.primaryDown) }

    /// Seconds this process spent in statements since `beginRequest()` (the request log's
    /// database time).
    public private(set) var requestDatabaseSeconds = 0.0

    /// Starts a request's database time at zero.
    public func beginRequest() { requestDatabaseSeconds = 0 }

    public func didExecute(server: Int, seconds: Double, failed: Bool) {
        let role = server == 0 ? 0 : 1
        counters.add(I.queries + role)
        if failed { counters.add(I.queryErrors + role) }
        requestDatabaseSeconds += seconds
    }

    // MARK: Features' counters (hooks other parts call)

    /// One search was answered.
    public func searched() { counters.add(I.searches) }
    /// A report was filed against a post (call from the reports feature when it lands).
    public func reportFiled() { counters.add(I.reports) }
    /// A post was hidden because of its reports (call from the reports feature when it lands).
    public func postAutoHidden() { counters.add(I.postsAutoHidden) }

    static func reasonNumber(_ r: SkipReason) -> Int {
        switch r {
        case .unreachable: return 0
        case .ioStopped: return 1
        case .lagging: return 2
        }
    }

    // MARK: CacheCounters

    public func hit() { counters.add(I.cacheHits) }
    public func miss() { counters.add(I.cacheMisses) }
    public func evicted() { counters.add(I.cacheEvictions) }
    public func invalidated() { counters.add(I.cacheInvalidations) }
    public func expired() { counters.add(I.cacheExpirations) }
    public func stale() { counters.add(I.cacheStale) }

    // MARK: report

    /// One server's pool-wide figures.
    public struct Server: Encodable {
        public var number: Int
        public var role: String
        public var address: String
        public var reads: UInt64
        /// Last health check by any worker: usable, unreachable, io-stopped, lagging, unchecked.
        public var state: String
        public var lagSeconds: Double?
        public var skips: [String: UInt64]
    }
    /// The causal-read figures.
    public struct Causal: Encodable {
        public var caughtUp: UInt64
        public var fallbacks: UInt64
        public var waitSecondsTotal: Double
        /// Cumulative counts by upper bound in milliseconds ("+Inf" last), Prometheus style.
        public var waitBucketsMS: [String: UInt64]
    }
    /// The hot-post cache figures.
    public struct Cache: Encodable {
        public var hits: UInt64
        public var misses: UInt64
        public var evictions: UInt64
        public var invalidations: UInt64
        public var expirations: UInt64
        public var stale: UInt64
    }
    /// Everything, for /status.
    public struct Report: Encodable {
        public var servers: [Server]
        public var causal: Causal
        public var primaryDownEvents: UInt64
        public var cache: Cache
    }

    public func report(primary: String, replicas: [String]) -> Report {
        let names = ["unreachable", "io-stopped", "lagging"]
        var servers: [Server] = []
        for (n, address) in ([primary] + replicas).enumerated() where n < SharedCounters.maxServers {
            var skips: [String: UInt64] = [:]
            for (r, name) in names.enumerated() { skips[name] = counters.value(I.skips + n * 3 + r) }
            let stateCode = counters.value(I.replicaState + n)
            let state = n == 0 ? "primary" : (stateCode == 0 ? "unchecked" : stateCode == 1 ? "usable" : names[min(Int(stateCode) - 2, 2)])
            let lag = counters.value(I.lagMillis + n)
            servers.append(Server(number: n, role: n == 0 ? "primary" : "replica", address: address,
                                  reads: counters.value(I.reads + n), state: state,
                                  lagSeconds: n == 0 || stateCode == 0 || lag == UInt64.max ? nil : Double(lag) / 1000,
                                  skips: n == 0 ? [:] : skips))
        }
        var buckets: [String: UInt64] = [:]
        var running: UInt64 = 0
        for (b, bound) in SharedCounters.waitBucketsMS.enumerated() {
            running += counters.value(I.causalWaitBuckets + b)
            buckets[bound.isFinite ? String(Int(bound)) : "+Inf"] = running
        }
        return Report(
            servers: servers,
            causal: Causal(caughtUp: counters.value(I.causalCaughtUp), fallbacks: counters.value(I.causalFallbacks),
                           waitSecondsTotal: Double(counters.value(I.causalWaitMicros)) / 1e6, waitBucketsMS: buckets),
            primaryDownEvents: counters.value(I.primaryDown),
            cache: Cache(hits: counters.value(I.cacheHits), misses: counters.value(I.cacheMisses),
                         evictions: counters.value(I.cacheEvictions), invalidations: counters.value(I.cacheInvalidations),
                         expirations: counters.value(I.cacheExpirations), stale: counters.value(I.cacheStale)))
    }
}
