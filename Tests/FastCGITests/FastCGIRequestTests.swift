import Testing
@testable import FastCGI

@Suite struct FastCGIRequestTests {
    let params: [String: String] = [
        "REQUEST_METHOD": "POST",
        "REQUEST_URI": "/posts/42%20x?city=berlin&q=bike+red",
        "DOCUMENT_URI": "/index",
        "QUERY_STRING": "city=berlin&q=bike+red",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": "17",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_COOKIE": "session=abc123; theme=\"dark\";  lang = de ; session=second",
        "REMOTE_ADDR": "203.0.113.7",
    ]

    @Test func methodPathQuery() {
        let r = FastCGIRequest(params: params)
        #expect(r.method == "POST")
        #expect(r.path == "/posts/42%20x")
        #expect(r.query == "city=berlin&q=bike+red")
        #expect(r.remoteAddress == "203.0.113.7")
        #expect(r.contentLength == 17)
        #expect(r.contentType == "application/x-www-form-urlencoded")
    }

    @Test func pathFallsBackToDocumentURI() {
        #expect(FastCGIRequest(params: ["DOCUMENT_URI": "/doc"]).path == "/doc")
        #expect(FastCGIRequest(params: ["REQUEST_URI": "/plain"]).path == "/plain")
        #expect(FastCGIRequest(params: [:]).method == "GET")
    }

    @Test func headersMapToCGINames() {
        let r = FastCGIRequest(params: params)
        #expect(r.header("Content-Type") == "application/x-www-form-urlencoded")
        #expect(r.header("content-length") == "17")
        #expect(r.header("X-Forwarded-Proto") == "https")
        #expect(r.header("X-Missing") == nil)
    }

    @Test func cookies() {
        let c = FastCGIRequest(params: params).cookies
        #expect(c["session"] == "abc123")
        #expect(c["theme"] == "dark")
        #expect(c["lang"] == "de")
        #expect(FastCGIRequest(params: [:]).cookies.isEmpty)
    }

    @Test func badContentLength() {
        #expect(FastCGIRequest(params: ["CONTENT_LENGTH": "abc"]).contentLength == nil)
        #expect(FastCGIRequest(params: ["CONTENT_LENGTH": "-5"]).contentLength == nil)
        #expect(FastCGIRequest(params: ["CONTENT_TYPE": ""]).contentType == nil)
    }

    @Test func queryItems() throws {
        let r = FastCGIRequest(params: params)
        #expect(try r.queryItems.map(\.0) == ["city", "q"])
        #expect(try r.queryValue("q") == "bike red")
    }

    /// Every parameter alike: invalid UTF-8 is refused naming the parameter, never repaired.
    @Test func queryWithInvalidUTF8IsRefusedNamingTheParameter() throws {
        for (query, name) in [("q=%FF", "q"), ("city=x&q=ab%C3", "q"), ("category=%E2%82", "category"),
                              ("min_price=1%80", "min_price")] {
            let r = FastCGIRequest(params: ["QUERY_STRING": query])
            #expect(throws: FastCGIError.invalidQueryEncoding(parameter: name)) { try r.queryItems }
            #expect(throws: FastCGIError.invalidQueryEncoding(parameter: name)) { try r.queryValue("city") }
        }
        #expect(throws: FastCGIError.invalidQueryEncoding(parameter: nil)) {
            try FastCGIRequest(params: ["QUERY_STRING": "%FF=1"]).queryItems
        }
        // Valid UTF-8 (and a literal U+FFFD someone meant to send) passes.
        #expect(try FastCGIRequest(params: ["QUERY_STRING": "q=%EC%84%9C%EC%9A%B8+%EF%BF%BD"]).queryValue("q") == "서울 \u{FFFD}")
    }

    /// Raw bytes that are not UTF-8 (not %XX-escaped) reach the parser as bytes, not as U+FFFD.
    @Test func rawInvalidBytesInTheQueryStringAreRefusedToo() throws {
        var params = FastCGIParams()
        for entry: [UInt8] in [Array("QUERY_STRING=city=seoul&q=a".utf8) + [0xFF], Array("REQUEST_URI=/x".utf8)] {
            try entry.withUnsafeBytes { try params.add($0) }
        }
        let r = FastCGIRequest(params: params)
        #expect(r.query == "city=seoul&q=a%FF")
        #expect(throws: FastCGIError.invalidQueryEncoding(parameter: "q")) { try r.queryItems }
        var valid = FastCGIParams()
        try Array("QUERY_STRING=q=서울".utf8).withUnsafeBytes { try valid.add($0) }
        #expect(try FastCGIRequest(params: valid).queryValue("q") == "서울")
    }

    @Test func percentEncoding() throws {
        #expect(FastCGIRequest.percentEncode("/post/new?x=1&y=a b") == "/post/new%3Fx%3D1%26y%3Da%20b")
        #expect(FastCGIRequest.percentEncode("서울") == "%EC%84%9C%EC%9A%B8")
        #expect(FastCGIRequest.percentEncode("A-z_0.9~/") == "A-z_0.9~/")
        let pairs = [("q", "lamp & 서울/€"), ("min_price", "12.50"), ("cursor", "ab-_"), ("e", "")]
        let query = FastCGIRequest.queryString(pairs)
        #expect(query == "q=lamp%20%26%20%EC%84%9C%EC%9A%B8/%E2%82%AC&min_price=12.50&cursor=ab-_&e=")
        #expect(try FastCGIRequest.parseQuery(Array(query.utf8)).map { [$0.0, $0.1] } == pairs.map { [$0.0, $0.1] })
    }

    @Test func formDecoding() {
        let items = FastCGIRequest.parseFormURLEncoded(Array("a=1&b=x+y%21&c&=v&&d=%E2%82%AC&e=%zz%4&f=a=b".utf8))
        #expect(items.map(\.0) == ["a", "b", "c", "", "d", "e", "f"])
        #expect(items.map(\.1) == ["1", "x y!", "", "v", "€", "%zz%4", "a=b"])
        #expect(FastCGIRequest.parseFormURLEncoded([]).isEmpty)
        #expect(FastCGIRequest.parseFormURLEncoded(Array("k=%41%42".utf8)).first?.1 == "AB")
        #expect(FastCGIRequest.parseFormURLEncoded(Array("x=%".utf8)).first?.1 == "%")
    }

    @Test func environmentEntries() throws {
        let r = try FastCGIRequest(environment: ["REQUEST_METHOD=GET", "QUERY_STRING=a=b=c", "JUNK"],
                                   body: FastCGIBody(bytes: []))
        #expect(r.method == "GET")
        #expect(r.query == "a=b=c")
    }

    @Test func paramsCap() {
        let big = "HTTP_X_BIG=" + String(repeating: "x", count: FastCGIRequest.maxParamsBytes)
        #expect(throws: FastCGIError.paramsTooLarge(limit: FastCGIRequest.maxParamsBytes)) {
            try FastCGIRequest(environment: ["REQUEST_METHOD=GET", big], body: FastCGIBody(bytes: []))
        }
        let many = (0...FastCGIRequest.maxParamsCount).map { "HTTP_X_\($0)=1" }
        #expect(throws: FastCGIError.self) {
            try FastCGIRequest(environment: many, body: FastCGIBody(bytes: []))
        }
    }
}
