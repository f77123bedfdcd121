import Foundation
import MariaDB

/// The SQL of one list request. Two sources, both walked in index order so a page reads about
/// as many index entries as it shows:
/// - no words: `posts` itself, through `posts_city_browse` (city, created_at, id, filters) or
///   `posts_city_price` (city, price, id, filters), the filters checked inside the index;
/// - words: `search_terms`, whose primary key (city_id, term, created_at, post_id) lists a
///   city's matches for one term newest first, carrying the filter columns, so the rarest
///   term drives the walk and the others are point lookups on the same key.
struct SearchPlan {
    let request: SearchRequest
    /// The term whose posting list drives the walk (nil: browse `posts`).
    let driver: String?
    /// Lower bound of created_at: seven days ago, or midnight for "today".
    let since: Date
    /// The walk's start: nothing newer is part of the walk.
    let walkStart: Date
    /// The required terms each key of the walk is checked for: all but the driver and those a
    /// phrase check covers (`SearchQuery.termsInPhrases`). A Korean word of three syllables is
    /// two pairs and a phrase: its page checked the other pair and the phrase for every key,
    /// and now checks the phrase alone.
    let checked: [String]

    init(request: SearchRequest, driver: String?, since: Date, walkStart: Date) {
        self.request = request
        self.driver = driver
        self.since = since
        self.walkStart = walkStart
        let inPhrases = request.query.termsInPhrases
        checked = request.query.required.filter { $0 != driver && !inPhrases.contains($0) }
    }

    var id: SQL { driver == nil ? "k.id" : "k.post_id" }

    /// `FROM … WHERE …` shared by every query of this request, without order or keyset;
    /// `joins` go between the two.
    func source(phase: UInt8?, joins: SQL = "") -> SQL {
        let r = request
        var from: SQL
        var conditions: [SQL] = ["k.city_id = \(r.city.id)", "k.created_at > \(since)"]
        if let driver {
            // Newest first through the primary key, which stops at the page's end. Left to
            // itself, MariaDB took the category index (covering, so it looked cheaper) for a
            // word with a few thousand matches, read them all and sorted them for every page:
            // `lamp` in the 100 k city read 2,674 index entries a page instead of 26. With a
            // category the walk is that index's own (city, term, category, created_at); a price
            // order reads every match either way.
            from = r.category == nil && !r.sort.isPrice ? "FROM search_terms k FORCE INDEX (PRIMARY)" : "FROM search_terms k"
            conditions.append("k.term = \(SearchText.hash(driver))")
            if r.titlesOnly { conditions.append("k.in_title = 1") }
        } else {
            let index = r.sort.isPrice && phase != nil ? "posts_city_price" : "posts_city_browse"
            from = SQL(unsafeSQL: "FROM posts k FORCE INDEX (\(index))")
            conditions.append("k.deleted_at IS NULL AND k.hidden_at IS NULL")
        }
        if let c = r.category { conditions.append("k.category_id = \(c.id)") }
        if let n = r.neighbourhood { conditions.append("k.neighbourhood_id = \(n.id)") }
        if let lo = r.minPrice { conditions.append("k.price_minor >= \(lo)") }
        if let hi = r.maxPrice { conditions.append("k.price_minor <= \(hi)") }
        if r.photosOnly { conditions.append("k.has_photos = 1") }
        switch phase {
        case 0?: conditions.append("k.price_minor IS NOT NULL")
        case 1?: conditions.append("k.price_minor IS NULL")
        default: break
        }
        // The other words and the phrases: each a lookup by primary key for every key of the
        // walk, joined after it (`select` keeps that order). As `EXISTS` subqueries they cost the
        // replica a fifth to a third more (two words, a Korean word). Excluded words and phrases
        // stay `NOT EXISTS`: as anti-joins (`LEFT JOIN … IS NULL`) they cost a fifth more.
        var checks: SQL = ""
        for (n, term) in checked.enumerated() {
            let x = SQL(unsafeSQL: "x\(n)")
            checks += " JOIN search_terms " + x + " ON " + termKey(x, term)
        }
        let column: SQL = r.titlesOnly ? "d.title_norm" : "d.text_norm"
        if !r.query.phrases.isEmpty {
            checks += " JOIN search_docs d ON d.post_id = \(id)"
            for phrase in r.query.phrases {
                conditions.append("CONCAT(' ', " + column + ", ' ') LIKE \(Self.pattern(phrase))")
            }
        }
        for term in r.query.excludedTerms {
            conditions.append("NOT EXISTS (SELECT 1 FROM search_terms y WHERE " + termKey("y", term) + ")")
        }
        let excludedColumn: SQL = r.titlesOnly ? "e.title_norm" : "e.text_norm"
        for phrase in r.query.excludedPhrases {
            conditions.append("NOT EXISTS (SELECT 1 FROM search_docs e WHERE e.post_id = \(id) AND CONCAT(' ', "
                              + excludedColumn + ", ' ') LIKE \(Self.pattern(phrase)))")
        }
        return from + checks + joins + " WHERE " + SQL.joined(conditions, separator: " AND ")
    }

