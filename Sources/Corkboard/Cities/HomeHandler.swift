import FastCGI

/// `GET /`: pick a city.
enum HomeHandler {
    static func home(_ context: RequestContext) throws -> FastCGIResponse {
        let cities = try CityStore(database: context.database).all()
        let items: [HTML] = cities.map { "<li><a href=\"/\($0.slug)\">\($0.name)</a></li>\n" }
        let body: HTML = cities.isEmpty
            ? "<h1>Pick a city</h1><p>No cities yet.</p>"
            : "<h1>Pick a city</h1>\n<ul class=\"cities\">\n\(items)</ul>"
        return HTMLResponse.make(Layout.page(title: "", siteName: context.app.config.siteName, body: body))
    }
}
