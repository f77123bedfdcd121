import Foundation

/// The site's one JSON key style, snake_case, and the decoder that reads it. Encoding uses
/// `JSONResponse.encoder` (Foundation's `convertToSnakeCase`); request types keep Swift names.
enum JSONKeyStyle {
    /// Decodes request bodies: `price_minor` reaches the property `priceMinor`. A key that is not
    /// snake_case (`priceMinor`, `Title`) matches nothing and is refused as unknown, rather than
    /// being accepted as Foundation's `convertFromSnakeCase` would.
    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .custom { path in
            let wire = path.last?.stringValue ?? ""
            return AnyKey(isSnakeCase(wire) ? swiftName(wire) : notSnakeMark + wire)
        }
        return d
    }()

    /// Marks a key that is not snake_case, so no property matches it (Swift names have no NUL).
    static let notSnakeMark = "\u{0}"

    /// Lower-case letters in words joined by single underscores: `price_minor`.
    static func isSnakeCase(_ key: String) -> Bool {
        !key.isEmpty && key.split(separator: "_", omittingEmptySubsequences: false).allSatisfy { word in
            !word.isEmpty && word.unicodeScalars.allSatisfy { ("a"..."z").contains($0) }
        }
    }

    /// `price_minor` → `priceMinor`.
    static func swiftName(_ wire: String) -> String {
        let words = wire.split(separator: "_")
        return words.enumerated().map { $0.offset == 0 ? String($0.element) : $0.element.prefix(1).uppercased() + $0.element.dropFirst() }
            .joined()
    }

    /// The name a client sent or must send for a decoded key: `priceMinor` → `price_minor`.
    static func wireName(_ key: String) -> String {
        if key.hasPrefix(notSnakeMark) { return String(key.dropFirst(notSnakeMark.count)) }
        var out = ""
        for c in key {
            if c.isUppercase { out += "_" + c.lowercased() } else { out.append(c) }
        }
        return out
    }

    /// Any key by name (the decoder's strategy result, and a container over unknown keys).
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
