/// One field of a partial update as JSON can say it: left out (keep what is stored), `null`
/// (clear it) or a value. `T??` says the same, but `.some(nil)` reads badly and is easy to
/// confuse with "not sent"; this names the three cases.
public enum Patch<Value> {
    case absent
    case null
    case set(Value)

    /// Sets `value`, or clears the field when it is nil (a copy of a stored record).
    public init(_ value: Value?) {
        self = value.map { .set($0) } ?? .null
    }

    /// The value after applying this patch to `current` (absent keeps it, null clears it).
    public func applied(to current: Value?) -> Value? {
        switch self {
        case .absent: return current
        case .null: return nil
        case .set(let value): return value
        }
    }

    /// False when the field was left out.
    public var isSent: Bool {
        if case .absent = self { return false }
        return true
    }

    /// The same patch with its value transformed.
    public func map<T>(_ transform: (Value) throws -> T) rethrows -> Patch<T> {
        switch self {
        case .absent: return .absent
        case .null: return .null
        case .set(let value): return .set(try transform(value))
        }
    }
}

extension Patch: Sendable where Value: Sendable {}
extension Patch: Equatable where Value: Equatable {}

extension Patch: Decodable where Value: Decodable {
    /// A present value: null or the value (absence is decided by the container, below).
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        self = container.decodeNil() ? .null : .set(try container.decode(Value.self))
    }
}

extension KeyedDecodingContainer {
    /// Lets a synthesized `init(from:)` decode a missing key as `.absent` instead of failing
    /// (overload resolution picks this over the generic `decode`).
    public func decode<T: Decodable>(_ type: Patch<T>.Type, forKey key: Key) throws -> Patch<T> {
        guard contains(key) else { return .absent }
        if try decodeNil(forKey: key) { return .null }
        return .set(try decode(T.self, forKey: key))
    }
}
