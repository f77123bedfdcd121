import FastCGI
import Testing
@testable import Corkboard

@Suite struct RouterTests {
    func router() -> Router {
        let r = Router()
        r.get("/") { _ in FastCGIResponse(status: 200, body: Array("home".utf8)) }
        r.get("/login") { _ in FastCGIResponse(status: 200, body: Array("login".utf8)) }
        r.get("/:city") { c in FastCGIResponse(status: 200, body: Array("city \(c.parameter("city"))".utf8)) }
        r.get("/post/:id") { _ in FastCGIResponse(status: 200, body: []) }
        r.post("/post/:id") { _ in FastCGIResponse(status: 200, body: []) }
        return r
    }

    @Test func literalWinsOverCapture() {
        guard case .found(_, let captures, _) = router().match(method: "GET", path: "/login") else {
            Issue.record("no match"); return
        }
        #expect(captures.isEmpty)
    }

    @Test func captureTakesOneSegment() {
        guard case .found(_, let captures, _) = router().match(method: "GET", path: "/lisbon") else {
            Issue.record("no match"); return
        }
        #expect(captures == ["city": "lisbon"])
        if case .notFound = router().match(method: "GET", path: "/lisbon/extra/deep") {} else {
            Issue.record("deeper path should not match")
        }
    }

    @Test func theMatchNamesItsPatternNeverThePath() {
        guard case .found(_, _, let pattern) = router().match(method: "POST", path: "/post/42") else {
            Issue.record("no match"); return
        }
        #expect(pattern == "/post/:id")
        guard case .methodNotAllowed(_, let refused) = router().match(method: "DELETE", path: "/lisbon") else {
            Issue.record("expected 405"); return
        }
        #expect(refused == "/:city")
    }

    @Test func wrongMethodIs405WithAllow() {
        guard case .methodNotAllowed(let allowed, _) = router().match(method: "DELETE", path: "/post/7") else {
            Issue.record("expected 405"); return
        }
        #expect(allowed == ["GET", "POST", "HEAD"])
    }

    /// Routes with as many literals tie; the one registered first wins, whether it starts with
    /// a literal or a capture (the router keeps the two kinds in separate lists).
    @Test func aTieGoesToTheRouteRegisteredFirst() {
        for captureFirst in [true, false] {
            let r = Router()
            let search: RouteHandler = { _ in FastCGIResponse(status: 200, body: []) }
            if captureFirst { r.get("/:city/search", search) }
            r.get("/post/:id") { _ in FastCGIResponse(status: 200, body: []) }
            if !captureFirst { r.get("/:city/search", search) }
            guard case .found(_, _, let pattern) = r.match(method: "GET", path: "/post/search") else {
                Issue.record("no match"); return
            }
            #expect(pattern == (captureFirst ? "/:city/search" : "/post/:id"))
        }
    }

    /// A first segment in another case finds its literal route (to be sent to its spelling);
    /// one the hash table has never seen is not taken for it.
    @Test func theFirstSegmentIsFoundInAnyCase() {
        #expect("Post".hashIgnoringASCIICase(seed: 2) == "post".hashIgnoringASCIICase(seed: 2))
        #expect("post".hashIgnoringASCIICase(seed: 2) != "post".hashIgnoringASCIICase(seed: 3))
        #expect(canonical("/Post/7") == "/post/7")
        guard case .found(_, let captures, _) = router().match(method: "GET", path: "/posts") else {
            Issue.record("no match"); return
        }
        #expect(captures == ["city": "posts"])
    }

    @Test func headIsServedByGet() {
        if case .found = router().match(method: "HEAD", path: "/") {} else { Issue.record("HEAD / should match GET") }
    }

    /// The spelling a path is sent to, or nil when the router takes it as it is (or not at all).
    func canonical(_ path: String, _ method: String = "GET") -> String? {
        if case .otherSpelling(let c) = router().match(method: method, path: path) { return c }
        return nil
    }

