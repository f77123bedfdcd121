/// Reports and auto-hide: when enough distinct reports hide a post. Keys and defaults are
/// documented in systemd/corkboard.conf.
public struct ReportsConfig: Sendable {
    /// The summed weight of a post's open reports that hides it at once.
    public var hideThreshold: Int
    /// What one report counts: from an anonymous viewer or an account younger than
    /// `establishedAfter`, and from an older account (harder to make in numbers).
    public var weightNew: Int
    public var weightEstablished: Int
    /// Seconds an account must exist before its reports count as established.
    public var establishedAfter: Int

    public init(file: ConfigFile) throws {
        hideThreshold = try file.int("report_hide_threshold", default: 3, range: 1...1000)
        weightNew = try file.int("report_weight_new", default: 1, range: 1...100)
        weightEstablished = try file.int("report_weight_established", default: 2, range: 1...100)
        establishedAfter = try file.int("report_established_after", default: 7 * 86_400, range: 0...(365 * 86_400))
    }
}
