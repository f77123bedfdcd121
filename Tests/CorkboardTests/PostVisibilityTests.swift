import Foundation
import Logging
import MariaDB
import Testing
@testable import Corkboard

/// `PostVisibility` and the photo protocol against a migrated scratch database on the test
/// primary (the environment of `MigratorTests`) and a temporary images root: what a failed
/// change leaves, what a delete releases, and what it tells the cache and the search index.
@Suite struct PostVisibilityTests {
    /// A migrated scratch database, an images root, and a `PostVisibility` with a local cache.
    struct Scratch {
        let database: Database
        let files: PhotoFiles
        let cache: HotPostCache
        let visibility: PostVisibility
        let userID: Int64
        let cityID: Int64
        let categoryID: Int64
    }

    /// `MigratorTests`' scratch database (migrated here) and temp directory (the images root).
    func withScratch(_ body: (Scratch) throws -> Void) throws {
        let sqlDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("sql")
        try MigratorTests().withScratch { config, root in
            _ = try Migrator(config: config, directory: sqlDir).migrate()
            let database = Database(config: config)
            defer { database.close() }
            let ids: (Int64, Int64, Int64) = try database.transaction { c in
                (Int64(try c.execute("INSERT INTO users (email, password_hash) VALUES ('a@example.com', 'x')").lastInsertID),
                 Int64(try c.execute("INSERT INTO cities (slug, name, time_zone, currency) VALUES ('lisbon', 'Lisbon', 'UTC', 'EUR')").lastInsertID),
                 Int64(try c.execute("INSERT INTO categories (slug, name) VALUES ('bikes', 'Bikes')").lastInsertID))
            }
            let files = PhotoFiles(root: root.path)
            let cache = HotPostCache(maxEntries: 10, maxBytes: 1 << 20, ttl: 60, generations: LocalGenerationTable())
            try body(Scratch(database: database, files: files, cache: cache,
                             visibility: PostVisibility(database: database, files: files, cache: cache, logger: Logger(label: "test")),
                             userID: ids.0, cityID: ids.1, categoryID: ids.2))
        }
    }

    /// A "processed" photo made of marker bytes (the protocol never looks inside).
    func photo(_ seed: String) -> ProcessedPhoto {
        let display = Array("display \(seed)".utf8), thumb = Array("thumb \(seed)".utf8)
        return ProcessedPhoto(display: display, thumb: thumb, sha256: Crypto.sha256(display),
                              thumbSHA256: Crypto.sha256(thumb), width: 4, height: 3)
    }

    func rows(_ s: Scratch, _ p: ProcessedPhoto) throws -> Int64 {
        try s.database.readPrimary("SELECT COUNT(*) AS n FROM photos WHERE sha256 = \(p.sha256)").first!.decode("n")
    }

    /// A live post of the scratch user using `photos`, made through the choke point.
    func post(_ s: Scratch, _ photos: [ProcessedPhoto]) throws -> Int64 {
        try s.visibility.change { change in
            for p in photos { try change.store(p) }
            let id = Int64(try change.conn.execute("""
                INSERT INTO posts (user_id, city_id, category_id, title, description)
                VALUES (\(s.userID), \(s.cityID), \(s.categoryID), 'Red bike', 'A red bike')
                """).lastInsertID)
            change.created(post: id)
            for (i, p) in photos.enumerated() {
                try change.conn.execute("""
                    INSERT INTO post_images (post_id, position, image_sha256, thumb_sha256, width, height)
                    VALUES (\(id), \(i), \(p.sha256), \(p.thumbSHA256), 4, 3)
                    """)
            }
            return id
        }
    }

    func delete(_ s: Scratch, _ id: Int64) throws {
        try s.visibility.change { change in
            try change.willChange(posts: [id])
            try change.conn.execute("UPDATE posts SET deleted_at = NOW(6) WHERE id = \(id)")
        }
    }

    struct Refused: Error {}

