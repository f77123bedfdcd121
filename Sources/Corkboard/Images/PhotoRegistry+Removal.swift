import Foundation
import Logging
import MariaDB

extension PhotoRegistry {
    /// What uses a photo and keeps it stored and served: a post that is not deleted (a live
    /// one, or the poster's own expired one, which "my posts" shows and a repost reuses) or an
    /// upload row (a pending upload). Locking reads, so they see what committed before the
    /// caller took the photo's row lock, not the transaction's snapshot.
    static func isUsed(_ conn: Transaction, _ sha: [UInt8]) throws -> Bool {
        let posted = try !conn.query("""
            SELECT 1 FROM post_images pi JOIN posts p ON p.id = pi.post_id
            WHERE pi.image_sha256 = \(sha) AND p.deleted_at IS NULL LIMIT 1 LOCK IN SHARE MODE
            """).isEmpty
        if posted { return true }
        return try !conn.query("SELECT 1 FROM uploads WHERE sha256 = \(sha) LIMIT 1 LOCK IN SHARE MODE").isEmpty
    }

    /// True while a backup holds photo deletion (sql/0016): the photo is kept, and the collector
    /// removes it after the backup. A share lock, so a backup's hold waits for this deleter.
    static func deletionHeld(_ conn: Transaction) throws -> Bool {
        try !conn.query("SELECT 1 FROM photo_deletion_holds WHERE expires_at > UTC_TIMESTAMP(6) LIMIT 1 LOCK IN SHARE MODE").isEmpty
    }

    /// Inside a transaction: locks the photo's row and, when nothing uses it (and, with
    /// `lastUsedBefore`, it was last used before that time), deletes its files — the display
    /// file, and the thumbnail unless another photo shares it — then its row. Files go first,
    /// still under the lock: from this moment nginx answers 404 for them. True when removed.
    static func removeIfUnused(_ conn: Transaction, _ sha: [UInt8], files: PhotoFiles,
                               lastUsedBefore cutoff: Date? = nil) throws -> Bool {
        guard let row = try lockRow(conn, sha) else { return false }
        if let cutoff, row.lastUsed >= cutoff { return false }
        guard try !isUsed(conn, sha) else { return false }
        return try remove(conn, sha, thumb: row.thumb, files: files)
    }

    /// The photo's row, locked: its thumbnail, last use and whether it is withdrawn.
    static func lockRow(_ conn: Transaction, _ sha: [UInt8]) throws -> (thumb: [UInt8], lastUsed: Date, withdrawn: Bool)? {
        guard let row = try conn.query("SELECT thumb_sha256, last_used_at, withdrawn_at FROM photos WHERE sha256 = \(sha) FOR UPDATE").first
        else { return nil }
        return (try row.decode("thumb_sha256"), try row.decode("last_used_at"), try row.decode("withdrawn_at", as: Date?.self) != nil)
    }

    /// The one place a photo's files and row are deleted; not while a backup holds deletion
    /// (the collector removes it after). True when removed.
    private static func remove(_ conn: Transaction, _ sha: [UInt8], thumb: [UInt8], files: PhotoFiles) throws -> Bool {
        guard try !deletionHeld(conn) else { return false }
        let thumbShared = try !conn.query("""
            SELECT 1 FROM photos WHERE thumb_sha256 = \(thumb) AND sha256 <> \(sha) LIMIT 1 LOCK IN SHARE MODE
            """).isEmpty
        for file in thumbShared ? [sha] : [sha, thumb] {
            try files.remove(file)
            try files.changeLog.record(photo: file, .remove, on: conn)   // every other host's copy
        }
        _ = try conn.execute("DELETE FROM photos WHERE sha256 = \(sha)")
        return true
    }

    /// Under one lock, brings a photo in step with its uses: removed when nothing uses it,
    /// withdrawn when only hidden posts do, served again when a visible post or an upload does.
    static func settle(_ conn: Transaction, _ sha: [UInt8], files: PhotoFiles) throws -> PhotoSettlement {
        guard let row = try lockRow(conn, sha) else { return .unchanged }
        guard try isUsed(conn, sha) else {
            return try remove(conn, sha, thumb: row.thumb, files: files) ? .removed : .unchanged
        }
        return try settleServing(conn, sha, thumb: row.thumb, withdrawn: row.withdrawn, files: files)
    }

    /// After a change committed that took uses away from `shas` or hid or restored the posts
    /// using them: settles each one (`settle`), one short transaction each, in hash order. A
    /// failure is logged and left to the collector. Returns how many were removed.
    @discardableResult
    func release(_ shas: some Sequence<[UInt8]>, logger: Logger) -> Int {
        var removed = 0
        for sha in Set(shas).sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            do {
                let outcome = try database.transaction { try Self.settle($0, sha, files: files) }
                if outcome == .removed { removed += 1 }
            } catch {
                logger.error("photo left for gc-photos", metadata: ["photo": "\(Crypto.hex(sha))", "error": "\(String(reflecting: error))"])
            }
        }
        return removed
    }
}
