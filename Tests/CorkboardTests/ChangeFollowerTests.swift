import Foundation
import Logging
import MariaDB
import Testing
@testable import Corkboard

/// The change log as another host follows it (`ChangeFollower`): the in-process app is host
/// "a" (`host_id`), and host "b" is a follower with photo files of its own, against the same
/// scratch database, as two hosts of the cluster share the primary.
@Suite struct ChangeFollowerTests {
    let v = PostVisibilityTests()

    /// Host a: the harness app's own visibility (its worker cache) on a seeded city.
    func hostA(_ h: AppHarness) throws -> PostVisibilityTests.Scratch {
        let db = h.app.database
        let ids = try db.readPrimary("""
            SELECT (SELECT MIN(id) FROM cities) AS city, (SELECT MIN(id) FROM categories) AS category
            """).first!
        return PostVisibilityTests.Scratch(database: db, files: h.app.config.photoFiles, cache: h.app.hotPosts,
                                           visibility: h.app.visibility, userID: try h.loggedInUser().id,
                                           cityID: try ids.decode("city"), categoryID: try ids.decode("category"))
    }

    /// A follower for host `name`, with an images root of its own (the caller removes it).
    func follower(_ h: AppHarness, host name: String, table: GenerationTable = LocalGenerationTable()) throws -> ChangeFollower {
        let files = PhotoFiles(root: h.imagesRoot + "-" + name, changeLog: ChangeLog(origin: name))
        try FileManager.default.createDirectory(atPath: files.root, withIntermediateDirectories: true)
        return ChangeFollower(config: h.app.config.database, table: table, files: files, interval: 1, logger: h.logger)
    }

    /// What the peer push gives host b: its copy of both files of `photo`.
    func copy(_ photo: ProcessedPhoto, to f: ChangeFollower) throws {
        try f.files.write(photo.display, sha256: photo.sha256)
        try f.files.write(photo.thumb, sha256: photo.thumbSHA256)
    }

    @Test func aLateRemoveDoesNotDeleteAPhotoStoredAgain() throws {
        let h = try AppHarness(settings: ["host_id": "a"])
        let a = try hostA(h), b = try follower(h, host: "b")
        defer { try? FileManager.default.removeItem(atPath: b.files.root) }
        let photo = v.photo("stored again")
        let first = try v.post(a, [photo])
        try copy(photo, to: b)
        try v.delete(a, first)          // a removes the files and the row, and logs "remove" for both
        #expect(!a.files.exists(photo.sha256))
        let again = try v.post(a, [photo])   // the same bytes stored anew, before b's next poll
        try copy(photo, to: b)
        try b.poll()
        #expect(b.files.exists(photo.sha256) && b.files.exists(photo.thumbSHA256),
                "b replayed a remove the database no longer agrees with and lost the live photo")
        #expect(a.files.exists(photo.sha256))

        // A remove the database agrees with still reaches b.
        try v.delete(a, again)
        try b.poll()
        #expect(!b.files.exists(photo.sha256) && !b.files.exists(photo.thumbSHA256))
    }

    @Test func hidingAndRestoringReachTheOtherHostsCopy() throws {
        let h = try AppHarness(settings: ["host_id": "a"])
        let a = try hostA(h), b = try follower(h, host: "b")
        defer {
            for root in [b.files.root, b.files.withdrawnRoot, a.files.withdrawnRoot] { try? FileManager.default.removeItem(atPath: root) }
        }
        let photo = v.photo("hidden then shown")
        let id = try v.post(a, [photo])
        try copy(photo, to: b)
        try a.visibility.change { try $0.hide(posts: [id], reason: .reports) }
        try b.poll()
        #expect(!b.files.exists(photo.sha256) && FileManager.default.fileExists(atPath: b.files.withdrawnPath(photo.sha256)))
        try a.visibility.change { try $0.restore(posts: [id]) }
        try b.poll()
        #expect(b.files.exists(photo.sha256) && b.files.exists(photo.thumbSHA256))
    }

    /// The log is written only where a follower reads it: on a site of several hosts.
    @Test func aSingleHostWritesNoChangeLog() throws {
        let single = try AppHarness()
        let several = try AppHarness.attach(to: single, settings: ["host_id": "a"])
        var logged: [Int64] = []
        for h in [single, several] {
            let s = try hostA(h)
            let id = try v.post(s, [v.photo("logged? \(h.settings["host_id"] ?? "no")")])
            try s.visibility.change { try $0.hide(posts: [id], reason: .reports) }
            try v.delete(s, id)
            logged.append(try s.database.readPrimary("SELECT COUNT(*) AS n FROM cluster_changes").first!.decode("n"))
        }
        #expect(logged[0] == 0, "one host: nobody reads the log")
        #expect(logged[1] >= 6, "several: post and city rows of the hide and the delete, and the photo's files")
    }

    @Test func aHostSkipsTheChangesItMadeItselfAndReplaysOthers() throws {
        let h = try AppHarness(settings: ["host_id": "a"])
        let a = try hostA(h)
        let id = try v.post(a, [])
        let selfTable = LocalGenerationTable(), otherTable = LocalGenerationTable()
        let ownFollower = try follower(h, host: "a", table: selfTable), other = try follower(h, host: "b", table: otherTable)
        defer { for f in [ownFollower, other] { try? FileManager.default.removeItem(atPath: f.files.root) } }
        try ownFollower.poll(); try other.poll()   // the creation
        try a.visibility.change { try $0.hide(posts: [id], reason: .reports) }   // a worker of a: a's table is bumped
        #expect(try ownFollower.poll() == 0, "a replayed its own change: every worker of a misses twice")
        #expect(selfTable.generation(of: id) == 0 && selfTable.generation(ofCity: a.cityID) == 0)
        #expect(try other.poll() >= 2, "b bumps the post and its city")
        #expect(otherTable.generation(of: id) > 0 && otherTable.generation(ofCity: a.cityID) > 0)

        // A change that bumped no table (the command line's) has no origin: a replays it too.
        let cli = PostVisibility(database: a.database, files: a.files, cache: nil, logger: h.logger)
        try cli.change { try $0.restore(posts: [id]) }
        #expect(try ownFollower.poll() >= 1)
        #expect(selfTable.generation(of: id) > 0)
        let origins = try a.database.readPrimary("SELECT DISTINCT origin FROM cluster_changes WHERE post_id = \(id) ORDER BY origin")
            .map { try $0.decode("origin", as: String?.self) }
        #expect(origins == [nil, "a"])
    }
}
