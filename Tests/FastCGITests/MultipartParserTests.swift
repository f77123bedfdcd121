import Testing
@testable import FastCGI

@Suite struct MultipartParserTests {
    let boundary = "----cb-boundary-7MA4YWxkTrZu0gW"

    /// A body with the given parts: (name, filename, content).
    func body(_ parts: [(String, String?, [UInt8])], close: Bool = true) -> [UInt8] {
        var out: [UInt8] = []
        for (name, filename, content) in parts {
            var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\""
            if let filename { head += "; filename=\"\(filename)\"\r\nContent-Type: image/jpeg" }
            head += "\r\n\r\n"
            out += Array(head.utf8) + content + Array("\r\n".utf8)
        }
        if close { out += Array("--\(boundary)--\r\n".utf8) }
        return out
    }

    /// Parses through a FastCGIBody read in `chunk`-byte pieces; returns the parts.
    func parse(_ bytes: [UInt8], chunk: Int = 64 * 1024, limits: MultipartParser.Limits = .init()) throws -> [(MultipartParser.PartHeaders, [UInt8])] {
        let parser = try MultipartParser(boundary: boundary, limits: limits)
        let source = FastCGIBody(source: BytesBodySource(bytes, chunkSize: chunk), declaredLength: bytes.count)
        var parts: [(MultipartParser.PartHeaders, [UInt8])] = []
        var open = false
        try parser.parse(source, chunkSize: chunk) { event in
            switch event {
            case .begin(let h): parts.append((h, [])); open = true
            case .data(let d): #expect(open); parts[parts.count - 1].1 += d
            case .end: open = false
            }
        }
        return parts
    }

    @Test func parsesFieldsAndFilesInOrder() throws {
        let photo: [UInt8] = (0..<5000).map { UInt8($0 % 256) }
        let parts = try parse(body([("title", nil, Array("Bike".utf8)), ("photo", "a.jpg", photo), ("photo", "b.jpg", [])]))
        #expect(parts.count == 3)
        #expect(parts[0].0.name == "title" && parts[0].0.filename == nil)
        #expect(parts[0].1 == Array("Bike".utf8))
        #expect(parts[1].0.filename == "a.jpg" && parts[1].0.contentType == "image/jpeg")
        #expect(parts[1].1 == photo)
        #expect(parts[2].1.isEmpty)
    }

    @Test(arguments: [1, 2, 3, 7, 41, 70, 4096])
    func sameResultForEveryChunkSize(chunk: Int) throws {
        // Content that contains near-misses of the delimiter ("\r\n--" and a prefix of the boundary).
        let tricky = Array("a\r\n--\(boundary.prefix(10))x\r\n-\r\r\n--".utf8) + [0, 255, 13, 10]
        let bytes = body([("x", nil, tricky), ("photo", "p.png", tricky + tricky)])
        let parts = try parse(bytes, chunk: chunk)
        #expect(parts.map(\.1) == [tricky, tricky + tricky])
    }

    @Test func boundaryFromContentType() {
        #expect(MultipartParser.boundary(contentType: "multipart/form-data; boundary=abc") == "abc")
        #expect(MultipartParser.boundary(contentType: "Multipart/Form-Data; charset=utf-8; boundary=\"a b:c\"") == "a b:c")
        #expect(MultipartParser.boundary(contentType: "application/json") == nil)
        #expect(MultipartParser.boundary(contentType: "multipart/form-data") == nil)
        #expect(MultipartParser.boundary(contentType: "multipart/form-data; boundary=" + String(repeating: "x", count: 71)) == nil)
        #expect(MultipartParser.boundary(contentType: "multipart/form-data; boundary=a\u{7F}b") == nil)
    }

    @Test func refusesBadBoundary() {
        #expect(throws: MultipartError.badBoundary) { try MultipartParser(boundary: "") }
        #expect(throws: MultipartError.badBoundary) { try MultipartParser(boundary: "bad\r\nboundary") }
    }

    @Test func refusesBodyWithAnotherBoundary() {
        var other = body([("title", nil, Array("x".utf8))])
        other = Array(String(decoding: other, as: UTF8.self).replacingOccurrences(of: boundary, with: "different").utf8)
        #expect(throws: MultipartError.truncated) { try parse(other) }
    }

