extension FastCGIRequest {
    /// Decodes application/x-www-form-urlencoded bytes (a query string or a POST body) into
    /// name/value pairs in order: pairs split on '&' (and ';'), '+' is a space, %XX is decoded.
    /// Malformed escapes are kept literally; invalid UTF-8 is repaired with U+FFFD.
    public static func parseFormURLEncoded(_ bytes: [UInt8]) -> [(String, String)] {
        var result: [(String, String)] = []
        var start = 0
        let count = bytes.count
        while start <= count {
            var end = start
            while end < count, bytes[end] != UInt8(ascii: "&"), bytes[end] != UInt8(ascii: ";") { end += 1 }
            if end > start {
                let pair = bytes[start..<end]
                if let eq = pair.firstIndex(of: UInt8(ascii: "=")) {
                    result.append((decodeComponent(pair[start..<eq]), decodeComponent(pair[(eq + 1)..<end])))
                } else {
                    result.append((decodeComponent(pair), ""))
                }
            }
            start = end + 1
        }
        return result
    }

    /// Percent-decodes one form component, '+' as space.
    static func decodeComponent(_ bytes: ArraySlice<UInt8>) -> String {
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
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
