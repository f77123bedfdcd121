import FastCGI
import MariaDB

/// What a handler gets: the request, its path captures and the worker's services.
public struct RequestContext {
    public let request: FastCGIRequest
    public let pathParameters: [String: String]
    public let app: CorkboardApp

    public var database: Database { app.database }

    /// A path capture; the router guarantees it exists for the route's own names.
    public func parameter(_ name: String) -> String { pathParameters[name] ?? "" }

    /// True for `/api/…` requests, which answer JSON (including errors).
    public var wantsJSON: Bool { request.path.hasPrefix("/api/") || request.path == "/healthz" }

    /// Whether the peer is this host; nginx also restricts operator routes to loopback.
    public var isLoopback: Bool {
        let addr = request.remoteAddress ?? ""
        return addr == "127.0.0.1" || addr == "::1" || addr.hasPrefix("127.") || addr == "::ffff:127.0.0.1"
    }
}
