import FastCGI
import Foundation
import Logging
import MariaDB

/// The application one worker process runs: routes each request to its handler, turns errors
/// into pages or JSON that leak nothing, and adds the security headers every dynamic response
/// carries. One instance per worker; workers are single-threaded, so nothing here is shared.
public final class CorkboardApp: FastCGIResponder {
    public let config: Config
    public let logger: Logger
    public let scoreboard: Scoreboard?
    public let database: Database
    /// Pool-wide counts of read routing and the hot-post cache (shown on /status).
    public let metrics: RoutingMetrics
    /// Hot posts in this worker, invalidated across the host through the scoreboard.
    public let hotPosts: HotPostCache
    /// Finished list pages in this worker, for a second or two (see `ListingCache`).
    public let listings: ListingCache
    /// Recent match counts of search terms in this worker, for a minute (see `TermCounts`).
    public let termCounts = TermCounts()
    /// Cities and their filter menus in this worker, for a few seconds (see `CityCatalogCache`).
    public let cities = CityCatalogCache()
    /// Signs the GTID of a client's last write, so its next requests read their own writes.
    public let causalCookie: CausalCookie
    /// Requests by route pattern, status class and latency (for /metrics), pool-wide.
    public let requestMetrics: RequestMetrics
    /// The number of posts awaiting a moderator, for /metrics: a gauge, so a replica's count will
    /// do (the moderators' own queue reads the primary).
    func moderationQueueDepth(_ database: Database) throws -> Int { try ModerationQueue.pendingCount(database, fromPrimary: false) }
    /// Searches counted in this worker and not yet written (see `idle`).
    public let searchTerms = SearchTermBuffer()
    let requestLog: RequestLog?
    let router = Router()

    public init(config: Config, logger: Logger, scoreboard: Scoreboard?) {
        self.config = config
        self.logger = logger
        self.scoreboard = scoreboard
        self.database = Database(config: config.database, logger: logger)
        metrics = RoutingMetrics(counters: SharedCounters(board: scoreboard))
        database.observer = metrics
        let generations: GenerationTable = scoreboard.map { SharedGenerationTable(board: $0) } ?? LocalGenerationTable()
        hotPosts = HotPostCache(maxEntries: config.cache.entries, maxBytes: config.cache.bytes,
                                ttl: Double(config.cache.ttl), generations: generations, counters: metrics)
        listings = ListingCache(ttl: Double(config.cache.listMilliseconds) / 1000, generations: generations,
                                refillWindow: HotPostReader.refillWindow(config.database))
        causalCookie = CausalCookie(secret: config.cache.causalCookieSecret, maxAge: config.cache.causalCookieMaxAge)
        requestMetrics = RequestMetrics(board: config.metrics.requestMetrics ? scoreboard : nil)
        requestLog = config.metrics.requestLog ? RequestLog(pool: config.metrics.poolName) : nil
        StaticAssets.load(root: config.staticRoot)
        Self.registerRoutes(on: router)
    }

    /// The one way to change which posts viewers see (with this worker's cache, so every
    /// worker on the host drops what changed).
    public var visibility: PostVisibility {
        PostVisibility(database: database, files: config.photoFiles, cache: hotPosts, logger: logger)
    }

    /// Every route of the site: each feature registers its own (see its `*Routes.swift`).
    /// Handlers are static, so a test can list the routes without a database.
    static func registerRoutes(on router: Router) {
        router.get("/") { try HomeHandler.home($0) }
        router.get("/healthz") { try HealthHandler.healthz($0) }
        router.get("/status") { try StatusHandler.status($0) }
        router.get("/metrics") { try MetricsHandler.metrics($0) }
        AccountRoutes.register(on: router)
        PostRoutes.register(on: router)
        ContactRoutes.register(on: router)
        ReportRoutes.register(on: router)
        ModerationRoutes.register(on: router)
        SearchRoutes.register(on: router)
        PurgeAPI.register(on: router)
    }

    public func respond(to request: FastCGIRequest) throws -> FastCGIResponse {
        let start = Monotonic.seconds()
        metrics.beginRequest()
        var route = RequestMetrics.unmatched
        let response = answer(request, route: &route)
        let seconds = Monotonic.seconds() - start
        if config.metrics.requestMetrics { requestMetrics.record(route: route, status: response.status, seconds: seconds) }
        requestLog?.write(.init(requestID: request.params["REQUEST_ID"] ?? "", method: request.method, route: route,
                                status: response.status, seconds: seconds, databaseSeconds: metrics.requestDatabaseSeconds))
        return response
    }

    /// After a response went out: writes the buffered search counts once they are due.
    public func idle() {
        searchTerms.flushIfDue(database, logger: logger)
    }

    /// The worker is stopping: nothing buffered may be lost.
    public func stopping() {
        searchTerms.flush(database, logger: logger)
    }

