import Foundation

/// A buffered writer of tab-separated rows in the format `LOAD DATA` reads by default
/// (fields joined by tabs, rows by newlines, `\N` for NULL). Values must not hold tabs,
/// newlines or backslashes; the benchmark corpus never makes any.
final class TSVWriter {
    private let handle: FileHandle
    private var buffer: [UInt8] = []

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        buffer.reserveCapacity(1 << 20)
    }

    func row(_ fields: [String]) {
        for (i, f) in fields.enumerated() {
            if i > 0 { buffer.append(9) }
            buffer.append(contentsOf: f.utf8)
        }
        buffer.append(10)
        if buffer.count >= 1 << 20 { flush() }
    }

    func flush() {
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        flush()
        try handle.close()
    }

    /// `YYYY-MM-DD HH:MM:SS.ffffff` in UTC, the way DATETIME(6) is written.
    static func datetime(_ date: Date) -> String {
        let micros = date.microseconds
        var secs = micros / 1_000_000
        let frac = micros % 1_000_000
        let days = Int(secs / 86_400)
        secs %= 86_400
        // Civil date from days since 1970 (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = z / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return String(format: "%04d-%02d-%02d %02lld:%02lld:%02lld.%06lld", year, month, day,
                      secs / 3600, secs % 3600 / 60, secs % 60, frac)
    }
}
