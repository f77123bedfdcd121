import Foundation

/// A response: status, ordered headers and body bytes, serialized CGI-style for libfcgi.
///
/// Header names and values are validated when set, so user input placed in a header can never
/// add a header or end the head early.
public struct FastCGIResponse {
    /// The HTTP status code.
    public var status: Int
    /// Headers in the order they will be sent (Content-Length is always computed from `body`).
    public private(set) var headers: [(name: String, value: String)] = []
    /// The body bytes.
    public var body: [UInt8]

    /// A response with `status`, no headers, and `body`.
    public init(status: Int = 200, body: [UInt8] = []) {
        self.status = status
        self.body = body
    }

    /// A response with `status`, `headers` (validated) and `body`.
    public init(status: Int, headers: [(String, String)], body: [UInt8] = []) throws {
        self.init(status: status, body: body)
        for (name, value) in headers { try addHeader(name, value) }
    }

    /// Replaces every header called `name` (case-insensitive) with one `name: value`.
    /// Throws `invalidHeaderName` / `invalidHeaderValue` (CR, LF or NUL) without changing anything.
    public mutating func setHeader(_ name: String, _ value: String) throws {
        try Self.validate(name, value)
        removeHeader(name)
        headers.append((name, value))
    }

    /// Adds a header, keeping others of the same name (e.g. several Set-Cookie).
    public mutating func addHeader(_ name: String, _ value: String) throws {
        try Self.validate(name, value)
        headers.append((name, value))
    }

    /// Removes every header called `name` (case-insensitive).
    public mutating func removeHeader(_ name: String) {
        headers.removeAll { $0.name.equalsIgnoringASCIICase(name) }
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.equalsIgnoringASCIICase(name) }?.value
    }

    /// "Status: 200 OK\r\n", the headers, "Content-Length: N\r\n", then the blank line.
    /// Built as bytes: it runs on every response.
    public func serializedHead() -> [UInt8] {
        var head = [UInt8]()
        head.reserveCapacity(640)
        head.appendUTF8("Status: ")
        head.appendUTF8(String(status))
        head.append(UInt8(ascii: " "))
        head.appendUTF8(Self.reasonPhrase(for: status))
        head.appendUTF8("\r\n")
        for (name, value) in headers where !name.equalsIgnoringASCIICase("content-length") {
            head.appendUTF8(name)
            head.appendUTF8(": ")
            head.appendUTF8(value)
            head.appendUTF8("\r\n")
        }
        head.appendUTF8("Content-Length: ")
        head.appendUTF8(String(body.count))
        head.appendUTF8("\r\n\r\n")
        return head
    }

    // MARK: Validation

    /// Whether `name` is an HTTP token (RFC 9110 tchar+).
    public static func isValidHeaderName(_ name: String) -> Bool {
        guard !name.isEmpty else { return false }
        return name.utf8.allSatisfy { c in
            switch c {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"):
                return true
            default:
                return "!#$%&'*+-.^_`|~".utf8.contains(c)
            }
        }
    }

    /// Whether `value` can go into a header line: no CR, LF or NUL.
    public static func isValidHeaderValue(_ value: String) -> Bool {
        !value.utf8.contains { $0 == 13 || $0 == 10 || $0 == 0 }
    }

    static func validate(_ name: String, _ value: String) throws {
        guard isValidHeaderName(name) else { throw FastCGIError.invalidHeaderName(name) }
        guard isValidHeaderValue(value) else { throw FastCGIError.invalidHeaderValue(name: name) }
    }

    /// Adds a header known to be valid (constant names, generated values).
    mutating func appendTrusted(_ name: String, _ value: String) {
        headers.append((name, value))
    }

    /// Adds a header that was checked once when it was made (see `CheckedHeader`), without
    /// checking it again on every response.
    public mutating func addHeader(_ header: CheckedHeader) {
        headers.append((header.name, header.value))
    }
}

/// A header validated once, for headers a site adds to every response (security headers):
/// the per-response cost is an append. It can only be made through the same checks as
/// `setHeader`, so it can never split a head either.
public struct CheckedHeader: Sendable {
    public let name: String
    public let value: String

    public init(_ name: String, _ value: String) throws {
        try FastCGIResponse.validate(name, value)
        self.name = name
        self.value = value
    }
}

// MARK: Convenience responses

extension FastCGIResponse {
    /// A text/plain; charset=utf-8 response.
    public static func text(_ text: String, status: Int = 200) -> FastCGIResponse {
        var r = FastCGIResponse(status: status, body: Array(text.utf8))
        r.appendTrusted("Content-Type", "text/plain; charset=utf-8")
        return r
    }

    /// A text/html; charset=utf-8 response (the caller escapes the HTML).
    public static func html(_ html: String, status: Int = 200) -> FastCGIResponse {
        var r = FastCGIResponse(status: status, body: Array(html.utf8))
        r.appendTrusted("Content-Type", "text/html; charset=utf-8")
        return r
    }

    /// An application/json response from encoded bytes.
    public static func json(_ bytes: [UInt8], status: Int = 200) -> FastCGIResponse {
        var r = FastCGIResponse(status: status, body: bytes)
        r.appendTrusted("Content-Type", "application/json")
        return r
    }

    /// An application/json response from encoded `Data`.
    public static func json(_ data: Data, status: Int = 200) -> FastCGIResponse {
        json([UInt8](data), status: status)
    }

    /// A redirect (303 See Other by default, so a POST becomes a GET). Throws
    /// `invalidHeaderValue` if `location` contains CR, LF or NUL.
    public static func redirect(to location: String, status: Int = 303) throws -> FastCGIResponse {
        var r = FastCGIResponse(status: status)
        try r.setHeader("Location", location)
        return r
    }

    /// The generic 500 page: says nothing about what went wrong.
    public static var internalError: FastCGIResponse {
        html("<!doctype html><title>Error</title><p>Something went wrong.</p>\n", status: 500)
    }
}
