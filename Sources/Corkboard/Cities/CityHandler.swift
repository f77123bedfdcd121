import FastCGI

/// `GET /{city}`: the city's list of the last seven days, newest first, with the search form
/// (the same page as `/{city}/search` without a query; see `SearchHandler`).
enum CityHandler {
    static func show(_ context: RequestContext) throws -> FastCGIResponse {
        try SearchHandler.html(context)
    }
}
