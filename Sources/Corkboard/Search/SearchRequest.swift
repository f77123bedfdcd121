import Foundation
import MariaDB

/// One list request, checked: the city, the text query, the filters, the order and where the
/// page starts. Every problem is a 400 naming the parameter, so the API and the form can say
/// which field is wrong.
public struct SearchRequest: Sendable {
    public var city: City
    /// The city's menus as this request read them: they also name each listed post's
    /// category and neighbourhood (`SearchCatalog.byID`).
    public var catalog: SearchCatalog
    /// The text as the viewer typed it, cut to `SearchQuery.maxLength` characters.
    public var text: String
    public var query: SearchQuery
    public var titlesOnly: Bool
    public var category: SearchCatalog.Entry?
    public var neighbourhood: SearchCatalog.Entry?
    /// Price bounds in the minor unit of the city's currency, inclusive; typed in its units
    /// ("12.50" in Lisbon, "300000" in Seoul).
    public var minPrice: Int64?
    public var maxPrice: Int64?
    public var photosOnly: Bool
    /// Only posts since midnight in the city's time zone.
    public var today: Bool
    public var sort: SearchSort
    public var cursor: SearchCursor?
    /// The list's layout: only how the page looks, so it is in `parameters` (the links) but
    /// not in `fingerprint` (a cursor belongs to the search, whichever view walks it).
    public var view: ListView = .list

    /// Reads the parameters of `items` (query string pairs). `catalog` resolves category and
    /// neighbourhood slugs; `key` checks the cursor.
    public init(city: City, items: [(String, String)], catalog: SearchCatalog, key: HMACSHA256) throws {
        var values: [String: String] = [:]
        for (name, value) in items where values[name] == nil { values[name] = value }
        func value(_ name: String) -> String? {
            guard let v = values[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        self.city = city
        self.catalog = catalog
        text = String((values["q"] ?? "").prefix(SearchQuery.maxLength))
        query = SearchQuery(parsing: text)
        titlesOnly = try Self.flag(value("titles"), "titles")
        photosOnly = try Self.flag(value("photos"), "photos")
        today = try Self.flag(value("today"), "today")
        if let slug = value("category") {
            guard let entry = catalog.categories.first(where: { $0.slug == slug }) else {
                throw HTTPError.badRequest("There is no category “\(slug.prefix(64))”.", field: "category")
            }
            category = entry
        }
        if let slug = value("neighbourhood") {
            guard let entry = catalog.neighbourhoods.first(where: { $0.slug == slug }) else {
                throw HTTPError.badRequest("\(city.name) has no neighbourhood “\(slug.prefix(64))”.", field: "neighbourhood")
            }
            neighbourhood = entry
        }
        minPrice = try value("min_price").flatMap { try city.currency.parse($0, field: "min_price") }
        maxPrice = try value("max_price").flatMap { try city.currency.parse($0, field: "max_price") }
        if let lo = minPrice, let hi = maxPrice, lo > hi {
            throw HTTPError.badRequest("The lowest price is above the highest price.", field: "min_price")
        }
        if let s = value("sort") {
            guard let parsed = SearchSort(rawValue: s) else {
                throw HTTPError.badRequest("Sort must be one of: \(SearchSort.allCases.map(\.rawValue).joined(separator: ", ")).", field: "sort")
            }
            sort = parsed
        } else {
            sort = .newest
        }
        view = try ListView.parse(value("view"))
        if let text = value("cursor") {
            guard let c = SearchCursor.decode(text, key: key), c.sort == sort, c.fingerprint == fingerprint,
                  sort.isPrice || c.phase == 0 else {
                throw HTTPError.badRequest("This page link is not valid (it was changed, or belongs to another search). Start the list again.", field: "cursor")
            }
            cursor = c
        }
    }

    /// What makes two requests the same search: everything but the cursor.
    public var fingerprint: UInt64 {
        let parts: [String] = [
            String(city.id), query.required.joined(separator: "\u{1}"), query.phrases.joined(separator: "\u{1}"),
            query.excludedTerms.joined(separator: "\u{1}"), query.excludedPhrases.joined(separator: "\u{1}"),
            query.matchesNothing ? "0" : "1", titlesOnly ? "t" : "", String(category?.id ?? 0), String(neighbourhood?.id ?? 0),
            minPrice.map(String.init) ?? "-", maxPrice.map(String.init) ?? "-", photosOnly ? "p" : "", today ? "d" : "", sort.rawValue,
        ]
        return UInt64(bitPattern: SearchText.hash(parts.joined(separator: "\u{2}")))
    }

    /// The parameters of this search (without the cursor), for links to its pages.
    public var parameters: [(String, String)] {
        var out: [(String, String)] = []
        if !text.isEmpty { out.append(("q", text)) }
        if titlesOnly { out.append(("titles", "1")) }
        if let category { out.append(("category", category.slug)) }
        if let neighbourhood { out.append(("neighbourhood", neighbourhood.slug)) }
        if let minPrice { out.append(("min_price", city.currency.format(minPrice, .input))) }
        if let maxPrice { out.append(("max_price", city.currency.format(maxPrice, .input))) }
        if photosOnly { out.append(("photos", "1")) }
        if today { out.append(("today", "1")) }
        if sort != .newest { out.append(("sort", sort.rawValue)) }
        if view != .list { out.append(("view", view.rawValue)) }
        return out
    }

    static func flag(_ v: String?, _ field: String) throws -> Bool {
        switch v?.lowercased() {
        case nil, "0", "false", "off", "no": return false
        case "1", "true", "on", "yes": return true
        default: throw HTTPError.badRequest("`\(field)` must be 1 or 0.", field: field)
        }
    }

    /// Midnight today in the city's time zone (UTC when the zone is unknown), as computed by
    /// Foundation, because MariaDB's time zone tables may be empty.
    public func midnight(now: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: city.timeZone) ?? TimeZone(identifier: "UTC")!
        return calendar.startOfDay(for: now)
    }
}
