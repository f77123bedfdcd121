/// The orders a list can take. Price orders put posts without a price last (newest first
/// among them); every order ends on the post id, so keyset pages never tie.
public enum SearchSort: String, Sendable, CaseIterable {
    case newest, oldest
    case priceUp = "price_up"
    case priceDown = "price_down"

    /// The label in the sort menu.
    public var label: String {
        switch self {
        case .newest: "Newest first"
        case .oldest: "Oldest first"
        case .priceUp: "Price: low to high"
        case .priceDown: "Price: high to low"
        }
    }

    var code: UInt8 {
        switch self {
        case .newest: 0
        case .oldest: 1
        case .priceUp: 2
        case .priceDown: 3
        }
    }

    init?(code: UInt8) {
        guard let s = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = s
    }

    var isPrice: Bool { self == .priceUp || self == .priceDown }
}
