import Foundation

/// Where one MariaDB server listens: a TCP host and port, or a unix socket.
public struct ServerAddress: Sendable, Hashable, CustomStringConvertible {
    public enum Endpoint: Sendable, Hashable {
        case tcp(host: String, port: Int)
        case unix(path: String)
    }
    public var endpoint: Endpoint

    public init(_ endpoint: Endpoint) { self.endpoint = endpoint }

    /// Parses `host:port`, `host` (port 3306) or `unix:/path/to/socket`.
    public init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("unix:") {
            let path = String(t.dropFirst(5))
            guard path.hasPrefix("/") else { return nil }
            endpoint = .unix(path: path)
            return
        }
        guard !t.isEmpty else { return nil }
        if let colon = t.lastIndex(of: ":") {
            guard let port = Int(t[t.index(after: colon)...]), (1...65535).contains(port) else { return nil }
            let host = String(t[..<colon])
            guard !host.isEmpty else { return nil }
            endpoint = .tcp(host: host, port: port)
        } else {
            endpoint = .tcp(host: t, port: 3306)
        }
    }

    public var description: String {
        switch endpoint {
        case .tcp(let host, let port): return "\(host):\(port)"
        case .unix(let path): return "unix:\(path)"
        }
    }
}

/// The database cluster: one primary for writes and any number of replicas for reads.
public struct DatabaseConfig: Sendable {
    public var primary: ServerAddress
    public var replicas: [ServerAddress]
    public var user: String
    public var password: String
    public var database: String
    /// Seconds to wait for a TCP/unix connect and the handshake.
    public var connectTimeout: Int
    /// Seconds to wait for a server reply to one statement.
    public var readTimeout: Int
    /// Seconds to wait while sending one statement.
    public var writeTimeout: Int
    /// Seconds a replica may lag before reads skip it (used by read splitting).
    public var maxReplicaLag: Int
    /// Seconds a causal read waits on a replica for the client's last write before it reads
    /// the primary instead.
    public var causalWaitTimeout: Double = 0.2
    /// Seconds a worker trusts its last health check of a replica before checking it again.
    public var healthCheckInterval: Double = 1.0
    /// Seconds a primary that failed to connect is treated as down (writes answer at once).
    public var primaryRetryAfter: Double = 2.0

    public init(primary: ServerAddress, replicas: [ServerAddress] = [], user: String = "corkboard",
                password: String = "", database: String = "corkboard", connectTimeout: Int = 2,
                readTimeout: Int = 10, writeTimeout: Int = 10, maxReplicaLag: Int = 5) {
        self.primary = primary
        self.replicas = replicas
        self.user = user
        self.password = password
        self.database = database
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.writeTimeout = writeTimeout
        self.maxReplicaLag = maxReplicaLag
    }
}
