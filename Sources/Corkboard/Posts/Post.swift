import Foundation
import MariaDB

/// A post as it is read: what viewers see, plus what its owner and the edit form need.
public struct Post: Sendable, Codable {
    public var id: Int64
    public var userID: Int64
    public var cityID: Int64
    public var citySlug: String
    public var cityName: String
    public var neighbourhood: String?
    public var neighbourhoodSlug: String?
    public var category: String
    public var categorySlug: String
    public var title: String
    public var description: String
    /// In the minor unit of `currency`, its city's; nil for no price ("free").
    public var priceMinor: Int64?
    public var currency: Currency
    public var locationText: String?
    /// Whether viewers may write to the poster through the site (the poster's choice).
    public var contactEnabled: Bool
    public var createdAt: Date
    public var updatedAt: Date
    public var deletedAt: Date?
    /// Set while the post is hidden from viewers (reports, a banned poster); see `HiddenReason`.
    public var hiddenAt: Date?
    public var hiddenReason: HiddenReason?
    /// When the poster asked for a review of a hidden post (once).
    public var reviewRequestedAt: Date?
    /// Bumped by every edit (caches compare it).
    public var version: Int
    /// In the poster's order; filled by `PostStore`.
    public var photos: [PhotoRef] = []

    /// Posts are shown to viewers for this long after they were created.
    public static let visibleFor: TimeInterval = 7 * 86_400

    /// When viewers stop seeing it (the poster still does, and may repost it).
    public var expiresAt: Date { createdAt.addingTimeInterval(Self.visibleFor) }
    public func isExpired(now: Date = Date()) -> Bool { now >= expiresAt }

    /// The answer viewers other than the poster and moderators get for a post they may not
    /// see (nil: they may): 410 deleted, removed or hidden, the reason named.
    public func goneForViewers(now: Date = Date()) -> HTTPError? {
        if deletedAt != nil {
            return HTTPError(410, hiddenReason == .removed ? "This post was removed by a moderator." : "This post was deleted.")
        }
        if let reason = hiddenReason, hiddenAt != nil { return HTTPError(410, reason.viewerMessage) }
        if isExpired(now: now) { return HTTPError(410, "This post has expired and is no longer shown.") }
        return nil
    }

    /// What a post shows of its city, category and neighbourhood: read with the post by
    /// joins (`PostStore.columns`), or taken from a worker's copy of the city's catalog.
    struct Labels {
        var citySlug: String
        var cityName: String
        var currency: Currency
        var category: SearchCatalog.Entry
        var neighbourhood: SearchCatalog.Entry?

        init(row: Row) throws {
            citySlug = try row.decode("city_slug", as: String.self)
            cityName = try row.decode("city_name", as: String.self)
            currency = try Currency(storedCode: try row.decode("city_currency", as: String.self))
            category = SearchCatalog.Entry(id: try row.decode("category_id", as: Int64.self),
                                           slug: try row.decode("category_slug", as: String.self),
                                           name: try row.decode("category", as: String.self))
            neighbourhood = try row.decode("neighbourhood_slug", as: String?.self).map { slug in
                SearchCatalog.Entry(id: try row.decode("neighbourhood_id", as: Int64.self), slug: slug,
                                    name: try row.decode("neighbourhood", as: String.self))
            }
        }

        init(city: City, category: SearchCatalog.Entry, neighbourhood: SearchCatalog.Entry?) {
            (citySlug, cityName, currency) = (city.slug, city.name, city.currency)
            (self.category, self.neighbourhood) = (category, neighbourhood)
        }
    }

    init(row: Row) throws {
        try self.init(row: row, labels: Labels(row: row))
    }

