import Foundation

/// `/metrics` and the pool's name. Keys and defaults are documented in systemd/corkboard.conf.
public struct MetricsConfig: Sendable {
    /// This pool's name, the `pool` label of its metrics and the name of its counters file:
    /// `web` for the browsing pool, `uploads` for the photo pool.
    public var poolName: String
    /// Where every process of the host keeps its counters file (one per pool, one for the
    /// mailer), so whichever worker answers /metrics can add them all up. Empty: each pool
    /// keeps its counters to itself (an anonymous memfd) and /metrics reports only its own.
    public var directory: String
    /// Peers allowed to read /metrics besides loopback (a Prometheus on another host).
    public var allow: AddressAllowList
    /// A search term is named in /metrics only once this many distinct clients searched it in
    /// the window, so one person's query never becomes a label (or an alert email).
    public var searchTermMinClients: Int
    /// Count each request by route, status and latency (off only to measure what it costs).
    public var requestMetrics: Bool
    /// Write one line per request to stderr (see `RequestLog`).
    public var requestLog: Bool

    public init(file: ConfigFile) throws {
        poolName = file.string("pool_name", default: "web")
        guard ConfigFile.isShortName(poolName) else {
            throw file.fail("pool_name", "must be \(ConfigFile.shortNameRule), got `\(poolName)`")
        }
        directory = file.string("metrics_dir", default: "/run/corkboard/metrics")
        guard directory.isEmpty || directory.hasPrefix("/") else { throw file.fail("metrics_dir", "must be an absolute path or empty") }
        switch AddressAllowList.parse(file.string("metrics_allow", default: "")) {
        case .success(let list): allow = list
        case .failure(let f): throw file.fail("metrics_allow", "has an entry that is not an address or network: `\(f.entry)`")
        }
        searchTermMinClients = try file.int("search_term_min_clients", default: 3, range: 1...1_000_000)
        requestMetrics = try file.bool("request_metrics", default: true)
        requestLog = try file.bool("request_log", default: true)
    }

    /// The counters file of the process kind `name` (a pool's name, or `mailer`); nil when off.
    public func boardPath(_ name: String) -> String? {
        directory.isEmpty ? nil : directory + "/" + name + ".board"
    }
}
