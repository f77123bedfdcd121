import Foundation
import Testing
@testable import Corkboard

@Suite struct HotCacheTests {
    final class Clock { var now = 1000.0 }

    func cache(entries: Int = 3, bytes: Int = 1000, ttl: Double = 10, gens: GenerationTable = LocalGenerationTable(),
               clock: Clock = Clock()) -> HotCache<String> {
        HotCache<String>(maxEntries: entries, maxBytes: bytes, ttl: ttl, generations: gens, clock: { clock.now })
    }

    @Test func lruEvictsLeastRecentlyUsedEntry() {
        let c = cache(entries: 2)
        c.put(1, "a", bytes: 10, generation: c.generation(of: 1))
        c.put(2, "b", bytes: 10, generation: c.generation(of: 2))
        #expect(c.get(1) == "a")  // 2 is now the least recently used
        c.put(3, "c", bytes: 10, generation: c.generation(of: 3))
        #expect(c.get(2) == nil)
        #expect(c.get(1) == "a" && c.get(3) == "c" && c.count == 2)
    }

    /// A post viewed again outlives any run of posts viewed once (a plain LRU of 4 entries
    /// would drop it after 4 of them), and the protected segment keeps to its share.
    @Test func anEntryHitAgainOutlivesEntriesSeenOnce() {
        let c = cache(entries: 5, bytes: 10_000)
        for k in 1...3 { c.put(Int64(k), "keep\(k)", bytes: 10, generation: c.generation(of: Int64(k))) }
        for k in 1...3 { #expect(c.get(Int64(k)) == "keep\(k)") }   // promoted
        for k in 10...50 { c.put(Int64(k), "once", bytes: 10, generation: c.generation(of: Int64(k))) }
        #expect((1...3).allSatisfy { c.get(Int64($0)) != nil } && c.count == 5 && c.protectedCount == 3)
        // Hits on more entries than the protected share (4 of 5) send its least recently used
        // back to probation, where the next new entries push it out.
        #expect(c.get(49) == "once" && c.get(50) == "once" && c.protectedCount == 4)
        c.put(60, "new", bytes: 10, generation: c.generation(of: 60))
        c.put(61, "new", bytes: 10, generation: c.generation(of: 61))
        #expect(c.get(1) == nil && c.get(2) != nil && c.get(60) == nil && c.get(61) == "new" && c.count == 5)
        // Byte pressure empties probation before it touches the protected entries (61, 2, 50,
        // 49 from the most recently used), then takes those from the least recently used.
        c.put(70, "big", bytes: 9_000, generation: c.generation(of: 70))
        #expect(c.count == 5 && c.protectedCount == 4 && c.get(3) == nil)
        c.put(80, "bigger", bytes: 9_990, generation: c.generation(of: 80))
        #expect(c.get(70) == nil && c.get(49) == nil && c.get(50) == nil && c.get(2) == nil)
        #expect(c.get(61) == "new" && c.get(80) == "bigger" && c.bytes == 10_000)
    }

    @Test func byteBoundEvictsAndRefusesOversizedValues() {
        let c = cache(entries: 100, bytes: 100)
        for k in 1...5 { c.put(Int64(k), "v\(k)", bytes: 30, generation: c.generation(of: Int64(k))) }
        #expect(c.bytes <= 100 && c.count == 3)
        #expect(c.get(1) == nil && c.get(5) == "v5")
        c.put(9, "huge", bytes: 101, generation: c.generation(of: 9))
        #expect(c.get(9) == nil && c.bytes <= 100)
    }

    /// An entry is served for the TTL after its read, hit or not. A protected entry whose TTL
    /// ran out keeps its segment through the refill; one in probation is dropped.
    @Test func ttlExpires() {
        let clock = Clock()
        let c = cache(entries: 5, ttl: 5, clock: clock)
        c.put(1, "a", bytes: 1, generation: c.generation(of: 1))
        c.put(2, "b", bytes: 1, generation: c.generation(of: 2))
        clock.now += 4.9
        #expect(c.get(1) == "a" && c.protectedCount == 1)
        clock.now += 0.2
        #expect(c.get(1) == nil && c.get(2) == nil && c.count == 1)
        c.put(1, "a2", bytes: 1, generation: c.generation(of: 1))
        #expect(c.protectedCount == 1 && c.count == 1)
        for k in 10...20 { c.put(Int64(k), "once", bytes: 1, generation: c.generation(of: Int64(k))) }
        #expect(c.get(1) == "a2")
        clock.now += 5
        #expect(c.get(1) == nil)
    }

    @Test func invalidationInOneWorkerDropsTheEntryInAnother() {
        let shared = LocalGenerationTable()  // stands in for the scoreboard both workers map
        let a = cache(gens: shared), b = cache(gens: shared)
        a.put(7, "old", bytes: 1, generation: a.generation(of: 7))
        b.put(7, "old", bytes: 1, generation: b.generation(of: 7))
        a.invalidate(7)
        #expect(b.get(7) == nil)
        #expect(a.get(7) == nil)
        #expect(a.invalidatedRecently(7, within: 5) && !a.invalidatedRecently(8, within: 5))
    }

    @Test func refillRacingAnEditIsNotKept() {
        let shared = LocalGenerationTable()
        let c = cache(gens: shared)
        let before = c.generation(of: 3)   // read before fetching
        shared.bump(3)                     // another worker's edit commits meanwhile
        c.put(3, "maybe old", bytes: 1, generation: before)
        #expect(c.get(3) == nil)
    }

    @Test func causalCookieRoundTripsAndRejectsTampering() {
        let cookie = CausalCookie(secret: "s3cret", maxAge: 60)
        let header = cookie.setCookie(gtid: "0-1-42")
        #expect(header.hasPrefix("__Host-cb_causal=") && header.contains("HttpOnly") && header.contains("Secure"))
        let value = String(header.dropFirst("__Host-cb_causal=".count).prefix { $0 != ";" })
        #expect(cookie.gtid(fromCookie: value) == "0-1-42")
        #expect(cookie.gtid(fromCookie: value.replacingOccurrences(of: "0-1-42", with: "0-1-99")) == nil)
        #expect(CausalCookie(secret: "other", maxAge: 60).gtid(fromCookie: value) == nil)
        #expect(cookie.gtid(fromCookie: value, now: .init(timeIntervalSinceNow: 120)) == nil)
    }
}