    @Test func otherSpellingsOfARouteAreNeverTheRouteItself() {
        let spellings: [(String, String)] = [
            ("/login/", "/login"), ("//login", "/login"), ("/login//", "/login"), ("/./login", "/login"),
            ("/x/../login", "/login"), ("/%6Cogin", "/login"), ("/%6cogin", "/login"), ("/LOGIN", "/login"),
            ("/Login/", "/login"), ("//lisbon/", "/lisbon"), ("/post//7", "/post/7"), ("/POST/7/", "/post/7"),
            ("/post/%37", "/post/7"), ("/post/./7", "/post/7"), ("//", "/"), ("/.", "/"), ("/%2E", "/"),
        ]
        for (path, want) in spellings {
            for method in ["GET", "POST", "DELETE"] {
                #expect(canonical(path, method) == want, "\(method) \(path)")
            }
        }
    }

    /// The router's shortcut for plain paths: they are their own segments, exactly what the
    /// normalisation gives; anything it would change is not plain.
    @Test func plainPathsAreTheirOwnSegments() {
        for path in ["/", "/login", "/post/4363", "/a.b/c~d_e-f", "/post/7/edit", "/...", "/.a/b."] {
            #expect(CanonicalPath.isPlain(path), "\(path)")
            #expect(CanonicalPath.plainSegments(path) == CanonicalPath.segments(path), "\(path)")
            #expect(CanonicalPath.join(CanonicalPath.plainSegments(path)) == path, "\(path)")
        }
        for path in ["", "login", "//", "/login/", "/a//b", "/.", "/..", "/a/./b", "/a/../b", "/a/..", "/%6C", "/a b", "/ü", "/a:b", "/a?b"] {
            #expect(!CanonicalPath.isPlain(path), "\(path)")
        }
    }

    @Test func canonicalSpellingsMatchAsTheyAre() {
        for path in ["/", "/login", "/lisbon", "/post/7"] {
            if case .found = router().match(method: "GET", path: path) {} else { Issue.record("\(path) should match") }
        }
    }

    @Test func capturesKeepTheirCaseAndReservedEscapes() {
        // A captured segment is data (a reset token, a slug): its case is the client's.
        if case .found(_, let c, _) = router().match(method: "GET", path: "/Lisbon") { #expect(c["city"] == "Lisbon") } else {
            Issue.record("/Lisbon should reach the capture (which then refuses the slug)")
        }
        // Reserved characters stay encoded (an encoded slash is not a separator), hex upper case.
        #expect(canonical("/post/a%2fb") == "/post/a%2Fb")
        if case .found(_, let c, _) = router().match(method: "GET", path: "/post/a%2Fb") { #expect(c["id"] == "a%2Fb") } else {
            Issue.record("/post/a%2Fb should match as one segment")
        }
    }

    @Test func bytesThatMayNotAppearInAPathAreEncoded() {
        #expect(canonical("/post/a b") == "/post/a%20b")
        #expect(canonical("/post/\"x\"") == "/post/%22x%22")
        #expect(canonical("/post/caf\u{e9}") == "/post/caf%C3%A9")
        #expect(canonical("/post/50%") == "/post/50%25")
    }

    @Test func canonicalFormIsStable() {
        for path in ["/a/./b/../c//d/", "/%41%2f%7e/%2E%2E/x", "/%zz/%4", "/..", "/a b/%C3%A9/"] {
            let once = CanonicalPath.join(CanonicalPath.segments(path))
            #expect(CanonicalPath.join(CanonicalPath.segments(once)) == once, "\(path) → \(once)")
        }
    }

    @Test func unknownPathsAreNotFoundWhateverTheSpelling() {
        for path in ["/no/such/page/", "//no//such", "/post/7/extra/"] {
            if case .notFound = router().match(method: "GET", path: path) {} else { Issue.record("\(path) should be 404") }
        }
    }
}

