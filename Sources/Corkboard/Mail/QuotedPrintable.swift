/// RFC 2045 quoted-printable for a text body: lines end in CRLF, no encoded line is longer than
/// 76 characters, trailing spaces and every byte that is not printable ASCII are `=XX`.
/// A `.` starting a line is encoded too, so no line can ever read as SMTP's end of data.
enum QuotedPrintable {
    static func encode(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + text.utf8.count / 8)
        // Normalise CRLF, CR and LF line ends to one line break each.
        let normalised = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        let lines = normalised.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            encodeLine(Array(line.utf8), into: &out)
            if index < lines.count - 1 || !line.isEmpty { out += [13, 10] }
        }
        return out
    }

    private static let hex = Array("0123456789ABCDEF".utf8)

    private static func encodeLine(_ bytes: [UInt8], into out: inout [UInt8]) {
        var width = 0
        for (i, b) in bytes.enumerated() {
            let last = i == bytes.count - 1
            let literal: Bool
            switch b {
            case UInt8(ascii: "="): literal = false
            case UInt8(ascii: " "), UInt8(ascii: "\t"): literal = !last      // trailing whitespace is encoded
            case UInt8(ascii: "."): literal = width > 0                       // a leading dot is encoded
            case 33...126: literal = true
            default: literal = false
            }
            let piece: [UInt8] = literal ? [b] : [UInt8(ascii: "="), hex[Int(b >> 4)], hex[Int(b & 15)]]
            // Room for the piece plus a soft break "=" (unless this is the line's last piece).
            let limit = last ? 76 : 75
            if width + piece.count > limit {
                out += [UInt8(ascii: "="), 13, 10]
                width = 0
                if b == UInt8(ascii: ".") {                                   // now leading after the break
                    out += [UInt8(ascii: "="), hex[2], hex[14]]
                    width = 3
                    continue
                }
            }
            out += piece
            width += piece.count
        }
    }
}
