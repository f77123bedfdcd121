import Foundation
import Testing
@testable import FastCGI

@Suite struct FastCGIResponseTests {
    func head(_ r: FastCGIResponse) -> String { String(decoding: r.serializedHead(), as: UTF8.self) }

    @Test func textHead() {
        let r = FastCGIResponse.text("hello")
        #expect(head(r) == "Status: 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\n\r\n")
        #expect(r.body == Array("hello".utf8))
    }

    @Test func headersKeepOrderAndContentLengthIsComputed() throws {
        var r = FastCGIResponse.html("<p>x</p>", status: 404)
        try r.addHeader("Set-Cookie", "a=1")
        try r.addHeader("Set-Cookie", "b=2")
        try r.setHeader("Content-Length", "999")
        try r.setHeader("Cache-Control", "no-store")
        #expect(head(r) == "Status: 404 Not Found\r\nContent-Type: text/html; charset=utf-8\r\nSet-Cookie: a=1\r\n"
                + "Set-Cookie: b=2\r\nCache-Control: no-store\r\nContent-Length: 8\r\n\r\n")
        try r.setHeader("set-cookie", "c=3")
        #expect(r.headers.filter { $0.name.lowercased() == "set-cookie" }.map(\.value) == ["c=3"])
        #expect(r.header("CACHE-CONTROL") == "no-store")
    }

    @Test(arguments: ["a\r\nSet-Cookie: evil=1", "a\nb", "a\rb", "a\u{0}b"])
    func headerValueInjectionRefused(_ value: String) throws {
        var r = FastCGIResponse.text("x")
        #expect(throws: FastCGIError.invalidHeaderValue(name: "X-Test")) { try r.setHeader("X-Test", value) }
        #expect(throws: FastCGIError.self) { try r.addHeader("X-Test", value) }
        #expect(r.header("X-Test") == nil)
        #expect(throws: FastCGIError.self) { try FastCGIResponse.redirect(to: "/x" + value) }
    }

    @Test(arguments: ["", "Bad Name", "X:Y", "Ünicode", "a\r\nb"])
    func headerNameMustBeToken(_ name: String) {
        var r = FastCGIResponse()
        #expect(throws: FastCGIError.invalidHeaderName(name)) { try r.setHeader(name, "v") }
    }

    @Test func redirectAndJSON() throws {
        let r = try FastCGIResponse.redirect(to: "/posts/1?ok=1")
        #expect(head(r) == "Status: 303 See Other\r\nLocation: /posts/1?ok=1\r\nContent-Length: 0\r\n\r\n")
        let j = FastCGIResponse.json(Data("{}".utf8), status: 201)
        #expect(j.header("Content-Type") == "application/json")
        #expect(j.status == 201 && j.body == Array("{}".utf8))
    }

    @Test func internalErrorLeaksNothing() {
        let r = FastCGIResponse.internalError
        #expect(r.status == 500)
        #expect(String(decoding: r.body, as: UTF8.self).contains("Something went wrong"))
    }

    @Test func reasonPhrases() {
        #expect(FastCGIResponse.reasonPhrase(for: 200) == "OK")
        #expect(FastCGIResponse.reasonPhrase(for: 303) == "See Other")
        #expect(FastCGIResponse.reasonPhrase(for: 413) == "Content Too Large")
        #expect(FastCGIResponse.reasonPhrase(for: 503) == "Service Unavailable")
        #expect(FastCGIResponse.reasonPhrase(for: 299) == "Success")
        #expect(FastCGIResponse.reasonPhrase(for: 499) == "Client Error")
    }

    @Test func errorDescriptionsLeakNothing() {
        let e = FastCGIError.system(call: "open", errno: 2, detail: "/secret/path")
        #expect(!e.description.contains("/secret"))
        #expect(e.debugDescription.contains("/secret/path"))
    }

    /// The head's numbers (and the request log's, the JSON dates' fields): as `String(n)` writes
    /// them, zero-padded to the width asked for.
    @Test func decimals() {
        for (n, width) in [(0, 0), (7, 2), (42, 2), (2026, 4), (59, 2), (100, 0), (12345, 2), (Int.max, 0), (-5, 2), (Int.min, 0)] {
            var out: [UInt8] = []
            out.appendDecimal(n, width: width)
            let plain = String(n)
            let want = n < 0 ? plain : String(repeating: "0", count: Swift.max(0, width - plain.count)) + plain
            #expect(String(decoding: out, as: UTF8.self) == want, "\(n) width \(width)")
        }
    }

    /// Headers checked ahead carry their line into the head; set, added and removed headers
    /// keep their lines in step (a replaced checked header never leaves its old line behind).
    @Test func checkedHeadersSerializeAsTheirLines() throws {
        var r = FastCGIResponse(status: 200, body: Array("hi".utf8))
        r.addHeader(try CheckedHeader("Content-Type", "text/html; charset=utf-8"))
        try r.addHeader("Set-Cookie", "a=1")
        r.addHeader(try CheckedHeader("X-Frame-Options", "DENY"))
        try r.setHeader("content-type", "text/plain")
        r.addHeader(try CheckedHeader("Cache-Control", "no-store"))
        r.removeHeader("set-cookie")
        #expect(String(decoding: r.serializedHead(), as: UTF8.self)
                == "Status: 200 OK\r\nX-Frame-Options: DENY\r\ncontent-type: text/plain\r\nCache-Control: no-store\r\nContent-Length: 2\r\n\r\n")
        #expect(r.headers.map(\.name) == ["X-Frame-Options", "content-type", "Cache-Control"])
    }
}
