import Foundation
import MariaDB
import Testing
@testable import Corkboard

/// Which required word of a search drives the walk: the one with the fewest matches, counted
/// exactly below the cap and estimated past it, whatever the words' order in the query.
@Suite struct SearchDriverTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    var week: Date { now.addingTimeInterval(-Post.visibleFor) }

    @Test func belowTheCapTheCountIsExact() {
        #expect(SearchEngine.estimate(count: 7, oldest: now.addingTimeInterval(-60), since: week, now: now, cap: 1000) == 7)
        #expect(SearchEngine.estimate(count: 0, oldest: nil, since: week, now: now, cap: 1000) == 0)
    }

    @Test func atTheCapTheCountIsScaledToTheWindow() {
        // The newest 1000 reach back one hour of the week's 168: about 168,000 in the week.
        #expect(SearchEngine.estimate(count: 1000, oldest: now.addingTimeInterval(-3600), since: week, now: now, cap: 1000) == 168_000)
        // Reaching back the whole window (or further): the count itself, never less.
        #expect(SearchEngine.estimate(count: 1000, oldest: week, since: week, now: now, cap: 1000) == 1000)
        #expect(SearchEngine.estimate(count: 1000, oldest: week.addingTimeInterval(-60), since: week, now: now, cap: 1000) == 1000)
        // A day's window (`today=1`) scales to the day.
        let midnight = now.addingTimeInterval(-12 * 3600)
        #expect(SearchEngine.estimate(count: 1000, oldest: now.addingTimeInterval(-3600), since: midnight, now: now, cap: 1000) == 12_000)
    }

    @Test func matchesStampedAfterNowCountAsDensest() {
        let ahead = SearchEngine.estimate(count: 1000, oldest: now.addingTimeInterval(5), since: week, now: now, cap: 1000)
        #expect(ahead == SearchEngine.densest)
        #expect(ahead < Int64.max)
    }

    /// Two words above the cap (three): `dense` in four posts of the last four minutes,
    /// `sparse` in four of the last four days. `sparse` drives in either order; with counts
    /// alone both tied at the cap and the first word drove.
    @Test func theSparserWordDrivesInEitherOrder() throws {
        let h = try AppHarness(seedPosts: 1)
        let db = h.app.database
        for i in 1...4 {
            for (word, step) in [("dense", 60.0), ("sparse", 86_400.0)] {
                let created = Date().addingTimeInterval(-step * Double(i))
                let id = Int64(try db.write("""
                    INSERT INTO posts (user_id, city_id, category_id, title, description, created_at, updated_at)
                    SELECT user_id, city_id, category_id, \("A \(word) thing \(i)"), 'Nothing else.', \(created), \(created)
                    FROM posts ORDER BY id LIMIT 1
                    """).lastInsertID)
                try db.transaction { try SearchIndex.index(postID: id, on: $0) }
            }
        }
        // Counted on a replica: wait until it has the last post's words.
        let last = SearchText.hash("sparse")
        for _ in 0..<100 {
            if try db.read("SELECT COUNT(*) AS n FROM search_terms WHERE term = \(last)").first!.decode("n", as: Int64.self) == 4 { break }
            usleep(50_000)
        }
        let cityID = try db.read("SELECT city_id FROM posts ORDER BY id LIMIT 1").first!.decode("city_id", as: Int64.self)
        let city = try #require(try CityStore(database: db).find(id: cityID))
        let catalog = try SearchCatalog.load(cityID: city.id, database: db)
        let engine = SearchEngine(database: db, pageSize: 5)
        let now = Date()
        for q in ["dense sparse", "sparse dense"] {
            let request = try SearchRequest(city: city, items: [("q", q)], catalog: catalog, key: h.app.config.search.cursorKey)
            #expect(try engine.driver(for: request, since: now.addingTimeInterval(-Post.visibleFor), now: now, cap: 3) == "sparse", "q=\(q)")
            // Below the cap the counts are exact (four each): a tie, and the first word drives.
            #expect(try engine.driver(for: request, since: now.addingTimeInterval(-Post.visibleFor), now: now, cap: 10)
                    == String(q.split(separator: " ")[0]), "q=\(q)")
        }
    }
}
