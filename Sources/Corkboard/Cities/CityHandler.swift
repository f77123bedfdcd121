import FastCGI
import Foundation

/// `GET /{city}`: the city's newest posts.
enum CityHandler {
    static func show(_ context: RequestContext) throws -> FastCGIResponse {
        let slug = context.parameter("city")
        // A path that could never be a city's slug (favicon.ico, reserved names) needs no query.
        guard City.slugProblem(slug) == nil, let city = try CityStore(database: context.database).find(slug: slug) else {
            throw HTTPError.notFound("There is no city at this address.")
        }
        let posts = try PostStore(database: context.database).newest(cityID: city.id, limit: 100)
        let now = Date()
        let rows: [HTML] = posts.map { post in
            let hood: HTML = post.neighbourhood.map { " <span class=\"hood\">(\($0))</span>" } ?? ""
            return """
                <li class="post"><a href="/post/\(post.id)">\(post.title)</a> <span class="price">\(Layout.price(post.priceMinor))</span>\(hood)
                <span class="meta">\(post.category) · \(Layout.age(post.createdAt, now: now))</span></li>

                """
        }
        let list: HTML = posts.isEmpty ? "<p>No posts in the last seven days.</p>" : "<ul class=\"posts\">\n\(rows)</ul>"
        let body: HTML = "<h1>\(city.name)</h1>\n\(list)"
        return HTMLResponse.make(Layout.page(title: city.name, siteName: context.app.config.siteName,
                                             city: (city.slug, city.name), body: body))
    }
}
