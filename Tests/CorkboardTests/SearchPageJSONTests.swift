import Foundation
import Testing
@testable import Corkboard

/// The API page's hand-written JSON is what the site's one encoder (`JSONResponse.encoder`)
/// writes for the same page, byte for byte: keys, their order, left-out optionals, string
/// escapes and dates. Random pages, with text full of what needs escaping.
@Suite struct SearchPageJSONTests {
    @Test func writesWhatTheEncoderWrites() throws {
        let pieces = ["a", "Oak table", "\"", "\\", "/", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{01}", "\u{1F}", "\u{7F}",
                      "é", "자전거", "😀", "\u{2028}", "<b>&", " "]
        func text() -> String { (0..<Int.random(in: 0...6)).map { _ in pieces.randomElement()! }.joined() }
        for _ in 0..<300 {
            let hits = (0..<Int.random(in: 0...4)).map { _ in
                SearchHit(id: Int64.random(in: 1...Int64.max), title: text(),
                          priceMinor: Bool.random() ? Int64.random(in: -1_000_000...Int64.max) : nil,
                          currency: [Currency.eur, .usd, .krw].randomElement()!, category: text(),
                          neighbourhood: Bool.random() ? text() : nil,
                          createdAt: Date(timeIntervalSince1970: Double.random(in: -3_000_000_000...5_000_000_000)),
                          thumbnail: Bool.random() ? "/images/ab/\(text())" : nil)
            }
            let page = SearchHandler.APIPage(city: text(), posts: hits, nextCursor: Bool.random() ? text() : nil,
                                             newPosts: Bool.random() ? Int.random(in: 0...100) : nil)
            let expected = Array(try JSONResponse.encoder.encode(page))
            let written = SearchPageJSON.encode(page)
            #expect(written == expected, "\(String(decoding: written, as: UTF8.self)) != \(String(decoding: expected, as: UTF8.self))")
        }
    }
}
