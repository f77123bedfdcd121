import FastCGI
import Foundation
import MariaDB

/// The JSON of an `/api/search` page written straight to bytes. Foundation's `JSONEncoder`
/// (with the snake_case key strategy converting every key of every post again) was two thirds
/// of an API search's instructions. The output is byte for byte what `JSONResponse.encoder`
/// writes for the same `SearchHandler.APIPage` (a test holds the two together on random pages):
/// sorted snake_case keys, absent optionals left out, ISO 8601 dates in whole seconds (UTC),
/// slashes unescaped, control characters escaped as the encoder does.
enum SearchPageJSON {
    static func encode(_ page: SearchHandler.APIPage) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(256 + page.posts.count * 320)
        out.appendUTF8("{\"city\":")
        string(page.city, &out)
        if let n = page.newPosts {
            out.appendUTF8(",\"new_posts\":")
            out.appendDecimal(n)
        }
        if let cursor = page.nextCursor {
            out.appendUTF8(",\"next_cursor\":")
            string(cursor, &out)
        }
        out.appendUTF8(",\"posts\":[")
        for (i, hit) in page.posts.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            post(hit, &out)
        }
        out.appendUTF8("]}")
        return out
    }

    static func post(_ hit: SearchHit, _ out: inout [UInt8]) {
        out.appendUTF8("{\"category\":")
        string(hit.category, &out)
        out.appendUTF8(",\"created_at\":")
        date(hit.createdAt, &out)
        out.appendUTF8(",\"currency\":")
        string(hit.currency.code, &out)
        out.appendUTF8(",\"id\":")
        out.appendDecimal(Int(hit.id))
        if let n = hit.neighbourhood {
            out.appendUTF8(",\"neighbourhood\":")
            string(n, &out)
        }
        if let price = hit.priceMinor {
            out.appendUTF8(",\"price_minor\":")
            out.appendDecimal(Int(price))
        }
        if let thumbnail = hit.thumbnail {
            out.appendUTF8(",\"thumbnail\":")
            string(thumbnail, &out)
        }
        out.appendUTF8(",\"title\":")
        string(hit.title, &out)
        out.append(UInt8(ascii: "}"))
    }

    /// A JSON string: `"` and `\` escaped, the control characters as short escapes or `\u00XX`.
    static func string(_ s: String, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            var start = 0
            for (i, c) in bytes.enumerated() where c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
                start = i + 1
                switch c {
                case UInt8(ascii: "\""): out.appendUTF8("\\\"")
                case UInt8(ascii: "\\"): out.appendUTF8("\\\\")
                case 0x08: out.appendUTF8("\\b")
                case 0x0C: out.appendUTF8("\\f")
                case 0x0A: out.appendUTF8("\\n")
                case 0x0D: out.appendUTF8("\\r")
                case 0x09: out.appendUTF8("\\t")
                default:
                    out.appendUTF8("\\u00")
                    out.append(Crypto.hexDigits[Int(c >> 4)])
                    out.append(Crypto.hexDigits[Int(c & 0xF)])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    /// `"2026-11-30T11:04:09Z"`: the date in UTC, its fraction of a second dropped.
    static func date(_ date: Date, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        ISO8601Stamp.append(date, to: &out)
        out.append(UInt8(ascii: "\""))
    }
}
