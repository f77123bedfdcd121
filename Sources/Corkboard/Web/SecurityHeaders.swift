import FastCGI

/// Headers every dynamic response carries. The policy allows no inline script or style:
/// pages load `/static/` files only.
public enum SecurityHeaders {
    public static let contentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    /// Checked once per process: constants, so `try!` cannot fail (a unit test makes sure).
    static let always: [CheckedHeader] = [
        try! CheckedHeader("Content-Security-Policy", contentSecurityPolicy),
        try! CheckedHeader("X-Content-Type-Options", "nosniff"),
        try! CheckedHeader("Referrer-Policy", "strict-origin-when-cross-origin"),
        try! CheckedHeader("X-Frame-Options", "DENY"),
    ]
    static let noStore = try! CheckedHeader("Cache-Control", "no-store")

    /// Adds the security headers (handlers never set these themselves) and `no-store` unless
    /// the handler chose its own caching.
    public static func apply(to response: inout FastCGIResponse) {
        for header in always { response.addHeader(header) }
        if response.header("Cache-Control") == nil { response.addHeader(noStore) }
    }
}
