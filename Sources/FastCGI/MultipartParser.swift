/// A streaming parser for `multipart/form-data` bodies (RFC 7578 / RFC 2046).
///
/// Feed it chunks as they are read (`request.body.read(max:)`); it hands back events — a part
/// begins (with its headers), bytes of its content, the part ends — and never holds more than
/// one chunk plus a boundary's worth of bytes, whatever the size of the body. The consumer caps
/// what it keeps of each part. Malformed bodies (a bad or missing boundary, a part without
/// headers or a Content-Disposition name, too many parts, a body that ends early) throw
/// `MultipartError`, which a web handler answers with 400.
public final class MultipartParser {
    /// What a part said about itself.
    public struct PartHeaders: Sendable, Equatable {
        /// The form field name (Content-Disposition `name`).
        public var name: String
        /// The file name the client gave, for file parts (never trusted for anything but messages).
        public var filename: String?
        /// The declared Content-Type, if any (never trusted either).
        public var contentType: String?
    }

    /// One step of the parse.
    public enum Event: Equatable {
        case begin(PartHeaders)
        case data([UInt8])
        case end
    }

    /// Bounds on what a body may contain.
    public struct Limits: Sendable {
        public var maxParts: Int
        public var maxHeaderBytes: Int
        public init(maxParts: Int = 64, maxHeaderBytes: Int = 8 * 1024) {
            self.maxParts = maxParts
            self.maxHeaderBytes = maxHeaderBytes
        }
    }

    private enum State { case preamble, afterBoundary, headers, content, done }

    private let dashBoundary: [UInt8]     // "--" + boundary
    private let delimiter: [UInt8]        // CRLF "--" boundary
    private let limits: Limits
    private var state = State.preamble
    private var buffer: [UInt8] = []
    private var start = 0
    private var parts = 0

    /// A parser for `boundary` (from the Content-Type; see `boundary(contentType:)`).
    public init(boundary: String, limits: Limits = Limits()) throws(MultipartError) {
        guard Self.isValidBoundary(boundary) else { throw .badBoundary }
        dashBoundary = Array(("--" + boundary).utf8)
        delimiter = Array(("\r\n--" + boundary).utf8)
        self.limits = limits
    }

    /// The boundary of a `multipart/form-data` Content-Type, or nil when the type is something
    /// else or has no usable boundary.
    public static func boundary(contentType: String) -> String? {
        let pieces = contentType.split(separator: ";").map { $0.trimmingSpaces }
        guard let type = pieces.first, type.lowercased() == "multipart/form-data" else { return nil }
        for piece in pieces.dropFirst() {
            guard let eq = piece.firstIndex(of: "=") else { continue }
            guard piece[..<eq].trimmingSpaces.lowercased() == "boundary" else { continue }
            var value = piece[piece.index(after: eq)...].trimmingSpaces
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            return isValidBoundary(value) ? value : nil
        }
        return nil
    }

