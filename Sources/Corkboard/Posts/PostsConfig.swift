/// Posts and photos: limits, image sizes and the images root.
/// Keys and defaults are documented in systemd/corkboard.conf.
public struct PostsConfig: Sendable {
    /// Photos per post.
    public var maxPhotos: Int
    /// Bytes per uploaded photo (before re-encoding).
    public var maxPhotoBytes: Int
    /// Width × height a photo's header may claim; larger ones are refused before decoding.
    public var maxPhotoPixels: Int
    /// Longest side of the stored display image, and of the thumbnail, in pixels.
    public var photoDisplaySize: Int
    public var photoThumbSize: Int
    /// JPEG quality of the re-encoded files.
    public var photoQuality: Int
    /// Largest body a post or photo route reads (ten photos plus the form).
    public var uploadBodyLimit: Int
    /// Seconds an uploaded photo waits for a post to claim it.
    public var uploadExpiry: Int
    /// Seconds a stored file must be unreferenced and unused before `gc-photos` deletes it;
    /// longer than any request, so an upload in flight never loses its file.
    public var photoGCGrace: Int
    /// New posts per user in 24 hours.
    public var postsPerDay: Int
    /// Test-only hooks (CORKBOARD_TEST_FAIL_/HOLD_BEFORE_COMMIT, the X-Corkboard-Worker header); never
    /// on in production.
    public var testHooks: Bool

    public init(file: ConfigFile) throws {
        maxPhotos = try file.int("max_photos", default: 10, range: 0...10)
        maxPhotoBytes = try file.int("max_photo_bytes", default: 1_048_576, range: 1024...(64 << 20))
        maxPhotoPixels = try file.int("max_photo_pixels", default: 40_000_000, range: 1...1_000_000_000)
        photoDisplaySize = try file.int("photo_display_size", default: 1600, range: 64...8192)
        photoThumbSize = try file.int("photo_thumb_size", default: 320, range: 16...2048)
        photoQuality = try file.int("photo_quality", default: 82, range: 1...100)
        uploadBodyLimit = try file.int("upload_body_limit", default: 12 << 20, range: 65_536...(256 << 20))
        uploadExpiry = try file.int("upload_expiry", default: 86_400, range: 60...(30 * 86_400))
        photoGCGrace = try file.int("photo_gc_grace", default: 3600, range: 0...(30 * 86_400))
        postsPerDay = try file.int("posts_per_day", default: 10, range: 1...100_000)
        testHooks = try file.bool("test_hooks", default: false)
    }
}
