import FastCGI
import Foundation

/// The HTML of a city's list: the search form (refilled), the posts with thumbnails, a "more"
/// link to the next page (a real URL, so it works without JavaScript and Back returns to it)
/// and, on later pages, how many posts arrived since the walk began. public/static/scroll.js
/// follows the "more" link as the viewer scrolls.
struct SearchPageView {
    let request: SearchRequest
    let catalog: SearchCatalog
    let page: SearchPage
    let key: [UInt8]

    func render(now: Date = Date()) -> HTML {
        let city = request.city
        let base = "/\(city.slug)/search"
        let params = request.parameters
        let thisPage = Self.url(base, params + (request.cursor.map { [("cursor", $0.encode(key: key))] } ?? []))
        let rows: [HTML] = page.hits.map { hit in
            let thumb: HTML = hit.thumbnail.map { "<img class=\"thumb\" src=\"\($0)\" alt=\"\" loading=\"lazy\" width=\"64\" height=\"64\">" }
                ?? "<span class=\"thumb none\"></span>"
            let hood: HTML = hit.neighbourhood.map { " <span class=\"hood\">(\($0))</span>" } ?? ""
            return """
                <li class="post" id="p\(hit.id)" data-page="\(thisPage)"><a href="/post/\(hit.id)">\(thumb)<span class="title">\(hit.title)</span></a> <span class="price">\(hit.currency.format(hit.priceMinor))</span>\(hood)
                <span class="meta">\(hit.category) · \(Layout.age(hit.createdAt, now: now))</span></li>

                """
        }
        var parts: [HTML] = []
        if let n = page.newPosts, n > 0 {
            let label = n >= 100 ? "100+ new posts" : n == 1 ? "1 new post" : "\(n) new posts"
            parts.append("<p class=\"new-posts\"><a href=\"\(Self.url(base, params))\">\(label) since you started: show the newest</a></p>\n")
        }
        if page.hits.isEmpty {
            parts.append(request.cursor == nil
                ? "<p class=\"empty\">No posts match in the last seven days.</p>\n"
                : "<p class=\"empty\">That is all.</p>\n")
        } else {
            parts.append("<ul class=\"posts\" id=\"results\">\n\(rows)</ul>\n")
        }
        if let next = page.next {
            let href = Self.url(base, params + [("cursor", next.encode(key: key))])
            parts.append("<p class=\"more\"><a class=\"more\" rel=\"next\" href=\"\(href)\">More posts</a></p>\n")
        } else if !page.hits.isEmpty {
            parts.append("<p class=\"end\">End of the list.</p>\n")
        }
        let heading: HTML = request.text.isEmpty ? "<h1>\(city.name)</h1>" : "<h1>\(city.name): “\(request.text)”</h1>"
        return """
            \(heading)
            \(Self.form(city: city, catalog: catalog, values: request.parameters, error: nil))
            <section class="results">
            \(parts)</section>
            <script src="/static/scroll.js" defer></script>
            """
    }

    /// The form refilled with what was sent, and the message of the 400 it caused.
    static func invalid(city: City, catalog: SearchCatalog, items: [(String, String)], error: HTTPError) -> HTML {
        let keep = Set(["q", "titles", "category", "neighbourhood", "min_price", "max_price", "photos", "today", "sort"])
        let values = items.filter { keep.contains($0.0) }.map { ($0.0, String($0.1.prefix(SearchQuery.maxLength))) }
        return """
            <h1>\(city.name)</h1>
            \(form(city: city, catalog: catalog, values: values, error: error))
            """
    }

    static func form(city: City, catalog: SearchCatalog, values: [(String, String)], error: HTTPError?) -> HTML {
        func value(_ name: String) -> String { values.first { $0.0 == name }?.1 ?? "" }
        func checked(_ name: String) -> HTML { .attribute("checked", if: ["1", "on", "true", "yes"].contains(value(name))) }
        func options(_ entries: [SearchCatalog.Entry], _ name: String, _ any: String) -> HTML {
            let chosen = value(name)
            let list: [HTML] = entries.map { "<option value=\"\($0.slug)\"\(.attribute("selected", if: $0.slug == chosen))>\($0.name)</option>" }
            return "<option value=\"\">\(any)</option>\(list)"
        }
        let sorts: [HTML] = SearchSort.allCases.map {
            "<option value=\"\($0.rawValue)\"\(.attribute("selected", if: $0.rawValue == value("sort")))>\($0.label)</option>"
        }
        let currency = city.currency
        // The filters are typed in the city's currency: whole amounts where it has no minor unit.
        let mode: HTML = currency.minorDigits == 0 ? "numeric" : "decimal"
        let message: HTML = error.map { "<p class=\"error\" role=\"alert\" data-field=\"\($0.field ?? "")\">\($0.message)</p>" } ?? ""
        return """
            <form class="search-form" method="get" action="/\(city.slug)/search">
            \(message)
            <p><input type="search" name="q" value="\(value("q"))" maxlength="\(SearchQuery.maxLength)" placeholder="Search \(city.name)" aria-label="Search">
            <label><input type="checkbox" name="titles" value="1"\(checked("titles"))> titles only</label></p>
            <p><select name="category" aria-label="Category">\(options(catalog.categories, "category", "All categories"))</select>
            <select name="neighbourhood" aria-label="Neighbourhood">\(options(catalog.neighbourhoods, "neighbourhood", "All neighbourhoods"))</select>
            <input type="text" inputmode="\(mode)" name="min_price" value="\(value("min_price"))" size="6" placeholder="min \(currency.symbol)" aria-label="Lowest price (\(currency.code))">
            <input type="text" inputmode="\(mode)" name="max_price" value="\(value("max_price"))" size="6" placeholder="max \(currency.symbol)" aria-label="Highest price (\(currency.code))">
            <label><input type="checkbox" name="photos" value="1"\(checked("photos"))> has photos</label>
            <label><input type="checkbox" name="today" value="1"\(checked("today"))> posted today</label>
            <select name="sort" aria-label="Sort">\(sorts)</select>
            <button type="submit">Search</button></p>
            </form>
            """
    }

    /// `base?name=value&…`, percent-encoded.
    static func url(_ base: String, _ params: [(String, String)]) -> String {
        params.isEmpty ? base : base + "?" + FastCGIRequest.queryString(params)
    }
}
