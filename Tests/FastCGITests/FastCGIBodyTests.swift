import Testing
@testable import FastCGI

@Suite struct FastCGIBodyTests {
    let bytes: [UInt8] = (0..<1000).map { UInt8($0 % 251) }

    @Test func streamsAcrossChunkBoundaries() throws {
        let body = FastCGIBody(source: BytesBodySource(bytes, chunkSize: 7), declaredLength: bytes.count)
        var collected: [UInt8] = []
        var reads = 0
        while let chunk = try body.read(max: 64) {
            #expect(chunk.count <= 7)
            collected += chunk
            reads += 1
        }
        #expect(collected == bytes)
        #expect(reads == 143)
        #expect(body.bytesRead == 1000)
        #expect(try body.read() == nil)
    }

    @Test func readAllAcrossChunks() throws {
        let body = FastCGIBody(source: BytesBodySource(bytes, chunkSize: 3), declaredLength: nil)
        #expect(try body.readAll(limit: 1000) == bytes)
    }

    @Test func readAllRefusesByDeclaredLength() {
        let source = CountingSource(BytesBodySource(bytes))
        let body = FastCGIBody(source: source, declaredLength: 5000)
        #expect(throws: FastCGIError.bodyTooLarge(limit: 100)) { try body.readAll(limit: 100) }
        #expect(source.bytesServed == 0) // refused without reading
    }

    @Test func readAllRefusesWhenLengthLies() {
        let source = CountingSource(BytesBodySource(bytes, chunkSize: 10))
        let body = FastCGIBody(source: source, declaredLength: 10)
        #expect(throws: FastCGIError.bodyTooLarge(limit: 100)) { try body.readAll(limit: 100) }
        #expect(source.bytesServed <= 101) // never read (or buffered) past the limit
    }

    @Test func readAllExactlyAtLimit() throws {
        let body = FastCGIBody(source: BytesBodySource(Array(bytes[0..<100])), declaredLength: 100)
        #expect(try body.readAll(limit: 100).count == 100)
    }

    @Test func emptyBody() throws {
        let body = FastCGIBody(bytes: [])
        #expect(try body.read() == nil)
        #expect(try FastCGIBody(bytes: []).readAll(limit: 0) == [])
    }

    @Test func sourceErrorsPropagate() {
        let body = FastCGIBody(source: FailingSource(), declaredLength: nil)
        #expect(throws: FastCGIError.self) { try body.readAll(limit: 10) }
    }
}

/// Wraps a source and counts how many bytes were pulled from it.
final class CountingSource: FastCGIBodySource {
    let inner: FastCGIBodySource
    var bytesServed = 0
    init(_ inner: FastCGIBodySource) { self.inner = inner }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try inner.read(into: buffer)
        bytesServed += n
        return n
    }
}

final class FailingSource: FastCGIBodySource {
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        throw FastCGIError.system(call: "read", errno: 104, detail: "test")
    }
}
