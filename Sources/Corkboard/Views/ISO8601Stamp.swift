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
        out.appendDecimal(year, width: 4)
        // The rest, `-MM-DDThh:mm:ssZ`, in one append of 16 bytes written on the stack: an
        // append per field checked the array's uniqueness and room each time (a list page writes
        // a stamp per row).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { rest in
            func field(_ value: Int, after separator: Unicode.Scalar, at start: Int) {
                rest[start] = UInt8(ascii: separator)
                rest[start + 1] = UInt8(ascii: "0") + UInt8(value / 10)
                rest[start + 2] = UInt8(ascii: "0") + UInt8(value % 10)
            }
            field(month, after: "-", at: 0)
            field(day, after: "-", at: 3)
            field(inDay / 3600, after: "T", at: 6)
            field(inDay / 60 % 60, after: ":", at: 9)
            field(inDay % 60, after: ":", at: 12)
            rest[15] = UInt8(ascii: "Z")
            out.append(contentsOf: UnsafeBufferPointer(rest))
        }
    }

    static func string(_ date: Date) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(20)
        append(date, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
