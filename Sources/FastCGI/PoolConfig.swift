import Foundation

/// Where the pool's listen socket comes from.
public enum ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// A unix socket the master creates (removing a stale file first) with this mode, owner and group.
    case unix(path: String, mode: UInt16, owner: String?, group: String?)
    /// A TCP port the master binds (loopback is the expected use).
    case tcp(host: String, port: Int)
    /// The socket systemd passes (LISTEN_FDS/LISTEN_PID, first fd is 3).
    case systemd

    public var description: String {
        switch self {
        case .unix(let path, _, _, _): return "unix:\(path)"
        case .tcp(let host, let port): return "tcp:\(host):\(port)"
        case .systemd: return "systemd"
        }
    }
}

/// How the master runs its workers.
public struct PoolConfig: Sendable {
    public var listen: ListenAddress
    /// Number of single-threaded worker processes.
    public var workers: Int
    /// A worker exits (and is replaced) after serving at most this many requests, each after
    /// its own count in `recycleRange`; 0 = never.
    public var maxRequests: Int
    /// A worker busy with one request for longer than this many seconds is killed.
    public var requestTimeout: Int
    /// Seconds SIGTERM/SIGHUP wait for a worker to finish its request before SIGKILL.
    public var shutdownTimeout: Int
    /// listen(2) backlog.
    public var backlog: Int
    /// The argv that starts one worker (spawned anew, never forked); the master adds the
    /// listen socket as fd 0 and the scoreboard as fd 3.
    public var workerCommand: [String]
    /// A file for the scoreboard (see `Scoreboard.create(slots:path:)`), so other processes can
    /// read this pool's counters and a restarted pool keeps them; nil: an anonymous memfd.
    public var scoreboardPath: String?

    /// The counts of requests one worker may be recycled after: the top quarter up to
    /// `maxRequests`, each worker drawing its own. Workers started together share the load
    /// evenly, so with one count they all exited within two seconds of each other, and every
    /// hot cache on the host emptied at once.
    public static func recycleRange(_ maxRequests: Int) -> ClosedRange<Int> {
        (maxRequests - maxRequests / 4)...maxRequests
    }

    public init(listen: ListenAddress, workers: Int = 4, maxRequests: Int = 1_000_000, requestTimeout: Int = 30,
                shutdownTimeout: Int = 30, backlog: Int = 1024, workerCommand: [String] = [], scoreboardPath: String? = nil) {
        self.scoreboardPath = scoreboardPath
        self.listen = listen
        self.workers = workers
        self.maxRequests = maxRequests
        self.requestTimeout = requestTimeout
        self.shutdownTimeout = shutdownTimeout
        self.backlog = backlog
        self.workerCommand = workerCommand
    }
}
