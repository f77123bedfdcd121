import FastCGI

/// Handles one request that matched a route.
public typealias RouteHandler = (RequestContext) throws -> FastCGIResponse

/// Resolves the path first, then the method (so a known path with the wrong method is a 405
/// with `Allow`, not a 404). Patterns are `/`-separated; a segment `:name` captures one segment.
/// Literal segments win over captures, so `/login` is never taken for a city called "login".
/// Only the canonical spelling of a path matches (see `CanonicalPath`); any other spelling of a
/// registered route is `.otherSpelling`, never silently the same route, so nginx's rules,
/// written against the canonical path, cannot be walked around.
public final class Router {
    private struct Route {
        let segments: [Segment]
        /// The pattern as registered (`/post/:id`): the route's name in metrics and logs.
        let pattern: String
        var handlers: [String: RouteHandler]
    }
    private enum Segment: Equatable {
        case literal(String)
        case capture(String)
    }
    private var routes: [Route] = []
    /// The indices of `routes` (ascending) that a request can match, by its number of segments
    /// and its first segment: the routes of that length whose first segment is that literal
    /// (in any ASCII case, keyed by `Self.key`), and those of that length that capture it. A
    /// post page is compared with three routes instead of every route of two segments.
    private var byFirst: [Int: [Int]] = [:]
    private var captureFirst: [Int: [Int]] = [:]

    public init() {}

    public func add(_ method: String, _ pattern: String, _ handler: @escaping RouteHandler) {
        let segments = Self.split(pattern).map { $0.hasPrefix(":") ? Segment.capture(String($0.dropFirst())) : .literal($0) }
        if let i = routes.firstIndex(where: { $0.segments == segments }) {
            routes[i].handlers[method] = handler
        } else {
            if case .literal(let first) = segments.first {
                byFirst[Self.key(count: segments.count, first: first), default: []].append(routes.count)
            } else {
                captureFirst[segments.count, default: []].append(routes.count)
            }
            routes.append(Route(segments: segments, pattern: pattern, handlers: [method: handler]))
        }
    }

    /// Every registered method and pattern (`/api/posts/:id`), in registration order: what a
    /// description of the routes (the OpenAPI document) is checked against.
    public var registered: [(method: String, pattern: String)] {
        routes.flatMap { route in
            let pattern = "/" + route.segments.map { segment in
                switch segment {
                case .literal(let l): l
                case .capture(let name): ":" + name
                }
            }.joined(separator: "/")
            return route.handlers.keys.sorted().map { (method: $0, pattern: pattern) }
        }
    }

    public func get(_ pattern: String, _ handler: @escaping RouteHandler) { add("GET", pattern, handler) }
    public func post(_ pattern: String, _ handler: @escaping RouteHandler) { add("POST", pattern, handler) }

    /// The outcome of resolving a request.
    /// `pattern` is the matched route's registered pattern (never the raw path, so it can
    /// label metrics without unbounded values).
    public enum Match {
        case found(RouteHandler, [String: String], pattern: String)
        case methodNotAllowed(allowed: [String], pattern: String)
        case notFound
        /// The path is another spelling (trailing or repeated slash, dot segment, encoded
        /// unreserved character, other case) of the registered route at `canonical`.
        case otherSpelling(canonical: String)
    }

    public func match(method: String, path: String) -> Match {
        // Most paths are already canonical and plain (letters, digits, `-._~`, single slashes):
        // their segments are the path's own, and only a literal matched in another case can
        // make them another spelling, so they skip the normalisation and the rebuilt path.
        let plain = CanonicalPath.isPlain(path)
        let parts = plain ? CanonicalPath.plainSegments(path) : CanonicalPath.segments(path)
        // The route with the most literal segments wins; a route is only compared here (no
        // captures or spellings built for the ones that do not match: this runs per request).
        // Read once: each access to the class's stored arrays is an exclusivity check.
        let routes = self.routes
        var best: (index: Int, literals: Int, exact: Bool)?
        func compare(_ index: Int) {
            var literals = 0
            var exact = true
            let segments = routes[index].segments
            for (i, part) in parts.enumerated() {
                // Case-blind here only to find the route an other-case spelling meant.
                guard case .literal(let l) = segments[i] else { continue }
                literals += 1
                if l == part { continue }
                guard l.equalsIgnoringASCIICase(part) else { return }
                exact = false
            }
            // On a tie the route registered first wins (each list is in that order).
            if best == nil || literals > best!.literals || (literals == best!.literals && index < best!.index) {
                best = (index, literals, exact)
            }
        }
        for index in byFirst[Self.key(count: parts.count, first: parts.first ?? "")] ?? [] { compare(index) }
        for index in captureFirst[parts.count] ?? [] { compare(index) }
        guard let best else { return .notFound }
        let route = routes[best.index]
        var captures: [String: String] = [:]
        var spelled: [String] = []
        let spellingKnown = plain && best.exact
        for (segment, part) in zip(route.segments, parts) {
            switch segment {
            case .literal(let l): if !spellingKnown { spelled.append(l) }
            case .capture(let name):
                captures[name] = part
                if !spellingKnown { spelled.append(part) }
            }
        }
        if !spellingKnown {
            let canonical = CanonicalPath.join(spelled)
            if canonical != path { return .otherSpelling(canonical: canonical) }
        }
        let lookup = method == "HEAD" ? "GET" : method
        if let handler = route.handlers[lookup] { return .found(handler, captures, pattern: route.pattern) }
        var allowed = route.handlers.keys.sorted()
        if allowed.contains("GET") { allowed.append("HEAD") }
        return .methodNotAllowed(allowed: allowed, pattern: route.pattern)
    }

    /// The bucket of a route or request: its number of segments and its first segment in any
    /// ASCII case. A collision only adds candidates, which are compared in full.
    static func key(count: Int, first: String) -> Int {
        first.hashIgnoringASCIICase(seed: count)
    }

    static func split(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }
}
