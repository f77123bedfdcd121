import Foundation
import MariaDB

/// The post read path through the hot-post cache.
///
/// - A viewer without a causal token (wrote nothing lately) is served from the cache when the
///   entry is young enough and of the post's current generation.
/// - A client that wrote lately skips the cache and reads causally, so it never sees a copy
///   older than its own write (even one cached on this host before an edit made elsewhere);
///   what it reads is not cached, so other viewers keep the replicas' view of the site.
/// - A refill within the replica-lag window after an invalidation on this host reads the
///   primary, so an older version from a lagging replica is never cached.
/// - The generation is read before the database, so a refill racing an edit is dropped.
public enum HotPostReader {
    /// The post `id` as shown to viewers (nil: not visible), rendered by `render`.
    public static func post(_ id: Int64, context: RequestContext, render: (Post) -> HotPost) throws -> HotPost? {
        let cache = context.app.hotPosts
        let database = context.database
        let writer = database.causalToken != nil
        if !writer, let hit = cache.get(id) { return hit }
        let generation = cache.generation(of: id)
        let fromPrimary = cache.invalidatedRecently(id, within: refillWindow(database.config))
        guard let post = try PostStore(database: database).visible(id: id, fromPrimary: fromPrimary, cities: context.app.cities) else { return nil }
        let hot = render(post)
        if !writer { cache.put(id, hot, bytes: hot.bytes, generation: generation) }
        return hot
    }

    /// How long after a change a replica that reads may use could still miss it: the lag limit,
    /// plus how old a worker's view of that lag may be, plus the heartbeat's one-second step.
    static func refillWindow(_ config: DatabaseConfig) -> Double {
        Double(config.maxReplicaLag) + config.healthCheckInterval + 2
    }
}
