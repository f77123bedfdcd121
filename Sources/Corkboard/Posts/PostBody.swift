/// The JSON body of `POST /api/posts` and `PUT /api/posts/{id}`. Every field may be left out (an
/// edit keeps it); `neighbourhood`, `location_text` and `price_minor` may also be null, which
/// clears them. `photos` lists stored photos' ids in the poster's order.
struct PostBody: JSONBody {
    var title: Patch<String>
    var description: Patch<String>
    var city: Patch<String>
    var category: Patch<String>
    var neighbourhood: Patch<String>
    var locationText: Patch<String>
    var priceMinor: Patch<WholeNumber>
    var photos: Patch<[String]>
    var contactEnabled: Patch<Bool>

    enum CodingKeys: CodingKey, CaseIterable {
        case title, description, city, category, neighbourhood, locationText, priceMinor, photos, contactEnabled
    }

    static func requirement(_ key: CodingKeys) -> String {
        switch key {
        case .title, .description, .city, .category: return "a string"
        case .neighbourhood: return "a neighbourhood's slug, or null for none"
        case .locationText: return "a string, or null for none"
        case .priceMinor: return "a whole number of minor units of the city's currency (1250 for 12.50, whole won for KRW), or null when free"
        case .photos: return "an array of photo ids"
        case .contactEnabled: return "true or false"
        }
    }

    /// Price problems name `price`, as the form's and `PostFields.normalise`'s do.
    static func errorField(_ key: CodingKeys) -> String {
        key == .priceMinor ? "price" : JSONKeyStyle.wireName(key.stringValue)
    }

    /// The fields to check and store. A null where a field cannot be cleared, or a photo id
    /// that is not one, is a 400 naming the field.
    func fields() throws -> PostFields {
        func required(_ patch: Patch<String>, _ key: CodingKeys) throws -> String? {
            if case .null = patch { throw HTTPError.badRequest("\(JSONKeyStyle.wireName(key.stringValue)) must be \(Self.requirement(key)).", field: Self.errorField(key)) }
            return patch.applied(to: nil)
        }
        var f = PostFields()
        f.title = try required(title, .title)
        f.description = try required(description, .description)
        f.city = try required(city, .city)
        f.category = try required(category, .category)
        f.neighbourhood = neighbourhood
        f.locationText = locationText
        f.priceMinor = priceMinor.map(\.value)
        if case .null = contactEnabled { throw HTTPError.badRequest("contact_enabled must be true or false.", field: "contact_enabled") }
        f.contactEnabled = contactEnabled.applied(to: nil)
        switch photos {
        case .absent: break
        case .null: throw HTTPError.badRequest("photos must be \(Self.requirement(.photos)) (an empty one removes them).", field: "photos")
        case .set(let ids):
            f.photos = try ids.enumerated().map { i, id in
                guard let sha = Crypto.sha256(hex: id) else {
                    throw HTTPError.badRequest("Photo \(i + 1) has an invalid id.", field: "photos")
                }
                return .existing(sha256: sha, label: "Photo \(i + 1)")
            }
        }
        return f
    }
}
