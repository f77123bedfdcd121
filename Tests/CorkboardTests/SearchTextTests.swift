import Foundation
import Testing
@testable import Corkboard

/// The tokenizer, the query language and the cursor, without a database.
@Suite struct SearchTextTests {
    @Test func foldsAccentsCaseAndKeepsShortWords() {
        #expect(SearchText.termSet("Café TV, PS5 à vendre") == ["cafe", "tv", "ps5", "vendre"])
        #expect(SearchText.normalized("Crème brûlée!") == "creme brulee")
    }

    @Test func cutsCJKIntoPairsAndSingles() {
        #expect(SearchText.termSet("자전거") == ["자", "전", "거", "자전", "전거"])
        #expect(SearchText.queryTerms(of: .init(text: "자전거", isCJK: true)) == ["자전", "전거"])
        #expect(SearchText.pieces("iPhone15중고") == [.init(text: "iphone15", isCJK: false), .init(text: "중고", isCJK: true)])
    }

    @Test func parsesWordsPhrasesAndExclusions() {
        let q = SearchQuery(parsing: #"red "oak table" -chair -"big box" the"#)
        #expect(q.required == ["red", "oak", "table"])
        #expect(q.phrases == ["oak table"])
        #expect(q.excludedTerms == ["chair"])
        #expect(q.excludedPhrases == ["big box"])
        #expect(!q.matchesNothing)
    }

    @Test func operatorsOrStopwordsAloneMatchNothing() {
        #expect(SearchQuery(parsing: #"- "" --"#).matchesNothing)
        #expect(SearchQuery(parsing: "the of and").matchesNothing)
        #expect(SearchQuery(parsing: "   ").isEmpty)
    }

    @Test func longQueriesAreCut() {
        let q = SearchQuery(parsing: String(repeating: "ab ", count: 5000) + "zebra")
        #expect(q.required == ["ab"])
    }

    @Test func cursorRoundTripsAndRefusesTampering() throws {
        let key = HMACSHA256(key: Array("k".utf8))
        let c = SearchCursor(phase: 1, walkStart: 1_700_000_000_123_456, key: -5, postID: 42, fingerprint: 7, sort: .priceDown)
        let text = c.encode(key: key)
        #expect(SearchCursor.decode(text, key: key) == c)
        #expect(SearchCursor.decode(text, key: HMACSHA256(key: Array("other".utf8))) == nil)
        var bytes = Array(text)
        bytes[5] = bytes[5] == "A" ? "B" : "A"
        #expect(SearchCursor.decode(String(bytes), key: key) == nil)
        #expect(SearchCursor.decode("garbage!", key: key) == nil)
    }
}
