import Testing
@testable import Corkboard

@Suite struct PostFieldsTests {
    func valid() -> PostFields {
        var f = PostFields()
        f.title = "  Bike  "
        f.description = "Line one\r\n\r\nLine two  "
        f.city = "lisbon"
        f.category = "bikes"
        return f
    }

    @Test func typedPriceIsReadInTheCitysCurrency() throws {
        var f = PostFields()
        f.priceText = "300000"
        #expect(try f.price(in: .krw) == .set(300_000))
        #expect(try f.price(in: .eur) == .set(30_000_000))
        f.priceText = "12.50"
        #expect(try f.price(in: .eur) == .set(1250))
        #expect(throws: HTTPError.self) { try f.price(in: .krw) }
        f.priceText = "  "
        #expect(try f.price(in: .usd) == .null)
        f.priceText = "2000000000"   // two billion euros: above the ceiling
        #expect(throws: HTTPError.self) { try f.price(in: .eur) }
        // Without typed text the API's integer stands, whatever the currency.
        var api = PostFields()
        #expect(try api.price(in: .krw) == .absent)
        api.priceMinor = .set(300_000)
        #expect(try api.price(in: .krw) == .set(300_000))
    }

    @Test func normalisesAndRequiresFieldsOnCreate() throws {
        var f = valid()
        try f.normalise(creating: true, maxPhotos: 10)
        #expect(f.title == "Bike" && f.description == "Line one\n\nLine two")
        var missing = PostFields()
        #expect(throws: HTTPError.self) { try missing.normalise(creating: true, maxPhotos: 10) }
        var partial = PostFields()
        partial.priceMinor = .null
        try partial.normalise(creating: false, maxPhotos: 10)   // an edit may send one field only
    }

    @Test func countsUnicodeScalarsLikeMariaDB() throws {
        var ok = valid()
        ok.title = String(repeating: "é", count: 120)
        try ok.normalise(creating: true, maxPhotos: 10)
        var long = valid()
        long.title = String(repeating: "é", count: 121)
        do {
            try long.normalise(creating: true, maxPhotos: 10)
            Issue.record("121 characters accepted")
        } catch let error as HTTPError {
            #expect(error.status == 400 && error.field == "title")
        }
        // A flag emoji is one Character but two scalars: 60 flags are 120 scalars and fit.
        var flags = valid()
        flags.title = String(repeating: "🇵🇹", count: 60)
        try flags.normalise(creating: true, maxPhotos: 10)
        flags.title = String(repeating: "🇵🇹", count: 61)
        #expect(throws: HTTPError.self) { try flags.normalise(creating: true, maxPhotos: 10) }
    }

    @Test func refusesNegativePriceAndTooManyPhotos() throws {
        var f = valid()
        f.priceMinor = .set(-1)
        #expect(throws: HTTPError.self) { try f.normalise(creating: true, maxPhotos: 10) }
        var g = valid()
        g.photos = (0..<11).map { .existing(sha256: [UInt8](repeating: UInt8($0), count: 32), label: "Photo \($0 + 1)") }
        do {
            try g.normalise(creating: true, maxPhotos: 10)
            Issue.record("11 photos accepted")
        } catch let error as HTTPError {
            #expect(error.field == "photos" && error.message.contains("Photo 11"))
        }
    }

    @Test func repostFingerprintIgnoresCaseAndSpacing() {
        #expect(PostFields.contentHash(title: "Red Bike", description: "Nice  bike\n\nCall")
                == PostFields.contentHash(title: "red bike ", description: "nice bike call"))
        #expect(PostFields.contentHash(title: "Red Bike", description: "a") != PostFields.contentHash(title: "Red Bike", description: "b"))
    }
}