@Suite struct HTMLTests {
    @Test func interpolationEscapes() {
        let user = "<script>alert('x')</script> & \"q\""
        let html: HTML = "<p>\(user)</p>"
        #expect(html.text == "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;</p>")
    }

    @Test func nestedFragmentsAreNotEscapedTwice() {
        let inner: HTML = "<b>\("a&b")</b>"
        let outer: HTML = "<div>\(inner)</div>"
        #expect(outer.text == "<div><b>a&amp;b</b></div>")
    }

    /// Literals are `StaticString`s, so a string built at run time cannot become markup
    /// through `HTML(stringLiteral:)`; `HTML(unsafeRaw:)` is the only way in.
    @Test func onlySourceLiteralsAreMarkup() {
        #expect(HTML.StringLiteralType.self == StaticString.self)
        #expect(HTML.StringInterpolation.StringLiteralType.self == StaticString.self)
        let literal: HTML = "<br>"
        #expect(literal.text == "<br>")
    }

    /// Whole numbers of any type are written as their decimal digits; one that does not fit an
    /// `Int` takes the general path.
    @Test func wholeNumbersAreTheirDigits() {
        let html: HTML = "\(0) \(-5) \(Int64(9_007_199_254_740_993)) \(UInt8(7)) \(UInt64.max) \(Int.min)"
        #expect(html.text == "0 -5 9007199254740993 7 18446744073709551615 -9223372036854775808")
    }

    @Test func booleanAttributes() {
        let on: HTML = "<option value=\"a\"\(.attribute("selected", if: true))>A</option>"
        let off: HTML = "<input type=\"checkbox\"\(.attribute("checked", if: false))>"
        #expect(on.text == "<option value=\"a\" selected>A</option>")
        #expect(off.text == "<input type=\"checkbox\">")
    }
}

@Suite struct CitySlugTests {
    @Test func reservedNamesAreRefused() {
        for slug in ["api", "post", "login", "signup", "account", "static", "images", "healthz", "metrics", "status"] {
            #expect(City.slugProblem(slug) != nil, "\(slug) must be reserved")
        }
    }

    @Test func ordinarySlugs() {
        #expect(City.slugProblem("lisbon") == nil)
        #expect(City.slugProblem("new-york") == nil)
        #expect(City.slugProblem("New York") != nil)
        #expect(City.slugProblem("-x") != nil)
        #expect(City.slugProblem("x") != nil)
    }

    @Test func slugFromName() {
        #expect(Slug.make("Lower East Side") == "lower-east-side")
        #expect(Slug.make("São Paulo") == "sao-paulo")
        #expect(Slug.make("  Gangnam-gu ") == "gangnam-gu")
    }
}

@Suite struct SecurityHeadersTests {
    @Test func everyResponseGetsThemOnce() {
        var r = FastCGIResponse(status: 200, body: [])
        SecurityHeaders.apply(to: &r)
        let names = r.headers.map { $0.name.lowercased() }
        for name in ["content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options", "cache-control"] {
            #expect(names.filter { $0 == name }.count == 1, "\(name)")
        }
        #expect(r.header("Cache-Control") == "no-store")
        #expect(!SecurityHeaders.contentSecurityPolicy.contains("unsafe-inline"))
    }

    @Test func handlersKeepTheirOwnCaching() throws {
        var r = FastCGIResponse(status: 200, body: [])
        try r.setHeader("Cache-Control", "public, max-age=60")
        SecurityHeaders.apply(to: &r)
        #expect(r.headers.filter { $0.name == "Cache-Control" }.map(\.value) == ["public, max-age=60"])
    }

    @Test func checkedHeadersRefuseWhatSetHeaderRefuses() {
        #expect(throws: FastCGIError.self) { _ = try CheckedHeader("X-Test", "a\r\nInjected: 1") }
        #expect(throws: FastCGIError.self) { _ = try CheckedHeader("Bad Name", "x") }
    }
}
