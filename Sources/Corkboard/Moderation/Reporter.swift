import FastCGI
import Foundation

/// Who files a report, as far as de-duplication goes: the account when logged in; otherwise
/// the client address nginx saw (`REMOTE_ADDR`, never a client-supplied header; an IPv6
/// address counts per /64, what one subscriber usually gets) and the signed reporter cookie,
/// either of which matching an earlier report makes a repeat.
struct Reporter {
    var user: User?
    /// The normalised client address (`Reporter.normalize`).
    var address: String
    /// SHA-256 of the reporter cookie's token (nil when the browser had none).
    var cookie: [UInt8]?

    /// The cookie anonymous reporters carry: a random token and its HMAC under the site key,
    /// so a forged or altered value is ignored (treated as none).
    static let cookieName = "__Host-cb_reporter"

    /// The reporter of this request. An anonymous one without a valid cookie gets a new one
    /// (set on the response), so the next report from this browser matches it.
    static func of(_ context: RequestContext) throws -> Reporter {
        let address = normalize(context.request.remoteAddress ?? "unknown")
        if let user = try context.currentUser() { return Reporter(user: user, address: address, cookie: nil) }
        let key = try AccountKeys.siteCSRFMAC(context.database)
        if let value = context.request.cookies[cookieName], let token = verify(value, key: key) {
            return Reporter(user: nil, address: address, cookie: Crypto.tokenHash(token))
        }
        let token = Crypto.token()
        context.responseHeaders.append(("Set-Cookie", "\(cookieName)=\(sign(token, key: key)); Path=/; Max-Age=31536000; Secure; HttpOnly; SameSite=Lax"))
        return Reporter(user: nil, address: address, cookie: Crypto.tokenHash(token))
    }

    static func sign(_ token: String, key: HMACSHA256) -> String {
        token + "." + Base64URL.encode(mac(token, key: key))
    }

    /// The token of a well-formed, correctly signed cookie value.
    static func verify(_ value: String, key: HMACSHA256) -> String? {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, SessionCookie.isWellFormed(String(parts[0])),
              let mac = Base64URL.decode(String(parts[1])) else { return nil }
        let token = String(parts[0])
        return Crypto.constantTimeEqual(mac, Self.mac(token, key: key)) ? token : nil
    }

    /// The cookie's signature: the site key over "reporter:" and the token, a message no CSRF
    /// token (signed with the same key) can take.
    private static func mac(_ token: String, key: HMACSHA256) -> [UInt8] {
        key.mac(Array("reporter:\(token)".utf8))
    }

    /// IPv4 as is (also when mapped into IPv6), IPv6 cut to its /64 (`2001:db8:1:2::/64`);
    /// anything unparsable is kept as written.
    static func normalize(_ address: String) -> String {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 { return address }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, address, &v6) == 1 else { return address }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
            return bytes[12...].map(String.init).joined(separator: ".")
        }
        let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
        return groups.joined(separator: ":") + "::/64"
    }
}
