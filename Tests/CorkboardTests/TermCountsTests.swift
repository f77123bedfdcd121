import Testing
@testable import Corkboard

/// A worker's term counts: asked once per term and city within the lifetime, only for the terms
/// it does not know, and asked again once they expire.
@Suite struct TermCountsTests {
    @Test func countsAreKeptPerCityAndTermUntilTheyExpire() {
        var now = 0.0
        let cache = TermCounts(ttl: 60, clock: { now })
        var asked: [[String]] = []
        let answer: ([String]) -> [Int64] = { terms in
            asked.append(terms)
            return terms.map { Int64($0.count) }
        }
        #expect(cache.counts(city: 1, terms: ["ab", "abc"], count: answer) == [2, 3])
        #expect(cache.counts(city: 1, terms: ["abc", "abcd"], count: answer) == [3, 4])
        #expect(asked == [["ab", "abc"], ["abcd"]])
        #expect(cache.counts(city: 2, terms: ["ab"], count: answer) == [2])
        #expect(asked.last == ["ab"])
        now = 61
        asked = []
        #expect(cache.counts(city: 1, terms: ["ab", "abc"], count: answer) == [2, 3])
        #expect(asked == [["ab", "abc"]])
    }
}
