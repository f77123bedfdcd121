import Foundation
import MariaDB

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
        let (year, month, day) = MySQLTime.civil(days: days)
        return String(format: "%04d-%02d-%02d %02lld:%02lld:%02lld.%06lld", year, month, day,
                      secs / 3600, secs % 3600 / 60, secs % 60, frac)
    }
}
