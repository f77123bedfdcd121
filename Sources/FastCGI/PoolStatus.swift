/// What a worker slot is doing, as recorded in the scoreboard.
public enum WorkerState: UInt64, Sendable, CustomStringConvertible {
    /// No process in this slot.
    case empty = 0
    /// Spawned, not yet accepting.
    case starting = 1
    /// Waiting for a connection.
    case idle = 2
    /// Handling a request.
    case busy = 3

    public var description: String {
        switch self {
        case .empty: return "empty"
        case .starting: return "starting"
        case .idle: return "idle"
        case .busy: return "busy"
        }
    }
}

/// One worker's line in a pool snapshot.
public struct WorkerStatus: Sendable, Equatable {
    /// Scoreboard slot index.
    public var slot: Int
    /// The worker's process id.
    public var pid: Int32
    /// Idle, busy, or starting.
    public var state: WorkerState
    /// Requests served since this process started.
    public var requestsServed: UInt64
    /// Seconds spent on the current request (0 when not busy).
    public var busySeconds: Double
    /// Method and URI of the current (or last) request, truncated.
    public var currentRequest: String
    /// Unix time the process started.
    public var startedAt: UInt64
    /// The pool generation (bumped by each rolling restart) the worker was started in.
    public var generation: UInt64
}

/// A point-in-time view of the whole pool, read from shared memory by any process.
public struct PoolStatus: Sendable, Equatable {
    /// The master's process id.
    public var masterPid: Int32
    /// Unix time the master started.
    public var startedAt: UInt64
    /// Workers replaced so far (crashes, recycling, timeouts, rolling restarts).
    public var restarts: UInt64
    /// Rolling restarts so far.
    public var generation: UInt64
    /// The occupied slots.
    public var workers: [WorkerStatus]
}
