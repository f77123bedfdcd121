import Foundation

/// One value sent to or read from MariaDB: what a bound parameter or a result cell can hold.
///
/// DECIMAL columns arrive as `.string` so no precision is lost; DATETIME, TIMESTAMP and DATE
/// arrive as `.datetime` in UTC (every connection runs with `time_zone = '+00:00'`).
public enum MariaDBValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    case datetime(Date)

    /// Short type-only rendering, safe for logs (values may be personal data).
    public var description: String {
        switch self {
        case .null: return "NULL"
        case .int: return "int"
        case .uint: return "uint"
        case .double: return "double"
        case .string(let s): return "string(\(s.utf8.count) bytes)"
        case .bytes(let b): return "bytes(\(b.count))"
        case .datetime: return "datetime"
        }
    }

    public var isNull: Bool { if case .null = self { return true } else { return false } }
}

/// A Swift type that can be bound as a statement parameter.
public protocol MariaDBEncodable {
    var mariaDBValue: MariaDBValue { get }
}

/// A Swift type that can be read from a result cell; throws `.decode` on a type mismatch.
/// The conformances here are `@inlinable`, as is `Row.decode`: a caller's decode is then
/// specialized for its type. Unspecialized, every optional cell asked the runtime for the
/// metadata of `Optional<T>` (a tenth of a search page's instructions).
public protocol MariaDBDecodable {
    init(mariaDBValue: MariaDBValue) throws
}

extension MariaDBValue: MariaDBEncodable, MariaDBDecodable {
    public var mariaDBValue: MariaDBValue { self }
    @inlinable public init(mariaDBValue: MariaDBValue) throws { self = mariaDBValue }
}

@usableFromInline
func mismatch(_ value: MariaDBValue, _ type: Any.Type) -> MariaDBError {
    MariaDBError(.decode, message: "cannot decode \(value) as \(type)")
}

extension Int64: MariaDBEncodable, MariaDBDecodable {
    public var mariaDBValue: MariaDBValue { .int(self) }
    @inlinable public init(mariaDBValue v: MariaDBValue) throws {
        switch v {
        case .int(let i): self = i
        case .uint(let u) where u <= UInt64(Int64.max): self = Int64(u)
        default: throw mismatch(v, Int64.self)
        }
    }
}

extension Int: MariaDBEncodable, MariaDBDecodable {
    public var mariaDBValue: MariaDBValue { .int(Int64(self)) }
    @inlinable public init(mariaDBValue v: MariaDBValue) throws {
        guard let i = Int(exactly: try Int64(mariaDBValue: v)) else { throw mismatch(v, Int.self) }
        self = i
    }
}

extension Int32: MariaDBEncodable, MariaDBDecodable {
    public var mariaDBValue: MariaDBValue { .int(Int64(self)) }
    @inlinable public init(mariaDBValue v: MariaDBValue) throws {
        guard let i = Int32(exactly: try Int64(mariaDBValue: v)) else { throw mismatch(v, Int32.self) }
        self = i
    }
}

extension UInt64: MariaDBEncodable, MariaDBDecodable {
    public var mariaDBValue: MariaDBValue { .uint(self) }
    @inlinable public init(mariaDBValue v: MariaDBValue) throws {
        switch v {
        case .uint(let u): self = u
        case .int(let i) where i >= 0: self = UInt64(i)
        default: throw mismatch(v, UInt64.self)
        }
    }
}

extension Bool: MariaDBEncodable, MariaDBDecodable {
    public var mariaDBValue: MariaDBValue { .int(self ? 1 : 0) }
    @inlinable public init(mariaDBValue v: MariaDBValue) throws {
        switch v {
        case .int(0), .uint(0): self = false
        case .int(1), .uint(1): self = true
        default: throw mismatch(v, Bool.self)
        }
    }
}

extension Double: MariaDBEncodable, MariaDBDecodable {
    public var mariaDBValue: MariaDBValue { .double(self) }
    @inlinable public init(mariaDBValue v: MariaDBValue) throws {
        switch v {
        case .double(let d): self = d
        case .int(let i): self = Double(i)
        case .uint(let u): self = Double(u)
        default: throw mismatch(v, Double.self)
        }
    }
}

extension String: MariaDBEncodable, MariaDBDecodable {
    public var mariaDBValue: MariaDBValue { .string(self) }
    @inlinable public init(mariaDBValue v: MariaDBValue) throws {
        switch v {
        case .string(let s): self = s
        case .bytes(let b):
            // VARBINARY / binary-collated text: accept only valid UTF-8.
            guard let s = String(validating: b, as: UTF8.self) else { throw mismatch(v, String.self) }
            self = s
        default: throw mismatch(v, String.self)
        }
    }
}

extension Array: MariaDBEncodable where Element == UInt8 {
    public var mariaDBValue: MariaDBValue { .bytes(self) }
}

extension Array: MariaDBDecodable where Element == UInt8 {
    @inlinable public init(mariaDBValue v: MariaDBValue) throws {
        switch v {
        case .bytes(let b): self = b
        case .string(let s): self = Array(s.utf8)
        default: throw mismatch(v, [UInt8].self)
        }
    }
}

extension Date: MariaDBEncodable, MariaDBDecodable {
    public var mariaDBValue: MariaDBValue { .datetime(self) }
    @inlinable public init(mariaDBValue v: MariaDBValue) throws {
        guard case .datetime(let d) = v else { throw mismatch(v, Date.self) }
        self = d
    }
}

extension Optional: MariaDBEncodable where Wrapped: MariaDBEncodable {
    public var mariaDBValue: MariaDBValue { self?.mariaDBValue ?? .null }
}

extension Optional: MariaDBDecodable where Wrapped: MariaDBDecodable {
    @inlinable public init(mariaDBValue v: MariaDBValue) throws {
        self = v.isNull ? nil : try Wrapped(mariaDBValue: v)
    }
}
