import Foundation

/// A post in API responses. Prices are integer minor units (cents), null when free; photos in
/// the poster's order, each with the id a later edit's `photos` list refers to.
public struct PostJSON: Codable, Sendable {
    public var id: Int64
    public var url: String
    public var title: String
    public var description: String
    public var price_minor: Int64?
    public var city: String
    public var neighbourhood: String?
    public var category: String
    public var location_text: String?
    public var photos: [PhotoJSON]
    public var created_at: Date
    public var updated_at: Date
    public var expires_at: Date
    public var expired: Bool
    public var version: Int

    public init(_ post: Post, now: Date = Date()) {
        id = post.id
        url = "/post/\(post.id)"
        title = post.title
        description = post.description
        price_minor = post.priceMinor
        city = post.citySlug
        neighbourhood = post.neighbourhoodSlug
        category = post.categorySlug
        location_text = post.locationText
        photos = post.photos.map(\.json)
        created_at = post.createdAt
        updated_at = post.updatedAt
        expires_at = post.expiresAt
        expired = post.isExpired(now: now)
        version = post.version
    }
}
