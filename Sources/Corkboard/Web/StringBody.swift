/// A JSON body made only of strings, taking exactly the fields `Keys` names (null counts as not
/// sent): each accounts request and the contact form, which then check each field themselves.
/// Each request names its own keys, so a field of another request is refused like any unknown
/// field instead of being accepted and ignored.
struct StringBody<Keys: CodingKey & CaseIterable>: JSONBody {
    typealias CodingKeys = Keys

    /// The strings sent, by wire name (`new_password`), as the form path keys them too.
    let values: [String: String]

    static func requirement(_ key: Keys) -> String { "a string" }

    init(from decoder: Decoder) throws {
        values = try Self.stringValues(from: decoder)
    }
}
