import Foundation
import Synchronization

/// The stylesheet and scripts under the config's `static_root`, linked by names that carry a
/// hash of their bytes (`/static/corkboard.3f9a0c1b2d4e.css`), so nginx can let browsers keep
/// them for a year and a release that changes a file changes its address at once.
///
/// The hashed name is a file of its own, a copy `corkboard assets` writes next to the plain
/// one (`writeHashedCopies`), and nginx serves only a hashed name that exists: a host still on
/// the previous release, asked for the new release's name during a rolling upgrade, answers
/// 404 rather than its old bytes under the new name for a year. Copies of earlier releases are
/// kept, so their pages still find theirs. Hashed once per worker at start; a file whose copy
/// is missing is linked by its plain name (served with a short lifetime).
public enum StaticAssets {
    /// The files pages link to.
    public static let names = ["corkboard.css", "scroll.js", "post-form.js", "gallery.js"]

    private static let table = Mutex<[String: String]>([:])

    /// Hashes every file of `names` under `root` and links the ones whose hashed copy is there
    /// (a worker calls this once, at start).
    public static func load(root: String) {
        let urls = links(root: root)
        table.withLock { $0 = urls }
    }

    /// The hashed address of each file of `names` under `root` whose copy is there.
    static func links(root: String) -> [String: String] {
        var urls: [String: String] = [:]
        for name in names {
            guard let data = FileManager.default.contents(atPath: root + "/" + name) else { continue }
            let url = hashedURL(name, bytes: Array(data))
            let copy = root + "/" + url.dropFirst("/static/".count)
            if FileManager.default.contents(atPath: copy) == data { urls[name] = url }
        }
        return urls
    }

    /// Writes the hashed copy of every file of `names` under `root` that lacks one (atomically:
    /// a temporary file renamed into place); returns the copies written. Earlier copies stay.
    public static func writeHashedCopies(root: String) throws -> [String] {
        var written: [String] = []
        for name in names {
            let plain = URL(fileURLWithPath: root).appendingPathComponent(name)
            let data = try Data(contentsOf: plain)
            let copyName = String(hashedURL(name, bytes: Array(data)).dropFirst("/static/".count))
            let copy = URL(fileURLWithPath: root).appendingPathComponent(copyName)
            if FileManager.default.contents(atPath: copy.path) == data { continue }
            try data.write(to: copy, options: .atomic)
            written.append(copyName)
        }
        return written
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
