extension String {
    /// Whether the two are the same but for the case of ASCII letters (HTTP header names, path
    /// literals), compared byte by byte: no lower-cased copies, which were a few percent of a
    /// cached page when every header lookup made two. Strings of other lengths differ at once.
    public func equalsIgnoringASCIICase(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        var a = self, b = other
        return a.withUTF8 { x in
            b.withUTF8 { y in
                for i in 0..<x.count where x[i] != y[i] && asciiLower(x[i]) != asciiLower(y[i]) { return false }
                return true
            }
        }
    }

    /// A hash that is the same for any two strings `equalsIgnoringASCIICase` calls equal (FNV-1a
    /// over the bytes with A–Z folded, started from `seed`): a table keyed by it finds a
    /// literal from any case of its spelling without a lower-cased copy.
    public func hashIgnoringASCIICase(seed: Int = 0) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(truncatingIfNeeded: seed)
        for byte in utf8 { hash = (hash ^ UInt64(asciiLower(byte))) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: hash)
    }
}

/// `byte` with A–Z folded to a–z; every other byte (UTF-8 continuation bytes included) as it is.
@inline(__always)
func asciiLower(_ byte: UInt8) -> UInt8 {
    byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
}

extension Array where Element == UInt8 {
    /// Appends the UTF-8 of `text` in one copy (the generic `append(contentsOf: text.utf8)`
    /// walks it byte by byte).
    public mutating func appendUTF8(_ text: String) {
        var text = text
        text.withUTF8 { append(contentsOf: $0) }
    }

    /// Appends `n` in decimal, zero-padded to at least `width` digits, without making a
    /// `String` first (a status code, a length, each field of a date: several per response).
    public mutating func appendDecimal(_ n: Int, width: Int = 0) {
        if n < 0 {
            append(UInt8(ascii: "-"))
            appendUTF8(String(n.magnitude))   // never on the hot path: lengths and dates are ≥ 0
            return
        }
        var divisor = 1, digits = 1
        while divisor <= n / 10 {
            divisor *= 10
            digits += 1
        }
        for _ in digits..<Swift.max(width, digits) { append(UInt8(ascii: "0")) }
        var rest = n
        while divisor > 0 {
            append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }
}
