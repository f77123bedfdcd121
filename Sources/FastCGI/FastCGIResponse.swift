import Foundation

/// A response: status, ordered headers and body bytes, serialized CGI-style for libfcgi.
///
/// Header names and values are validated when set, so user input placed in a header can never
/// add a header or end the head early.
public struct FastCGIResponse {
    /// The HTTP status code.
    public var status: Int
    /// Headers in the order they will be sent (Content-Length is always computed from `body`).
    public var headers: [(name: String, value: String)] { entries.map { ($0.name, $0.value) } }
    /// The headers as kept: each with its line as sent ("Name: value\r\n") when it was made
    /// ahead (a `CheckedHeader`: the content type and the security headers of every page).
    private var entries: [Entry] = []

    private struct Entry {
        var name: String
        var value: String
        var line: [UInt8]?
    }
    /// The body bytes.
    public var body: [UInt8]

    /// A response with `status`, no headers, and `body`.
    public init(status: Int = 200, body: [UInt8] = []) {
        self.status = status
        self.body = body
        // A page gets about eight (its type, the security headers, a cookie or two): room made
        // once instead of growing each list three times.
        entries.reserveCapacity(8)
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
        entries.append(Entry(name: name, value: value))
    }

    /// Adds a header, keeping others of the same name (e.g. several Set-Cookie).
    public mutating func addHeader(_ name: String, _ value: String) throws {
        try Self.validate(name, value)
        entries.append(Entry(name: name, value: value))
    }

    /// Removes every header called `name` (case-insensitive).
    public mutating func removeHeader(_ name: String) {
        entries.removeAll { $0.name.equalsIgnoringASCIICase(name) }
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        entries.first { $0.name.equalsIgnoringASCIICase(name) }?.value
    }

    /// "Status: 200 OK\r\n", the headers, "Content-Length: N\r\n", then the blank line.
    /// Built as bytes: it runs on every response.
    public func serializedHead() -> [UInt8] {
        var head = [UInt8]()
        head.reserveCapacity(640)
        head.appendUTF8("Status: ")
        head.appendDecimal(status)
        head.append(UInt8(ascii: " "))
        head.appendUTF8(Self.reasonPhrase(for: status))
        head.appendUTF8("\r\n")
        for entry in entries where !entry.name.equalsIgnoringASCIICase("content-length") {
            if let line = entry.line {
                head += line
                continue
            }
            head.appendUTF8(entry.name)
            head.appendUTF8(": ")
            head.appendUTF8(entry.value)
            head.appendUTF8("\r\n")
        }
        head.appendUTF8("Content-Length: ")
        head.appendDecimal(body.count)
        head.appendUTF8("\r\n\r\n")
        return head
    }

    // MARK: Validation

    /// Whether `name` is an HTTP token (RFC 9110 tchar+).
    public static func isValidHeaderName(_ name: String) -> Bool {
        guard !name.isEmpty else { return false }
        var name = name
        return name.withUTF8 { bytes in
            tokenCharacters.withUnsafeBufferPointer { table in bytes.allSatisfy { table[Int($0)] } }
        }
    }

    /// RFC 9110 tchar, by byte value: a table, since every header a response gets is checked.
    private static let tokenCharacters: [Bool] = (0..<256).map { c in
        switch UInt8(c) {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(UInt8(c))
        }
    }

    /// Whether `value` can go into a header line: no CR, LF or NUL.
    public static func isValidHeaderValue(_ value: String) -> Bool {
        var value = value
        return value.withUTF8 { bytes in !bytes.contains { $0 < 14 && ($0 == 13 || $0 == 10 || $0 == 0) } }
    }

    static func validate(_ name: String, _ value: String) throws {
        guard isValidHeaderName(name) else { throw FastCGIError.invalidHeaderName(name) }
        guard isValidHeaderValue(value) else { throw FastCGIError.invalidHeaderValue(name: name) }
    }

    /// Adds a header known to be valid (constant names, generated values).
    mutating func appendTrusted(_ name: String, _ value: String) {
        entries.append(Entry(name: name, value: value))
    }

    /// Adds a header that was checked once when it was made (see `CheckedHeader`), without
    /// checking it again on every response, its line written once too.
    public mutating func addHeader(_ header: CheckedHeader) {
        entries.append(Entry(name: header.name, value: header.value, line: header.line))
    }
}

/// A header validated once, for headers a site adds to every response (security headers):
/// the per-response cost is an append. It can only be made through the same checks as
/// `setHeader`, so it can never split a head either.
public struct CheckedHeader: Sendable {
    public let name: String
    public let value: String
    /// "Name: value\r\n", as the head carries it.
    let line: [UInt8]

    public init(_ name: String, _ value: String) throws {
        try FastCGIResponse.validate(name, value)
        self.name = name
        self.value = value
        line = Array("\(name): \(value)\r\n".utf8)
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
