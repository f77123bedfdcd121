/// The JSON body of an accounts request (`/api/signup`, `/api/login`, `/api/password` …): every
/// field any of them takes, each a string; null counts as not sent. The accounts endpoints share
/// this one list, so a field of another accounts request is accepted (and unused), while a
/// field outside it is refused like any unknown field.
struct AccountBody: JSONBody {
    /// The strings sent, by wire name (`new_password`), as the form path keys them too.
    let values: [String: String]

    enum CodingKeys: CodingKey, CaseIterable {
        case email, password, token, currentPassword, newPassword, newEmail
    }

    static func requirement(_ key: CodingKeys) -> String { "a string" }

    init(from decoder: Decoder) throws {
        values = try Self.stringValues(from: decoder)
    }
}
