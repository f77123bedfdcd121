import Foundation
import Testing
@testable import Corkboard

@Suite struct CurrencyTests {
    @Test func knowsCodeSymbolAndMinorDigits() {
        #expect(Currency(code: "KRW") == .krw && Currency.krw.symbol == "₩" && Currency.krw.minorDigits == 0)
        #expect(Currency(code: "EUR") == .eur && Currency.eur.symbol == "€" && Currency.eur.minorDigits == 2)
        #expect(Currency(code: "USD") == .usd && Currency.usd.symbol == "$" && Currency.usd.minorDigits == 2)
        #expect(Currency(code: "KWD")?.minorDigits == 3)
        #expect(Currency(code: "XYZ") == nil && Currency(code: "usd") == nil)
        #expect(throws: Currency.UnknownCode.self) { try Currency(storedCode: "XYZ") }
    }

    @Test func displaysInTheCurrencysOwnUnits() {
        #expect(Currency.krw.format(300_000) == "₩300,000")
        #expect(Currency.krw.format(5) == "₩5")
        #expect(Currency.eur.format(1250) == "€12.50")
        #expect(Currency.eur.format(1205) == "€12.05")
        #expect(Currency.usd.format(4000) == "$40")
        #expect(Currency.usd.format(300_000) == "$3,000")
        #expect(Currency.usd.format(123_456_789) == "$1,234,567.89")
        #expect(Currency.usd.format(0) == "$0")
        #expect(Currency(code: "KWD")!.format(12_345) == "KWD 12.345")
        #expect(Currency(code: "CHF")!.format(1000) == "CHF 10")
        #expect(Currency.usd.format(nil) == "free")
        // Signs, the whole range and every group boundary (the bytes version writes each digit).
        #expect(Currency.usd.format(-1250) == "-$12.50")
        #expect(Currency.krw.format(Int64.min) == "-₩9,223,372,036,854,775,808")
        #expect(Currency.krw.format(Int64.max, .input) == "9223372036854775807")
        #expect(Currency.krw.format(999) == "₩999")
        #expect(Currency.krw.format(1000) == "₩1,000")
        #expect(Currency.krw.format(100_000) == "₩100,000")
        #expect(Currency.krw.format(1_000_000) == "₩1,000,000")
        #expect(Currency.eur.format(1) == "€0.01")
    }

    /// A page writes prices without escaping them (`HTML`'s `price:` interpolation): every
    /// known currency's text must need none, and the page must show what `format` says.
    @Test func displayedPricesNeedNoEscaping() {
        for currency in Currency.known.values {
            for amount: Int64? in [nil, 0, 1, -1250, 123_456_789] {
                let text = currency.format(amount)
                #expect(HTML.escape(text) == text, "\(currency.code): \(text)")
                #expect(("<p>\(price: amount, in: currency)</p>" as HTML).text == "<p>\(text)</p>")
            }
        }
    }

    @Test func inputStyleHasNoSymbolOrGrouping() {
        #expect(Currency.krw.format(300_000, .input) == "300000")
        #expect(Currency.eur.format(1250, .input) == "12.50")
        #expect(Currency.eur.format(1200, .input) == "12")
        #expect(Currency.usd.format(nil, .input) == "")
    }

    @Test func parsesAmountsInMinorUnits() throws {
        #expect(try Currency.krw.parse("300000", field: "price") == 300_000)
        #expect(try Currency.krw.parse("₩300,000", field: "price") == 300_000)
        #expect(try Currency.krw.parse("300,000 KRW", field: "price") == 300_000)
        #expect(try Currency.eur.parse("12.50", field: "price") == 1250)
        #expect(try Currency.eur.parse("12.5", field: "price") == 1250)
        #expect(try Currency.eur.parse("€ 12", field: "price") == 1200)
        #expect(try Currency.eur.parse("12 €", field: "price") == 1200)
        #expect(try Currency.usd.parse("$1,234.05", field: "price") == 123_405)
        #expect(try Currency.usd.parse("1234", field: "price") == 123_400)
        #expect(try Currency(code: "KWD")!.parse("1.5", field: "price") == 1500)
        #expect(try Currency.usd.parse("  ", field: "price") == nil)
    }

    @Test func refusesWhatIsNotAnAmountInThisCurrency() {
        let cases: [(Currency, String)] = [
            (.krw, "300000.5"), (.krw, "12.00"), (.krw, "$300"), (.eur, "12,50"), (.eur, "12.345"), (.eur, "1,23"),
            (.usd, "-1"), (.usd, "abc"), (.usd, "1e3"), (.usd, "12."), (.usd, ".5"), (.usd, "0x10"), (.usd, "１２"),
            (.usd, "€12"), (.usd, "12,3456"), (.usd, "99999999999999"),
        ]
        for (currency, text) in cases {
            do {
                _ = try currency.parse(text, field: "min_price")
                Issue.record("\(currency) accepted \(text)")
            } catch let error as HTTPError {
                #expect(error.status == 400 && error.field == "min_price", "\(text): \(error.message)")
            } catch {
                Issue.record("\(text): \(error)")
            }
        }
    }

    @Test func messagesSayWhatTheCurrencyTakes() {
        #expect(message { try Currency.krw.parse("1.5", field: "price") } == "The price must be a whole amount in KRW such as 15000.")
        #expect(message { try Currency.eur.parse("1,5", field: "price") } == "The price must be an amount in EUR such as 12 or 12.50.")
        #expect(message { try Currency.usd.parse("-5", field: "price") } == "The price cannot be negative.")
    }

    @Test func inputFormatReadsBackUnchanged() throws {
        for currency in [Currency.krw, .eur, .usd, Currency(code: "KWD")!] {
            for minor: Int64 in [0, 1, 10, 99, 1250, 300_000, 100_000_000_000] {
                #expect(try currency.parse(currency.format(minor, .input), field: "price") == minor)
                #expect(try currency.parse(currency.format(minor), field: "price") == minor)
            }
        }
    }

    @Test func encodesAsItsCode() throws {
        let data = try JSONEncoder().encode(["currency": Currency.krw])
        #expect(String(decoding: data, as: UTF8.self) == #"{"currency":"KRW"}"#)
        #expect(try JSONDecoder().decode([String: Currency].self, from: data)["currency"] == .krw)
        #expect(throws: (any Error).self) { try JSONDecoder().decode([Currency].self, from: Data(#"["XYZ"]"#.utf8)) }
    }

    func message(_ body: () throws -> Int64?) -> String? {
        do { _ = try body(); return nil } catch let e as HTTPError { return e.message } catch { return nil }
    }
}
