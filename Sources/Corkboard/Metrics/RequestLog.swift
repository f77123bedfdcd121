import Foundation

/// One logfmt line per request on stderr (journald under systemd): nginx's request id (also in
/// its access log, and on error pages), method, route pattern, status, duration, time spent in
/// the database, and the worker's pid and pool. Written with one write(2), so lines from the
/// pool's processes never interleave.
struct RequestLog {
    let pid = getpid()
    let pool: String

    struct Entry {
        var requestID: String
        var method: String
        var route: String
        var status: Int
        var seconds: Double
        var databaseSeconds: Double
    }

    func line(_ e: Entry) -> String {
        "request_id=\(Self.value(e.requestID.isEmpty ? "-" : e.requestID)) method=\(Self.value(e.method)) route=\(Self.value(e.route))"
            + " status=\(e.status) duration_ms=\(Self.ms(e.seconds)) db_ms=\(Self.ms(e.databaseSeconds)) pid=\(pid) pool=\(pool)\n"
    }

    func write(_ e: Entry) {
        var text = line(e)
        text.withUTF8 { buffer in _ = Foundation.write(2, buffer.baseAddress, buffer.count) }
    }

    /// Milliseconds with three decimals, without `String(format:)` (this runs every request).
    static func ms(_ seconds: Double) -> String {
        let us = Int((max(0, seconds) * 1e6).rounded())
        let frac = us % 1000
        return "\(us / 1000)." + (frac < 10 ? "00" : frac < 100 ? "0" : "") + "\(frac)"
    }

    /// A logfmt value: bare when it is safe, else quoted with `"` and `\` escaped (a method or
    /// request id comes from the client through nginx, so it is never trusted to be plain).
    static func value(_ s: String) -> String {
        let plain = !s.isEmpty && s.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7f && $0 != "\"" && $0 != "=" && $0 != "\\" }
        return plain ? s : "\"" + PrometheusText.escape(s) + "\""
    }
}
