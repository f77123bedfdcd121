/// The JSON body of `POST /api/posts/{id}/report`: `reason` (one of `ReportReason`) and an
/// optional `details` text; any other field is refused like every unknown field.
struct ReportBody: JSONBody {
    let values: [String: String]

    enum CodingKeys: CodingKey, CaseIterable {
        case reason, details
    }

    static func requirement(_ key: CodingKeys) -> String { "a string" }

    init(from decoder: Decoder) throws {
        values = try Self.stringValues(from: decoder)
    }
}
