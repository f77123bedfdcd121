/// One request as the web server passed it: the FastCGI params (CGI variables) and the body.
public struct FastCGIRequest {
    /// Our own cap on the total size of all params (names + values), on top of libfcgi's parsing.
    public static let maxParamsBytes = 64 * 1024
    /// Our own cap on the number of params.
    public static let maxParamsCount = 1_000

    /// All FastCGI params, e.g. REQUEST_METHOD, REQUEST_URI, HTTP_COOKIE.
    public let params: FastCGIParams
    /// The request body stream.
    public let body: FastCGIBody
    /// REQUEST_METHOD, e.g. "GET".
    public let method: String
    /// The path part of REQUEST_URI (up to '?'), not percent-decoded; DOCUMENT_URI if there is
    /// no REQUEST_URI. Worked out once: routing, logging and handlers each ask for it.
    public let path: String
    /// Cookies from the Cookie header; the first occurrence of a name wins. Parsed once: the
    /// causal cookie, the session and the CSRF cookie are each looked up on most pages.
    public let cookies: [String: String]

    /// A request with `params` and `body` (an empty body by default).
    public init(params: FastCGIParams, body: FastCGIBody? = nil) {
        self.params = params
        let length = params["CONTENT_LENGTH"].flatMap { Int($0) }
        self.body = body ?? FastCGIBody(source: BytesBodySource([]), declaredLength: length ?? 0)
        method = params["REQUEST_METHOD"] ?? "GET"
        path = Self.path(params)
        cookies = params["HTTP_COOKIE"].map(Self.cookies) ?? [:]
    }

    /// A request with the params in `params` (tests and in-process requests).
    public init(params: [String: String], body: FastCGIBody? = nil) {
        self.init(params: FastCGIParams(params), body: body)
    }

    /// Builds a request from "NAME=value" entries, enforcing `maxParamsBytes`/`maxParamsCount`.
    /// Throws `FastCGIError.paramsTooLarge` (answered with 400).
    public init<S: Sequence>(environment entries: S, body: FastCGIBody) throws where S.Element == String {
        var params = FastCGIParams()
        for entry in entries {
            var entry = entry
            try entry.withUTF8 { try params.add(UnsafeRawBufferPointer($0)) }
        }
        self.init(params: params, body: body)
    }

    static func path(_ params: FastCGIParams) -> String {
        if let uri = params["REQUEST_URI"], !uri.isEmpty {
            if let q = uri.utf8.firstIndex(of: UInt8(ascii: "?")) { return String(uri[..<q]) }
            return uri
        }
        return params["DOCUMENT_URI"] ?? params["SCRIPT_NAME"] ?? "/"
    }

    /// QUERY_STRING, raw ("" when absent; raw bytes that are not UTF-8 arrive %XX-escaped).
    public var query: String { params["QUERY_STRING"] ?? "" }

    /// An HTTP request header by its usual name: "Content-Type" → CONTENT_TYPE,
    /// "X-Foo" → HTTP_X_FOO.
    public func header(_ name: String) -> String? {
        let key = String(name.uppercased().map { $0 == "-" ? "_" : $0 })
        if key == "CONTENT_TYPE" || key == "CONTENT_LENGTH" {
            if let value = params[key] { return value }
        }
        return params["HTTP_" + key]
    }

    /// The cookies of a Cookie header; the first occurrence of a name wins.
    static func cookies(_ header: String) -> [String: String] {
        var result: [String: String] = [:]
        for part in header.split(separator: ";") {
            let pair = part.trimmingSpaces
            guard let eq = pair.firstIndex(of: "=") else { continue }
            let name = String(pair[..<eq]).trimmingSpaces
            var value = String(pair[pair.index(after: eq)...]).trimmingSpaces
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                // Spaces inside the quotes are not the value's either (found by fuzzing: `a="\t"`).
                value = String(value.dropFirst().dropLast()).trimmingSpaces
            }
            if !name.isEmpty, result[name] == nil { result[name] = value }
        }
        return result
    }

    /// REMOTE_ADDR (the client as nginx saw it).
    public var remoteAddress: String? { params["REMOTE_ADDR"] }

    /// CONTENT_LENGTH as a number, nil when absent, empty or malformed.
    public var contentLength: Int? { params["CONTENT_LENGTH"].flatMap { Int($0) }.flatMap { $0 >= 0 ? $0 : nil } }

    /// CONTENT_TYPE.
    public var contentType: String? {
        guard let value = params["CONTENT_TYPE"], !value.isEmpty else { return nil }
        return value
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces and tabs (no Foundation needed).
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
