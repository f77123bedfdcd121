import Foundation
import Logging
import MariaDB

/// The photos one request stores, inside the transaction that uses them, and the undo of
/// exactly what it created when that transaction fails.
///
/// `store` registers the photo first (an upsert of its `photos` row, which takes the row lock
/// until the transaction ends) and only then writes its files, creating only those that are
/// missing. So, while the lock is held:
/// - a file that existed before (another post's identical photo) is never this request's to
///   remove, and is never removed under it: every deleter (`PhotoRegistry.removeIfUnused`, the
///   collector) decides under the same row lock;
/// - a file this request created is known to nobody else yet, so `undo` may remove it, and
///   must do so *before* the rollback releases the lock (afterwards a concurrent writer of the
///   same photo could find the file, skip writing it, and commit a reference to a file we then
///   delete). The row this request inserted goes with the rollback; a row that already existed
///   only loses its `last_used_at` refresh.
struct PhotoWrites {
    let files: PhotoFiles
    private(set) var created: [[UInt8]] = []

    init(files: PhotoFiles) { self.files = files }

    /// Runs `body` (called inside the caller's transaction) and undoes the files it created
    /// when it throws, before that transaction rolls back.
    static func undoing<T>(files: PhotoFiles, _ body: (inout PhotoWrites) throws -> T) throws -> T {
        var writes = PhotoWrites(files: files)
        do {
            return try body(&writes)
        } catch {
            writes.undo()
            throw error
        }
    }

    /// Registers `photo` (locking its row), writes whichever of its two files is missing, and
    /// copies both to a peer host when there are peers.
    mutating func store(_ photo: ProcessedPhoto, on conn: Transaction) throws {
        _ = try conn.execute("""
            INSERT INTO photos (sha256, thumb_sha256, width, height, bytes)
            VALUES (\(photo.sha256), \(photo.thumbSHA256), \(photo.width), \(photo.height), \(photo.display.count))
            ON DUPLICATE KEY UPDATE last_used_at = CURRENT_TIMESTAMP(6)
            """)
        do {
            if try files.write(photo.display, sha256: photo.sha256) { created.append(photo.sha256) }
            if try files.write(photo.thumb, sha256: photo.thumbSHA256) { created.append(photo.thumbSHA256) }
        } catch let error as PhotoFileError where error.isOutOfSpace {
            // The poster is told to come back later (their form refilled); operators read why.
            Logger(label: "corkboard.photos").critical("images folder full: photo not stored", metadata: ["error": "\(error)"])
            throw HTTPError.storageFull()
        }
        // A second host has both files before the transaction commits (and the client hears
        // of it); the peer's copy of a rolled-back write has no row, so its collector sweeps it.
        do {
            try files.peers.push(photo.display, sha256: photo.sha256)
            try files.peers.push(photo.thumb, sha256: photo.thumbSHA256)
        } catch let error as PhotoPeerError {
            // Every other host is down or unreachable: a photo on one disk only is not kept.
            Logger(label: "corkboard.photos").error("no peer host took a copy: photo not stored", metadata: ["error": "\(error)"])
            throw HTTPError.noSecondCopy()
        }
    }

    /// Removes the files this request created (best effort: a file left behind has no row and
    /// the collector's stray sweep takes it).
    mutating func undo() {
        for sha in created { try? files.remove(sha) }
        created = []
    }
}
