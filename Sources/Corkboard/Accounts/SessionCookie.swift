/// The cookies accounts set. Both use the `__Host-` prefix, which browsers accept only with
/// `Secure`, `Path=/` and no `Domain`, so neither a plain-HTTP page nor a sibling subdomain can
/// plant or overwrite them.
public enum SessionCookie {
    /// The session token (256 random bits); the server keeps only its SHA-256.
    public static let name = "__Host-session"
    /// The pre-session CSRF secret for anonymous forms (log-in, sign-up, reset).
    public static let csrfName = "__Host-csrf"

    /// `Set-Cookie` value for a session: HttpOnly (no script can read it), SameSite=Lax (not
    /// sent on cross-site POSTs), lasting as long as the session's absolute lifetime.
    public static func set(_ token: String, maxAge: Int) -> String {
        "\(name)=\(token); Path=/; Max-Age=\(maxAge); Secure; HttpOnly; SameSite=Lax"
    }

    /// `Set-Cookie` value that removes the session cookie.
    public static func clear() -> String {
        "\(name)=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax"
    }

    /// `Set-Cookie` value for the anonymous CSRF secret: a browser-session cookie.
    public static func setCSRF(_ value: String) -> String {
        "\(csrfName)=\(value); Path=/; Secure; HttpOnly; SameSite=Lax"
    }

    /// A token as it may appear in a cookie: 43 URL-safe base64 characters (256 bits).
    public static func isWellFormed(_ token: String) -> Bool {
        token.utf8.count == 43 && Base64URL.decode(token)?.count == 32
    }
}
