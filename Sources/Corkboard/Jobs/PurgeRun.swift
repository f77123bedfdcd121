import Foundation
import MariaDB

/// One recorded run of the old-post purge (a `purge_runs` row), as admins see it.
public struct PurgeRun: Encodable, Sendable {
    /// How a run ends; `queued` and `running` are on the way there.
    public enum Status: String, Encodable, Sendable {
        case queued, running, succeeded, failed, skipped
    }
    /// Who asked for it: the timer or an operator (`cli`), or an admin through the API.
    public enum Trigger: String, Encodable, Sendable {
        case cli, api
    }

    public var id: Int64
    public var triggerSource: Trigger
    public var requestedBy: Int64?
    public var host: String
    public var pid: Int?
    public var status: Status
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    /// Posts created before this were due.
    public var cutoff: Date?
    public var posts: UInt64
    public var batches: UInt64
    /// Photos (display file and thumbnail) the collector removed after the rows were gone.
    public var files: UInt64
    public var sessions: UInt64
    public var tokens: UInt64
    public var loginFailures: UInt64
    public var searchRows: UInt64
    public var lagWaitSeconds: Double
    public var error: String?

    /// The columns `init(row:)` reads, for SELECTs (named, not `*`: see `PreparedStatement`).
    static let columns: SQL = """
        id, trigger_source, requested_by, host, pid, status, created_at, started_at, finished_at, cutoff,
        posts, batches, files, sessions, tokens, login_failures, search_rows, lag_wait_ms, error
        """

    init(row: Row) throws {
        id = try row.decode("id")
        triggerSource = Trigger(rawValue: try row.decode("trigger_source", as: String.self)) ?? .cli
        requestedBy = try row.decode("requested_by")
        host = try row.decode("host")
        pid = try row.decode("pid", as: Int64?.self).map { Int($0) }
        status = Status(rawValue: try row.decode("status", as: String.self)) ?? .failed
        createdAt = try row.decode("created_at")
        startedAt = try row.decode("started_at")
        finishedAt = try row.decode("finished_at")
        cutoff = try row.decode("cutoff")
        posts = try row.decode("posts")
        batches = try row.decode("batches")
        files = try row.decode("files")
        sessions = try row.decode("sessions")
        tokens = try row.decode("tokens")
        loginFailures = try row.decode("login_failures")
        searchRows = try row.decode("search_rows")
        lagWaitSeconds = Double(try row.decode("lag_wait_ms", as: UInt64.self)) / 1000
        error = try row.decode("error")
    }

    enum CodingKeys: String, CodingKey {
        case id, triggerSource, requestedBy, host, pid, status, createdAt, startedAt, finishedAt, cutoff
        case posts, batches, files, sessions, tokens, loginFailures, searchRows, lagWaitSeconds, error
    }

    /// Absent values are written as `null`, never left out: a client sees every key.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(triggerSource, forKey: .triggerSource)
        try c.encode(requestedBy, forKey: .requestedBy)
        try c.encode(host, forKey: .host)
        try c.encode(pid, forKey: .pid)
        try c.encode(status, forKey: .status)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(finishedAt, forKey: .finishedAt)
        try c.encode(cutoff, forKey: .cutoff)
        try c.encode(posts, forKey: .posts)
        try c.encode(batches, forKey: .batches)
        try c.encode(files, forKey: .files)
        try c.encode(sessions, forKey: .sessions)
        try c.encode(tokens, forKey: .tokens)
        try c.encode(loginFailures, forKey: .loginFailures)
        try c.encode(searchRows, forKey: .searchRows)
        try c.encode(lagWaitSeconds, forKey: .lagWaitSeconds)
        try c.encode(error, forKey: .error)
    }
}
