import FastCGI
import Foundation

/// HTML page responses.
public enum HTMLResponse {
    public static func make(status: Int = 200, _ html: HTML) -> FastCGIResponse {
        make(status: status, bytes: html.bytes)
    }

    /// A page already rendered to UTF-8 (e.g. one the hot-post cache keeps).
    public static func make(status: Int = 200, bytes: [UInt8]) -> FastCGIResponse {
        var r = FastCGIResponse(status: status, body: bytes)
        r.addHeader(contentType)
        return r
    }

    /// Checked once, not on every page.
    static let contentType = try! CheckedHeader("Content-Type", "text/html; charset=utf-8")
}

extension FastCGIResponse {
    /// Whether this is an HTML page (`HTMLResponse`).
    var isHTML: Bool {
        headers.contains { $0.name.equalsIgnoringASCIICase("content-type") && $0.value.hasPrefix("text/html") }
    }
}

/// JSON responses; encoding our own `Encodable` types cannot fail in practice, and if it did
/// the client still gets valid JSON.
public enum JSONResponse {
    /// The one encoder of every JSON the site and its tools write: snake_case keys from the
    /// strategy (types keep Swift names and declare no key names), ISO 8601 dates, sorted keys.
    public static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        e.keyEncodingStrategy = .convertToSnakeCase
        return e
    }()

    public static func make<T: Encodable>(status: Int = 200, _ value: T) -> FastCGIResponse {
        let data = (try? encoder.encode(value)) ?? Data(#"{"error":"internal error"}"#.utf8)
        var r = FastCGIResponse(status: status, body: Array(data))
        try? r.setHeader("Content-Type", "application/json")
        return r
    }
}
