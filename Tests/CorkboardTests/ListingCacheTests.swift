import FastCGI
import Testing
@testable import Corkboard

/// `ListingCache` alone: its lifetime, the city generations that empty it, and the fills it
/// refuses (raced by a change, or right after one, when a replica may still lack it).
@Suite struct ListingCacheTests {
    final class Clock {
        var now = 1000.0
    }

    func cache(_ clock: Clock, ttl: Double = 2, generations: GenerationTable = LocalGenerationTable()) -> ListingCache {
        ListingCache(ttl: ttl, maxEntries: 4, maxBytes: 1 << 20, generations: generations, refillWindow: 5, clock: { clock.now })
    }

    func page(_ text: String) -> FastCGIResponse { .html(text) }

    @Test func aPageLivesItsLifetimeAndCarriesItsTerm() {
        let clock = Clock()
        let c = cache(clock)
        c.put("/lisbon/search?q=bike", page("bikes"), city: 1, generation: c.generation(city: 1), term: "bike")
        clock.now += 1.9
        #expect(c.get("/lisbon/search?q=bike")?.term == "bike")
        #expect(c.get("/lisbon/search?q=bike").map { String(decoding: $0.response.body, as: UTF8.self) } == "bikes")
        clock.now += 0.1
        #expect(c.get("/lisbon/search?q=bike") == nil)
        #expect(c.count == 0)
    }

    @Test func aChangeInTheCityEmptiesItsPagesOnly() {
        let clock = Clock()
        let generations = LocalGenerationTable()
        let c = cache(clock, generations: generations)
        c.put("/lisbon", page("l"), city: 1, generation: c.generation(city: 1), term: nil)
        c.put("/porto", page("p"), city: 2, generation: c.generation(city: 2), term: nil)
        generations.bump(city: 1)
        #expect(c.get("/lisbon") == nil)
        #expect(c.get("/porto") != nil)
        // Posts' keys are another space: bumping post 2 leaves city 2 alone.
        generations.bump(2)
        #expect(c.get("/porto") != nil)
    }

    @Test func fillsRacedByOrRightAfterAChangeAreNotKept() {
        let clock = Clock()
        let generations = LocalGenerationTable()
        let c = cache(clock, generations: generations)
        let before = c.generation(city: 1)
        generations.bump(city: 1)
        c.put("/lisbon", page("old"), city: 1, generation: before, term: nil)
        #expect(c.get("/lisbon") == nil, "read before the change, stored after it")
        c.put("/lisbon", page("new"), city: 1, generation: c.generation(city: 1), term: nil)
        #expect(c.get("/lisbon") == nil, "within the replica-lag window of the change")
    }

    @Test func offAtZeroAndBoundedInEntries() {
        let clock = Clock()
        let off = cache(clock, ttl: 0)
        off.put("/lisbon", page("l"), city: 1, generation: 0, term: nil)
        #expect(off.get("/lisbon") == nil)
        let c = cache(clock)
        for i in 0..<10 { c.put("/lisbon?page=\(i)", page("\(i)"), city: 1, generation: 0, term: nil) }
        #expect(c.count <= 4)
        #expect(c.get("/lisbon?page=9") != nil)
    }
}
