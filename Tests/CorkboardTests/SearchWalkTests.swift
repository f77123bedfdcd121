import Foundation
import MariaDB
import Testing
@testable import Corkboard

/// Walking a list page by page through `/api/search` (pages of five), against the model of the
/// walk: the keys of the index in the list's order, cut into pages of five; a key whose post
/// was deleted or hidden behind the index's back is not shown but still takes its place on
/// its page, so the cursor moves past it. Price orders walk the priced posts (cheapest or
/// dearest first, then by id), then the unpriced ones (newest id first).
@Suite struct SearchWalkTests {
    /// One post of the walk's city.
    struct Post {
        var id: Int64
        var minutesAgo: Int
        var price: Int64?
        /// Deleted or hidden after it was indexed: its index rows are still there.
        var gone = false
    }

    /// Eleven lamps in Lisbon (EUR), a minute apart, indexed; then the fifth newest is deleted and
    /// the eighth hidden behind the index's back. Five of the eleven have a price (two share
    /// one), so a word walk's keys fill the first price page exactly with priced posts, while the
    /// browse walk (which never sees the gone two) has four and goes on into the unpriced ones.
    static let prices: [Int64?] = [300, nil, 100, nil, 250, nil, 100, nil, 500, nil, nil]

    static func city() throws -> (AppHarness, [Post]) {
        let h = try AppHarness(settings: ["search_page_size": "5"], seedPosts: 0)
        let user = try h.loggedInUser().id
        let db = h.app.database
        let city = try db.read("SELECT id FROM cities WHERE slug = 'lisbon'").first!.decode("id", as: Int64.self)
        let hood = try db.read("SELECT id FROM neighbourhoods WHERE city_id = \(city) ORDER BY id LIMIT 1").first!.decode("id", as: Int64.self)
        let category = try db.read("SELECT id FROM categories WHERE slug = 'furniture'").first!.decode("id", as: Int64.self)
        var posts: [Post] = []
        for (i, price) in prices.enumerated() {
            let created = Date().addingTimeInterval(-60 * Double(i + 1))
            let id = Int64(try db.write("""
                INSERT INTO posts (user_id, city_id, neighbourhood_id, category_id, title, description, price_minor, created_at, updated_at)
                VALUES (\(user), \(city), \(hood), \(category), \("Lamp \(i)"), 'A lamp.', \(price), \(created), \(created))
                """).lastInsertID)
            posts.append(Post(id: id, minutesAgo: i + 1, price: price))
        }
        try db.write("""
            INSERT INTO post_images (post_id, position, image_sha256, thumb_sha256, width, height)
            VALUES (\(posts[0].id), 1, UNHEX(SHA2('b', 256)), UNHEX(SHA2('second', 256)), 800, 600),
                   (\(posts[0].id), 0, UNHEX(SHA2('a', 256)), UNHEX(SHA2('first', 256)), 800, 600)
            """)
        try db.transaction { try SearchIndex.index(postIDs: posts.map(\.id), on: $0) }
        try db.write("UPDATE posts SET deleted_at = UTC_TIMESTAMP(6) WHERE id = \(posts[4].id)")
        try db.write("UPDATE posts SET hidden_at = UTC_TIMESTAMP(6), hidden_reason = 'reports' WHERE id = \(posts[7].id)")
        posts[4].gone = true
        posts[7].gone = true
        return (h, posts)
    }

    /// A search request for the text `q` in the walk's city.
    static func request(_ h: AppHarness, q: String) throws -> SearchRequest {
        let city = try #require(try CityStore(database: h.app.database).find(slug: "lisbon"))
        let catalog = try SearchCatalog.load(cityID: city.id, database: h.app.database)
        return try SearchRequest(city: city, items: [("q", q)], catalog: catalog, key: h.app.config.search.cursorKey)
    }

    /// A post made now by the city's poster, indexed: its id.
    static func postNow(_ db: Database, title: String, description: String) throws -> Int64 {
        let id = Int64(try db.write("""
            INSERT INTO posts (user_id, city_id, category_id, title, description, created_at, updated_at)
            SELECT user_id, city_id, category_id, \(title), \(description), UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)
            FROM posts LIMIT 1
            """).lastInsertID)
        try db.transaction { try SearchIndex.index(postID: id, on: $0) }
        return id
    }

    /// The shown ids of each page, by the model: `keys` in the walk's order cut into fives.
    static func expectedPages(_ keys: [Post]) -> [[Int64]] {
        stride(from: 0, to: keys.count, by: 5).map { keys[$0..<min($0 + 5, keys.count)].filter { !$0.gone }.map(\.id) }
    }

    static func order(_ posts: [Post], _ sort: SearchSort) -> [Post] {
        let priced = posts.filter { $0.price != nil }, unpriced = posts.filter { $0.price == nil }
        switch sort {
        case .newest: return posts.sorted { $0.minutesAgo < $1.minutesAgo }
        case .oldest: return posts.sorted { $0.minutesAgo > $1.minutesAgo }
        case .priceUp: return priced.sorted { ($0.price!, $0.id) < ($1.price!, $1.id) } + unpriced.sorted { $0.id > $1.id }
        case .priceDown: return priced.sorted { ($0.price!, $0.id) > ($1.price!, $1.id) } + unpriced.sorted { $0.id > $1.id }
        }
    }