    /// A post from its own columns, the labels given.
    init(row: Row, labels: Labels) throws {
        id = try row.decode("id", as: Int64.self)
        userID = try row.decode("user_id", as: Int64.self)
        cityID = try row.decode("city_id", as: Int64.self)
        citySlug = labels.citySlug
        cityName = labels.cityName
        neighbourhood = labels.neighbourhood?.name
        neighbourhoodSlug = labels.neighbourhood?.slug
        category = labels.category.name
        categorySlug = labels.category.slug
        title = try row.decode("title", as: String.self)
        description = try row.decode("description", as: String.self)
        priceMinor = try row.decode("price_minor", as: Int64?.self)
        currency = labels.currency
        locationText = try row.decode("location_text", as: String?.self)
        contactEnabled = try row.decode("contact_enabled", as: Bool.self)
        createdAt = try row.decode("created_at", as: Date.self)
        updatedAt = try row.decode("updated_at", as: Date.self)
        deletedAt = try row.decode("deleted_at", as: Date?.self)
        hiddenAt = try row.decode("hidden_at", as: Date?.self)
        hiddenReason = try row.decode("hidden_reason", as: String?.self).flatMap(HiddenReason.init(rawValue:))
        reviewRequestedAt = try row.decode("review_requested_at", as: Date?.self)
        version = try row.decode("version", as: Int.self)
    }

    /// The description as paragraphs (blank lines separate them, "\r\n" counts as "\n"), each
    /// trimmed of white space and escaped (never raw HTML), its lines joined by `<br>`. Worked out
    /// on the UTF-8 bytes: Foundation's replacing, splitting and trimming were the larger part
    /// of rendering a post on a cache miss.
    public var paragraphsHTML: HTML { Self.paragraphs(description) }

    static func paragraphs(_ description: String) -> HTML {
        var text = description
        return text.withUTF8 { bytes -> HTML in
            var out = HTML.Interpolation(literalCapacity: bytes.count + 64, interpolationCount: 0)
            var normalized = [UInt8]()
            normalized.reserveCapacity(bytes.count)
            for (i, b) in bytes.enumerated() where !(b == 13 && i + 1 < bytes.count && bytes[i + 1] == 10) {
                normalized.append(b)
            }
            normalized.withUnsafeBufferPointer { all in
                var start = 0
                var i = 0
                while i <= all.count {
                    let atBreak = i + 1 < all.count && all[i] == 10 && all[i + 1] == 10
                    if atBreak || i == all.count {
                        Self.appendParagraph(UnsafeBufferPointer(rebasing: all[start..<i]), to: &out)
                        start = i + 2
                        i = start
                    } else {
                        i += 1
                    }
                }
            }
            return HTML(stringInterpolation: out)
        }
    }

    /// One paragraph (UTF-8), unless it is only white space: `<p>line<br>\nline</p>\n`, each
    /// line escaped as it is.
    private static func appendParagraph(_ paragraph: UnsafeBufferPointer<UInt8>, to out: inout HTML.Interpolation) {
        let (first, end) = trimmed(paragraph)
        guard first < end else { return }
        out.appendLiteral("<p>")
        var line = first
        for i in first..<end where paragraph[i] == 10 {
            HTML.escape(utf8: UnsafeBufferPointer(rebasing: paragraph[line..<i]), into: &out.bytes)
            out.appendLiteral("<br>\n")
            line = i + 1
        }
        HTML.escape(utf8: UnsafeBufferPointer(rebasing: paragraph[line..<end]), into: &out.bytes)
        out.appendLiteral("</p>\n")
    }

    /// The bounds of `text` (valid UTF-8) without Unicode white space at either end. ASCII is
    /// judged by its byte; a character's properties are looked up only for other scalars at the
    /// ends (looking up every end scalar's properties was most of a short description's cost).
    static func trimmed(_ text: UnsafeBufferPointer<UInt8>) -> (first: Int, end: Int) {
        func isSpace(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII ? (scalar.value >= 9 && scalar.value <= 13) || scalar.value == 32 : scalar.properties.isWhitespace
        }
        func scalar(at i: Int) -> (Unicode.Scalar, length: Int) {
            if text[i] < 0x80 { return (Unicode.Scalar(text[i]), 1) }
            var iterator = UnsafeBufferPointer(rebasing: text[i...]).makeIterator()
            var decoder = UTF8()
            guard case .scalarValue(let s) = decoder.decode(&iterator) else { return ("\u{FFFD}", 1) }
            return (s, UTF8.width(s))
        }
        var first = 0
        while first < text.count {
            let (s, length) = scalar(at: first)
            guard isSpace(s) else { break }
            first += length
        }
        var end = text.count
        while end > first {
            var start = end - 1
            while start > first, text[start] & 0xC0 == 0x80 { start -= 1 }   // back to the scalar's first byte
            guard isSpace(scalar(at: start).0) else { break }
            end = start
        }
        return (first, end)
    }
}
