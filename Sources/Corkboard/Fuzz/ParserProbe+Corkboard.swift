import FastCGI
import Foundation

/// The targets of what the application reads itself: JSON bodies, the search language and
/// filters, cursors and other signed tokens, the configuration file.
extension ParserProbe {
    /// A fixed key for the signed values (any key will do: the parse is what is fuzzed).
    static let secret = Array("fuzz-key-fuzz-key-fuzz-key-fuzz-key".utf8)
    /// `secret` prepared, and another key (a value must never verify under both).
    static let key = HMACSHA256(key: secret)
    static let otherKey = HMACSHA256(key: secret.reversed())
    static let causal = CausalCookie(secret: String(decoding: secret, as: UTF8.self), maxAge: 60)

    /// A JSON body decoded as the post body and as string bodies: accepted, or a 400 (never
    /// another error, never a trap).
    static func json(_ bytes: [UInt8]) throws(Failure) {
        try refusesWith(HTTPError.self, "PostBody") { _ = try PostBody.decode(json: bytes).fields() }
        try refusesWith(HTTPError.self, "StringBody") {
            let values = try StringBody<AccountFields.Credentials>.decode(json: bytes).values
            for (key, value) in values {
                try check(["email", "password"].contains(key), "StringBody kept an unknown key \(key)")
                try check(value.unicodeScalars.count <= bytes.count, "a string longer than its body")
            }
        }
        try refusesWith(HTTPError.self, "ContactFields") { _ = try StringBody<ContactFields>.decode(json: bytes) }
    }

    /// A list request's query string for a city with cents and one without: a 400 naming the
    /// parameter, or a search whose printed parameters read back as the same search (and whose
    /// cursor the next page accepts).
    static func search(_ bytes: [UInt8]) throws(Failure) {
        _ = SearchQuery(parsing: String(decoding: bytes, as: UTF8.self))
        guard let items = try? FastCGIRequest.parseQuery(bytes) else { return }
        for city in cities {
            var parsed: SearchRequest?
            try refusesWith(HTTPError.self, "SearchRequest") {
                parsed = try SearchRequest(city: city, items: items, catalog: catalog, key: key)
            }
            guard let request = parsed else { continue }
            let query = request.query
            try check(query.required.count <= SearchQuery.maxTerms, "too many terms")
            try check(query.excludedTerms.count + query.excludedPhrases.count <= SearchQuery.maxExcluded, "too many exclusions")
            try check(request.text.count <= SearchQuery.maxLength, "text longer than the limit")
            for term in query.required + query.excludedTerms {
                try check(!term.isEmpty && term.count <= SearchText.maxWordLength, "term \(term) empty or too long")
            }
            let cursor = SearchCursor(phase: request.sort.isPrice ? 1 : 0, walkStart: 1, key: 2, postID: 3,
                                      fingerprint: request.fingerprint, sort: request.sort)
            let next = request.parameters + [("cursor", cursor.encode(key: key))]
            let again = try? SearchRequest(city: city, items: next, catalog: catalog, key: key)
            try check(again?.fingerprint == request.fingerprint && again?.cursor == cursor,
                      "the parameters \(request.parameters) read back as another search")
        }
    }

    /// A cursor and the other base64url tokens: nothing unsigned is accepted, and whatever is
    /// accepted is the one canonical text of its bytes.
    static func cursor(_ bytes: [UInt8]) throws(Failure) {
        let text = String(decoding: bytes, as: UTF8.self)
        try token(text)
        if let cursor = SearchCursor.decode(text, key: key) {
            try check(cursor.encode(key: key) == text, "cursor \(text) is not canonical")
        }
        try check(SearchCursor.decode(text, key: otherKey) == nil, "a cursor verified under two keys")
        if let gtid = causal.gtid(fromCookie: text) {
            try check(!gtid.contains("."), "a causal GTID holding a '.'")
        }
    }

    /// `text` as a base64url token: decoded, it encodes back to itself.
    static func token(_ text: String) throws(Failure) {
        guard let bytes = Base64URL.decode(text) else { return }
        try check(Base64URL.encode(bytes) == text, "base64url \(text) decodes but is not canonical")
        if SessionCookie.isWellFormed(text) { try check(bytes.count == 32, "a session token of \(bytes.count) bytes") }
    }

    /// The configuration file, read as the server reads it: a `ConfigError` naming the line or
    /// key, or settings.
    static func config(_ bytes: [UInt8]) throws(Failure) {
        guard let text = String(validating: bytes, as: UTF8.self) else { return }
        var file = ConfigFile()
        try refusesWith(ConfigError.self, "ConfigFile.parse") {
            try file.parse(text, source: "fuzz.conf")
            for key in file.values.keys {
                try check(!key.isEmpty && key == key.lowercased(), "key `\(key)` kept")
            }
            _ = try Config(file: file)
            try file.rejectUnknownKeys()
        }
    }

    /// Runs `body`; a thrown `Failure` passes through, an error of type `E` is the documented
    /// refusal, anything else is a defect.
    static func refusesWith<E: Error>(_: E.Type, _ what: String, _ body: () throws -> Void) throws(Failure) {
        do {
            try body()
        } catch let failure as Failure {
            throw failure
        } catch is E {
            return
        } catch {
            throw Failure(description: "\(what) threw \(type(of: error)): \(error)")
        }
    }

    static let cities = [
        City(id: 1, slug: "lisbon", name: "Lisbon", timeZone: "Europe/Lisbon", currency: .eur),
        City(id: 2, slug: "seoul", name: "Seoul", timeZone: "Asia/Seoul", currency: .krw),
    ]
    static let catalog = SearchCatalog(
        categories: [.init(id: 1, slug: "bikes", name: "Bikes"), .init(id: 2, slug: "furniture", name: "Furniture")],
        neighbourhoods: [.init(id: 3, slug: "alfama", name: "Alfama")])
}
