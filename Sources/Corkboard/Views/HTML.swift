/// A fragment of HTML. String interpolation escapes every interpolated value, so user text can
/// never become markup; nest fragments with `\(html)`. The literal parts are `StaticString`s,
/// so only text written in the source can be markup: a string built at run time cannot be
/// passed as a literal, and `HTML(unsafeRaw:)` stays the one door for trusted markup.
public struct HTML: ExpressibleByStringInterpolation, Sendable, CustomStringConvertible {
    public private(set) var text: String

    public init(unsafeRaw text: String) { self.text = text }
    public init(stringLiteral value: StaticString) { text = value.string }
    public init(stringInterpolation: Interpolation) { text = stringInterpolation.text }

    public var description: String { text }

    public struct Interpolation: StringInterpolationProtocol {
        var text = ""
        public init(literalCapacity: Int, interpolationCount: Int) { text.reserveCapacity(literalCapacity * 2) }
        public mutating func appendLiteral(_ literal: StaticString) { text += literal.string }
        public mutating func appendInterpolation(_ value: HTML) { text += value.text }
        public mutating func appendInterpolation(_ values: [HTML]) { for v in values { text += v.text } }
        public mutating func appendInterpolation(_ value: String) { text += HTML.escape(value) }
        public mutating func appendInterpolation<T: BinaryInteger>(_ value: T) { text += String(value) }
        public mutating func appendInterpolation(_ value: String?) { if let value { text += HTML.escape(value) } }
    }

    /// A boolean attribute (`selected`, `checked`, `required`…) with its leading space when
    /// `isOn`, else nothing: `<option\(.attribute("selected", if: chosen))>`.
    public static func attribute(_ name: StaticString, if isOn: Bool) -> HTML {
        isOn ? HTML(unsafeRaw: " " + name.string) : ""
    }

    /// Escapes the five characters that matter in text and attribute values.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    public static func join(_ parts: [HTML], separator: HTML = "") -> HTML {
        HTML(unsafeRaw: parts.map(\.text).joined(separator: separator.text))
    }
}

extension StaticString {
    /// The literal's text (a literal is always valid UTF-8, or a single scalar).
    var string: String {
        withUTF8Buffer { String(decoding: $0, as: UTF8.self) }
    }
}
