import Testing
@testable import Corkboard

/// The list's price filters are typed in the city's currency and written back in it.
@Suite struct SearchRequestPriceTests {
    func request(_ currency: Currency, _ items: [(String, String)]) throws -> SearchRequest {
        let city = City(id: 1, slug: "somewhere", name: "Somewhere", timeZone: "UTC", currency: currency)
        return try SearchRequest(city: city, items: items, catalog: SearchCatalog(), key: HMACSHA256(key: Array(repeating: 7, count: 32)))
    }

    @Test func filtersAreInTheCitysUnits() throws {
        let seoul = try request(.krw, [("min_price", "300000"), ("max_price", "₩1,000,000")])
        #expect(seoul.minPrice == 300_000 && seoul.maxPrice == 1_000_000)
        #expect(seoul.parameters.map { "\($0.0)=\($0.1)" } == ["min_price=300000", "max_price=1000000"])
        let lisbon = try request(.eur, [("min_price", "12.5"), ("max_price", "€40")])
        #expect(lisbon.minPrice == 1250 && lisbon.maxPrice == 4000)
        #expect(lisbon.parameters.map { "\($0.0)=\($0.1)" } == ["min_price=12.50", "max_price=40"])
    }

    @Test func anAmountTheCurrencyCannotHoldIsA400NamingTheFilter() {
        for (currency, name, value) in [(Currency.krw, "min_price", "1000.5"), (.eur, "max_price", "12.345"),
                                        (.usd, "min_price", "-3"), (.eur, "max_price", "12,50")] {
            #expect { _ = try request(currency, [(name, value)]) } throws: { error in
                (error as? HTTPError).map { $0.status == 400 && $0.field == name } ?? false
            }
        }
    }
}