    @Test func failedChangeRemovesTheFilesItCreatedButNotOnesThatExisted() throws {
        try withScratch { s in
            let old = photo("old"), new = photo("new")
            _ = try post(s, [old])
            #expect(throws: Refused.self) {
                try s.visibility.change { change in
                    try change.store(old)
                    try change.store(new)
                    throw Refused()
                }
            }
            #expect(!s.files.exists(new.sha256) && !s.files.exists(new.thumbSHA256))
            #expect(try rows(s, new) == 0)
            #expect(s.files.exists(old.sha256) && s.files.exists(old.thumbSHA256))
            #expect(try rows(s, old) == 1)
        }
    }

    @Test func deleteReleasesUnusedPhotosAtOnceAndKeepsUsedOnes() throws {
        try withScratch { s in
            let only = photo("only"), shared = photo("shared"), pending = photo("pending")
            let id = try post(s, [only, shared, pending])
            _ = try post(s, [shared])
            try PhotoRegistry(database: s.database, files: s.files).storeUpload(pending, userID: s.userID, expiresIn: 600)
            let generation = s.cache.generation(of: id)
            try delete(s, id)
            #expect(!s.files.exists(only.sha256) && !s.files.exists(only.thumbSHA256))
            #expect(try rows(s, only) == 0)
            for kept in [shared, pending] {
                #expect(s.files.exists(kept.sha256) && s.files.exists(kept.thumbSHA256))
                #expect(try rows(s, kept) == 1)
            }
            #expect(s.cache.generation(of: id) != generation, "every worker's copy of the post is dead")
        }
    }

    @Test func hidingWithdrawsPhotosOnlyHiddenPostsUseAndRestoringServesThemAgain() throws {
        try withScratch { s in
            defer { try? FileManager.default.removeItem(atPath: s.files.withdrawnRoot) }
            let own = photo("own"), shared = photo("shared-visible")
            let id = try post(s, [own, shared])
            _ = try post(s, [shared])
            let generation = s.cache.generation(of: id)
            try s.visibility.change { try $0.hide(posts: [id], reason: .reports) }
            #expect(s.cache.generation(of: id) != generation, "every worker drops the hidden post")
            #expect(!s.files.exists(own.sha256) && !s.files.exists(own.thumbSHA256), "nginx no longer finds them")
            #expect(FileManager.default.fileExists(atPath: s.files.withdrawnPath(own.sha256)), "kept aside, not deleted")
            #expect(try rows(s, own) == 1)
            #expect(s.files.exists(shared.sha256) && s.files.exists(shared.thumbSHA256), "a visible post shares it")
            #expect(try s.database.readPrimary("SELECT 1 FROM search_docs WHERE post_id = \(id)").isEmpty)

            try s.visibility.change { try $0.restore(posts: [id]) }
            #expect(s.files.exists(own.sha256) && s.files.exists(own.thumbSHA256), "served again")
            #expect(!FileManager.default.fileExists(atPath: s.files.withdrawnPath(own.sha256)))
            #expect(try s.database.readPrimary("SELECT withdrawn_at FROM photos WHERE sha256 = \(own.sha256)").first!
                .decode("withdrawn_at", as: Date?.self) == nil)
            #expect(!(try s.database.readPrimary("SELECT 1 FROM search_docs WHERE post_id = \(id)").isEmpty))

            // A release that was missed (hidden behind PostVisibility's back): the collector
            // withdraws; and a removal deletes the withdrawn files too.
            try s.database.write("UPDATE posts SET hidden_at = NOW(6), hidden_reason = 'reports' WHERE id = \(id)")
            let report = try PhotoCollector(database: s.database, files: s.files, grace: 3600, logger: Logger(label: "test")).run()
            #expect(report.withdrawn == 1 && !s.files.exists(own.sha256))
            try s.visibility.change { try $0.remove(posts: [id]) }
            #expect(try rows(s, own) == 0)
            #expect(!FileManager.default.fileExists(atPath: s.files.withdrawnPath(own.sha256)))
            #expect(s.files.exists(shared.sha256))
        }
    }

    @Test func theChangeKeepsTheSearchIndexInStep() throws {
        try withScratch { s in
            let id = try post(s, [])
            let docs = { try s.database.readPrimary("SELECT COUNT(*) AS n FROM search_docs WHERE post_id = \(id)").first!.decode("n", as: Int64.self) }
            #expect(try docs() == 1)
            try delete(s, id)
            #expect(try docs() == 0)
        }
    }

    @Test func changingAnExistingPostEmptiesItsCitysListsCreatingOneDoesNot() throws {
        try withScratch { s in
            let generations = s.cache.generations
            let id = try post(s, [])
            #expect(generations.generation(ofCity: s.cityID) == 0, "a new post only appears: no bump")
            try s.visibility.change { try $0.hide(posts: [id], reason: .reports) }
            let hidden = generations.generation(ofCity: s.cityID)
            #expect(hidden > 0)
            try delete(s, id)
            #expect(generations.generation(ofCity: s.cityID) > hidden)
            #expect(generations.generation(ofCity: s.cityID + 1) == 0, "other cities keep their lists")
        }
    }
}
