import FastCGI

/// The targets of what nginx and libfcgi hand a worker: params, cookies, query strings and
/// forms, multipart bodies.
extension ParserProbe {
    /// `NAME=value` entries through `FastCGIParams` (the worker's own path from libfcgi's
    /// environment), then everything a handler reads from them.
    static func params(_ bytes: [UInt8]) throws(Failure) {
        let entries = bytes.split(separator: 0, omittingEmptySubsequences: false)
        var params = FastCGIParams()
        var added = 0
        for entry in entries {
            do {
                try Array(entry).withUnsafeBytes { try params.add($0) }
                added += 1
            } catch {
                try check(error as? FastCGIError == .paramsTooLarge(limit: FastCGIRequest.maxParamsBytes),
                          "Params.add threw \(error)")
                break
            }
        }
        try check(params.count <= added, "more params than entries")
        let request = FastCGIRequest(params: params)
        _ = (request.method, request.path, request.header("Content-Type"), request.header("X-Requested-With"),
             request.contentLength, request.contentType, request.remoteAddress, request.cookies)
        try check(request.path.utf8.count <= bytes.count * 3 + 1, "path longer than its input")
        // Raw bytes that are not UTF-8 arrive %XX-escaped; the escape must not change what the
        // query decodes to: the same pairs, or the same refusal.
        if let raw = entries.last(where: { $0.starts(with: "QUERY_STRING=".utf8) }) {
            let rawQuery = Array(raw.dropFirst("QUERY_STRING=".utf8.count))
            let direct = Result { () throws(FastCGIError) in try FastCGIRequest.parseQuery(rawQuery) }
            let escaped = Result { () throws(FastCGIError) in try request.queryItems }
            try check(same(direct, escaped), "QUERY_STRING escaping changed its parse: \(direct) vs \(escaped)")
        }
    }

    /// A Cookie header, then each signed value the site reads from cookies.
    static func cookies(_ bytes: [UInt8]) throws(Failure) {
        var params = FastCGIParams()
        do {
            try (Array("HTTP_COOKIE=".utf8) + bytes).withUnsafeBytes { try params.add($0) }
        } catch {
            return
        }
        let cookies = FastCGIRequest(params: params).cookies
        let scalars = String(decoding: bytes, as: UTF8.self).unicodeScalars.count
        for (name, value) in cookies {
            try check(!name.isEmpty, "an empty cookie name")
            try check(name.unicodeScalars.count + value.unicodeScalars.count < scalars, "a cookie longer than the header")
            for text in [name, value] {
                try check(!isSpace(text.first) && !isSpace(text.last), "cookie \(name) keeps surrounding spaces")
                try check(!text.contains(";"), "cookie \(name) holds a ';'")
            }
            try check(!name.contains("="), "cookie name \(name) holds a '='")
            try token(value)
            _ = causal.gtid(fromCookie: value)
            if let token = Reporter.verify(value, key: key) {
                try check(SessionCookie.isWellFormed(token), "a verified reporter cookie with a malformed token")
            }
        }
    }

    /// Query strings and urlencoded forms: the strict and the lenient reading agree, and a
    /// parse printed and parsed again is the same.
    static func query(_ bytes: [UInt8]) throws(Failure) {
        let lenient = FastCGIRequest.parseFormURLEncoded(bytes)
        let pieces = bytes.split(omittingEmptySubsequences: true) { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: ";") }
        try check(lenient.count == pieces.count, "\(lenient.count) pairs from \(pieces.count) pieces")
        for ((name, value), piece) in zip(lenient, pieces) {
            try check(name.unicodeScalars.count + value.unicodeScalars.count <= piece.count, "a pair longer than its text")
        }
        guard let strict = try? FastCGIRequest.parseQuery(bytes) else { return }
        try check(strict.elementsEqual(lenient, by: ==), "parseQuery and parseFormURLEncoded disagree")
        let printed = FastCGIRequest.queryString(strict)
        let again = try? FastCGIRequest.parseQuery(Array(printed.utf8))
        // An empty name with an empty value prints as "=", which reads back as one such pair.
        try check(again.map { $0.elementsEqual(strict, by: ==) } == true, "queryString did not read back: \(printed)")
    }

    /// A multipart body parsed in one piece and in chunks: the same parts or a refusal either
    /// way, every refusal a `MultipartError`, never more content than body.
    static func multipart(_ bytes: [UInt8]) throws(Failure) {
        guard let first = bytes.first else { return }
        let rest = bytes.dropFirst()
        let lineEnd = rest.firstIndex(of: 0x0A) ?? rest.endIndex
        let contentType = String(decoding: rest[..<lineEnd], as: UTF8.self)
        let body = Array(rest[lineEnd...].dropFirst())
        let boundary = MultipartParser.boundary(contentType: contentType) ?? "b"
        let whole = try parts(boundary, body, chunk: body.count)
        let chunked = try parts(boundary, body, chunk: Int(first % 64) + 1)
        switch (whole, chunked) {
        case (.success(let a), .success(let b)):
            try check(a == b, "chunked parse differs: \(a) vs \(b)")
        case (.failure, .failure):
            break
        default:
            throw Failure(description: "chunked parse \(chunked) but whole \(whole)")
        }
        if case .success(let found) = whole {
            try check(found.reduce(0) { $0 + $1.content.count } <= body.count, "more content than body")
        }
    }

    /// One part as the parser reported it.
    struct Part: Equatable {
        var headers: MultipartParser.PartHeaders
        var content: [UInt8] = []
    }

    private static func parts(_ boundary: String, _ body: [UInt8], chunk: Int) throws(Failure) -> Result<[Part], MultipartError> {
        var found: [Part] = []
        var open = false
        do {
            let parser = try MultipartParser(boundary: boundary)
            var offset = 0
            repeat {
                let end = min(body.count, offset + max(chunk, 1))
                for event in try parser.feed(Array(body[offset..<end])) {
                    switch event {
                    case .begin(let headers):
                        try check(!open, "a part began inside a part")
                        found.append(Part(headers: headers))
                        open = true
                    case .data(let data):
                        try check(open && !data.isEmpty, "data outside a part, or empty")
                        found[found.count - 1].content += data
                    case .end:
                        try check(open, "a part ended that never began")
                        open = false
                    }
                }
                offset = end
            } while offset < body.count
            try parser.finish()
            try check(!open, "the parse finished inside a part")
            return .success(found)
        } catch let error as MultipartError {
            return .failure(error)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "multipart threw \(error)")
        }
    }

    private static func isSpace(_ c: Character?) -> Bool { c == " " || c == "\t" }

    static func same<T: Equatable>(_ a: Result<[(T, T)], FastCGIError>, _ b: Result<[(T, T)], FastCGIError>) -> Bool {
        switch (a, b) {
        case (.success(let x), .success(let y)): return x.elementsEqual(y, by: ==)
        case (.failure(let x), .failure(let y)): return x == y
        default: return false
        }
    }
}
