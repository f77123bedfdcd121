/// The one spelling of a request path the site answers under. nginx applies its path-scoped
/// rules (rate limits, the upload pool, loopback-only pages) by location, so every other
/// spelling that reached a handler would be a way around them; the router answers only the
/// canonical spelling and sends every other one here to learn where it should have gone.
///
/// The canonical form of a path (RFC 3986 §6.2.2 normalisation plus our own rules):
/// - percent-encoded unreserved characters (`A–Z a–z 0–9 - . _ ~`) are decoded (`%6C` → `l`);
///   any other escape keeps its encoding with upper-case hex (`%2f` → `%2F`), and a byte that
///   may not appear in a path (space, `"`, `<`, non-ASCII…) or a stray `%` is encoded;
/// - dot segments are resolved (`/a/./b`, `/a/x/../b` → `/a/b`);
/// - empty segments are dropped: no repeated slashes, no trailing slash except `/` itself;
/// - literal segments take the case they were registered in (the router's part, since only
///   it knows which segments are literal); captured segments keep theirs (tokens are data).
enum CanonicalPath {
    /// The normalised segments of `path` (the path part of REQUEST_URI, not decoded).
    static func segments(_ path: String) -> [String] {
        var out: [String] = []
        for raw in path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            let segment = normalise(Array(raw))
            switch segment {
            case ".": continue
            case "..": if !out.isEmpty { out.removeLast() }
            default: out.append(segment)
            }
        }
        return out
    }

    /// Whether `path` is canonical on its face: `/` alone, or `/`-separated segments of only
    /// unreserved characters (`A–Z a–z 0–9 - . _ ~`), none empty, `.` or `..`. Such a path's
    /// segments are `plainSegments`, each its own canonical form (what `segments` would give).
    static func isPlain(_ path: String) -> Bool {
        var path = path
        return path.withUTF8 { bytes in
            guard bytes.first == UInt8(ascii: "/") else { return false }
            if bytes.count == 1 { return true }
            var segmentLength = 0
            var dotsOnly = true
            for b in bytes.dropFirst() {
                if b == UInt8(ascii: "/") {
                    if segmentLength == 0 || (dotsOnly && segmentLength <= 2) { return false }
                    segmentLength = 0
                    dotsOnly = true
                    continue
                }
                guard isUnreserved(b) else { return false }
                segmentLength += 1
                if b != UInt8(ascii: ".") { dotsOnly = false }
            }
            return segmentLength > 0 && !(dotsOnly && segmentLength <= 2)
        }
    }

    /// The segments of a path for which `isPlain` holds.
    static func plainSegments(_ path: String) -> [String] {
        var path = path
        return path.withUTF8 { bytes in
            // One pass, each segment made straight from its bytes (a split, then a map over
            // its slices, made two arrays per request).
            var segments: [String] = []
            guard bytes.count > 1 else { return segments }
            segments.reserveCapacity(4)
            var start = 1
            for i in 1...bytes.count where i == bytes.count || bytes[i] == UInt8(ascii: "/") {
                if i > start { segments.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)) }
                start = i + 1
            }
            return segments
        }
    }

    /// `/` followed by the segments.
    static func join(_ segments: [String]) -> String { "/" + segments.joined(separator: "/") }

    /// One segment's escapes put in canonical form (see the type's comment).
    static func normalise(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "%"), i + 2 < bytes.count, let hi = Crypto.nibble(bytes[i + 1]), let lo = Crypto.nibble(bytes[i + 2]) {
                let decoded = hi << 4 | lo
                if isUnreserved(decoded) { out.append(decoded) } else { appendEscape(decoded, to: &out) }
                i += 3
                continue
            }
            if isUnreserved(b) || isSubDelimOrColonAt(b) { out.append(b) } else { appendEscape(b, to: &out) }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isUnreserved(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "~")
        }
    }

    /// The other characters a path segment may carry unencoded (RFC 3986 `pchar`).
    private static let subDelimsColonAt = Set("!$&'()*+,;=:@".utf8)
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func isSubDelimOrColonAt(_ b: UInt8) -> Bool { subDelimsColonAt.contains(b) }

    private static func appendEscape(_ b: UInt8, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "%"))
        out.append(hexDigits[Int(b >> 4)])
        out.append(hexDigits[Int(b & 0xF)])
    }
}
