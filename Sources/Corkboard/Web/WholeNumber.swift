import Foundation

/// A whole number in a request body. Decoding `Int64` directly, Foundation reports `1.5` or
/// `1e30` as "not valid JSON" with no field at all; reading the number exactly (as a `Decimal`)
/// and converting it here lets the 400 name the field like any other wrong value.
struct WholeNumber: Decodable, Equatable, Sendable {
    let value: Int64

    init(_ value: Int64) { self.value = value }

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let number = try container.decode(Decimal.self)
        let value = NSDecimalNumber(decimal: number).int64Value
        guard Decimal(value) == number else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a whole number in Int64's range")
        }
        self.value = value
    }
}
