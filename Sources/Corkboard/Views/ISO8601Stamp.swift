import FastCGI
import Foundation
import MariaDB

/// `2026-11-30T11:04:09Z`: a date in UTC to the whole second (the fraction dropped), as
/// `Date.ISO8601Format()` and `JSONEncoder`'s `.iso8601` write it, straight into bytes: a list
/// page and an API page write one per post, and Foundation's formatter was 3% of a search page.
enum ISO8601Stamp {
    static func append(_ date: Date, to out: inout [UInt8]) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let inDay = Int(seconds - days * 86400)
        let (year, month, day) = MySQLTime.civil(days: Int(days))
        guard (0...9999).contains(year) else {
            out.appendDecimal(year, width: 4)
            appendFields(month, day, inDay, to: &out)
            return
        }
        // The usual case in one append of the 20 bytes: an append per field or digit checked the
        // array's uniqueness and room each time (a list page writes a stamp per row).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { raw in
            func digits(_ value: Int, _ count: Int, at end: Int) {
                var rest = value
                for i in stride(from: end - 1, through: end - count, by: -1) {
                    raw[i] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
            }
            digits(year, 4, at: 4)
            raw[4] = UInt8(ascii: "-")
            digits(month, 2, at: 7)
            raw[7] = UInt8(ascii: "-")
            digits(day, 2, at: 10)
            raw[10] = UInt8(ascii: "T")
            digits(inDay / 3600, 2, at: 13)
            raw[13] = UInt8(ascii: ":")
            digits(inDay / 60 % 60, 2, at: 16)
            raw[16] = UInt8(ascii: ":")
            digits(inDay % 60, 2, at: 19)
            raw[19] = UInt8(ascii: "Z")
            out.append(contentsOf: UnsafeBufferPointer(raw))
        }
    }

    /// `-MM-DDThh:mm:ssZ`, field by field (a year outside 0…9999 has more or fewer digits).
    private static func appendFields(_ month: Int, _ day: Int, _ inDay: Int, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "-"))
        out.appendDecimal(month, width: 2)
        out.append(UInt8(ascii: "-"))
        out.appendDecimal(day, width: 2)
        out.append(UInt8(ascii: "T"))
        out.appendDecimal(inDay / 3600, width: 2)
        out.append(UInt8(ascii: ":"))
        out.appendDecimal(inDay / 60 % 60, width: 2)
        out.append(UInt8(ascii: ":"))
        out.appendDecimal(inDay % 60, width: 2)
        out.append(UInt8(ascii: "Z"))
    }

    static func string(_ date: Date) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(20)
        append(date, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
