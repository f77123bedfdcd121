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

    @Test func queryItems() {
        let r = FastCGIRequest(params: params)
        #expect(r.queryItems.map(\.0) == ["city", "q"])
        #expect(r.queryValue("q") == "bike red")
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
