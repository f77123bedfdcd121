import Foundation

/// A request body decoded from JSON. Its `CodingKeys` list every field it takes (Swift names;
/// on the wire snake_case, see `JSONKeyStyle`).
///
/// Unknown fields are refused: a 400 naming the field (and the nearest known one), so a typo
/// such as `price_minr` fails loudly instead of saving an edit that silently did nothing. A
/// wrong type, a null where none is allowed or a malformed body is a 400 naming the field and
/// what it must be, never Swift's `DecodingError` text.
protocol JSONBody: Decodable {
    associatedtype CodingKeys: CodingKey & CaseIterable
    /// What the field's value must be, completing "<field> must be …", e.g. "a string".
    static func requirement(_ key: CodingKeys) -> String
    /// The `field` an error about `key` names; by default its wire name.
    static func errorField(_ key: CodingKeys) -> String
}

extension JSONBody {
    static func errorField(_ key: CodingKeys) -> String { JSONKeyStyle.wireName(key.stringValue) }

    /// Decodes `bytes` (a JSON object), or throws the 400 that says what is wrong.
    static func decode(json bytes: [UInt8]) throws -> Self {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw HTTPError.badRequest("The request body is not valid UTF-8.", field: "body")
        }
        do {
            return try JSONKeyStyle.decoder.decode(Checked<Self>.self, from: Data(bytes)).body
        } catch let error as DecodingError {
            throw problem(error)
        }
    }

    /// The string fields sent (null counts as not sent), by wire name: the whole of a body made
    /// only of strings (`StringBody`), which then checks each field itself.
    static func stringValues(from decoder: Decoder) throws -> [String: String] {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var values: [String: String] = [:]
        for key in container.allKeys {
            if let text = try container.decodeIfPresent(String.self, forKey: key) {
                values[JSONKeyStyle.wireName(key.stringValue)] = text
            }
        }
        return values
    }

    /// The 400 for a decoding error, said in terms of the body's fields.
    static func problem(_ error: DecodingError) -> HTTPError {
        let path: [CodingKey]
        switch error {
        case .keyNotFound(let key, let context): path = context.codingPath + [key]
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            path = context.codingPath
        @unknown default: path = []
        }
        guard let first = path.first else {
            if case .typeMismatch = error { return .badRequest("The request body must be a JSON object.", field: "body") }
            return .badRequest("The request body is not valid JSON.", field: "body")
        }
        guard let key = CodingKeys(stringValue: first.stringValue) else {
            return .badRequest("The request body is not valid JSON.", field: "body")
        }
        let name = JSONKeyStyle.wireName(key.stringValue)
        if case .keyNotFound = error, path.count == 1 {
            return .badRequest("\(name) is required.", field: errorField(key))
        }
        let item = path.dropFirst().first?.intValue.map { " (item \($0 + 1))" } ?? ""
        return .badRequest("\(name) must be \(requirement(key))\(item).", field: errorField(key))
    }
}

/// Decodes a body after refusing the keys it does not take.
private struct Checked<Body: JSONBody>: Decodable {
    let body: Body

    init(from decoder: Decoder) throws {
        let sent = try decoder.container(keyedBy: JSONKeyStyle.AnyKey.self).allKeys
        let known = Body.CodingKeys.allCases.map(\.stringValue)
        if let unknown = sent.first(where: { !known.contains($0.stringValue) }) {
            let name = JSONKeyStyle.wireName(unknown.stringValue)
            let wire = known.map(JSONKeyStyle.wireName)
            // An empty key ("": …) has no name to show or to point `field` at: the body is wrong.
            guard !name.isEmpty else {
                throw HTTPError.badRequest("The request body has a field with an empty name. This request takes \(wire.joined(separator: ", ")).",
                                           field: "body")
            }
            let hint = Spelling.closest(to: name, among: wire).map { " Did you mean \($0)?" } ?? ""
            throw HTTPError.badRequest("Unknown field \(name).\(hint) This request takes \(wire.joined(separator: ", ")).",
                                       field: name)
        }
        body = try Body(from: decoder)
    }
}