    /// Whether the walk checks each key with subqueries (excluded words and phrases).
    var excludes: Bool { !request.query.excludedTerms.isEmpty || !request.query.excludedPhrases.isEmpty }

    /// The row of `search_terms` under `alias` for `term` on the walk's key: the same post's
    /// row for that word, if it has one (in its title, with `titlesOnly`).
    private func termKey(_ alias: SQL, _ term: String) -> SQL {
        let title: SQL = request.titlesOnly ? " AND " + alias + ".in_title = 1" : ""
        return alias + ".city_id = k.city_id AND " + alias + ".term = \(SearchText.hash(term)) AND "
            + alias + ".created_at = k.created_at AND " + alias + ".post_id = \(id)" + title
    }

    /// How every walk begins. `STRAIGHT_JOIN` keeps the tables in the order written: the walk's
    /// index (`k`) first, then each check a lookup by primary key for every key it reads. Left
    /// to itself, MariaDB may drive the statement from a checked word instead, reading and
    /// sorting all its matches (48,457 index entries per page for a Korean word at 100 k posts,
    /// 75 pages a second, when the checks were `EXISTS` subqueries it turned into semi-joins).
    static let select: SQL = "SELECT STRAIGHT_JOIN "

    /// `select` as the statement to run (`explain`: its plan instead). The excluded words'
    /// `NOT EXISTS` must stay lookups made for each key too: `exists_to_in=off` for this
    /// statement alone keeps MariaDB from turning them into an anti-join of the word's matches.
    func statement(_ select: SQL, explain: Bool = false) -> SQL {
        let query = explain ? "EXPLAIN " + select : select
        return excludes ? "SET STATEMENT optimizer_switch = 'exists_to_in=off' FOR " + query : query
    }

    /// The page query: keys of up to `limit` posts after `cursor` in this order and phase.
    func page(phase: UInt8, after cursor: SearchCursor?, limit: Int) -> SQL {
        statement(walk(columns: "\(id) AS id, k.created_at, k.price_minor", joins: "", phase: phase, after: cursor, limit: limit))
    }

    /// `columns` of up to `limit` keys after `cursor` in this order and phase, each key's row
    /// joined by `joins`.
    private func walk(columns: SQL, joins: SQL, phase: UInt8, after cursor: SearchCursor?, limit: Int) -> SQL {
        var sql: SQL = Self.select + columns + " " + source(phase: request.sort.isPrice ? phase : nil, joins: joins)
        sql += " AND k.created_at <= \(walkStart)"
        if let c = cursor, c.phase == phase {
            switch (request.sort, phase) {
            case (.newest, _):
                let at = Date(microseconds: c.key)
                sql += " AND (k.created_at < \(at) OR (k.created_at = \(at) AND \(id) < \(c.postID)))"
            case (.oldest, _):
                let at = Date(microseconds: c.key)
                sql += " AND (k.created_at > \(at) OR (k.created_at = \(at) AND \(id) > \(c.postID)))"
            case (.priceUp, 0): sql += " AND (k.price_minor > \(c.key) OR (k.price_minor = \(c.key) AND \(id) > \(c.postID)))"
            case (_, 0): sql += " AND (k.price_minor < \(c.key) OR (k.price_minor = \(c.key) AND \(id) < \(c.postID)))"
            default: sql += " AND \(id) < \(c.postID)"
            }
        }
        return sql + " ORDER BY " + order(phase: phase) + " LIMIT \(limit)"
    }

