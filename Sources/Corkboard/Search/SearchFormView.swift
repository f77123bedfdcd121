import Foundation

/// The search form of a city's list, phone first: the query box first and full width, the
/// filters folded in a `<details>` ("Filters", no JavaScript needed), and the active filters
/// as chips, each a link to the same search without it. Every control has a visible label;
/// a 400's message is tied to its field (`FieldError`) and opens the filters when it is
/// about one of them.
struct SearchFormView {
    let city: City
    let catalog: SearchCatalog
    /// The parameters to refill, as sent (after an error) or as the request reads them.
    let values: [(String, String)]
    let error: HTTPError?

    /// Every parameter the form sends (and a refilled form keeps).
    static let fields = ["q", "titles", "category", "neighbourhood", "min_price", "max_price", "photos", "today", "sort", "view"]
    /// The ones folded under "Filters".
    static let filters = ["titles", "category", "neighbourhood", "min_price", "max_price", "photos", "today", "sort"]

    func value(_ name: String) -> String { values.first { $0.0 == name }?.1 ?? "" }

    func render() -> HTML {
        let problem = FieldError(error, id: "search-error")
        func checked(_ name: String) -> HTML { .attribute("checked", if: ["1", "on", "true", "yes"].contains(value(name))) }
        func options(_ entries: [SearchCatalog.Entry], _ drawn: [HTML], _ name: String, _ any: String) -> HTML {
            let chosen = value(name)
            var list = drawn
            if !chosen.isEmpty, let i = entries.firstIndex(where: { $0.slug == chosen }) {
                list[i] = Self.option(entries[i], selected: true)
            }
            return "<option value=\"\">\(any)</option>\(list)"
        }
        let sorts: [HTML] = SearchSort.allCases.map {
            "<option value=\"\($0.rawValue)\"\(.attribute("selected", if: $0.rawValue == value("sort")))>\($0.label)</option>"
        }
        let currency = city.currency
        // The filters are typed in the city's currency: whole amounts where it has no minor unit.
        let mode: HTML = currency.minorDigits == 0 ? "numeric" : "decimal"
        let active = Self.filters.filter { !value($0).isEmpty && value($0) != "0" && !($0 == "sort" && value($0) == SearchSort.newest.rawValue) }
        let count: HTML = active.isEmpty ? "" : " <span class=\"count\">(\(active.count))</span>"
        let open = HTML.attribute("open", if: error?.field.map { Self.filters.contains($0) } ?? false)
        let view: HTML = value("view").isEmpty || value("view") == ListView.list.rawValue
            ? "" : "<input type=\"hidden\" name=\"view\" value=\"\(value("view"))\">"
        return """
            <form class="search-form" role="search" method="get" action="/\(city.slug)/search">
            \(problem.message(class: "error"))
            <div class="query"><input type="search" id="search-q" name="q" value="\(value("q"))" maxlength="\(SearchQuery.maxLength)" placeholder="Search \(city.name)" aria-label="Search \(city.name)"\(problem.attributes("q"))>
            <button type="submit">Search</button></div>
            <details class="filters"\(open)><summary>Filters\(count)</summary>
            <div class="filter-grid">
            <p><label for="search-category">Category</label>
            <select id="search-category" name="category"\(problem.attributes("category"))>\(options(catalog.categories, catalog.options.categories, "category", "All categories"))</select></p>
            <p><label for="search-neighbourhood">Neighbourhood</label>
            <select id="search-neighbourhood" name="neighbourhood"\(problem.attributes("neighbourhood"))>\(options(catalog.neighbourhoods, catalog.options.neighbourhoods, "neighbourhood", "All neighbourhoods"))</select></p>
            <p><label for="search-min">Lowest price (\(currency.code))</label>
            <input type="text" id="search-min" inputmode="\(mode)" name="min_price" value="\(value("min_price"))" placeholder="\(currency.symbol)"\(problem.attributes("min_price"))></p>
            <p><label for="search-max">Highest price (\(currency.code))</label>
            <input type="text" id="search-max" inputmode="\(mode)" name="max_price" value="\(value("max_price"))" placeholder="\(currency.symbol)"\(problem.attributes("max_price"))></p>
            <p><label for="search-sort">Sort</label>
            <select id="search-sort" name="sort"\(problem.attributes("sort"))>\(sorts)</select></p>
            <fieldset><legend>Only</legend>
            <label class="check"><input type="checkbox" name="titles" value="1"\(checked("titles"))\(problem.attributes("titles"))> words in the title</label>
            <label class="check"><input type="checkbox" name="photos" value="1"\(checked("photos"))\(problem.attributes("photos"))> posts with photos</label>
            <label class="check"><input type="checkbox" name="today" value="1"\(checked("today"))\(problem.attributes("today"))> posted today</label>
            </fieldset>
            </div>
            <button type="submit">Apply filters</button>
            </details>
            \(view)</form>
            """
    }

    /// One menu entry's option (the catalog keeps them drawn unselected).
    static func option(_ entry: SearchCatalog.Entry, selected: Bool) -> HTML {
        "<option value=\"\(entry.slug)\"\(.attribute("selected", if: selected))>\(entry.name)</option>"
    }

    /// The active filters of `request` as chips: each a link to the same search without that
    /// filter (the query, the order and the view stay), plus one that clears them all.
    func chips(_ request: SearchRequest) -> HTML {
        let base = "/\(city.slug)/search"
        let params = request.parameters
        let currency = city.currency
        var named: [(field: String, label: String)] = []
        if request.titlesOnly { named.append(("titles", "Words in the title")) }
        if let category = request.category { named.append(("category", category.name)) }
        if let hood = request.neighbourhood { named.append(("neighbourhood", hood.name)) }
        if let low = request.minPrice { named.append(("min_price", "From \(currency.format(low))")) }
        if let high = request.maxPrice { named.append(("max_price", "Up to \(currency.format(high))")) }
        if request.photosOnly { named.append(("photos", "With photos")) }
        if request.today { named.append(("today", "Posted today")) }
        guard !named.isEmpty else { return "" }
        var items: [HTML] = named.map { chip in
            let href = SearchPageView.url(base, params.filter { $0.0 != chip.field })
            return "<li><a class=\"chip\" href=\"\(href)\"><span class=\"visually-hidden\">Remove filter: </span>\(chip.label)<span class=\"x\" aria-hidden=\"true\"> ×</span></a></li>"
        }
        if named.count > 1 {
            let kept = params.filter { !Self.filters.contains($0.0) || $0.0 == "sort" }
            items.append("<li><a class=\"chip clear\" href=\"\(SearchPageView.url(base, kept))\">Clear all filters</a></li>")
        }
        return "<ul class=\"chips\" aria-label=\"Active filters\">\(items)</ul>"
    }
}
