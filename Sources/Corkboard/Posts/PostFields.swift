import Foundation

/// What a create or edit request sent, before it is checked. A nil property was not sent (an
/// edit keeps it); an optional column's `Patch` may also be `.null`, which clears it.
public struct PostFields {
    public var title: String?
    public var description: String?
    /// In the minor unit of the post's city's currency (the API's integer form).
    public var priceMinor: Patch<Int64> = .absent
    /// The price as typed in a form ("12.50", "₩300,000"): read in the currency of the post's
    /// city once the writer knows the city (`price(in:)`), and then it wins over `priceMinor`.
    public var priceText: String?
    public var city: String?
    public var neighbourhood: Patch<String> = .absent
    public var category: String?
    public var locationText: Patch<String> = .absent
    /// Whether viewers may write to the poster (nil: not sent; a new post takes it on).
    public var contactEnabled: Bool?
    /// The photos in the poster's order, when sent.
    public var photos: [PhotoItem]?

    public init() {}

    /// One entry of the photo list.
    public enum PhotoItem {
        /// A photo already stored: uploaded earlier (`POST /api/photos`) or kept from the post.
        case existing(sha256: [UInt8], label: String)
        /// A photo sent and processed in this very request.
        case fresh(ProcessedPhoto, label: String)

        public var sha256: [UInt8] {
            switch self {
            case .existing(let sha, _): return sha
            case .fresh(let photo, _): return photo.sha256
            }
        }
        public var label: String {
            switch self {
            case .existing(_, let l), .fresh(_, let l): return l
            }
        }
    }

    public static let maxTitle = 120
    public static let maxDescription = 10_000
    public static let maxLocation = 200
    /// A ceiling for prices, in minor units (a billion in major units).
    public static let maxPriceMinor: Int64 = 100_000_000_000

    /// Characters as MariaDB's utf8mb4 counts them: Unicode scalar values.
    static func length(_ s: String) -> Int { s.unicodeScalars.count }

    /// Checks lengths and emptiness of what was sent; `creating` requires title, description,
    /// city and category. Throws a 400 naming the field.
    public mutating func normalise(creating: Bool, maxPhotos: Int) throws {
        if let t = title {
            let trimmed = t.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { throw HTTPError.badRequest("The title is required.", field: "title") }
            guard Self.length(trimmed) <= Self.maxTitle else {
                throw HTTPError.badRequest("The title is \(Self.length(trimmed)) characters; at most \(Self.maxTitle) are allowed.", field: "title")
            }
            guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw HTTPError.badRequest("The title may not contain control characters.", field: "title")
            }
            title = trimmed
        } else if creating {
            throw HTTPError.badRequest("The title is required.", field: "title")
        }
        if let d = description {
            let trimmed = d.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { throw HTTPError.badRequest("The description is required.", field: "description") }
            guard Self.length(trimmed) <= Self.maxDescription else {
                throw HTTPError.badRequest("The description is \(Self.length(trimmed)) characters; at most \(Self.maxDescription) are allowed.", field: "description")
            }
            description = trimmed
        } else if creating {
            throw HTTPError.badRequest("The description is required.", field: "description")
        }
        if case .set(let p) = priceMinor { try Self.checkPrice(p) }
        if case .set(let l) = locationText {
            let trimmed = l.trimmingCharacters(in: .whitespacesAndNewlines)
            guard Self.length(trimmed) <= Self.maxLocation else {
                throw HTTPError.badRequest("The location is longer than \(Self.maxLocation) characters.", field: "location_text")
            }
            locationText = trimmed.isEmpty ? .null : .set(trimmed)
        }
        if case .set(let n) = neighbourhood, n.isEmpty { neighbourhood = .null }
        if creating, city?.isEmpty ?? true { throw HTTPError.badRequest("Choose a city.", field: "city") }
        if creating, category?.isEmpty ?? true { throw HTTPError.badRequest("Choose a category.", field: "category") }
        if let photos, photos.count > maxPhotos {
            throw HTTPError.badRequest("A post can have at most \(maxPhotos) photos; \(photos[maxPhotos].label) is one too many.", field: "photos")
        }
    }

    /// The price to store, in `currency`'s minor unit: the typed `priceText` read in it when
    /// one was sent, else `priceMinor`: absent keeps the price, null clears it. Throws a 400
    /// naming `price`.
    public func price(in currency: Currency) throws -> Patch<Int64> {
        guard let priceText else { return priceMinor }
        let minor = try currency.parse(priceText, field: "price")
        if let minor { try Self.checkPrice(minor) }
        return Patch(minor)
    }

    static func checkPrice(_ minor: Int64) throws {
        guard minor >= 0 else { throw HTTPError.badRequest("The price cannot be negative.", field: "price") }
        guard minor <= maxPriceMinor else { throw HTTPError.badRequest("The price is too large.", field: "price") }
    }

    /// The repost fingerprint: the same title (case and spacing aside) and description.
    static func contentHash(title: String, description: String) -> [UInt8] {
        let norm = { (s: String) in s.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") }
        return Crypto.sha256(Array((norm(title) + "\u{0}" + norm(description)).utf8))
    }
}