    /// The page query and what a list shows of each post, in one statement (one round trip):
    /// each key of the walk joined by primary key to its post, the joins left to the walk's
    /// order and LIMIT (the index is read in order and stops at the page's end; both joins are
    /// on unique keys, so every key stays one row). A key whose post was deleted or hidden since
    /// it was indexed stays, with a NULL `post_id`: it is not shown but still moves the cursor.
    /// Same order as `page`. (The keys were a derived table before, which MariaDB materializes
    /// as a temporary table and sorts again: a fifth of a page's cost on the server.)
    ///
    /// Category and neighbourhood come as ids, named from the request's catalog
    /// (`SearchCatalog.byID`), and the thumbnail is the photo at position 0 (`PostWriter.insertImages`
    /// numbers a post's photos from 0), read by primary key, and only for a post with photos
    /// (`has_photos`, set in the same transaction as its photos by `SearchIndex`). The joins to
    /// the two tables and a subquery per row ordered by position were two fifths of this
    /// statement's cost on the server.
    ///
    /// With `newerCap` (a later page), each row also carries the new-posts count (`newer`) as
    /// an uncorrelated subquery, which MariaDB runs once per statement: the count costs no
    /// statement of its own, whose fixed cost on both sides was most of what it added to a page.
    func shown(phase: UInt8, after cursor: SearchCursor?, limit: Int, newerCap: Int? = nil, explain: Bool = false) -> SQL {
        let count: SQL = newerCap.map { ", (" + newerSelect(than: walkStart, cap: $0) + ") AS newer" } ?? ""
        return statement(walk(columns: """
            \(id) AS id, k.created_at, k.price_minor, p.id AS post_id, p.title, p.price_minor AS post_price,
            p.created_at AS post_created, p.category_id, p.neighbourhood_id, i.thumb_sha256 AS thumb
            """ + count, joins: """
             LEFT JOIN posts p ON p.id = \(id) AND p.deleted_at IS NULL AND p.hidden_at IS NULL
             LEFT JOIN post_images i ON p.has_photos = 1 AND i.post_id = p.id AND i.position = 0
            """, phase: phase, after: cursor, limit: limit), explain: explain)
    }

    /// The `ORDER BY` list of this request's order in `phase`, over the walk's keys.
    func order(phase: UInt8) -> SQL {
        switch (request.sort, phase) {
        case (.newest, _): "k.created_at DESC, \(id) DESC"
        case (.oldest, _): "k.created_at ASC, \(id) ASC"
        case (.priceUp, 0): "k.price_minor ASC, \(id) ASC"
        case (_, 0): "k.price_minor DESC, \(id) DESC"
        default: "\(id) DESC"
        }
    }

    /// Counts (up to `cap`) matches posted after the walk began: the "N new posts" line (on its
    /// own only for a later page that shows nothing; else part of `shown`).
    func newer(than start: Date, cap: Int) -> SQL {
        statement(newerSelect(than: start, cap: cap))
    }

    private func newerSelect(than start: Date, cap: Int) -> SQL {
        "SELECT COUNT(*) AS n FROM (" + Self.select + "1 " + source(phase: nil) + " AND k.created_at > \(start) LIMIT \(cap)) z"
    }

    /// The LIKE pattern for a normalized phrase: whole words at its ends, except where it ends
    /// in CJK text, which may sit inside a longer run.
    static func pattern(_ phrase: String) -> String {
        let first = phrase.unicodeScalars.first.map(SearchText.isCJK) ?? false
        let last = phrase.unicodeScalars.last.map(SearchText.isCJK) ?? false
        return (first ? "%" : "% ") + phrase + (last ? "%" : " %")
    }
}
