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
