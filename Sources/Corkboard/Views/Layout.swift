import FastCGI
import Foundation

/// The page frame every HTML page shares: head, header with the site name, main, footer.
/// No inline script or style, so the Content-Security-Policy can forbid both.
public enum Layout {
    public static func page(title: String, siteName: String, city: (slug: String, name: String)? = nil, body: HTML) -> HTML {
        let fullTitle = title.isEmpty ? siteName : "\(title) · \(siteName)"
        let cityLink: HTML = city.map { "<a class=\"city\" href=\"/\($0.slug)\">\($0.name)</a>" } ?? ""
        // The same links for everyone: both pages send a visitor who is not logged in to log in
        // and back, so the frame needs no per-user state (and cached pages stay shareable).
        let nav: HTML = "<nav><a href=\"/post/new\">Post an ad</a><a href=\"/account\">My account</a></nav>"
        return """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(fullTitle)</title>
        <link rel="stylesheet" href="\(StaticAssets.url("corkboard.css"))">
        </head>
        <body>
        <a class="skip" href="#main">Skip to the content</a>
        <header class="site-header"><a class="brand" href="/">\(siteName)</a>\(cityLink)\(nav)</header>
        <main id="main">
        \(body)
        </main>
        <footer class="site-footer"><p>\(siteName) · classified ads for your city</p></footer>
        </body>
        </html>
        """
    }

    /// What a page says while the primary database is down (sessions and writes need it).
    public static let readOnlyNotice = "Posting and account changes are paused while we do maintenance; browsing still works."

    /// Puts `readOnlyNotice` at the top of an HTML page's main content (any page, the hot
    /// cache's finished ones included, so no handler has to remember it).
    public static func addReadOnlyNotice(to response: inout FastCGIResponse) {
        guard response.isHTML else { return }
        let marker = Array("<main id=\"main\">".utf8)
        guard let at = response.body.firstRange(of: marker) else { return }
        let notice: HTML = "<p class=\"notice read-only\" role=\"status\">\(readOnlyNotice)</p>"
        response.body.insert(contentsOf: notice.bytes, at: at.upperBound)
    }

    /// "3 hours ago" style age of a post.
    public static func age(_ date: Date, now: Date = Date()) -> String {
        var out: [UInt8] = []
        appendAge(date, now: now, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `age` appending its UTF-8 to `out` (digits and ASCII words: `HTML`'s age
    /// interpolation takes it as it is, a list page writes one per row).
    static func appendAge(_ date: Date, now: Date, to out: inout [UInt8]) {
        let s = max(0, Int(now.timeIntervalSince(date)))
        let (n, unit): (Int?, StaticString)
        switch s {
        case ..<60: (n, unit) = (nil, "just now")
        case ..<3600: (n, unit) = (s / 60, " min ago")
        case ..<86400: (n, unit) = (s / 3600, " h ago")
        default: (n, unit) = (s / 86400, " d ago")
        }
        if let n { out.appendDecimal(n) }
        unit.withUTF8Buffer { out.append(contentsOf: $0) }
    }
}
