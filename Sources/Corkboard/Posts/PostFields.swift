import Foundation

/// What a create or edit request sent, before it is checked. A nil property was not sent (an
/// edit keeps it); an optional column's `Patch` may also be `.null`, which clears it.
public struct PostFields {
    public var title: String?
    public var description: String?
    public var priceMinor: Patch<Int64> = .absent
    public var city: String?
    public var neighbourhood: Patch<String> = .absent
    public var category: String?
    public var locationText: Patch<String> = .absent
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
        if case .set(let p) = priceMinor {
            guard p >= 0 else { throw HTTPError.badRequest("The price cannot be negative.", field: "price") }
            guard p <= Self.maxPriceMinor else { throw HTTPError.badRequest("The price is too large.", field: "price") }
        }
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

    /// "12", "12.5", "12.50", "1,234.00" → minor units; nil for empty (free). Throws a 400 for
    /// anything else (negative, letters, more than two decimals).
    public static func parsePrice(_ text: String) throws -> Int64? {
        let t = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: "")
            .replacingOccurrences(of: "$", with: "")
        if t.isEmpty { return nil }
        if t.hasPrefix("-") { throw HTTPError.badRequest("The price cannot be negative.", field: "price") }
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let wholeText = parts.first, !wholeText.isEmpty,
              wholeText.allSatisfy({ $0.isASCII && $0.isNumber }), wholeText.count <= 10,
              let whole = Int64(wholeText) else {
            throw HTTPError.badRequest("The price must be a number such as 12 or 12.50.", field: "price")
        }
        var cents: Int64 = 0
        if parts.count == 2 {
            let frac = parts[1]
            guard (1...2).contains(frac.count), frac.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw HTTPError.badRequest("The price must be a number such as 12 or 12.50.", field: "price")
            }
            cents = Int64(frac)! * (frac.count == 1 ? 10 : 1)
        }
        return whole * 100 + cents
    }

    /// The repost fingerprint: the same title (case and spacing aside) and description.
    static func contentHash(title: String, description: String) -> [UInt8] {
        let norm = { (s: String) in s.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") }
        return Crypto.sha256(Array((norm(title) + "\u{0}" + norm(description)).utf8))
    }
}
