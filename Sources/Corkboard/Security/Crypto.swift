import COpenSSL
import Foundation

/// The site's few cryptographic primitives, on OpenSSL, in one place: random bytes for tokens
/// and salts, SHA-256 (stored token hashes, photo content addresses, migration checksums),
/// and a comparison that takes the same time whatever the inputs share (so a guess learns nothing
/// from timing). HMAC-SHA-256 is `HMACSHA256`: one prepared key per secret, held by the secret's
/// owner (there is deliberately no one-shot form, so no key is prepared again per request).
public enum Crypto {
    /// `count` bytes from OpenSSL's CSPRNG (through `RandomPool`); traps if it fails, since a
    /// site that cannot make unpredictable tokens must not hand out any.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            RandomPool.shared.fill(UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
    }

    /// A fresh 256-bit token, URL-safe base64 without padding (43 characters).
    public static func token() -> String { Base64URL.encode(randomBytes(32)) }

    /// The stored form of a token: SHA-256 of its text.
    public static func tokenHash(_ token: String) -> [UInt8] { sha256(Array(token.utf8)) }

    public static func sha256(_ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        data.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { _ = SHA256(input.baseAddress, input.count, $0.baseAddress) }
        }
        return out
    }

    /// Constant-time equality (CRYPTO_memcmp); different lengths are simply unequal.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return a.withUnsafeBytes { x in b.withUnsafeBytes { y in CRYPTO_memcmp(x.baseAddress, y.baseAddress, a.count) == 0 } }
    }

    /// Lower-case hex: file names, URLs, photo ids, checksums.
    /// Written straight into the string's storage: a page with photos writes a hash or two
    /// per photo, a search page one per hit.
    public static func hex(_ bytes: [UInt8]) -> String {
        guard !bytes.isEmpty else { return "" }
        return String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            writeHex(bytes[...], into: out)
            return bytes.count * 2
        }
    }

    /// The hex digits of `bytes` into the first `2 * bytes.count` bytes of `out`.
    static func writeHex(_ bytes: ArraySlice<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) {
        hexDigits.withUnsafeBufferPointer { digits in
            var o = 0
            for b in bytes {
                out[o] = digits[Int(b >> 4)]
                out[o + 1] = digits[Int(b & 0x0F)]
                o += 2
            }
        }
    }

    /// The lower-case hex digits, by value.
    static let hexDigits = Array("0123456789abcdef".utf8)

    /// A SHA-256 digest from its 64 hex digits, or nil for anything else (user input: photo ids).
    public static func sha256(hex text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count == 64 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(32)
        var i = 0
        while i < 64 {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    /// The value of one hexadecimal digit (either case), or nil.
    static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// URL-safe base64 without padding (RFC 4648 §5): tokens in cookies, links, form fields, cursors.
public enum Base64URL {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Straight from the bytes into the string's own storage: a CSRF token or two are encoded on
    /// most page views (going through Foundation's base64 and three string replacements was a
    /// tenth of a cached post page, and appending to an array character by character a fiftieth).
    public static func encode(_ bytes: [UInt8]) -> String {
        let length = (bytes.count * 4 + 2) / 3
        guard length > 0 else { return "" }
        return bytes.withUnsafeBufferPointer { input in
            alphabet.withUnsafeBufferPointer { table in
                String(unsafeUninitializedCapacity: length) { out in
                    var i = 0, o = 0
                    while i + 3 <= input.count {
                        let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
                        out[o] = table[Int(n >> 18)]
                        out[o + 1] = table[Int(n >> 12 & 63)]
                        out[o + 2] = table[Int(n >> 6 & 63)]
                        out[o + 3] = table[Int(n & 63)]
                        i += 3
                        o += 4
                    }
                    if i < input.count {
                        let second = i + 1 < input.count
                        let n = UInt32(input[i]) << 16 | (second ? UInt32(input[i + 1]) << 8 : 0)
                        out[o] = table[Int(n >> 18)]
                        out[o + 1] = table[Int(n >> 12 & 63)]
                        if second { out[o + 2] = table[Int(n >> 6 & 63)] }
                    }
                    return length
                }
            }
        }
    }

    /// nil for anything that is not canonical unpadded base64url. Foundation ignores the unused
    /// low bits of the last character ("AB" and "AA" both give [0]), so a token, a signature or
    /// a signed cursor would have several spellings that all verify: only the one `encode`
    /// writes is accepted (leftover bits must be zero, and no lone last character). Straight
    /// from the bytes, as `encode`: a returning viewer's CSRF cookie is checked on each page.
    public static func decode(_ text: String) -> [UInt8]? {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count * 3 / 4)
        var pending: UInt32 = 0
        var bits = 0
        for c in text.utf8 {
            guard let v = value(of: c) else { return nil }
            pending = pending << 6 | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: pending >> UInt32(bits)))
                pending &= (1 << UInt32(bits)) - 1
            }
        }
        guard bits < 6, pending == 0 else { return nil }
        return out
    }

    /// The six bits one character of the URL-safe alphabet stands for.
    private static func value(of c: UInt8) -> UInt32? {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return UInt32(c - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return UInt32(c - UInt8(ascii: "a")) + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(c - UInt8(ascii: "0")) + 52
        case UInt8(ascii: "-"): return 62
        case UInt8(ascii: "_"): return 63
        default: return nil
        }
    }
}