    /// RFC 2046: 1–70 characters from a restricted set, not ending in a space.
    static func isValidBoundary(_ b: String) -> Bool {
        guard (1...70).contains(b.utf8.count), !b.hasSuffix(" ") else { return false }
        return b.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || Array("'()+_,-./:=? ".utf8).contains(c)
        }
    }

    /// Parses as much of `chunk` (plus what was left over) as possible.
    public func feed(_ chunk: [UInt8]) throws(MultipartError) -> [Event] {
        if state == .done { return [] }   // the epilogue is ignored
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        buffer.append(contentsOf: chunk)
        var events: [Event] = []
        while try step(&events) {}
        return events
    }

    /// Call at the end of the body: throws `.truncated` when the closing boundary never came.
    public func finish() throws(MultipartError) {
        guard state == .done else { throw state == .preamble && parts == 0 && buffer.count - start == 0 ? .empty : .truncated }
    }

    /// Reads `body` to its end, calling `handle` for each event.
    public func parse(_ body: FastCGIBody, chunkSize: Int = 64 * 1024, _ handle: (Event) throws -> Void) throws {
        while let chunk = try body.read(max: chunkSize) {
            for event in try feed(chunk) { try handle(event) }
        }
        try finish()
    }

    /// One state transition; false when more input is needed.
    private func step(_ events: inout [Event]) throws(MultipartError) -> Bool {
        switch state {
        case .preamble:
            // The first boundary may open the body or follow a preamble after a CRLF.
            if buffer.count - start >= dashBoundary.count, matches(dashBoundary, at: start) {
                start += dashBoundary.count
                state = .afterBoundary
                return true
            }
            if let i = find(delimiter, from: start) {
                start = i + delimiter.count
                state = .afterBoundary
                return true
            }
            // Keep only what could still be the start of a delimiter.
            if buffer.count - start > 16 * 1024 { throw .malformed }
            return false
        case .afterBoundary:
            guard buffer.count - start >= 2 else { return false }
            if buffer[start] == 0x2D, buffer[start + 1] == 0x2D {   // "--": the close delimiter
                state = .done
                start = buffer.count
                return false
            }
            // Transport padding (spaces, tabs) then CRLF.
            var i = start
            while i < buffer.count, buffer[i] == 0x20 || buffer[i] == 0x09 { i += 1 }
            guard i + 1 < buffer.count else {
                if i - start > 256 { throw .malformed }
                return false
            }
            guard buffer[i] == 0x0D, buffer[i + 1] == 0x0A else { throw .malformed }
            start = i + 2
            parts += 1
            guard parts <= limits.maxParts else { throw .tooManyParts(limit: limits.maxParts) }
            state = .headers
            return true
        case .headers:
            let headerEnd = find([0x0D, 0x0A, 0x0D, 0x0A], from: start)
            // A delimiter before the blank line ends the part there: it had no headers block.
            // Checked before taking the headers, or a body that arrived whole would read a later
            // part's blank line as this one's, and the same bytes in chunks would be refused.
            if find(delimiter, from: start, before: headerEnd ?? .max) != nil { throw .missingHeaders }
            guard let end = headerEnd else {
                if buffer.count - start > limits.maxHeaderBytes { throw .headersTooLarge }
                return false
            }
            guard end - start <= limits.maxHeaderBytes else { throw .headersTooLarge }
            let headers = try Self.parseHeaders(Array(buffer[start..<end]))
            start = end + 4
            events.append(.begin(headers))
            state = .content
            return true
        case .content:
            if let i = find(delimiter, from: start) {
                if i > start { events.append(.data(Array(buffer[start..<i]))) }
                events.append(.end)
                start = i + delimiter.count
                state = .afterBoundary
                return true
            }
            // Everything but a possible partial delimiter at the end is content.
            let safe = buffer.count - (delimiter.count - 1)
            if safe > start {
                events.append(.data(Array(buffer[start..<safe])))
                start = safe
            }
            return false
        case .done:
            return false
        }
    }

    private func matches(_ needle: [UInt8], at i: Int) -> Bool {
        guard i + needle.count <= buffer.count else { return false }
        for k in 0..<needle.count where buffer[i + k] != needle[k] { return false }
        return true
    }

    /// Where `needle` first starts at or after `from` and before `before`.
    private func find(_ needle: [UInt8], from: Int, before: Int = .max) -> Int? {
        let first = needle[0]
        let last = min(buffer.count - needle.count, before - 1)
        guard last >= from else { return nil }
        return buffer.withUnsafeBufferPointer { buf -> Int? in
            var i = from
            while i <= last {
                if buf[i] == first {
                    var k = 1
                    while k < needle.count, buf[i + k] == needle[k] { k += 1 }
                    if k == needle.count { return i }
                }
                i += 1
            }
            return nil
        }
    }

    /// Header lines of one part; it must carry `Content-Disposition: form-data; name="…"`.
    static func parseHeaders(_ bytes: [UInt8]) throws(MultipartError) -> PartHeaders {
        let text = String(decoding: bytes, as: UTF8.self)
        var disposition: String?
        var contentType: String?
        for line in text.components(separatedBy: "\r\n") where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw .malformed }
            let name = line[..<colon].trimmingSpaces.lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces
            if name == "content-disposition" { disposition = value }
            if name == "content-type" { contentType = value }
        }
        guard let disposition else { throw .missingHeaders }
        let params = MultipartDisposition.parse(disposition)
        guard params.type == "form-data", let name = params.values["name"] else { throw .missingHeaders }
        return PartHeaders(name: name, filename: params.values["filename"], contentType: contentType)
    }
}
