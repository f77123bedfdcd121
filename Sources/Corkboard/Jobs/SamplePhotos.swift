import Foundation
import MariaDB

/// Photos for the demo's sample ads, drawn at seed time with libvips (a gradient in the
/// category's colours, a disc, and dots for which view of the set it is; nothing is downloaded;
/// no text, see `cb_vips_sample`) and then stored the
/// way an upload is: through `PhotoProcessor` (display size and thumbnail, metadata stripped)
/// and `PhotoWrites` (content-addressed files, a `photos` row). Each sample ad's set is drawn
/// once and shared by every post made from it, so seeding stays quick.
public struct SamplePhotos {
    let files: PhotoFiles
    let processor: PhotoProcessor
    private var drawn: [Int: [ProcessedPhoto]] = [:]

    public init(files: PhotoFiles, processor: PhotoProcessor) {
        self.files = files
        self.processor = processor
    }

    /// How many photos each sample ad has (by its index in `SampleAd.all`): some none, so a
    /// list shows both layouts, and one the most a post may have, for the gallery.
    static let counts = [4, 3, 10, 0, 2, 5, 0, 6, 8, 0, 3, 4]

    /// The category's two gradient colours (sRGB), dark enough for the white dots.
    static func colours(_ category: String) -> (from: [Double], to: [Double]) {
        switch category {
        case "furniture": ([120, 72, 40], [48, 30, 20])
        case "electronics": ([30, 60, 120], [10, 20, 48])
        case "bikes": ([20, 110, 90], [10, 45, 40])
        case "music": ([110, 40, 90], [40, 15, 40])
        case "clothes": ([90, 60, 130], [30, 22, 60])
        case "housing": ([160, 80, 40], [70, 30, 20])
        case "cars": ([70, 80, 90], [20, 24, 30])
        default: ([60, 60, 60], [20, 20, 20])
        }
    }

    /// Draws every sample ad's photos now (about a second of libvips work), so the seeder's
    /// transaction, which only stores them, stays short.
    mutating func drawAll() throws {
        for index in SampleAd.all.indices { _ = try photos(for: index) }
    }

    /// The photos of sample ad `index`, drawn on first use.
    mutating func photos(for index: Int) throws -> [ProcessedPhoto] {
        if let done = drawn[index] { return done }
        let ad = SampleAd.all[index % SampleAd.all.count]
        let count = Self.counts[index % Self.counts.count]
        let (from, to) = Self.colours(ad.category)
        // Clothes and instruments stand up; the rest lie down.
        let portrait = ad.category == "clothes" || ad.category == "music"
        var made: [ProcessedPhoto] = []
        for n in 0..<count {
            // Each view a little different: the gradient turns lighter photo by photo (and a
            // little per ad, so two ads of one category never share their pictures).
            let lift = Double(n) * 8 + Double(index % SampleAd.all.count) * 2
            guard VipsImage.start(),
                  let image = VipsImage.sample(width: portrait ? 750 : 1000, height: portrait ? 1000 : 750,
                                               from: from.map { min(255, $0 + lift) }, to: to, view: n, views: count),
                  let jpeg = image.jpeg(quality: 85) else {
                throw SamplePhotoError(message: "libvips could not draw a sample photo: \(VipsImage.takeError())")
            }
            made.append(try processor.process(jpeg))
        }
        drawn[index] = made
        return made
    }

    /// Stores the photos of sample ad `index` and attaches them to post `postID`, inside the
    /// seeder's transaction (files it created are removed if that transaction fails).
    mutating func attach(_ index: Int, to postID: Int64, writes: inout PhotoWrites, on conn: Transaction) throws {
        let photos = try photos(for: index)
        for photo in photos { try writes.store(photo, on: conn) }
        let refs = photos.map { PhotoRef(sha256: $0.sha256, thumbSHA256: $0.thumbSHA256, width: $0.width, height: $0.height) }
        try PostWriter.insertImages(conn, postID: postID, refs)
    }
}

/// libvips failed to draw a sample photo (seeding stops; nothing of it is kept).
struct SamplePhotoError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
