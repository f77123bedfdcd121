import Foundation

/// A post in API responses. Prices are integers in the minor unit of `currency` (the city's
/// ISO 4217 code: cents for EUR and USD, won for KRW), null when free; photos in the poster's
/// order, each with the id a later edit's `photos` list refers to.
public struct PostJSON: Codable, Sendable {
    public var id: Int64
    public var url: String
    public var title: String
    public var description: String
    public var price_minor: Int64?
    public var currency: Currency
    public var city: String
    public var neighbourhood: String?
    public var category: String
    public var location_text: String?
    public var contact_enabled: Bool
    public var photos: [PhotoJSON]
    public var created_at: Date
    public var updated_at: Date
    public var expires_at: Date
    public var expired: Bool
    public var version: Int

    enum CodingKeys: String, CodingKey {
        case id, url, title, description, price_minor, currency, city, neighbourhood, category, location_text, contact_enabled, photos
        case created_at, updated_at, expires_at, expired, version
    }

    /// Optional fields are written as `null`, never left out: an API client sees every key.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(url, forKey: .url)
        try c.encode(title, forKey: .title)
        try c.encode(description, forKey: .description)
        try c.encode(price_minor, forKey: .price_minor)
        try c.encode(currency, forKey: .currency)
        try c.encode(city, forKey: .city)
        try c.encode(neighbourhood, forKey: .neighbourhood)
        try c.encode(category, forKey: .category)
        try c.encode(location_text, forKey: .location_text)
        try c.encode(contact_enabled, forKey: .contact_enabled)
        try c.encode(photos, forKey: .photos)
        try c.encode(created_at, forKey: .created_at)
        try c.encode(updated_at, forKey: .updated_at)
        try c.encode(expires_at, forKey: .expires_at)
        try c.encode(expired, forKey: .expired)
        try c.encode(version, forKey: .version)
    }

    public init(_ post: Post, now: Date = Date()) {
        id = post.id
        url = "/post/\(post.id)"
        title = post.title
        description = post.description
        price_minor = post.priceMinor
        currency = post.currency
        city = post.citySlug
        neighbourhood = post.neighbourhoodSlug
        category = post.categorySlug
        location_text = post.locationText
        contact_enabled = post.contactEnabled
        photos = post.photos.map(\.json)
        created_at = post.createdAt
        updated_at = post.updatedAt
        expires_at = post.expiresAt
        expired = post.isExpired(now: now)
        version = post.version
    }
}
