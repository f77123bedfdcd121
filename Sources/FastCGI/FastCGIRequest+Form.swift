extension FastCGIRequest {
    /// The query string decoded as application/x-www-form-urlencoded, in order. Throws
    /// `FastCGIError.invalidQueryEncoding` naming the first parameter whose name or value is not
    /// valid UTF-8 once decoded: every parameter is refused alike, never repaired into U+FFFD
    /// and echoed back.
    public var queryItems: [(String, String)] {
        get throws(FastCGIError) { try Self.parseQuery(Array(query.utf8)) }
    }

    /// The first value of query parameter `name` (throws as `queryItems` does).
    public func queryValue(_ name: String) throws(FastCGIError) -> String? {
        try queryItems.first { $0.0 == name }?.1
    }

    /// Decodes a query string like `parseFormURLEncoded`, but refuses invalid UTF-8 with
    /// `FastCGIError.invalidQueryEncoding` (the parameter's name; nil when the name itself is
    /// invalid).
    public static func parseQuery(_ bytes: [UInt8]) throws(FastCGIError) -> [(String, String)] {
        var result: [(String, String)] = []
        try forEachPair(bytes) { (name: [UInt8], value: [UInt8]) throws(FastCGIError) in
            guard let n = String(validating: name, as: UTF8.self) else { throw .invalidQueryEncoding(parameter: nil) }
            guard let v = String(validating: value, as: UTF8.self) else { throw .invalidQueryEncoding(parameter: n) }
            result.append((n, v))
        }
        return result
    }

    /// Decodes application/x-www-form-urlencoded bytes (a POST body) into name/value pairs in
    /// order: pairs split on '&' (and ';'), '+' is a space, %XX is decoded. Malformed escapes
    /// are kept literally; invalid UTF-8 is repaired with U+FFFD (the form's reader checks the
    /// fields it uses and names them).
    public static func parseFormURLEncoded(_ bytes: [UInt8]) -> [(String, String)] {
        var result: [(String, String)] = []
        forEachPair(bytes) { name, value in
            result.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
        }
        return result
    }

    /// Calls `body` with each pair's decoded name and value bytes.
    static func forEachPair<E: Error>(_ bytes: [UInt8], _ body: ([UInt8], [UInt8]) throws(E) -> Void) throws(E) {
        var start = 0
        let count = bytes.count
        while start <= count {
            var end = start
            while end < count, bytes[end] != UInt8(ascii: "&"), bytes[end] != UInt8(ascii: ";") { end += 1 }
            if end > start {
                let pair = bytes[start..<end]
                if let eq = pair.firstIndex(of: UInt8(ascii: "=")) {
                    try body(decodeComponent(pair[start..<eq]), decodeComponent(pair[(eq + 1)..<end]))
                } else {
                    try body(decodeComponent(pair), [])
                }
            }
            start = end + 1
        }
    }

    /// Percent-decodes one form component, '+' as space.
    static func decodeComponent(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if b == UInt8(ascii: "%"), i + 2 < bytes.endIndex,
                      let hi = hexValue(bytes[i + 1]), let lo = hexValue(bytes[i + 2]) {
                out.append(hi << 4 | lo)
                i += 3
                continue
            } else {
                out.append(b)
            }
            i += 1
        }
        return out
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Percent-encodes `value` for a query string or a path: every UTF-8 byte but the
    /// unreserved characters (RFC 3986: ASCII letters, digits, `-._~`) and `/`, which a query
    /// may hold as is ("/login?next=/account").
    public static func percentEncode(_ value: String) -> String {
        percentEncode(value.utf8, keep: isQuerySafe)
    }

    private static func isQuerySafe(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
             UInt8(ascii: "~"), UInt8(ascii: "/"):
            return true
        default:
            return false
        }
    }

    /// The one percent-encoder: each byte `keep` refuses becomes %XX (upper-case hex). `keep`
    /// refuses every byte from 0x80 up, so the result is ASCII.
    static func percentEncode<S: Sequence<UInt8>>(_ bytes: S, keep: (UInt8) -> Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount)
        appendPercentEncoded(bytes, keep: keep, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Into bytes: a list page writes a dozen links to itself, each with its query.
    private static func appendPercentEncoded<S: Sequence<UInt8>>(_ bytes: S, keep: (UInt8) -> Bool, to out: inout [UInt8]) {
        for b in bytes {
            if keep(b) {
                assert(b < 0x80, "percentEncode kept a byte that is not ASCII")
                out.append(b)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(upperHexDigits[Int(b >> 4)])
                out.append(upperHexDigits[Int(b & 0xF)])
            }
        }
    }

    private static let upperHexDigits = Array("0123456789ABCDEF".utf8)

    /// `name=value&…`, each percent-encoded: the inverse of `parseQuery`.
    public static func queryString(_ pairs: [(String, String)]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for (i, (name, value)) in pairs.enumerated() {
            if i > 0 { out.append(UInt8(ascii: "&")) }
            appendPercentEncoded(name.utf8, keep: isQuerySafe, to: &out)
            out.append(UInt8(ascii: "="))
            appendPercentEncoded(value.utf8, keep: isQuerySafe, to: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
