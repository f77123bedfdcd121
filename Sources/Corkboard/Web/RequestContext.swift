import FastCGI
import Logging
import MariaDB

/// What a handler gets: the request, its path captures and the worker's services.
/// A class, so that what a request works out once (its session, its anonymous CSRF cookie) is
/// kept for the rest of that request in the typed fields below.
public final class RequestContext {
    public let request: FastCGIRequest
    public let pathParameters: [String: String]
    public let app: CorkboardApp
    /// The session `currentSession()` looked up: nil before the lookup, `.some(nil)` when the
    /// visitor is anonymous (a typed field: a keyed store boxed it as `Any` on every page).
    var sessionLookup: SessionRecord??
    /// The anonymous `__Host-csrf` cookie this response sets, once `csrfToken()` has made one.
    var anonymousCSRFCookie: String?
    /// Headers to add to whatever response this request ends with (e.g. Set-Cookie).
    public var responseHeaders: [(String, String)] = []
    /// The worker's logger with this request's id (nginx's `$request_id`, also in its access
    /// log), so every line a request logs can be matched to it. Made on first use: most
    /// requests log nothing, and setting its metadata cost each one a dictionary.
    public private(set) lazy var logger: Logger = {
        var logger = app.logger
        if let id = request.params["REQUEST_ID"], !id.isEmpty { logger[metadataKey: "request_id"] = "\(id)" }
        return logger
    }()
    /// Set when this request could not learn who the visitor is because the primary is down:
    /// its pages render as for an anonymous visitor, with `Layout.readOnlyNotice` on top.
    public var identityUnavailable = false

    public init(request: FastCGIRequest, pathParameters: [String: String], app: CorkboardApp) {
        self.request = request
        self.pathParameters = pathParameters
        self.app = app
    }

    public var database: Database { app.database }

    /// A path capture; the router guarantees it exists for the route's own names.
    public func parameter(_ name: String) -> String { pathParameters[name] ?? "" }

    /// True for `/api/…` requests, which answer JSON (including errors).
    public var wantsJSON: Bool { request.path.hasPrefix("/api/") || request.path == "/healthz" }

    /// Whether the peer is this host; nginx also restricts operator routes to loopback.
    public var isLoopback: Bool {
        let addr = request.remoteAddress ?? ""
        return addr == "::1" || addr.hasPrefix("127.") || addr.hasPrefix("::ffff:127.")
    }
}
