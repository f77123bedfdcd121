import Foundation

/// Where the next page of a list starts: the last shown post's sort key, the walk's start time
/// (posts newer than it stay out of the walk) and a fingerprint of the search it belongs to.
/// Opaque to clients: base64url of the fields plus a truncated HMAC-SHA-256, so a cursor that
/// was edited, cut short or made for another search is refused with a 400.
public struct SearchCursor: Equatable, Sendable {
    /// Price orders walk priced posts first (phase 0), then the unpriced ones (phase 1).
    public var phase: UInt8
    /// The walk's start, microseconds since 1970 (UTC).
    public var walkStart: Int64
    /// The last post's created_at (µs) or price, whichever the order uses.
    public var key: Int64
    /// The last post's id.
    public var postID: Int64
    /// Which search the cursor belongs to (see `SearchRequest.fingerprint`).
    public var fingerprint: UInt64
    /// The order the walk uses.
    public var sort: SearchSort

    static let version: UInt8 = 1
    static let macLength = 16

    public init(phase: UInt8, walkStart: Int64, key: Int64, postID: Int64, fingerprint: UInt64, sort: SearchSort) {
        self.phase = phase
        self.walkStart = walkStart
        self.key = key
        self.postID = postID
        self.fingerprint = fingerprint
        self.sort = sort
    }

    /// The signed, URL-safe text.
    public func encode(key secret: HMACSHA256) -> String {
        var bytes: [UInt8] = [Self.version, sort.code, phase]
        for v in [UInt64(bitPattern: walkStart), UInt64(bitPattern: key), UInt64(bitPattern: postID), fingerprint] {
            withUnsafeBytes(of: v.bigEndian) { bytes.append(contentsOf: $0) }
        }
        bytes += secret.mac(bytes).prefix(Self.macLength)
        return Base64URL.encode(bytes)
    }

    /// The cursor in `text`, or nil when it is malformed or its signature does not match.
    public static func decode(_ text: String, key: HMACSHA256) -> SearchCursor? {
        guard text.utf8.count <= 128, let bytes = Base64URL.decode(text), bytes.count == 3 + 32 + macLength else { return nil }
        let body = Array(bytes.prefix(35)), mac = Array(bytes.suffix(macLength))
        let expected = Array(key.mac(body).prefix(macLength))
        guard Crypto.constantTimeEqual(expected, mac) else {
            return nil
        }
        guard body[0] == version, let sort = SearchSort(code: body[1]), body[2] <= 1 else { return nil }
        func word(_ i: Int) -> UInt64 { body[(3 + 8 * i)..<(11 + 8 * i)].reduce(0) { $0 << 8 | UInt64($1) } }
        return SearchCursor(phase: body[2], walkStart: Int64(bitPattern: word(0)), key: Int64(bitPattern: word(1)),
                            postID: Int64(bitPattern: word(2)), fingerprint: word(3), sort: sort)
    }
}

extension Date {
    /// Microseconds since 1970, the resolution of DATETIME(6).
    var microseconds: Int64 { Int64((timeIntervalSince1970 * 1_000_000).rounded()) }

    init(microseconds: Int64) { self.init(timeIntervalSince1970: Double(microseconds) / 1_000_000) }
}
