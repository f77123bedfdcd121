/// Why a replica is not used for reads right now.
public enum SkipReason: String, Sendable, Hashable, CaseIterable {
    /// It refused or timed out a connection, or died mid-query.
    case unreachable
    /// Its replication IO thread is not running (or it is not a replica at all).
    case ioStopped = "io-stopped"
    /// Its measured lag exceeds `maxReplicaLag` (or cannot be measured).
    case lagging
}

/// What one worker last learned about one replica.
public struct ReplicaState: Sendable, Equatable {
    /// nil while usable; otherwise why reads skip it.
    public var skip: SkipReason?
    /// Seconds behind the primary, from the heartbeat row; nil when unknown.
    public var lag: Double?

    public init(skip: SkipReason? = nil, lag: Double? = nil) {
        self.skip = skip
        self.lag = lag
    }

    /// Not checked yet: treated as usable; the first read checks it.
    public static let unknown = ReplicaState()
}

/// One server a read may go to.
public enum ReadTarget: Sendable, Hashable {
    case primary
    /// A replica, by its index in `DatabaseConfig.replicas`.
    case replica(Int)
}

/// The read-splitting decision, free of I/O so it can be tested on its own: given what this
/// worker knows about the cluster, the servers a read should try, best first.
///
/// - Usable replicas first, rotated by `turn` so a worker spreads its reads over all of them.
/// - Then the primary: with no usable replica (or none configured) reads go there.
/// - Then replicas skipped for lag or a stopped IO thread: stale, but while the primary is down
///   stale reads beat no site at all. Unreachable replicas are never tried.
/// - After a causal wait timed out in this request (`causalFallback`) the primary comes first:
///   only it is sure to have the client's own write.
/// - A primary remembered as down (`primaryDown`) is left out, so reads do not wait for its
///   connect timeout; writes are refused without trying (see `Database`).
public enum ReadRouter {
    public static func plan(replicas: [ReplicaState], primaryDown: Bool, causalFallback: Bool,
                            turn: Int) -> [ReadTarget] {
        let usable = replicas.indices.filter { replicas[$0].skip == nil }
        let stale = replicas.indices.filter { replicas[$0].skip == .lagging || replicas[$0].skip == .ioStopped }
        var rotated: [ReadTarget] = []
        if !usable.isEmpty {
            let start = ((turn % usable.count) + usable.count) % usable.count
            rotated = (usable[start...] + usable[..<start]).map { .replica($0) }
        }
        var out: [ReadTarget] = []
        if causalFallback {
            if !primaryDown { out.append(.primary) }
            out += rotated
        } else {
            out += rotated
            if !primaryDown { out.append(.primary) }
        }
        out += stale.map { .replica($0) }
        return out
    }

    /// Classifies a health check: `ioRunning` from SHOW SLAVE STATUS, `lag` from the heartbeat.
    /// A lag that cannot be measured counts as too much: only a known-fresh replica is used.
    public static func state(ioRunning: Bool, lag: Double?, maxLag: Double) -> ReplicaState {
        if !ioRunning { return ReplicaState(skip: .ioStopped, lag: lag) }
        guard let lag else { return ReplicaState(skip: .lagging, lag: nil) }
        return ReplicaState(skip: lag > maxLag ? .lagging : nil, lag: lag)
    }
}
