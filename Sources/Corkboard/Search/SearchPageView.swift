import FastCGI
import Foundation

/// The HTML of a city's list: the search form (refilled, see `SearchFormView`), the chosen
/// view (a compact list or a gallery of thumbnails, kept in the URL), the posts, a "more" link
/// to the next page (a real URL, so it works without JavaScript and Back returns to it) and,
/// on later pages, how many posts arrived since the walk began. public/static/scroll.js
/// follows the "more" link as the viewer scrolls.
struct SearchPageView {
    let request: SearchRequest
    let catalog: SearchCatalog
    let page: SearchPage
    let key: HMACSHA256

    func render(now: Date = Date()) -> HTML {
        let city = request.city
        let base = "/\(city.slug)/search"
        let params = request.parameters
        let thisPage = Self.url(base, params + (request.cursor.map { [("cursor", $0.encode(key: key))] } ?? []))
        let pageAttribute: HTML = "\(thisPage)"   // escaped once, not once per row
        let rows: [HTML] = page.hits.map { Self.row($0, view: request.view, page: pageAttribute, now: now) }
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
            let layout: HTML = request.view == .gallery ? "posts gallery" : "posts list"
            parts.append("<ul class=\"\(layout)\" id=\"results\">\n\(rows)</ul>\n")
        }
        if let next = page.next {
            let href = Self.url(base, params + [("cursor", next.encode(key: key))])
            parts.append("<p class=\"more\"><a class=\"more\" rel=\"next\" href=\"\(href)\">More posts</a></p>\n")
        } else if !page.hits.isEmpty {
            parts.append("<p class=\"end\">End of the list.</p>\n")
        }
        let heading: HTML = request.text.isEmpty ? "<h1>\(city.name)</h1>" : "<h1>\(city.name): “\(request.text)”</h1>"
        let form = SearchFormView(city: city, catalog: catalog, values: params, error: nil)
        return """
            \(heading)
            \(form.render())
            \(form.chips(request))
            <section class="results" aria-labelledby="results-heading">
            <div class="results-bar"><h2 id="results-heading">Posts</h2>\(viewSwitch(base))</div>
            \(parts)</section>
            \(StaticAssets.script("scroll.js"))
            """
    }

    /// One post: the whole row is its link (a large target on a phone). With a photo, its
    /// thumbnail leads (decorative: the title says what the link is); without one, the text
    /// takes the whole width, with no empty box where a picture would be.
    static func row(_ hit: SearchHit, view: ListView, page: HTML, now: Date) -> HTML {
        let size: (w: Int, h: Int) = view == .gallery ? (320, 240) : (64, 64)
        let thumb: HTML = hit.thumbnail.map {
            "<img class=\"thumb\" src=\"\($0)\" alt=\"\" width=\"\(size.w)\" height=\"\(size.h)\" loading=\"lazy\" decoding=\"async\">"
        } ?? ""
        let linkClass: HTML = hit.thumbnail == nil ? "row no-photo" : "row"
        let hood: HTML = hit.neighbourhood.map { "<span class=\"hood\">\($0)</span> · " } ?? ""
        return """
            <li class="post" id="p\(hit.id)" data-page="\(page)"><a class="\(linkClass)" href="/post/\(hit.id)">\(thumb)<span class="title">\(hit.title)</span> <span class="price">\(price: hit.priceMinor, in: hit.currency)</span>
            <span class="meta">\(hood)\(hit.category) · <time datetime="\(iso8601: hit.createdAt)">\(age: hit.createdAt, now: now)</time></span></a></li>

            """
    }

    /// Links to the same search in each view (the current one marked), without the cursor:
    /// switching starts the list again from the top.
    func viewSwitch(_ base: String) -> HTML {
        let others = request.parameters.filter { $0.0 != "view" }
        let links: [HTML] = ListView.allCases.map { view in
            let href = Self.url(base, others + (view == .list ? [] : [("view", view.rawValue)]))
            return "<a href=\"\(href)\"\(HTML.attribute("aria-current=\"page\"", if: view == request.view))>\(view.label)</a>"
        }
        return "<nav class=\"views\" aria-label=\"Layout\">\(links)</nav>"
    }

    /// The form refilled with what was sent, and the message of the 400 it caused.
    static func invalid(city: City, catalog: SearchCatalog, items: [(String, String)], error: HTTPError) -> HTML {
        let keep = Set(SearchFormView.fields)
        let values = items.filter { keep.contains($0.0) }.map { ($0.0, String($0.1.prefix(SearchQuery.maxLength))) }
        return """
            <h1>\(city.name)</h1>
            \(SearchFormView(city: city, catalog: catalog, values: values, error: error).render())
            """
    }

    /// `base?name=value&…`, percent-encoded.
    static func url(_ base: String, _ params: [(String, String)]) -> String {
        params.isEmpty ? base : base + "?" + FastCGIRequest.queryString(params)
    }
}
