import Foundation

/// The causal-read cookie: the GTID of the client's last write, so its next requests wait for
/// that write on a replica (or read the primary) and it always sees what it just did.
///
/// Signed with HMAC-SHA-256 and carrying its own expiry, so a client cannot make the site wait
/// on made-up positions; `__Host-` + Secure + Path=/ pins it to this origin over HTTPS.
/// Value: `<gtid>.<expires unix seconds>.<hex mac>`.
public struct CausalCookie: Sendable {
    public static let name = "__Host-cb_causal"
    let key: HMACSHA256
    /// Seconds a token is honoured after the write.
    public let maxAge: Int

    /// `secret` is the `causal_cookie_secret` setting, the same on every host.
    public init(secret: String, maxAge: Int) {
        // The cookie's own key, derived from the setting (so it is never the same as another use's).
        key = HMACSHA256(key: HMACSHA256(key: Array("corkboard-causal".utf8)).mac(Array(secret.utf8)))
        self.maxAge = maxAge
    }

    /// The `Set-Cookie` value carrying `gtid`.
    public func setCookie(gtid: String, now: Date = Date()) -> String {
        let expires = Int(now.timeIntervalSince1970) + maxAge
        let payload = "\(gtid).\(expires)"
        return "\(Self.name)=\(payload).\(Crypto.hex(mac(payload))); Max-Age=\(maxAge); Path=/; Secure; HttpOnly; SameSite=Lax"
    }

    /// The GTID in a cookie value, when its signature is ours and it has not expired.
    public func gtid(fromCookie value: String, now: Date = Date()) -> String? {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let expires = Int(parts[1]), expires >= Int(now.timeIntervalSince1970),
              expires <= Int(now.timeIntervalSince1970) + maxAge else { return nil }
        let payload = "\(parts[0]).\(parts[1])"
        let expected = Array(Crypto.hex(mac(payload)).utf8)
        return Crypto.constantTimeEqual(Array(parts[2].utf8), expected) ? String(parts[0]) : nil
    }

    func mac(_ payload: String) -> [UInt8] { key.mac(Array(payload.utf8)) }
}
