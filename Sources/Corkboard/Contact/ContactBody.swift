/// The JSON body of `POST /api/posts/{id}/contact`: the viewer's `email`, an optional `name`,
/// the `message`, and `website`, the honeypot a person never fills. Each a string; null counts
/// as not sent; any other field is refused like every unknown field.
struct ContactBody: JSONBody {
    /// The strings sent, by wire name, as the form path keys them too.
    let values: [String: String]

    enum CodingKeys: CodingKey, CaseIterable {
        case email, name, message, website
    }

    static func requirement(_ key: CodingKeys) -> String { "a string" }

    init(from decoder: Decoder) throws {
        values = try Self.stringValues(from: decoder)
    }
}
