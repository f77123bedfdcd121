/// A statement and its bound values, built by string interpolation.
///
/// Every interpolated value becomes a `?` placeholder plus a bound value, so no value is ever
/// pasted into SQL text:
///
///     let sql: SQL = "SELECT id FROM posts WHERE city_id = \(cityID) AND title = \(title)"
///
/// Raw text (table names from code, never from users) goes in only through `unsafeSQL:`.
public struct SQL: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The statement text with `?` placeholders.
    public private(set) var text: String
    /// The values for the placeholders, in order.
    public private(set) var binds: [MariaDBValue]

    public init(stringLiteral value: String) {
        text = value
        binds = []
    }

    public init(stringInterpolation: StringInterpolation) {
        text = stringInterpolation.text
        binds = stringInterpolation.binds
    }

    /// Raw SQL text, taken as is. Never pass text that came from a request.
    public init(unsafeSQL text: String) {
        self.text = text
        binds = []
    }

    /// Text and binds; the text is code, the binds are only described by type.
    public var description: String { "SQL(\(text), \(binds.count) binds)" }

    /// Appends another fragment (text and binds).
    public mutating func append(_ other: SQL) {
        text += other.text
        binds += other.binds
    }

    public static func + (lhs: SQL, rhs: SQL) -> SQL {
        var s = lhs
        s.append(rhs)
        return s
    }

    public static func += (lhs: inout SQL, rhs: SQL) { lhs.append(rhs) }

    /// Joins fragments with a raw separator such as `" AND "` or `", "`.
    public static func joined(_ parts: [SQL], separator: String) -> SQL {
        var out = SQL(unsafeSQL: "")
        for (i, p) in parts.enumerated() {
            if i > 0 { out.text += separator }
            out.append(p)
        }
        return out
    }

    /// `(?, ?, ?)` with one bound value each, for `x IN \(SQL.list(ids))`.
    /// An empty list renders `(NULL)`, which matches nothing instead of being a syntax error.
    public static func list<T: MariaDBEncodable>(_ values: some Sequence<T>) -> SQL {
        var out = SQL(unsafeSQL: "(")
        var first = true
        for v in values {
            out.text += first ? "?" : ", ?"
            out.binds.append(v.mariaDBValue)
            first = false
        }
        out.text += first ? "NULL)" : ")"
        return out
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var text = ""
        var binds: [MariaDBValue] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            text.reserveCapacity(literalCapacity + interpolationCount)
            binds.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) { text += literal }

        /// A value: becomes `?` and a bound value.
        public mutating func appendInterpolation<T: MariaDBEncodable>(_ value: T) {
            text += "?"
            binds.append(value.mariaDBValue)
        }

        /// An optional value: `?` bound to the value or NULL. (Spelled out so the compiler
        /// does not warn about interpolating an optional.)
        public mutating func appendInterpolation<T: MariaDBEncodable>(_ value: T?) {
            text += "?"
            binds.append(value?.mariaDBValue ?? .null)
        }

        /// A fragment built elsewhere: its text and binds are spliced in.
        public mutating func appendInterpolation(_ fragment: SQL) {
            text += fragment.text
            binds += fragment.binds
        }

        /// A list for `IN`: `(?, ?, ...)`.
        public mutating func appendInterpolation<T: MariaDBEncodable>(list values: [T]) {
            appendInterpolation(SQL.list(values))
        }

        /// Raw text (identifiers chosen by code). Never pass request data.
        public mutating func appendInterpolation(unsafeSQL raw: String) { text += raw }
    }
}
