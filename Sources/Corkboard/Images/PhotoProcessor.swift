import Foundation
import Logging

/// A photo as stored: re-encoded display and thumbnail JPEGs and their content addresses.
public struct ProcessedPhoto: Sendable {
    public var display: [UInt8]
    public var thumb: [UInt8]
    public var sha256: [UInt8]
    public var thumbSHA256: [UInt8]
    public var width: Int
    public var height: Int
}

/// Turns uploaded bytes into a stored photo: refuses anything over the byte limit, anything
/// that is not JPEG, PNG or WebP by its magic bytes, anything whose header claims more pixels
/// than allowed (before a single pixel is decoded: decompression bombs), and anything that does
/// not decode. What passes is auto-rotated, shrunk to the display size and a thumbnail, and
/// re-encoded as JPEG with all metadata (EXIF, GPS, XMP) stripped.
public struct PhotoProcessor: Sendable {
    public var maxBytes: Int
    public var maxPixels: Int
    public var displaySize: Int
    public var thumbSize: Int
    public var quality: Int

    public init(maxBytes: Int, maxPixels: Int, displaySize: Int, thumbSize: Int, quality: Int) {
        self.maxBytes = maxBytes
        self.maxPixels = maxPixels
        self.displaySize = displaySize
        self.thumbSize = thumbSize
        self.quality = quality
    }

    public init(config: PostsConfig) {
        self.init(maxBytes: config.maxPhotoBytes, maxPixels: config.maxPhotoPixels,
                  displaySize: config.photoDisplaySize, thumbSize: config.photoThumbSize,
                  quality: config.photoQuality)
    }

    public func process(_ bytes: [UInt8], logger: Logger? = nil) throws(PhotoError) -> ProcessedPhoto {
        guard !bytes.isEmpty else { throw .empty }
        guard bytes.count <= maxBytes else { throw .tooLarge(limit: maxBytes) }
        guard let format = PhotoFormat.sniff(bytes) else { throw .notAnImage }
        guard VipsImage.start() else {
            logger?.error("libvips failed to start", metadata: ["vips": "\(VipsImage.takeError())"])
            throw .undecodable
        }
        let result: Result<ProcessedPhoto, PhotoError> = bytes.withUnsafeBytes { buffer in
            Result { () throws(PhotoError) -> ProcessedPhoto in try pipeline(buffer, format, logger) }
        }
        return try result.get()
    }

    private func pipeline(_ buffer: UnsafeRawBufferPointer, _ format: PhotoFormat, _ logger: Logger?) throws(PhotoError) -> ProcessedPhoto {
        func fail(_ step: String) -> PhotoError {
            logger?.notice("photo refused", metadata: ["step": "\(step)", "vips": "\(VipsImage.takeError())"])
            return .undecodable
        }
        // Header only: the loader has read the dimensions, no pixels yet.
        guard let header = VipsImage.load(buffer, format: format) else { throw fail("header") }
        let (w, h) = (header.width, header.height)
        guard w > 0, h > 0 else { throw fail("dimensions") }
        guard w * h <= maxPixels else { throw .tooManyPixels(width: w, height: h, limit: maxPixels) }
        // JPEG can decode at 1/2, 1/4 or 1/8 scale: far less work for a large photo.
        var source = header
        if format == .jpeg {
            var shrink: Int32 = 1
            while shrink < 8, max(w, h) / Int(shrink * 2) >= displaySize { shrink *= 2 }
            if shrink > 1 {
                guard let smaller = VipsImage.load(buffer, format: format, shrink: shrink) else { throw fail("shrink-load") }
                source = smaller
            }
        }
        // Decoding happens here, streamed through the shrink, into a display-sized image in
        // memory; a corrupt or truncated body fails at this step.
        guard let fitted = source.thumbnail(width: displaySize, height: displaySize),
              let decoded = fitted.inMemory(),
              let upright = decoded.autorotated(),
              let display = upright.flattened() else { throw fail("decode") }
        guard let displayJPEG = display.jpeg(quality: quality) else { throw fail("encode") }
        guard let small = display.thumbnail(width: thumbSize, height: thumbSize),
              let thumbJPEG = small.jpeg(quality: quality) else { throw fail("thumbnail") }
        return ProcessedPhoto(display: displayJPEG, thumb: thumbJPEG,
                              sha256: Crypto.sha256(displayJPEG), thumbSHA256: Crypto.sha256(thumbJPEG),
                              width: display.width, height: display.height)
    }
}
