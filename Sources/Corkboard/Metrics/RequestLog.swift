import FastCGI
import Foundation

/// One logfmt line per request on stderr (journald under systemd): nginx's request id (also in
/// its access log, and on error pages), method, route pattern, status, duration, time spent in
/// the database, and the worker's pid and pool. Written with one write(2), so lines from the
/// pool's processes never interleave. Built as bytes into one reused buffer: it runs on every
/// request, and string interpolation of seven values was a visible part of a cached page.
final class RequestLog {
    /// " pid=… pool=…\n": the same on every line of this process.
    private let tail: [UInt8]
    private var buffer: [UInt8] = []

    init(pool: String) {
        tail = Array(" pid=\(getpid()) pool=\(pool)\n".utf8)
        buffer.reserveCapacity(256)
    }

    struct Entry {
        var requestID: String
        var method: String
        var route: String
        var status: Int
        var seconds: Double
        var databaseSeconds: Double
    }

    func line(_ e: Entry) -> String {
        fill(e)
        return String(decoding: buffer, as: UTF8.self)
    }

    func write(_ e: Entry) {
        fill(e)
        buffer.withUnsafeBytes { _ = Foundation.write(2, $0.baseAddress, $0.count) }
    }

    private func fill(_ e: Entry) {
        buffer.removeAll(keepingCapacity: true)
        buffer.appendUTF8("request_id=")
        Self.append(value: e.requestID.isEmpty ? "-" : e.requestID, to: &buffer)
        buffer.appendUTF8(" method=")
        Self.append(value: e.method, to: &buffer)
        buffer.appendUTF8(" route=")
        Self.append(value: e.route, to: &buffer)
        buffer.appendUTF8(" status=")
        Self.append(decimal: e.status, to: &buffer)
        buffer.appendUTF8(" duration_ms=")
        Self.append(ms: e.seconds, to: &buffer)
        buffer.appendUTF8(" db_ms=")
        Self.append(ms: e.databaseSeconds, to: &buffer)
        buffer += tail
    }

    /// Milliseconds with three decimals, without `String(format:)`.
    static func ms(_ seconds: Double) -> String {
        var out = [UInt8]()
        append(ms: seconds, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func append(ms seconds: Double, to out: inout [UInt8]) {
        let us = Int((max(0, seconds) * 1e6).rounded())
        append(decimal: us / 1000, to: &out)
        out.append(UInt8(ascii: "."))
        let frac = us % 1000
        out.append(UInt8(ascii: "0") + UInt8(frac / 100))
        out.append(UInt8(ascii: "0") + UInt8(frac / 10 % 10))
        out.append(UInt8(ascii: "0") + UInt8(frac % 10))
    }

    /// The decimal digits of `n`.
    static func append(decimal n: Int, to out: inout [UInt8]) {
        out.appendDecimal(n)
    }

    /// A logfmt value: bare when it is safe, else quoted with `"` and `\` escaped (a method or
    /// request id comes from the client through nginx, so it is never trusted to be plain).
    static func value(_ s: String) -> String {
        var out = [UInt8]()
        append(value: s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func append(value s: String, to out: inout [UInt8]) {
        var s = s
        let plain = s.withUTF8 { bytes in
            !bytes.isEmpty && bytes.allSatisfy { $0 > 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "=") && $0 != UInt8(ascii: "\\") }
        }
        if plain {
            out.appendUTF8(s)
        } else {
            out.append(UInt8(ascii: "\""))
            out.appendUTF8(PrometheusText.escape(s))
            out.append(UInt8(ascii: "\""))
        }
    }
}
