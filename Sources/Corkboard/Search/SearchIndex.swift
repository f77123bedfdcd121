import Foundation
import MariaDB

/// Keeps `search_terms` and `search_docs` in step with `posts`. Call `index(postID:on:)` after
/// creating or editing a post (or its photos) and `remove(postID:on:)` before deleting it,
/// inside the same transaction, so a search never sees a half-written post.
public enum SearchIndex {
    /// Rows per multi-row INSERT.
    static let insertBatch = 400

    /// (Re)writes the index rows of one post; a deleted, hidden, expired or missing post ends up unindexed.
    /// Also sets `posts.has_photos` from `post_images`.
    public static func index(postID: Int64, on conn: Transaction) throws {
        try index(postIDs: [postID], on: conn)
    }

    /// Removes a post's index rows (the terms are recomputed from its stored normalized text).
    public static func remove(postID: Int64, on conn: Transaction) throws {
        try remove(postIDs: [postID], on: conn)
    }

    /// Many posts at once: one read, batched deletes and inserts (reindex and seeding).
    public static func index(postIDs: [Int64], on conn: Transaction) throws {
        guard !postIDs.isEmpty else { return }
        try remove(postIDs: postIDs, on: conn)
        _ = try conn.execute("""
            UPDATE posts p SET p.has_photos = EXISTS (SELECT 1 FROM post_images i WHERE i.post_id = p.id)
            WHERE p.id IN \(SQL.list(postIDs))
            """)
        let rows = try conn.query("""
            SELECT id, city_id, created_at, category_id, neighbourhood_id, price_minor, has_photos, title, description
            FROM posts WHERE id IN \(SQL.list(postIDs)) AND deleted_at IS NULL AND hidden_at IS NULL
              AND created_at > \(Date().addingTimeInterval(-Post.visibleFor))
            """)
        var terms: [SQL] = []
        var docs: [SQL] = []
        for row in rows {
            let id: Int64 = try row.decode("id"), city: Int64 = try row.decode("city_id")
            let created: Date = try row.decode("created_at")
            let category: Int64 = try row.decode("category_id"), hood: Int64? = try row.decode("neighbourhood_id")
            let price: Int64? = try row.decode("price_minor"), photos: Bool = try row.decode("has_photos")
            let title: String = try row.decode("title"), description: String = try row.decode("description")
            let entry = Entry(title: title, description: description)
            for (term, inTitle) in entry.terms {
                terms.append("(\(city), \(SearchText.hash(term)), \(created), \(id), \(inTitle), \(category), \(hood), \(price), \(photos))")
            }
            docs.append("(\(id), \(city), \(created), \(entry.titleNorm), \(entry.textNorm))")
        }
        for chunk in stride(from: 0, to: terms.count, by: insertBatch) {
            let part = Array(terms[chunk..<min(chunk + insertBatch, terms.count)])
            _ = try conn.execute("""
                INSERT IGNORE INTO search_terms (city_id, term, created_at, post_id, in_title, category_id, neighbourhood_id,
                price_minor, has_photos) VALUES
                """ + SQL.joined(part, separator: ", "))
        }
        for chunk in stride(from: 0, to: docs.count, by: insertBatch) {
            let part = Array(docs[chunk..<min(chunk + insertBatch, docs.count)])
            _ = try conn.execute("INSERT INTO search_docs (post_id, city_id, created_at, title_norm, text_norm) VALUES "
                                 + SQL.joined(part, separator: ", "))
        }
    }

    public static func remove(postIDs: [Int64], on conn: Transaction) throws {
        guard !postIDs.isEmpty else { return }
        let docs = try conn.query("SELECT post_id, city_id, created_at, text_norm FROM search_docs WHERE post_id IN \(SQL.list(postIDs))")
        for doc in docs {
            let terms = SearchText.termSet(try doc.decode("text_norm", as: String.self)).map(SearchText.hash)
            guard !terms.isEmpty else { continue }
            let city: Int64 = try doc.decode("city_id"), created: Date = try doc.decode("created_at"), id: Int64 = try doc.decode("post_id")
            _ = try conn.execute("""
                DELETE FROM search_terms WHERE city_id = \(city) AND term IN \(SQL.list(terms))
                AND created_at = \(created) AND post_id = \(id)
                """)
        }
        _ = try conn.execute("DELETE FROM search_docs WHERE post_id IN \(SQL.list(postIDs))")
    }

    /// What one post puts in the index.
    public struct Entry {
        /// Normalized title and "title . description" (the phrase checks read these).
        public var titleNorm: String
        public var textNorm: String
        /// Each distinct term and whether it occurs in the title.
        public var terms: [(String, Bool)]

        public init(title: String, description: String) {
            titleNorm = SearchText.normalized(title)
            let body = SearchText.normalized(description)
            textNorm = body.isEmpty ? titleNorm : titleNorm + " . " + body
            let inTitle = SearchText.termSet(titleNorm)
            var all = inTitle.union(SearchText.termSet(body))
            if all.count > SearchText.maxTermsPerPost {
                all = inTitle.union(all.subtracting(inTitle).sorted().prefix(max(0, SearchText.maxTermsPerPost - inTitle.count)))
            }
            terms = all.sorted().map { ($0, inTitle.contains($0)) }
        }
    }
}
