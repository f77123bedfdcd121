import Foundation

/// The old-post purge (`corkboard purge-old-posts`). Keys and defaults are documented in
/// systemd/corkboard.conf.
public struct PurgeConfig: Sendable {
    /// Days after its creation a post (expired after `Post.visibleFor`) is deleted for good.
    /// Never less than the visible window plus a day, so no post a viewer can see is purged.
    public var retentionDays: Int
    /// Posts deleted per transaction: small, so each commit is short and the replicas keep up.
    public var batchSize: Int
    /// Seconds of replica lag above which the purge waits before its next batch.
    public var maxLag: Double

    public init(file: ConfigFile) throws {
        let leastDays = Int(Post.visibleFor / 86_400) + 1
        retentionDays = try file.int("purge_retention_days", default: 30, range: leastDays...36_500)
        batchSize = try file.int("purge_batch_size", default: 500, range: 1...10_000)
        maxLag = Double(try file.int("purge_max_lag", default: 1, range: 1...3600))
    }

    /// Posts created before this are due.
    public func cutoff(now: Date) -> Date {
        now.addingTimeInterval(-Double(retentionDays) * 86_400)
    }
}
