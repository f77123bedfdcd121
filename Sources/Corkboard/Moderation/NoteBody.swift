/// The JSON body of the moderation requests that carry a text: the poster's review request
/// (`note`) and a moderator's action (`reason`, why it was taken). Strings only; any other
/// field is refused like every unknown field.
struct NoteBody: JSONBody {
    let values: [String: String]

    enum CodingKeys: CodingKey, CaseIterable {
        case note, reason
    }

    static func requirement(_ key: CodingKeys) -> String { "a string" }

    init(from decoder: Decoder) throws {
        values = try Self.stringValues(from: decoder)
    }
}
