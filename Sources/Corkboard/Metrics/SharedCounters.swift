import FastCGI
import Foundation

/// The pool-wide counters: numbered words in the scoreboard's shared counter area, added to by
/// every worker and read (already summed) by whichever worker answers /status or /metrics.
/// Outside a pool (tests, the CLI) they live in this process only.
///
/// Numbering: each feature takes a fixed range here, so two features never share a word.
/// 128–215 belong to the database router and the hot-post cache, 216–231 to /metrics.
public final class SharedCounters {
    /// Servers counted separately (the primary is 0, replicas 1…); more are folded into the last.
    public static let maxServers = 8
    /// Upper bounds (milliseconds) of the causal-wait histogram buckets; the last is +Inf.
    public static let waitBucketsMS: [Double] = [1, 2, 5, 10, 20, 50, 100, 150, 200, 300, 500, .infinity]

    /// Counter numbers.
    public enum Index {
        static let reads = 128                  // + server
        static let causalCaughtUp = 136
        static let causalFallbacks = 137
        static let causalWaitMicros = 138
        static let causalWaitBuckets = 139      // + bucket (12)
        static let skips = 152                  // + server * 3 + reason (24)
        static let lagMillis = 176              // + server, gauge; UInt64.max = unknown
        static let replicaState = 184           // + server, gauge; 0 never checked, 1 usable, 2… a SkipReason
        static let primaryDown = 192
        static let cacheHits = 200
        static let cacheMisses = 201
        static let cacheEvictions = 202
        static let cacheInvalidations = 203
        static let cacheExpirations = 204
        static let cacheStale = 205
        static let queries = 216                // + role (0 primary, 1 replica)
        static let queryErrors = 218            // + role
        static let searches = 220
        static let reports = 221
        static let postsAutoHidden = 222
        static let mailSent = 223
        static let mailFailed = 224
    }

    private let board: Scoreboard?
    private var local = [UInt64](repeating: 0, count: Scoreboard.counterCount)

    public init(board: Scoreboard?) { self.board = board }

    public func add(_ i: Int, _ n: UInt64 = 1) {
        if let board { board.add(counter: i, n) } else { local[i] &+= n }
    }

    public func set(_ i: Int, _ v: UInt64) {
        if let board { board.set(counter: i, v) } else { local[i] = v }
    }

    public func value(_ i: Int) -> UInt64 {
        if let board { return board.counter(i) }
        return local[i]
    }

    static func server(_ n: Int) -> Int { min(max(n, 0), maxServers - 1) }
}
