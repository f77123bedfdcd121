extension Currency {
    /// Whole digits a typed amount may have: more than any price (`PostFields.maxPriceMinor`)
    /// and small enough that the minor amount cannot overflow.
    static let maxWholeDigits = 13

    /// Reads an amount as a person types it in this currency, into minor units: "12", "12.5",
    /// "12.50", "1,234.50", with or without this currency's symbol or code ("€12", "12 EUR",
    /// "₩300,000"). Commas may only group thousands, so "12,50" (a decimal comma) is refused
    /// rather than read as 1250; decimals beyond `minorDigits` (any, for KRW) are refused too.
    /// Returns nil for empty text (no price). Throws a 400 naming `field`.
    public func parse(_ text: String, field: String) throws -> Int64? {
        var t = Substring(text).trimmingWhitespace
        if t.isEmpty { return nil }
        if t.hasPrefix("-") || t.hasPrefix("\u{2212}") {
            throw HTTPError.badRequest("The price cannot be negative.", field: field)
        }
        for marker in [symbol, code] {
            if t.prefix(marker.count).uppercased() == marker { t = t.dropFirst(marker.count).trimmingWhitespace; break }
            if t.suffix(marker.count).uppercased() == marker { t = t.dropLast(marker.count).trimmingWhitespace; break }
        }
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = Self.wholeDigits(parts[0]) else { throw invalid(field) }
        var fraction: Substring = ""
        if parts.count == 2 {
            fraction = parts[1]
            guard minorDigits > 0, (1...minorDigits).contains(fraction.count),
                  fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw invalid(field) }
        }
        guard whole.count <= Self.maxWholeDigits else {
            throw HTTPError.badRequest("The price is too large.", field: field)
        }
        let padded = fraction + String(repeating: "0", count: minorDigits - fraction.count)
        return Int64(whole)! * Int64(Self.power(minorDigits)) + (Int64(padded) ?? 0)
    }

    /// The 400 for text that is not an amount, with an example in this currency.
    func invalid(_ field: String) -> HTTPError {
        let example = minorDigits == 0
            ? "a whole amount in \(code) such as 15000"
            : "an amount in \(code) such as 12 or 12.5" + String(repeating: "0", count: minorDigits - 1)
        return HTTPError.badRequest("The price must be \(example).", field: field)
    }

    /// The digits of a whole part: plain ("1234") or grouped by commas in threes ("1,234");
    /// nil for anything else.
    static func wholeDigits(_ s: Substring) -> String? {
        let groups = s.split(separator: ",", omittingEmptySubsequences: false)
        guard let first = groups.first, !first.isEmpty else { return nil }
        for (i, group) in groups.enumerated() {
            guard group.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            if groups.count > 1 {
                guard i == 0 ? (1...3).contains(group.count) : group.count == 3 else { return nil }
            }
        }
        return groups.joined()
    }
}

extension Substring {
    /// Without leading and trailing white space (spaces, tabs, no-break spaces).
    var trimmingWhitespace: Substring {
        var s = self
        while s.first?.isWhitespace == true { s = s.dropFirst() }
        while s.last?.isWhitespace == true { s = s.dropLast() }
        return s
    }
}
