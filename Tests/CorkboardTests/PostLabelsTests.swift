import Foundation
import MariaDB
import Testing
@testable import Corkboard

/// A viewer's post by id takes its city's, category's and neighbourhood's names from the
/// worker's copy of the catalogs (`CityCatalogCache`), not from joins: the same labels as the
/// joined read, an entry added after the copy was kept, and a rename within the copy's lifetime.
@Suite struct PostLabelsTests {
    /// A clock the test moves.
    final class Clock: @unchecked Sendable {
        var now: Double = 1_000
    }

    func insertPost(_ s: PostVisibilityTests.Scratch, category: Int64, neighbourhood: Int64?) throws -> Int64 {
        try s.visibility.change { change in
            let id = Int64(try change.conn.execute("""
                INSERT INTO posts (user_id, city_id, category_id, neighbourhood_id, title, description, price_minor)
                VALUES (\(s.userID), \(s.cityID), \(category), \(neighbourhood), 'Lamp', 'A lamp', 1250)
                """).lastInsertID)
            change.created(post: id)
            return id
        }
    }

    func labels(_ post: Post?) -> [String?] {
        guard let post else { return [] }
        return [post.citySlug, post.cityName, post.currency.code, post.category, post.categorySlug,
                post.neighbourhood, post.neighbourhoodSlug]
    }

    @Test func viewersPostsCarryTheCatalogsLabels() throws {
        try PostVisibilityTests().withScratch { s in
            let clock = Clock()
            let cities = CityCatalogCache(clock: { clock.now })
            let store = PostStore(database: s.database)
            let hood = Int64(try s.database.write("""
                INSERT INTO neighbourhoods (city_id, slug, name) VALUES (\(s.cityID), 'alfama', 'Alfama')
                """).lastInsertID)
            let withHood = try insertPost(s, category: s.categoryID, neighbourhood: hood)
            let withoutHood = try insertPost(s, category: s.categoryID, neighbourhood: nil)

            // The same labels as the joined read, with and without a neighbourhood.
            for id in [withHood, withoutHood] {
                let viewer = try store.visible(id: id, cities: cities)
                #expect(labels(viewer) == labels(try store.find(id: id)))
            }
            #expect(labels(try store.visible(id: withHood, cities: cities))
                    == ["lisbon", "Lisbon", "EUR", "Bikes", "bikes", "Alfama", "alfama"])
            #expect(try store.visible(id: withoutHood, cities: cities)?.neighbourhood == nil)

            // A category and a neighbourhood added after the copy was kept: read again at once.
            let tools = Int64(try s.database.write("INSERT INTO categories (slug, name) VALUES ('tools', 'Tools')").lastInsertID)
            let belem = Int64(try s.database.write("""
                INSERT INTO neighbourhoods (city_id, slug, name) VALUES (\(s.cityID), 'belem', 'Belém')
                """).lastInsertID)
            let newer = try insertPost(s, category: tools, neighbourhood: belem)
            #expect(labels(try store.visible(id: newer, cities: cities))
                    == ["lisbon", "Lisbon", "EUR", "Tools", "tools", "Belém", "belem"])
            // …from the copy read again, not by joins: a rename now shows only after its lifetime.
            try s.database.write("UPDATE categories SET name = 'Hand tools' WHERE id = \(tools)")
            #expect(try store.visible(id: newer, cities: cities)?.category == "Tools")

            // A rename shows once the copy's lifetime is over, as in the menus.
            try s.database.write("UPDATE categories SET name = 'Bicycles' WHERE id = \(s.categoryID)")
            #expect(try store.visible(id: withHood, cities: cities)?.category == "Bikes")
            clock.now += CityCatalogCache.lifetime + 1
            #expect(try store.visible(id: withHood, cities: cities)?.category == "Bicycles")

            // Not visible: none, as before.
            try s.database.write("UPDATE posts SET hidden_at = NOW(6), hidden_reason = 'reports' WHERE id = \(withoutHood)")
            #expect(try store.visible(id: withoutHood, cities: cities) == nil)
            #expect(try store.visible(id: 999_999, cities: cities) == nil)
        }
    }

    /// An entry the copy still lacks after reading it again (a replica behind the primary, in
    /// the field): the post is read by joins, with the names the database has. A neighbourhood
    /// of another city stands in for it here: no catalog copy of the post's city ever has it.
    @Test func anEntryTheCopyNeverHasIsNamedByTheJoins() throws {
        try PostVisibilityTests().withScratch { s in
            let cities = CityCatalogCache()
            let store = PostStore(database: s.database)
            let porto = Int64(try s.database.write("""
                INSERT INTO cities (slug, name, time_zone, currency) VALUES ('porto', 'Porto', 'UTC', 'EUR')
                """).lastInsertID)
            let ribeira = Int64(try s.database.write("""
                INSERT INTO neighbourhoods (city_id, slug, name) VALUES (\(porto), 'ribeira', 'Ribeira')
                """).lastInsertID)
            let id = try insertPost(s, category: s.categoryID, neighbourhood: ribeira)
            let viewer = try store.visible(id: id, cities: cities)
            #expect(labels(viewer) == ["lisbon", "Lisbon", "EUR", "Bikes", "bikes", "Ribeira", "ribeira"])
            #expect(labels(viewer) == labels(try store.find(id: id)))
            #expect(try cities.city(id: s.cityID, database: s.database)?.catalog.byID.neighbourhoods[ribeira] == nil)
        }
    }
}
