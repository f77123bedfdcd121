import CMariaDB
import Foundation

/// Date <-> MYSQL_TIME in UTC, with microseconds, by calendar arithmetic (no Calendar, no
/// time zone database: every connection runs with `time_zone = '+00:00'`).
public enum MySQLTime {
    /// Days since 1970-01-01 for a proleptic Gregorian date.
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9          // March = 0
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The Gregorian date of a day count since 1970-01-01 (also for the dates the site writes
    /// itself: JSON, the bench corpus's files).
    public static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func make(_ date: Date) -> MYSQL_TIME {
        var micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        if !micros.isFinite { micros = 0 }
        let total = Int64(micros)
        var secs = total / 1_000_000
        var frac = total % 1_000_000
        if frac < 0 { frac += 1_000_000; secs -= 1 }
        var dayCount = secs / 86_400
        var secOfDay = secs % 86_400
        if secOfDay < 0 { secOfDay += 86_400; dayCount -= 1 }
        let (y, m, d) = civil(days: Int(dayCount))
        var t = MYSQL_TIME()
        t.year = UInt32(clamping: y)
        t.month = UInt32(m)
        t.day = UInt32(d)
        t.hour = UInt32(secOfDay / 3600)
        t.minute = UInt32(secOfDay % 3600 / 60)
        t.second = UInt32(secOfDay % 60)
        t.second_part = UInt(frac)
        t.neg = 0
        t.time_type = MYSQL_TIMESTAMP_DATETIME
        return t
    }

    /// nil for zero or invalid dates ("0000-00-00").
    static func date(_ t: MYSQL_TIME) -> Date? {
        guard t.month >= 1, t.month <= 12, t.day >= 1, t.day <= 31 else { return nil }
        let d = days(year: Int(t.year), month: Int(t.month), day: Int(t.day))
        let secs = Int64(d) * 86_400 + Int64(t.hour) * 3600 + Int64(t.minute) * 60 + Int64(t.second)
        let micros = secs * 1_000_000 + Int64(t.second_part)
        return Date(timeIntervalSince1970: Double(micros) / 1_000_000)
    }
}
