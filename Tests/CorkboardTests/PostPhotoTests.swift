import Testing
@testable import Corkboard

/// Builds real PNGs in memory (stored deflate blocks, no zlib needed) for the photo pipeline.
enum TestPNG {
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
        }
        return ~crc
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    static func chunk(_ kind: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(kind.utf8) + data
        return be32(UInt32(data.count)) + body + be32(crc32(body))
    }

    /// An RGB PNG of `width` × `height` with a gradient, or only its header claiming that size
    /// (`headerOnly`, for the decompression-bomb check).
    static func make(width: Int, height: Int, headerOnly: Bool = false) -> [UInt8] {
        let ihdr = be32(UInt32(width)) + be32(UInt32(height)) + [8, 2, 0, 0, 0]
        var raw: [UInt8] = []
        if !headerOnly {
            for y in 0..<height {
                raw.append(0)
                for x in 0..<width { raw += [UInt8(x & 0xFF), UInt8(y & 0xFF), UInt8((x + y) & 0xFF)] }
            }
        } else {
            raw = [0, 0, 0, 0]
        }
        var zlib: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let n = min(65_535, raw.count - offset)
            let final: UInt8 = offset + n == raw.count ? 1 : 0
            zlib += [final, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            zlib += raw[offset..<(offset + n)]
            offset += n
        } while offset < raw.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in raw { a = (a + UInt32(byte)) % 65_521; b = (b + a) % 65_521 }
        zlib += be32(b << 16 | a)
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", ihdr) + chunk("IDAT", zlib) + chunk("IEND", [])
    }
}

@Suite struct PostPhotoTests {
    let processor = PhotoProcessor(maxBytes: 1_048_576, maxPixels: 40_000_000, displaySize: 160, thumbSize: 32, quality: 80)

    @Test func sniffsOnlyJPEGPNGAndWebP() {
        #expect(PhotoFormat.sniff([0xFF, 0xD8, 0xFF, 0xE0]) == .jpeg)
        #expect(PhotoFormat.sniff(TestPNG.make(width: 2, height: 2)) == .png)
        #expect(PhotoFormat.sniff(Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8)) == .webp)
        #expect(PhotoFormat.sniff(Array("<svg xmlns=\"http://www.w3.org/2000/svg\"/>".utf8)) == nil)
        #expect(PhotoFormat.sniff(Array("%PDF-1.7".utf8)) == nil)
        #expect(PhotoFormat.sniff(Array("GIF89a".utf8)) == nil)
        #expect(PhotoFormat.sniff([]) == nil)
    }

    @Test func reencodesAndShrinksToDisplayAndThumbnail() throws {
        let photo = try processor.process(TestPNG.make(width: 400, height: 200))
        #expect(PhotoFormat.sniff(photo.display) == .jpeg && PhotoFormat.sniff(photo.thumb) == .jpeg)
        #expect(photo.width == 160 && photo.height == 80)
        #expect(photo.sha256 == Crypto.sha256(photo.display) && photo.thumbSHA256 == Crypto.sha256(photo.thumb))
        // The same input gives the same bytes: identical photos share one file.
        #expect(try processor.process(TestPNG.make(width: 400, height: 200)).sha256 == photo.sha256)
    }

    @Test func neverEnlargesASmallPhoto() throws {
        let photo = try processor.process(TestPNG.make(width: 50, height: 30))
        #expect(photo.width == 50 && photo.height == 30)
    }

    @Test func refusesBombsByHeaderBeforeDecoding() {
        #expect(throws: PhotoError.tooManyPixels(width: 30_000, height: 30_000, limit: 40_000_000)) {
            try processor.process(TestPNG.make(width: 30_000, height: 30_000, headerOnly: true))
        }
    }

    @Test func refusesTruncatedCorruptOversizedAndOtherFormats() {
        let png = TestPNG.make(width: 300, height: 300)
        #expect(throws: PhotoError.undecodable) { try processor.process(Array(png.prefix(png.count / 2))) }
        #expect(throws: PhotoError.notAnImage) { try processor.process(Array("hello".utf8)) }
        #expect(throws: PhotoError.empty) { try processor.process([]) }
        #expect(throws: PhotoError.tooLarge(limit: 1_048_576)) { try processor.process([0xFF, 0xD8, 0xFF] + [UInt8](repeating: 0, count: 1_048_574)) }
        #expect(throws: PhotoError.undecodable) { try processor.process([0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: 7, count: 500)) }
    }

    @Test func messagesNameThePhoto() {
        #expect(PhotoError.tooLarge(limit: 1_048_576).message(photo: "Photo 2 (a.jpg)") == "Photo 2 (a.jpg) is larger than 1 MiB.")
        #expect(PhotoError.notAnImage.message(photo: "Photo 1 (x.svg)").contains("not a JPEG, PNG or WebP"))
    }

    @Test func hexRoundTrip() {
        let digest = Crypto.sha256(Array("abc".utf8))
        #expect(Crypto.hex(digest) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Crypto.sha256(hex: Crypto.hex(digest)) == digest)
        #expect(Crypto.sha256(hex: "zz" + String(repeating: "0", count: 62)) == nil)
        #expect(Crypto.sha256(hex: "abc") == nil)
    }
}
