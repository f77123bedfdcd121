import Foundation
import MariaDB

/// A post as viewers see it.
public struct Post: Sendable, Codable {
    public var id: Int64
    public var cityID: Int64
    public var citySlug: String
    public var cityName: String
    public var neighbourhood: String?
    public var category: String
    public var title: String
    public var description: String
    public var priceMinor: Int64?
    public var locationText: String?
    public var createdAt: Date
    public var updatedAt: Date

    /// Posts are shown to viewers for this long after they were created.
    public static let visibleFor: TimeInterval = 7 * 86_400

    init(row: Row) throws {
        id = try row.decode("id", as: Int64.self)
        cityID = try row.decode("city_id", as: Int64.self)
        citySlug = try row.decode("city_slug", as: String.self)
        cityName = try row.decode("city_name", as: String.self)
        neighbourhood = try row.decode("neighbourhood", as: String?.self)
        category = try row.decode("category", as: String.self)
        title = try row.decode("title", as: String.self)
        description = try row.decode("description", as: String.self)
        priceMinor = try row.decode("price_minor", as: Int64?.self)
        locationText = try row.decode("location_text", as: String?.self)
        createdAt = try row.decode("created_at", as: Date.self)
        updatedAt = try row.decode("updated_at", as: Date.self)
    }
}
