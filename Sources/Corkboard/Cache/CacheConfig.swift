/// The hot-post cache and the causal-read cookie. Keys and defaults are documented in
/// systemd/corkboard.conf.
public struct CacheConfig: Sendable {
    /// Posts each worker keeps at most (0 turns the cache off).
    public var entries: Int
    /// Bytes of cached posts each worker keeps at most.
    public var bytes: Int
    /// Seconds a cached post is served before it is read again: the bound on staleness for
    /// changes made on other hosts (changes on this host invalidate at once).
    public var ttl: Int
    /// Milliseconds a worker keeps a finished list page (a city's listing or search): at most
    /// 2000, since a new post must show within seconds; 0 turns the list cache off.
    public var listMilliseconds: Int
    /// Seconds between two reads of the change log by the pool master of a host of several
    /// (`host_id` set; other hosts' edits reach this host's cache within about this plus
    /// replication). A single host neither writes nor follows the log.
    public var followInterval: Double
    /// Key for the causal cookie's HMAC: required, shared by every host, and independent of the
    /// database settings, so rotating a password or moving the primary keeps cookies valid.
    public var causalCookieSecret: String
    /// Seconds the causal cookie lives after a write; keep it above `db_max_replica_lag`.
    public var causalCookieMaxAge: Int

    public init(file: ConfigFile) throws {
        entries = try file.int("hot_cache_entries", default: 2_000, range: 0...1_000_000)
        bytes = try file.int("hot_cache_bytes", default: 16 << 20, range: 0...(4 << 30))
        ttl = try file.int("hot_cache_ttl", default: 30, range: 1...86_400)
        listMilliseconds = try file.int("list_cache_ms", default: 2000, range: 0...2000)
        followInterval = Double(try file.int("hot_cache_follow_ms", default: 250, range: 50...60_000)) / 1000
        causalCookieSecret = try file.secret("causal_cookie_secret")
        causalCookieMaxAge = try file.int("causal_cookie_max_age", default: 60, range: 1...86_400)
    }
}
