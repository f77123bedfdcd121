/// Where request body bytes come from: libfcgi's input stream in a worker, a byte array in tests.
public protocol FastCGIBodySource: AnyObject {
    /// Reads up to `buffer.count` bytes into `buffer`; returns the number read, 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// A body source over bytes in memory, handing them out in chunks of at most `chunkSize`
/// (so tests can exercise chunk boundaries).
public final class BytesBodySource: FastCGIBodySource {
    private let bytes: [UInt8]
    private let chunkSize: Int
    private var offset = 0

    /// A source of `bytes`, never returning more than `chunkSize` bytes per read.
    public init(_ bytes: [UInt8], chunkSize: Int = .max) {
        self.bytes = bytes
        self.chunkSize = max(1, chunkSize)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, chunkSize, bytes.count - offset)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { src in
            buffer.baseAddress!.copyMemory(from: src.baseAddress! + offset, byteCount: n)
        }
        offset += n
        return n
    }
}

/// The request body as a stream. Read it in chunks with `read(max:)`, or at once with a hard
/// cap through `readAll(limit:)`; nothing is buffered unless the handler asks for it.
public final class FastCGIBody {
    private let source: FastCGIBodySource
    /// CONTENT_LENGTH as the web server declared it, if any.
    public let declaredLength: Int?
    /// Bytes handed out so far.
    public private(set) var bytesRead = 0
    private var finished = false

    /// A body reading from `source`; `declaredLength` lets `readAll` refuse early.
    public init(source: FastCGIBodySource, declaredLength: Int? = nil) {
        self.source = source
        self.declaredLength = declaredLength
    }

    /// A body over bytes in memory (tests, internal requests).
    public convenience init(bytes: [UInt8]) {
        self.init(source: BytesBodySource(bytes), declaredLength: bytes.count)
    }

    /// The next chunk of at most `max` bytes, or nil at the end of the body.
    public func read(max: Int = 64 * 1024) throws -> [UInt8]? {
        guard !finished, max > 0 else { return finished ? nil : [] }
        var chunk = [UInt8](repeating: 0, count: max)
        let n = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
        if n <= 0 {
            finished = true
            return nil
        }
        chunk.removeSubrange(n...)
        bytesRead += n
        return chunk
    }

    /// The whole (remaining) body. Throws `FastCGIError.bodyTooLarge` when CONTENT_LENGTH says
    /// more than `limit`, or as soon as more than `limit` bytes actually arrive (a lying
    /// CONTENT_LENGTH); never holds more than `limit + 1` bytes.
    public func readAll(limit: Int) throws -> [UInt8] {
        if let declared = declaredLength, declared > limit {
            throw FastCGIError.bodyTooLarge(limit: limit)
        }
        var result: [UInt8] = []
        result.reserveCapacity(min(declaredLength ?? 0, limit))
        while true {
            // Ask for at most one byte past the limit, so an oversized body is detected
            // without reading (or keeping) the rest of it.
            let room = limit + 1 - result.count
            guard let chunk = try read(max: min(room, 64 * 1024)) else { break }
            result.append(contentsOf: chunk)
            if result.count > limit { throw FastCGIError.bodyTooLarge(limit: limit) }
        }
        return result
    }
}
