import FastCGI
import Foundation

/// `GET /{city}`, `GET /{city}/search` (HTML) and `GET /api/search?city=…` (JSON): a city's
/// posts of the last seven days, filtered, sorted and paged by cursor.
enum SearchHandler {
    /// The JSON answer of `/api/search`.
    struct APIPage: Encodable {
        var city: String
        var posts: [SearchHit]
        var nextCursor: String?
        var newPosts: Int?
    }

    static func html(_ context: RequestContext) throws -> FastCGIResponse {
        if let hit = cached(context) { return hit }
        let (city, catalog) = try findCity(context.parameter("city"), context)
        let generation = context.app.listings.generation(city: city.id)
        let items = try context.request.queryItems
        do {
            let request = try SearchRequest(city: city, items: items, catalog: catalog, key: context.app.config.search.cursorKey)
            let page = try engine(context).run(request)
            let term = count(request, context)
            let body = SearchPageView(request: request, catalog: catalog, page: page, key: context.app.config.search.cursorKey).render()
            return store(HTMLResponse.make(Layout.page(title: request.text.isEmpty ? city.name : "\(request.text) · \(city.name)",
                                                       siteName: context.app.config.siteName, city: (city.slug, city.name), body: body)),
                         city: city, generation: generation, term: term, context)
        } catch let error as HTTPError where error.status == 400 {
            // The form again, refilled, with the message next to it; no results.
            let body = SearchPageView.invalid(city: city, catalog: catalog, items: items, error: error)
            return HTMLResponse.make(status: 400, Layout.page(title: city.name, siteName: context.app.config.siteName,
                                                              city: (city.slug, city.name), body: body))
        }
    }

    static func api(_ context: RequestContext) throws -> FastCGIResponse {
        if let hit = cached(context) { return hit }
        let slug = try context.request.queryItems.first { $0.0 == "city" }?.1 ?? ""
        guard !slug.isEmpty else { throw HTTPError.badRequest("Name a city: ?city=slug.", field: "city") }
        let (city, catalog) = try findCity(slug, context)
        let generation = context.app.listings.generation(city: city.id)
        let key = context.app.config.search.cursorKey
        let request = try SearchRequest(city: city, items: try context.request.queryItems, catalog: catalog, key: key)
        let page = try engine(context).run(request)
        let term = count(request, context)
        let body = APIPage(city: city.slug, posts: page.hits, nextCursor: page.next?.encode(key: key), newPosts: page.newPosts)
        return store(.json(SearchPageJSON.encode(body)), city: city, generation: generation, term: term, context)
    }

    /// The page from the worker's list cache (`ListingCache`), counted as a search again when
    /// it is one; nil for a client that wrote lately (it must see its own post) or on a miss.
    static func cached(_ context: RequestContext) -> FastCGIResponse? {
        guard context.database.causalToken == nil,
              let hit = context.app.listings.get(context.request.params["REQUEST_URI"] ?? "") else { return nil }
        if let term = hit.term { count(term: term, context) }
        return hit.response
    }

    /// Keeps a finished page in the list cache (a writer's is not kept: it may hold their own
    /// post before the replicas do).
    static func store(_ response: FastCGIResponse, city: City, generation: UInt64, term: String?,
                      _ context: RequestContext) -> FastCGIResponse {
        if response.status == 200, context.database.causalToken == nil, let key = context.request.params["REQUEST_URI"] {
            context.app.listings.put(key, response, city: city.id, generation: generation, term: term)
        }
        return response
    }

    /// Counts a search with a query (its first page only, so scrolling is not counted again)
    /// for /metrics, and its term for the top-terms gauges; returns the term counted.
    @discardableResult
    static func count(_ request: SearchRequest, _ context: RequestContext) -> String? {
        guard request.cursor == nil, let term = SearchTermStats.term(request.text) else { return nil }
        count(term: term, context)
        return term
    }

    /// Counts one search of `term` in the worker's buffer, which the idle hook writes out
    /// (`SearchTermBuffer`), so the search itself writes nothing.
    static func count(term: String, _ context: RequestContext) {
        context.app.metrics.searched()
        let client = SearchTermStats.client(context.request.remoteAddress ?? "", key: context.app.config.search.cursorKey)
        context.app.searchTerms.add(term: term, client: client)
    }

    static func engine(_ context: RequestContext) -> SearchEngine {
        SearchEngine(database: context.database, pageSize: context.app.config.search.pageSize, termCounts: context.app.termCounts)
    }

    /// The city and its filter menus, from the worker's `CityCatalogCache`.
    static func findCity(_ slug: String, _ context: RequestContext) throws -> (city: City, catalog: SearchCatalog) {
        // A path that could never be a city's slug (favicon.ico, reserved names) needs no query.
        guard City.slugProblem(slug) == nil, let found = try context.app.cities.city(slug, database: context.database) else {
            throw HTTPError.notFound("There is no city at this address.")
        }
        return found
    }
}

/// The list's routes.
enum SearchRoutes {
    static func register(on router: Router) {
        router.get("/api/search") { try SearchHandler.api($0) }
        // `/{city}` is the same page as `/{city}/search` without a query.
        router.get("/:city") { try SearchHandler.html($0) }
        router.get("/:city/search") { try SearchHandler.html($0) }
    }
}
