#if canImport(Glibc)
import Glibc
#endif

/// The FastCGI params of one request (the CGI variables: REQUEST_METHOD, REQUEST_URI,
/// HTTP_COOKIE…), kept as libfcgi hands them over: "NAME=value" entries copied into one buffer,
/// a value made into a `String` only when asked for. A request reads a handful of its 30-odd
/// params; building a `[String: String]` of all of them (two strings and a hash insert each)
/// was a seventh of a cached post page.
///
/// Reads as a dictionary would: a name given twice has its last value. Built with the caps
/// checked as it goes (`add`); raw bytes in QUERY_STRING that are not UTF-8 are %XX-escaped
/// on the way in, so the query parser sees them and refuses them (U+FFFD never slips through).
public struct FastCGIParams: Sendable {
    /// The entries' bytes, back to back (no separators).
    private var bytes: [UInt8] = []
    /// Each stored entry: where its name starts, where its '=' is, where it ends, in `bytes`.
    private var entries: [Entry] = []
    /// Bytes offered to `add` so far (entries without '=' too), for the size cap.
    private var total = 0
    /// The distinct names, kept only once there are `maxParamsCount` entries: the count cap
    /// is on names (as a dictionary counted them), and below that many entries it cannot bind.
    private var distinct: Set<[UInt8]>?

    private struct Entry {
        var start: Int32
        var equals: Int32
        var end: Int32
    }

    /// No params; `add` fills them.
    public init() {
        bytes.reserveCapacity(2048)
        entries.reserveCapacity(48)
    }

    /// The given params (tests and in-process requests; no caps).
    public init(_ values: [String: String]) {
        self.init()
        for (name, value) in values {
            var (name, value) = (name, value)
            name.withUTF8 { n in value.withUTF8 { v in store(name: UnsafeRawBufferPointer(n), value: UnsafeRawBufferPointer(v)) } }
        }
    }

    /// Adds one "NAME=value" entry's bytes; an entry without '=' is skipped. Throws
    /// `FastCGIError.paramsTooLarge` (answered with 400) past `FastCGIRequest.maxParamsBytes`
    /// in all or `FastCGIRequest.maxParamsCount` names.
    public mutating func add(_ entry: UnsafeRawBufferPointer) throws {
        total += entry.count
        if total > FastCGIRequest.maxParamsBytes || namesForCap() >= FastCGIRequest.maxParamsCount {
            throw FastCGIError.paramsTooLarge(limit: FastCGIRequest.maxParamsBytes)
        }
        // memchr: the generic `firstIndex(of:)` went byte by byte over ~35 entries a request.
        guard let base = entry.baseAddress, let found = memchr(base, Int32(UInt8(ascii: "=")), entry.count) else { return }
        let eq = base.distance(to: UnsafeRawPointer(found))
        let name = UnsafeRawBufferPointer(rebasing: entry[..<eq])
        let value = UnsafeRawBufferPointer(rebasing: entry[(eq + 1)...])
        if name.count == 12, name.elementsEqual("QUERY_STRING".utf8), String(validating: value, as: UTF8.self) == nil {
            // Raw invalid bytes in the query (not %XX): escape them, so that the query
            // parser sees the bytes and refuses them, instead of U+FFFD slipping through.
            var escaped = FastCGIRequest.percentEncode(value) { $0 < 0x80 }
            escaped.withUTF8 { store(name: name, value: UnsafeRawBufferPointer($0)) }
        } else {
            // "NAME=value" is already the stored form: one copy.
            let start = Int32(bytes.count)
            bytes.append(contentsOf: entry.assumingMemoryBound(to: UInt8.self))
            index(start: start, name: name)
        }
    }

    /// The value of `name` (exact, as nginx spells it), nil when the request has none.
    public subscript(name: String) -> String? {
        var name = name
        return name.withUTF8 { key in
            bytes.withUnsafeBufferPointer { buffer in
                for entry in entries.reversed() where Int(entry.equals - entry.start) == key.count {
                    guard key.isEmpty || memcmp(buffer.baseAddress! + Int(entry.start), key.baseAddress!, key.count) == 0 else { continue }
                    return String(decoding: UnsafeBufferPointer(rebasing: buffer[Int(entry.equals + 1)..<Int(entry.end)]), as: UTF8.self)
                }
                return nil
            }
        }
    }

    /// Entries stored (a name given twice counts twice).
    public var count: Int { entries.count }

    private mutating func store(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        let start = Int32(bytes.count)
        bytes.append(contentsOf: name.assumingMemoryBound(to: UInt8.self))
        bytes.append(UInt8(ascii: "="))
        bytes.append(contentsOf: value.assumingMemoryBound(to: UInt8.self))
        index(start: start, name: name)
    }

    /// Records the entry that was just appended at `start` (its name first, then '=').
    private mutating func index(start: Int32, name: UnsafeRawBufferPointer) {
        entries.append(Entry(start: start, equals: start + Int32(name.count), end: Int32(bytes.count)))
        distinct?.insert(Array(name))
    }

    /// How many different names are stored, counted only when that could reach the cap (below
    /// it, the number of entries stands in: never less, and also below the cap).
    private mutating func namesForCap() -> Int {
        guard entries.count >= FastCGIRequest.maxParamsCount else { return entries.count }
        if distinct == nil {
            distinct = Set(entries.map { Array(bytes[Int($0.start)..<Int($0.equals)]) })
        }
        return distinct!.count
    }
}
