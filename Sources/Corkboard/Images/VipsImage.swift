import CVipsShim
import Foundation

/// Owns one libvips image reference and releases it on deinit. libvips is started once per
/// process (`VipsImage.start()`), with a one-thread pool: workers are single-threaded
/// processes, about one per core, so vips's own threads would only compete with them.
final class VipsImage {
    let handle: UnsafeMutableRawPointer

    private init(_ handle: UnsafeMutableRawPointer) { self.handle = handle }
    deinit { cb_vips_unref(handle) }

    /// VIPS_INIT, run once per process however many threads ask at once (a static `let` is
    /// initialised once, under Swift's lock): two threads starting libvips together crashed a
    /// `swift test` run, whose tests run in parallel.
    private static let started: Bool = cb_vips_start("corkboard") == 0

    /// VIPS_INIT on first use in this process; false when libvips could not start.
    static func start() -> Bool { started }

    /// The last libvips error text (for the log), cleared.
    static func takeError() -> String {
        let text = cb_vips_error().map { String(cString: $0) } ?? ""
        cb_vips_error_clear()
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs a shim call that produces an image; nil (with the error left for `takeError`) on failure.
    static func make(_ call: (UnsafeMutablePointer<UnsafeMutableRawPointer?>) -> Int32) -> VipsImage? {
        var out: UnsafeMutableRawPointer?
        guard call(&out) == 0, let out else { return nil }
        return VipsImage(out)
    }

    /// Loads `buffer` (which must outlive the image: vips reads it lazily) with one format's
    /// loader; only the header is parsed here.
    static func load(_ buffer: UnsafeRawBufferPointer, format: PhotoFormat, shrink: Int32 = 1) -> VipsImage? {
        make { cb_vips_load(buffer.baseAddress, buffer.count, format.rawValue, shrink, $0) }
    }

    var width: Int { Int(cb_vips_width(handle)) }
    var height: Int { Int(cb_vips_height(handle)) }

    func thumbnail(width: Int, height: Int) -> VipsImage? {
        VipsImage.make { cb_vips_thumbnail(handle, Int32(width), Int32(height), $0) }
    }
    func autorotated() -> VipsImage? { VipsImage.make { cb_vips_autorot(handle, $0) } }
    func flattened() -> VipsImage? { VipsImage.make { cb_vips_flatten(handle, $0) } }
    func inMemory() -> VipsImage? { VipsImage.make { cb_vips_copy_memory(handle, $0) } }

    /// Stripped JPEG bytes, or nil.
    func jpeg(quality: Int) -> [UInt8]? {
        var buf: UnsafeMutableRawPointer?
        var len = 0
        guard cb_vips_jpegsave(handle, Int32(quality), &buf, &len) == 0, let buf else { return nil }
        defer { cb_vips_free(buf) }
        return Array(UnsafeRawBufferPointer(start: buf, count: len))
    }
}

extension VipsImage {
    /// A made-up demo picture (see `cb_vips_sample`): a gradient from `from` to `to`, a disc, and
    /// dots saying this is view `view` (from 0) of `views`.
    static func sample(width: Int, height: Int, from: [Double], to: [Double], view: Int, views: Int) -> VipsImage? {
        guard from.count == 3, to.count == 3 else { return nil }
        return make { out in cb_vips_sample(Int32(width), Int32(height), from, to, Int32(view), Int32(views), out) }
    }
}