    @Test func refusesTruncatedBodies() {
        let full = body([("photo", "a.jpg", Array(repeating: 7, count: 3000))])
        for cut in [10, 60, 200, 3000, full.count - 5] {
            #expect(throws: MultipartError.self) { try parse(Array(full.prefix(cut))) }
        }
        #expect(throws: MultipartError.truncated) { try parse(body([("a", nil, [1])], close: false)) }
    }

    @Test func refusesPartsWithoutHeaders() {
        let noHeaders = Array("--\(boundary)\r\n\r\ncontent\r\n--\(boundary)--\r\n".utf8)
        #expect(throws: MultipartError.missingHeaders) { try parse(noHeaders) }
        let noName = Array("--\(boundary)\r\nContent-Disposition: form-data\r\n\r\nx\r\n--\(boundary)--\r\n".utf8)
        #expect(throws: MultipartError.missingHeaders) { try parse(noName) }
        let garbage = Array("--\(boundary)\r\nthis is not a header\r\n\r\nx\r\n--\(boundary)--\r\n".utf8)
        #expect(throws: MultipartError.malformed) { try parse(garbage) }
        let noBlankLine = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"a\"\r\nx\r\n--\(boundary)--\r\n".utf8)
        #expect(throws: MultipartError.missingHeaders) { try parse(noBlankLine) }
    }

    /// A part's headers end at the next delimiter even when a later part has the blank line:
    /// the same refusal whether the body arrives whole or a byte at a time.
    @Test(arguments: [1, 64 * 1024])
    func headersNeverRunAcrossADelimiter(chunk: Int) {
        let spanning = Array(("--\(boundary)\r\nContent-Disposition: form-data; name=\"a\"\r\n--\(boundary): x\r\n\r\n"
            + "v\r\n--\(boundary)--\r\n").utf8)
        #expect(throws: MultipartError.missingHeaders) { try parse(spanning, chunk: chunk) }
    }

    @Test func refusesTooManyParts() throws {
        let many = body((0..<11).map { ("f\($0)", nil, Array("v".utf8)) })
        #expect(throws: MultipartError.tooManyParts(limit: 10)) { try parse(many, limits: .init(maxParts: 10)) }
        #expect(try parse(many, limits: .init(maxParts: 11)).count == 11)
    }

    @Test func refusesHugeHeaders() {
        let big = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(String(repeating: "a", count: 9000))\"\r\n\r\nx\r\n--\(boundary)--\r\n".utf8)
        #expect(throws: MultipartError.headersTooLarge) { try parse(big, chunk: 512) }
    }

    @Test func refusesEmptyBody() {
        #expect(throws: MultipartError.empty) { try parse([]) }
    }

    @Test func memoryStaysBoundedForLargeParts() throws {
        // 8 MiB of content through 64 KiB reads: no event carries more than one read's worth,
        // so nothing in the parser grows with the body.
        let parser = try MultipartParser(boundary: boundary)
        var maxEvent = 0
        var total = 0
        let head = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"big\"\r\n\r\n".utf8)
        for event in try parser.feed(head) { if case .data(let d) = event { total += d.count } }
        let block = [UInt8](repeating: 0x41, count: 64 * 1024)
        for _ in 0..<128 {
            for event in try parser.feed(block) {
                if case .data(let d) = event { maxEvent = max(maxEvent, d.count); total += d.count }
            }
        }
        for event in try parser.feed(Array("\r\n--\(boundary)--".utf8)) { if case .data(let d) = event { total += d.count } }
        try parser.finish()
        #expect(total == 128 * 64 * 1024)
        #expect(maxEvent <= 64 * 1024 + 64)
    }

    @Test func preambleAndEpilogueAreIgnored() throws {
        let bytes = Array("preamble text\r\n".utf8) + body([("a", nil, Array("1".utf8))]) + Array("epilogue".utf8)
        let parts = try parse(bytes, chunk: 5)
        #expect(parts.count == 1 && parts[0].1 == Array("1".utf8))
    }

    @Test func quotedFilenamesKeepSemicolons() throws {
        let bytes = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a;b \\\"c\\\".jpg\"\r\n\r\nx\r\n--\(boundary)--".utf8)
        let parts = try parse(bytes)
        #expect(parts[0].0.filename == "a;b \"c\".jpg")
    }
}
