import COpenSSL
import Foundation

/// The causal-read cookie: the GTID of the client's last write, so its next requests wait for
/// that write on a replica (or read the primary) and it always sees what it just did.
///
/// Signed with HMAC-SHA-256 and carrying its own expiry, so a client cannot make the site wait
/// on made-up positions; `__Host-` + Secure + Path=/ pins it to this origin over HTTPS.
/// Value: `<gtid>.<expires unix seconds>.<hex mac>`.
public struct CausalCookie: Sendable {
    public static let name = "__Host-cb_causal"
    let key: [UInt8]
    /// Seconds a token is honoured after the write.
    public let maxAge: Int

    /// `secret` empty derives the key from the database settings (the same on every host).
    public init(secret: String, derivedFrom material: String, maxAge: Int) {
        let base = secret.isEmpty ? "corkboard causal cookie v1|" + material : secret
        key = Self.hmac(key: Array("corkboard-causal".utf8), Array(base.utf8))
        self.maxAge = maxAge
    }

    /// The `Set-Cookie` value carrying `gtid`.
    public func setCookie(gtid: String, now: Date = Date()) -> String {
        let expires = Int(now.timeIntervalSince1970) + maxAge
        let payload = "\(gtid).\(expires)"
        return "\(Self.name)=\(payload).\(Self.hex(mac(payload))); Max-Age=\(maxAge); Path=/; Secure; HttpOnly; SameSite=Lax"
    }

    /// The GTID in a cookie value, when its signature is ours and it has not expired.
    public func gtid(fromCookie value: String, now: Date = Date()) -> String? {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let expires = Int(parts[1]), expires >= Int(now.timeIntervalSince1970),
              expires <= Int(now.timeIntervalSince1970) + maxAge else { return nil }
        let payload = "\(parts[0]).\(parts[1])"
        let expected = Array(Self.hex(mac(payload)).utf8)
        let given = Array(parts[2].utf8)
        guard given.count == expected.count else { return nil }
        var diff: UInt8 = 0
        for (a, b) in zip(given, expected) { diff |= a ^ b }
        return diff == 0 ? String(parts[0]) : nil
    }

    func mac(_ payload: String) -> [UInt8] { Self.hmac(key: key, Array(payload.utf8)) }

    static func hmac(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        key.withUnsafeBufferPointer { k in
            data.withUnsafeBufferPointer { d in
                out.withUnsafeMutableBufferPointer { o in
                    _ = HMAC(EVP_sha256(), k.baseAddress, Int32(k.count), d.baseAddress, d.count, o.baseAddress, &length)
                }
            }
        }
        return Array(out.prefix(Int(length)))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
