import FastCGI

/// A city's currency (ISO 4217): its code, the symbol shown with amounts and how many digits
/// its minor unit has. Prices are stored as integers in the minor unit (cents for EUR and
/// USD, won for KRW, which has none), so this is the one type that turns them into text and
/// reads them back (`format`, `parse` in Currency+Parsing.swift).
public struct Currency: Sendable, Hashable, CustomStringConvertible {
    /// The ISO 4217 code, e.g. "KRW"; what `cities.currency` and the API's `currency` hold.
    public let code: String
    /// What pages show before an amount: "₩", "€", "$", or a code-like "CHF".
    public let symbol: String
    /// Digits of the minor unit: 0 for KRW and JPY, 2 for EUR and USD, 3 for KWD.
    public let minorDigits: Int
    /// What `format` writes before a displayed amount: the symbol, and a space after one that
    /// ends in a letter ("CHF 12"). Made once: a list page formats a price per row.
    private let displayPrefix: [UInt8]

    init(_ code: String, _ symbol: String, _ minorDigits: Int) {
        self.code = code
        self.symbol = symbol
        self.minorDigits = minorDigits
        displayPrefix = Array(symbol.utf8) + (symbol.unicodeScalars.last?.properties.isAlphabetic == true ? [UInt8(ascii: " ")] : [])
    }

    public static let eur = Currency("EUR", "€", 2)
    public static let krw = Currency("KRW", "₩", 0)
    public static let usd = Currency("USD", "$", 2)

    /// The currencies a city may use, by code. Symbols follow English usage (CLDR's "en"
    /// locale), so amounts read the same way across the site; minor digits are ISO 4217's.
    static let known: [String: Currency] = Dictionary(uniqueKeysWithValues: [
        eur, krw, usd,
        Currency("AUD", "A$", 2), Currency("BRL", "R$", 2), Currency("CAD", "CA$", 2),
        Currency("CHF", "CHF", 2), Currency("CLP", "CLP", 0), Currency("CNY", "CN¥", 2),
        Currency("CZK", "CZK", 2), Currency("DKK", "DKK", 2), Currency("GBP", "£", 2),
        Currency("HKD", "HK$", 2), Currency("HUF", "HUF", 2), Currency("IDR", "IDR", 2),
        Currency("ILS", "₪", 2), Currency("INR", "₹", 2), Currency("ISK", "ISK", 0),
        Currency("JPY", "¥", 0), Currency("KWD", "KWD", 3), Currency("MXN", "MX$", 2),
        Currency("NOK", "NOK", 2), Currency("NZD", "NZ$", 2), Currency("PHP", "₱", 2),
        Currency("PLN", "PLN", 2), Currency("SEK", "SEK", 2), Currency("SGD", "SGD", 2),
        Currency("THB", "THB", 2), Currency("TRY", "TRY", 2), Currency("TWD", "NT$", 2),
        Currency("VND", "₫", 0), Currency("ZAR", "ZAR", 2),
    ].map { ($0.code, $0) })

    /// The currency with ISO 4217 code `code` (upper case), nil when Corkboard does not know it.
    public init?(code: String) {
        guard let known = Self.known[code] else { return nil }
        self = known
    }

    /// The currency a stored code names; a code Corkboard does not know is an operator's
    /// mistake in `cities.currency`, reported with the codes that would work.
    public init(storedCode code: String) throws {
        guard let known = Self.known[code] else { throw UnknownCode(code: code) }
        self = known
    }

    /// A currency code that is not in `Currency.known`.
    public struct UnknownCode: Error, CustomStringConvertible {
        public var code: String
        public var description: String {
            "unknown currency code \(code.debugDescription); known: \(Currency.known.keys.sorted().joined(separator: ", "))"
        }
    }

    public var description: String { code }

    /// How `format` writes an amount.
    public enum Style: Sendable {
        /// For people: the symbol and thousands grouped, "₩300,000", "€1,234.50", "$12".
        case display
        /// For form fields and links: digits and the decimal point only, "300000", "12.50";
        /// `parse` reads it back unchanged.
        case input
    }

    /// `minor` (an amount in the minor unit) as text. A whole amount leaves out its zero
    /// decimals ("$12", not "$12.00"); otherwise all `minorDigits` are written ("€12.50").
    /// nil (no price) is "free" for display and "" for input.
    public func format(_ minor: Int64?, _ style: Style = .display) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(32)
        append(minor, style, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `format` appending its UTF-8 to `out`: only digits, `-`, `,`, `.`, "free" and the
    /// symbols of `known` (constants without `&`, `<`, `>` or quotes), so a page may take it
    /// as it is (`HTML`'s price interpolation). Written as bytes: a list page formats a price
    /// per row, and the `String` version (digits, then grouped character by character) was a
    /// twentieth of a search page.
    func append(_ minor: Int64?, _ style: Style = .display, to out: inout [UInt8]) {
        guard let minor else {
            if style == .display { out += Self.free }
            return
        }
        if minor < 0 { out.append(UInt8(ascii: "-")) }
        if style == .display { out += displayPrefix }
        let scale = Self.power(minorDigits)
        let whole = minor.magnitude / scale, fraction = minor.magnitude % scale
        // The whole part's digits, grouped by three for display, written from the left.
        var divisor: UInt64 = 1, digits = 1
        while divisor <= whole / 10 {
            divisor *= 10
            digits += 1
        }
        var rest = whole
        for i in 0..<digits {
            if style == .display, i > 0, (digits - i) % 3 == 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
        if fraction != 0 {
            out.append(UInt8(ascii: "."))
            out.appendDecimal(Int(fraction), width: minorDigits)
        }
    }

    private static let free = Array("free".utf8)

    /// 10^digits as the unsigned magnitude type.
    static func power(_ digits: Int) -> UInt64 {
        (0..<digits).reduce(1) { value, _ in value * 10 }
    }
}

extension Currency: Codable {
    /// Encoded as its code, the way the API and the hot-post cache carry it.
    public init(from decoder: Decoder) throws {
        try self.init(storedCode: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(code)
    }
}