    /// The response to `request`; sets `route` to the matched pattern.
    func answer(_ request: FastCGIRequest, route: inout String) -> FastCGIResponse {
        var response: FastCGIResponse
        let method = request.method
        let context: RequestContext
        // Read-your-writes: a client that wrote recently carries the GTID of that write.
        database.beginRequest(causalToken: request.cookies[CausalCookie.name].flatMap { causalCookie.gtid(fromCookie: $0) })
        switch router.match(method: method, path: request.path) {
        case .found(let handler, let captures, let pattern):
            route = pattern
            context = RequestContext(request: request, pathParameters: captures, app: self)
            response = handle(context, handler)
        case .methodNotAllowed(let allowed, let pattern):
            route = pattern
            context = RequestContext(request: request, pathParameters: [:], app: self)
            var error = HTTPError(405, "This address does not accept \(method) requests.")
            error.headers = [("Allow", allowed.joined(separator: ", "))]
            response = errorResponse(error, context)
        case .notFound:
            context = RequestContext(request: request, pathParameters: [:], app: self)
            response = errorResponse(.notFound(), context)
        case .otherSpelling(let canonical):
            context = RequestContext(request: request, pathParameters: [:], app: self)
            response = otherSpellingResponse(canonical, context)
        }
        for (name, value) in context.responseHeaders { try? response.addHeader(name, value) }
        if let gtid = database.lastCommittedGTID {
            try? response.addHeader("Set-Cookie", causalCookie.setCookie(gtid: gtid))
        }
        // A logged-in visitor's page says when account changes are paused: pages that never
        // needed the session (listings, cached posts) look it up here, so an outage of the
        // primary shows on every page they see, not only on those that happened to ask.
        // The cookie first: most requests are anonymous, and asking whether the response is a
        // page reads its headers.
        if let token = request.cookies[SessionCookie.name], !token.isEmpty, response.isHTML {
            _ = try? context.currentSession()
        }
        if context.identityUnavailable { Layout.addReadOnlyNotice(to: &response) }
        if method == "HEAD" { response.body = [] }
        // Dev and test stacks only: which worker answered, so the e2e suite can tell that a
        // change reached every worker (and how long it took on each).
        if config.posts.testHooks { try? response.addHeader("X-Corkboard-Worker", String(getpid())) }
        SecurityHeaders.apply(to: &response)
        return response
    }

    /// The answer to a route's other spelling. GET and HEAD are moved for good to the canonical
    /// path (query kept), which is where nginx's rules for that path apply. Any other method is
    /// a 404 naming the canonical path rather than a 308: our own forms and scripts only ever
    /// use the canonical path, a client following a 308 would send its body (up to 12 MB of
    /// photos) a second time, and a 404 means the handler is never reached under an alias.
    func otherSpellingResponse(_ canonical: String, _ context: RequestContext) -> FastCGIResponse {
        let method = context.request.method
        guard method == "GET" || method == "HEAD" else {
            return errorResponse(.notFound("This address does not exist; the page is spelled \(canonical)."), context)
        }
        let query = context.request.query
        let location = query.isEmpty ? canonical : canonical + "?" + query
        // `canonical` holds only RFC 3986 path characters and nginx refuses CR/LF in a query,
        // so the header cannot be refused; should it be, a plain 404 is still right.
        return (try? FastCGIResponse.redirect(to: location, status: 301)) ?? errorResponse(.notFound(), context)
    }

    func handle(_ context: RequestContext, _ handler: RouteHandler) -> FastCGIResponse {
        do {
            return try handler(context)
        } catch let error as HTTPError {
            return errorResponse(error, context)
        } catch let error as FastCGIError {
            if case .bodyTooLarge = error {
                return errorResponse(HTTPError(413, "The request is too large."), context)
            }
            if case .invalidQueryEncoding(let name) = error {
                // The same answer for every parameter, from the one query parser.
                let message = name.map { "The query parameter `\($0)` is not valid UTF-8." }
                    ?? "A query parameter's name is not valid UTF-8."
                return errorResponse(.badRequest(message, field: name), context)
            }
            context.logger.error("request failed", metadata: ["path": "\(context.request.path)", "error": "\(String(reflecting: error))"])
            return errorResponse(HTTPError(400, "The request could not be read."), context)
        } catch let error as MariaDBError where error.isUnavailable {
            context.logger.error("database unavailable", metadata: ["path": "\(context.request.path)", "error": "\(error.debugDescription)"])
            // The primary is down but replicas still answer: say that browsing works.
            if database.primaryMarkedDown, !["GET", "HEAD"].contains(context.request.method) {
                return errorResponse(.readOnly(), context)
            }
            return errorResponse(.unavailable(), context)
        } catch {
            // Internals go to the log only (a database error names its statement's call site);
            // the client gets a generic page.
            context.logger.error("request failed", metadata: ["path": "\(context.request.path)", "error": "\(String(reflecting: error))"])
            return errorResponse(HTTPError(500, "Something went wrong on our side. Please try again."), context)
        }
    }

    func errorResponse(_ error: HTTPError, _ context: RequestContext) -> FastCGIResponse {
        var response: FastCGIResponse
        // nginx's request id, also in its access log and the request's log line, so a user's
        // report of an error can be found in the logs.
        let requestID = context.request.params["REQUEST_ID"] ?? ""
        if context.wantsJSON {
            var body: [String: String] = ["error": error.message]
            if let field = error.field { body["field"] = field }
            if !requestID.isEmpty { body["request_id"] = requestID }
            response = JSONResponse.make(status: error.status, body)
        } else {
            let reference: HTML = requestID.isEmpty ? "" : "<p class=\"request-id\">Request id: <code>\(requestID)</code></p>"
            let page = Layout.page(title: FastCGIResponse.reasonPhrase(for: error.status), siteName: config.siteName, body: """
                <section class="error"><h1>\(FastCGIResponse.reasonPhrase(for: error.status))</h1><p>\(error.message)</p>
                \(reference)<p><a href="/">Back to the start page</a></p></section>
                """)
            response = HTMLResponse.make(status: error.status, page)
        }
        for (name, value) in error.headers { try? response.setHeader(name, value) }
        return response
    }
}
