import FastCGI

/// CSRF tokens for HTML forms. A logged-in form carries HMAC(session's csrf_secret, "form");
/// an anonymous one (log-in, sign-up, reset) carries HMAC(site key, the `__Host-csrf` cookie).
/// A cross-site page can make the browser send our cookies but can neither read them nor
/// compute the matching field, so its forged form fails the check.
public enum CSRFToken {
    /// The token for a session's forms, under its CSRF secret (`SessionRecord.csrfKey`).
    public static func forSession(key: HMACSHA256) -> String {
        Base64URL.encode(key.mac(Array("corkboard form".utf8)))
    }

    /// The token for anonymous forms, bound to the browser's pre-session cookie.
    public static func forAnonymous(siteKey: [UInt8], cookie: String) -> String {
        forAnonymous(site: HMACSHA256(key: siteKey), cookie: cookie)
    }

    /// The same with the site key already prepared (`AccountKeys.siteCSRFMAC`).
    public static func forAnonymous(site: HMACSHA256, cookie: String) -> String {
        var message = anonymousPrefix
        message.appendUTF8(cookie)
        return Base64URL.encode(site.mac(message))
    }

    /// What an anonymous token's MAC covers before the cookie (one array per token, not three).
    private static let anonymousPrefix = Array("anonymous form ".utf8)

    /// Constant-time check of a submitted token against the expected one.
    public static func matches(_ submitted: String, expected: String) -> Bool {
        guard let a = Base64URL.decode(submitted), let b = Base64URL.decode(expected) else { return false }
        return Crypto.constantTimeEqual(a, b)
    }

    /// Whether the request's own signals say it came from another site: `Sec-Fetch-Site:
    /// cross-site`, or an `Origin` that is not the site's. Absent headers prove nothing either way
    /// (older browsers, non-browser clients), so the token check still decides.
    public static func isCrossSite(origin: String?, secFetchSite: String?, siteURL: String) -> Bool {
        if let site = secFetchSite?.lowercased(), site == "cross-site" { return true }
        if let origin, !origin.isEmpty {
            return Self.origin(of: origin) != Self.origin(of: siteURL)
        }
        return false
    }

    /// "https://example.org:8443/path" → "https://example.org:8443" (scheme and host lower-cased).
    static func origin(of url: String) -> String {
        var s = Substring(url)
        guard let schemeEnd = s.range(of: "://") else { return url.lowercased() }
        let scheme = s[..<schemeEnd.lowerBound]
        s = s[schemeEnd.upperBound...]
        let host = s.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        var hostText = host.lowercased()
        if scheme.lowercased() == "https", hostText.hasSuffix(":443") { hostText.removeLast(4) }
        if scheme.lowercased() == "http", hostText.hasSuffix(":80") { hostText.removeLast(3) }
        return "\(scheme.lowercased())://\(hostText)"
    }
}
