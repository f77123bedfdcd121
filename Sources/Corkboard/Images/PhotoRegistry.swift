import Foundation
import Logging
import MariaDB

/// The `photos` and `uploads` tables: which stored photos exist, who uploaded which, and the
/// locking that keeps the collector from deleting a file a writer is about to reference.
///
/// The protocol: a writer upserts the photo's row (`last_used_at = now`, committed on its own)
/// *before* it writes the files, and locks the row again (`UPDATE … last_used_at`) inside the
/// transaction that references it. The collector deletes a file only inside a transaction that
/// holds that row's lock and sees no reference and an old `last_used_at`. So either the
/// collector goes first (and the writer, arriving after, writes the file anew) or the writer
/// does (and the collector sees a recent or referenced row and skips it).
public struct PhotoRegistry {
    let database: Database
    let files: PhotoFiles

    public init(database: Database, files: PhotoFiles) {
        self.database = database
        self.files = files
    }

    /// Registers a processed photo and writes its files (if not already there).
    public func store(_ photo: ProcessedPhoto) throws {
        try database.write("""
            INSERT INTO photos (sha256, thumb_sha256, width, height, bytes)
            VALUES (\(photo.sha256), \(photo.thumbSHA256), \(photo.width), \(photo.height), \(photo.display.count))
            ON DUPLICATE KEY UPDATE last_used_at = CURRENT_TIMESTAMP(6)
            """)
        try files.write(photo.display, sha256: photo.sha256)
        try files.write(photo.thumb, sha256: photo.thumbSHA256)
    }

    /// Records that `userID` uploaded `sha256` and may attach it to a post until it expires.
    public func recordUpload(userID: Int64, sha256: [UInt8], expiresIn seconds: Int) throws {
        let expires = Date().addingTimeInterval(TimeInterval(seconds))
        try database.write("INSERT INTO uploads (user_id, sha256, expires_at) VALUES (\(userID), \(sha256), \(expires))")
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

/// A stored photo as a post shows it.
public struct PhotoRef: Sendable, Codable, Equatable {
    public var sha256: [UInt8]
    public var thumbSHA256: [UInt8]
    public var width: Int
    public var height: Int

    public init(sha256: [UInt8], thumbSHA256: [UInt8], width: Int, height: Int) {
        self.sha256 = sha256
        self.thumbSHA256 = thumbSHA256
        self.width = width
        self.height = height
    }

    init(row: Row) throws {
        sha256 = try row.decode("sha256", as: [UInt8].self)
        thumbSHA256 = try row.decode("thumb_sha256", as: [UInt8].self)
        width = try row.decode("width", as: Int.self)
        height = try row.decode("height", as: Int.self)
    }

    public var id: String { Crypto.hex(sha256) }
    public var url: String { PhotoFiles.url(sha256) }
    public var thumbURL: String { PhotoFiles.url(thumbSHA256) }

    /// The API's view of a photo.
    public var json: PhotoJSON { PhotoJSON(id: id, url: url, thumb_url: thumbURL, width: width, height: height) }
}

/// A photo in API responses; `id` is what a post's `photos` list refers to.
public struct PhotoJSON: Codable, Sendable {
    public var id: String
    public var url: String
    public var thumb_url: String
    public var width: Int
    public var height: Int
}
