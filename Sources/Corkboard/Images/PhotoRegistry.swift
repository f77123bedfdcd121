import Foundation
import Logging
import MariaDB

/// The `photos` and `uploads` tables: which stored photos exist, who uploaded which, and the
/// row lock that orders every writer and deleter of one photo's files.
///
/// The protocol: every decision about a photo's files is taken under its `photos` row lock,
/// inside a transaction. A writer registers the photo (upsert, which locks the row) and writes
/// the missing files in the transaction that references it (`PhotoWrites`); a request that
/// reuses a stored photo locks its row (`lock`) in the transaction that references it. A
/// deleter (`removeIfUnused`, run right after a post stops using the photo, and the collector)
/// locks the row, and removes the files and the row only when, seen through locking reads, no
/// post that is not deleted and no upload uses it. So the two are ordered: either the deleter
/// goes first (the row is gone: a writer with the bytes registers and writes them anew, a reuse
/// by id is refused as unknown) or the writer does (the deleter sees its committed reference and
/// keeps the files). The collector's grace period (`last_used_at`) is a second guard for
/// anything outside this protocol, such as a worker of an older release during an upgrade.
public struct PhotoRegistry {
    let database: Database
    let files: PhotoFiles

    public init(database: Database, files: PhotoFiles) {
        self.database = database
        self.files = files
    }

    /// Stores a photo uploaded on its own (`POST /api/photos`) as a pending upload of `userID`,
    /// usable in a post until it expires: the row, the files and the upload in one transaction,
    /// the files it created removed again if that transaction fails.
    public func storeUpload(_ photo: ProcessedPhoto, userID: Int64, expiresIn seconds: Int) throws {
        let expires = Date().addingTimeInterval(TimeInterval(seconds))
        try database.transaction { conn in
            try PhotoWrites.undoing(files: files) { writes in
                try writes.store(photo, on: conn)
                _ = try conn.execute("INSERT INTO uploads (user_id, sha256, expires_at) VALUES (\(userID), \(photo.sha256), \(expires))")
            }
        }
    }

    /// Inside the transaction that references `shas`: locks their rows and refreshes
    /// `last_used_at`; returns the stored photos by hash (a missing one is not in the result).
    public static func lock(_ conn: Transaction, _ shas: [[UInt8]]) throws -> [[UInt8]: PhotoRef] {
        guard !shas.isEmpty else { return [:] }
        let unique = Array(Set(shas))
        _ = try conn.execute("UPDATE photos SET last_used_at = CURRENT_TIMESTAMP(6) WHERE sha256 IN \(SQL.list(unique))")
        var out: [[UInt8]: PhotoRef] = [:]
        for row in try conn.query("""
            SELECT sha256, thumb_sha256, width, height FROM photos WHERE sha256 IN \(SQL.list(unique)) FOR UPDATE
            """) {
            let ref = try PhotoRef(row: row)
            out[ref.sha256] = ref
        }
        return out
    }

    /// Inside a post's transaction: spends `userID`'s unexpired upload of `sha256`; false when
    /// there is none (never uploaded by this user, already used, or expired).
    public static func claimUpload(_ conn: Transaction, userID: Int64, sha256: [UInt8]) throws -> Bool {
        try conn.execute("""
            DELETE FROM uploads WHERE user_id = \(userID) AND sha256 = \(sha256) AND expires_at > CURRENT_TIMESTAMP(6)
            ORDER BY id LIMIT 1
            """).affectedRows == 1
    }
}

/// A photo in API responses; `id` is what a post's `photos` list refers to.
public struct PhotoJSON: Codable, Sendable {
    public var id: String
    public var url: String
    public var thumb_url: String
    public var width: Int
    public var height: Int
}