    /// The pages of `/api/search?…query`, following `next_cursor` to the end.
    static func walk(_ h: AppHarness, _ query: String) throws -> [[[String: Any]]] {
        var pages: [[[String: Any]]] = []
        var cursor: String?
        repeat {
            let response = try h.request("GET", "/api/search?city=lisbon&\(query)" + (cursor.map { "&cursor=\($0)" } ?? ""))
            try #require(response.status == 200, "\(response.text)")
            pages.append(try #require(response.json["posts"] as? [[String: Any]]))
            cursor = response.json["next_cursor"] as? String
        } while cursor != nil && pages.count < 10
        return pages
    }

    static func ids(_ pages: [[[String: Any]]]) -> [[Int64]] {
        pages.map { $0.map { Int64($0["id"] as! Int) } }
    }

    @Test func everyOrderWalksTheIndexKeysAndSkipsWhatIsGoneWithoutEndingEarly() throws {
        let (h, posts) = try Self.city()
        for sort in SearchSort.allCases {
            // A word walks `search_terms`, which still lists the gone two.
            let words = try Self.walk(h, "q=lamp&sort=\(sort.rawValue)")
            #expect(Self.ids(words) == Self.expectedPages(Self.order(posts, sort)), "q=lamp, \(sort)")
            // Browsing walks `posts`, whose index leaves them out.
            let browse = try Self.walk(h, "sort=\(sort.rawValue)")
            #expect(Self.ids(browse) == Self.expectedPages(Self.order(posts.filter { !$0.gone }, sort)), "browse, \(sort)")
        }
        // Spelled out for one order, so the model above cannot be wrong in the same way as the code.
        let byAge = try Self.walk(h, "q=lamp")
        #expect(byAge.map(\.count) == [4, 4, 1], "the fifth and eighth newest keys are on their pages, not shown")
    }

    /// A list names each post's category and neighbourhood from the worker's catalog copy; one
    /// added after the copy was read is read for the page.
    @Test func aCategoryAndNeighbourhoodNewerThanTheCatalogCopyAreNamed() throws {
        let (h, _) = try Self.city()
        #expect(try Self.walk(h, "q=lamp").first?.first?["category"] as? String == "Furniture")   // the copy is kept
        let db = h.app.database
        let user = try h.loggedInUser().id
        let city = try db.read("SELECT id FROM cities WHERE slug = 'lisbon'").first!.decode("id", as: Int64.self)
        let n = UInt32.random(in: 0...UInt32.max)
        let category = Int64(try db.write("INSERT INTO categories (slug, name) VALUES (\("lighting-\(n)"), \("Lighting \(n)"))").lastInsertID)
        let hood = Int64(try db.write("INSERT INTO neighbourhoods (city_id, slug, name) VALUES (\(city), \("belem-\(n)"), \("Belém \(n)"))").lastInsertID)
        let id = Int64(try db.write("""
            INSERT INTO posts (user_id, city_id, neighbourhood_id, category_id, title, description)
            VALUES (\(user), \(city), \(hood), \(category), 'Brass lantern', 'A lantern.')
            """).lastInsertID)
        try db.transaction { try SearchIndex.index(postIDs: [id], on: $0) }
        let shown = try #require(try Self.walk(h, "q=lantern").first?.first)
        #expect(Int64(shown["id"] as! Int) == id)
        #expect(shown["category"] as? String == "Lighting \(n)" && shown["neighbourhood"] as? String == "Belém \(n)")
    }

    @Test func aPostShowsItsDetailsAndFirstThumbnail() throws {
        let (h, posts) = try Self.city()
        let first = try #require(try Self.walk(h, "q=lamp").first?.first)
        #expect(Int64(first["id"] as! Int) == posts[0].id)
        #expect(first["title"] as? String == "Lamp 0")
        #expect(first["price_minor"] as? Int == 300 && first["currency"] as? String == "EUR")
        #expect(first["category"] as? String == "Furniture")
        #expect(first["neighbourhood"] as? String != nil)
        let sha = Crypto.sha256(Array("first".utf8))
        #expect(first["thumbnail"] as? String == PhotoFiles.url(sha), "position 0's thumbnail")
        let second = try #require(try Self.walk(h, "q=lamp").first?.dropFirst().first)
        #expect(second["thumbnail"] == nil && second["price_minor"] == nil)
    }

    @Test func aLaterPageCountsThePostsThatArrivedSinceTheWalkBegan() throws {
        let (h, _) = try Self.city()
        let page = try h.request("GET", "/api/search?city=lisbon&q=lamp")
        let cursor = try #require(page.json["next_cursor"] as? String)
        #expect(page.json["new_posts"] == nil)
        let db = h.app.database
        _ = try Self.postNow(db, title: "Brand new lamp", description: "Just posted.")
        let next = try h.request("GET", "/api/search?city=lisbon&q=lamp&cursor=\(cursor)")
        #expect(next.json["new_posts"] as? Int == 1)
        #expect(!next.text.contains("Brand new lamp"), "newer than the walk: not part of it")
    }

    /// The driving word's walk reads its primary key newest first and checks each key for the
    /// other words and phrases with lookups by key joined in that order, and for excluded words with
    /// a subquery per key. MariaDB must not drive the statement from another word (reading and
    /// sorting all its matches) nor turn the exclusion into an anti-join of the word's matches.
    /// (In this small city MariaDB picks a secondary index here and there; on the bench corpus
    /// every check is `eq_ref` on the primary key.)
    @Test func theOtherWordsAreCheckedKeyByKeyInTheWalksOrder() throws {
        let (h, _) = try Self.city()
        let db = h.app.database
        let id = try Self.postNow(db, title: "Brass lamp", description: "A brass desk lamp.")
        for (q, joined, excluded) in [("brass lamp", 1, 0), ("lamp \"brass desk\"", 2, 0), ("lamp -brass", 0, 1)] {
            let plan = try SearchEngine(database: db, pageSize: 5).explain(try Self.request(h, q: q))
            let rows = plan.filter { $0.hasPrefix("select_type=") }
            // The walk itself: the primary key newest first, never all the word's matches sorted
            // (in this small city MariaDB chose the category index and a filesort).
            #expect(rows.first.map { $0.contains("table=k ") && $0.contains("key=PRIMARY ") && !$0.contains("filesort") } == true,
                    "\(q): \(plan)")
            let joins = rows.filter { $0.contains("table=x0 ") || $0.contains("table=d ") }
            #expect(joins.count == joined, "\(q): \(plan)")
            #expect(joins.allSatisfy { $0.hasPrefix("select_type=SIMPLE") && ($0.contains("type=eq_ref ") || $0.contains("type=ref ")) },
                    "\(q): \(plan)")
            let subqueries = rows.filter { $0.contains("table=y ") }
            #expect(subqueries.count == excluded, "\(q): \(plan)")
            #expect(subqueries.allSatisfy { $0.hasPrefix("select_type=DEPENDENT SUBQUERY") }, "\(q): \(plan)")
        }
        let walked = try Self.walk(h, "q=brass+lamp").joined()
        #expect(walked.map { Int64($0["id"] as! Int) } == [id])
    }

    /// A word a phrase of the query holds is not checked on its own: the phrase check covers
    /// it. What the walk finds stays the same: the words in that order, other words too.
    @Test func aPhraseCoversItsOwnWords() throws {
        let (h, _) = try Self.city()
        let db = h.app.database
        let id = try Self.postNow(db, title: "Brass desk lamp", description: "Old, and it works. 자전거를 팝니다")
        func plan(_ q: String) throws -> SearchPlan {
            let request = try Self.request(h, q: q)
            return SearchPlan(request: request, driver: request.query.required.first, since: .distantPast, walkStart: Date())
        }
        let checks = { (sql: SQL) in sql.text.components(separatedBy: "JOIN search_terms x").count - 1 }
        #expect(try plan("\"brass desk\"").checked.isEmpty)
        #expect(try checks(plan("\"brass desk\"").source(phase: nil)) == 0)
        #expect(try checks(plan("\"brass desk\" lamp").source(phase: nil)) == 1)
        #expect(try plan("\"brass desk\" lamp").checked == ["lamp"])
        #expect(try plan("자전거").checked.isEmpty && plan("자전거").request.query.required.count == 2)
        #expect(try plan("brass lamp").checked == ["lamp"])
        for (q, found) in [("\"brass desk\"", true), ("\"desk brass\"", false), ("\"brass desk\" lamp", true),
                           ("\"brass desk\" sofa", false), ("자전거", true), ("전거자", false), ("\"it works\"", true)] {
            let walked = try Self.walk(h, "q=\(q.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)").joined()
            #expect(walked.map { Int64($0["id"] as! Int) } == (found ? [id] : []), "\(q)")
        }
    }

    /// The count rides on the page's rows; a later page with no rows left (its posts left the
    /// index since the walk began) still counts the new ones.
    @Test func aLaterPageWithNothingLeftStillCountsTheNewPosts() throws {
        let (h, posts) = try Self.city()
        let page = try h.request("GET", "/api/search?city=lisbon&q=lamp")
        let cursor = try #require(page.json["next_cursor"] as? String)
        let db = h.app.database
        try db.transaction { try SearchIndex.remove(postIDs: posts.dropFirst(5).map(\.id), on: $0) }
        _ = try Self.postNow(db, title: "Brand new lamp", description: "Just posted.")
        let next = try h.request("GET", "/api/search?city=lisbon&q=lamp&cursor=\(cursor)")
        #expect((next.json["posts"] as? [Any])?.isEmpty == true)
        #expect(next.json["new_posts"] as? Int == 1)
    }
}
