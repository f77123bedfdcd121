import Foundation
import Testing
@testable import Corkboard

/// The byte-level encoders on every page (tokens, hashes, photo URLs) and the pooled random
/// bytes they are made from, against Foundation's and the obvious spellings.
@Suite struct EncodingTests {
    @Test func base64URLMatchesFoundationAtEveryLength() {
        for length in 0...100 {
            let bytes = Crypto.randomBytes(length)
            let foundation = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            let encoded = Base64URL.encode(bytes)
            #expect(encoded == foundation, "\(length) bytes")
            #expect(Base64URL.decode(encoded) == bytes, "\(length) bytes")
        }
    }

    @Test func hexAndPhotoURLs() {
        let bytes: [UInt8] = Array(0...255)
        #expect(Crypto.hex(bytes) == bytes.map { String(format: "%02x", $0) }.joined())
        #expect(Crypto.hex([]) == "")
        let sha = Crypto.sha256(Array("photo".utf8))
        let hex = Crypto.hex(sha)
        #expect(PhotoFiles.url(sha) == "/images/\(hex.prefix(2))/\(hex).jpg")
        #expect(PhotoFiles.url([0xab]) == "/images/ab/ab.jpg")
    }

    /// The list page's `datetime` stamps: what Foundation writes, fractions of a second dropped.
    @Test func iso8601StampsMatchFoundation() {
        var dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_796_027_825.999_9),
                     Date(timeIntervalSince1970: 951_782_400 - 0.5), Date(timeIntervalSince1970: 4_102_444_799.75)]
        for _ in 0..<200 { dates.append(Date(timeIntervalSince1970: Double.random(in: 0..<4_102_444_800))) }
        for date in dates {
            #expect(ISO8601Stamp.string(date) == date.ISO8601Format(), "\(date.timeIntervalSince1970)")
        }
    }

    /// Draws of every size, many of them across the pool's block boundary: each is new (no
    /// two 32-byte draws alike) and none comes back as zeros (the wiped part of the block).
    @Test func randomBytesFromThePool() {
        var seen = Set<[UInt8]>()
        for _ in 0..<(3 * RandomPool.blockSize / 32 + 7) {
            let draw = Crypto.randomBytes(32)
            #expect(draw.count == 32 && draw != [UInt8](repeating: 0, count: 32))
            #expect(seen.insert(draw).inserted)
            _ = Crypto.randomBytes(13)   // odd sizes move the boundary around
        }
        for length in [0, 1, RandomPool.blockSize / 4, RandomPool.blockSize / 4 + 1, 3 * RandomPool.blockSize] {
            let draw = Crypto.randomBytes(length)
            #expect(draw.count == length)
            if length >= 32 { #expect(Set(draw).count > 16, "\(length) bytes look random") }
        }
    }
}
