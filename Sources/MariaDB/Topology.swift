import Foundation

/// What one server says about itself and the cluster: read by every pool when it looks for the
/// primary, and by the operator commands (`corkboard db …`).
public struct TopologyProbe: Sendable, Equatable {
    /// `@@read_only`: a server started read-only (as every server should be) stays so until a
    /// promotion turns it off.
    public var readOnly: Bool
    /// `@@server_id`, how the topology row names a server (addresses differ between hosts).
    public var serverID: UInt32
    /// The topology row this server holds (`db_topology`, sql/0015): its epoch and the server
    /// it names as primary. nil when the table or row is missing (a database not migrated yet).
    public var epoch: Int64?
    public var primaryID: UInt32?

    public init(readOnly: Bool, serverID: UInt32, epoch: Int64? = nil, primaryID: UInt32? = nil) {
        self.readOnly = readOnly
        self.serverID = serverID
        self.epoch = epoch
        self.primaryID = primaryID
    }

    /// Writable and named primary by its own row at `epoch`.
    func claims(epoch current: Int64) -> Bool {
        !readOnly && epoch == current && primaryID == serverID
    }
}

/// The fencing rule, free of I/O: which configured server takes writes.
///
/// Every promotion (`corkboard db switchover|failover`) writes a new, higher epoch into the
/// `db_topology` row of the server it promotes, naming that server, and replication carries the
/// row to the others. A pool writes only to a server that is `read_only=OFF` *and* holds the
/// newest epoch it can see (on any reachable server, or remembered from before) naming itself.
/// So an old primary that comes back writable, or was only partitioned away, is refused as
/// soon as a pool sees any server of the new topology: it holds an older epoch. The
/// application's account has neither SUPER nor READ_ONLY ADMIN, so `read_only` binds it.
public enum Topology {
    /// The decision: the server index to write to (nil: none may take writes now) and the
    /// newest epoch seen, for the caller to remember.
    public struct Choice: Sendable, Equatable {
        public var primary: Int?
        public var epoch: Int64
    }

    /// `probes` in configuration order (nil = unreachable); `highestSeen` is the newest epoch
    /// this process saw before.
    public static func choose(_ probes: [TopologyProbe?], highestSeen: Int64) -> Choice {
        let epochs = probes.compactMap { $0?.epoch }
        let epoch = max(highestSeen, epochs.max() ?? 0)
        if epochs.isEmpty && highestSeen == 0 {
            // No topology row anywhere (not migrated yet): the one writable server. Two writable
            // servers without a row is ambiguous: refuse.
            let writable = probes.indices.filter { probes[$0].map { !$0.readOnly } ?? false }
            return Choice(primary: writable.count == 1 ? writable[0] : nil, epoch: 0)
        }
        let claimants = probes.indices.filter { probes[$0]?.claims(epoch: epoch) ?? false }
        return Choice(primary: claimants.count == 1 ? claimants[0] : nil, epoch: epoch)
    }
}

/// GTID positions (`0-1-42,1-2-7`), compared per replication domain.
public enum GTIDPosition {
    /// Domain → (server id, sequence number).
    public static func parse(_ text: String) -> [UInt32: (server: UInt32, seq: UInt64)] {
        var out: [UInt32: (UInt32, UInt64)] = [:]
        for part in text.split(separator: ",") {
            let f = part.trimmingCharacters(in: .whitespaces).split(separator: "-")
            guard f.count == 3, let d = UInt32(f[0]), let s = UInt32(f[1]), let n = UInt64(f[2]) else { continue }
            out[d] = (s, n)
        }
        return out
    }

    /// True when a server at `position` logged, after `fork` (the new primary's position at its
    /// promotion), transactions of its own (`serverID`): the new primary never received them,
    /// so the server has diverged. Transactions after the fork from other servers came to it
    /// by replication from the new topology and are no obstacle.
    public static func hasOwn(_ position: String, after fork: String, serverID: UInt32) -> Bool {
        let f = parse(fork)
        return parse(position).contains { domain, p in p.server == serverID && p.seq > (f[domain]?.seq ?? 0) }
    }

    /// Sum of sequence numbers over every domain: orders replicas of one primary by progress.
    public static func progress(_ position: String) -> UInt64 {
        parse(position).values.reduce(0) { $0 + $1.seq }
    }
}
