import FastCGI

/// Headers every dynamic response carries. The policy allows no inline script or style:
/// pages load `/static/` files only.
public enum SecurityHeaders {
    public static let contentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    public static func apply(to response: inout FastCGIResponse) {
        try? response.setHeader("Content-Security-Policy", contentSecurityPolicy)
        try? response.setHeader("X-Content-Type-Options", "nosniff")
        try? response.setHeader("Referrer-Policy", "strict-origin-when-cross-origin")
        try? response.setHeader("X-Frame-Options", "DENY")
        if response.header("Cache-Control") == nil {
            try? response.setHeader("Cache-Control", "no-store")
        }
    }
}
