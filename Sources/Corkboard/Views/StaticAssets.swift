import Foundation
import Synchronization

/// The stylesheet and scripts under the config's `static_root`, linked by names that carry a
/// hash of their bytes (`/static/corkboard.3f9a0c1b2d4e.css`), so nginx can let browsers keep
/// them for a year and a release that changes a file changes its address at once. nginx maps
/// the hashed name back to the file on disk (nginx/corkboard-locations.conf), so a release
/// ships the plain files only. Hashed once per worker at start; a file that cannot be read
/// keeps its plain name (still served, with the same long lifetime, as before this existed).
public enum StaticAssets {
    /// The files pages link to.
    public static let names = ["corkboard.css", "scroll.js", "post-form.js", "gallery.js"]

    private static let table = Mutex<[String: String]>([:])

    /// Hashes every file of `names` under `root` (a worker calls this once, at start).
    public static func load(root: String) {
        var urls: [String: String] = [:]
        for name in names {
            guard let data = FileManager.default.contents(atPath: root + "/" + name) else { continue }
            urls[name] = hashedURL(name, bytes: Array(data))
        }
        table.withLock { $0 = urls }
    }

    /// `/static/stem.HASH.ext` for `name` with `bytes` (12 hex digits of its SHA-256).
    public static func hashedURL(_ name: String, bytes: [UInt8]) -> String {
        let hash = Crypto.hex(Crypto.sha256(bytes)).prefix(12)
        guard let dot = name.lastIndex(of: ".") else { return "/static/\(name)" }
        return "/static/\(name[..<dot]).\(hash)\(name[dot...])"
    }

    /// The address to link `name` by: hashed when it was loaded, else plain.
    public static func url(_ name: String) -> String {
        table.withLock { $0[name] } ?? "/static/\(name)"
    }

    /// `<script src=… defer>` for one of the scripts (no inline script: the CSP forbids it).
    public static func script(_ name: String) -> HTML {
        "<script src=\"\(url(name))\" defer></script>"
    }
}
