import Foundation
import MariaDB

/// What settling a photo did.
enum PhotoSettlement: Equatable {
    case unchanged, removed, withdrawn, reinstated
}

extension PhotoRegistry {
    /// Whether a photo must be served: a post viewers may see uses it (not deleted, not hidden;
    /// an expired one too, which its poster sees and may repost) or a pending upload does.
    /// Locking reads, as in `isUsed`.
    static func isShown(_ conn: Transaction, _ sha: [UInt8]) throws -> Bool {
        let posted = try !conn.query("""
            SELECT 1 FROM post_images pi JOIN posts p ON p.id = pi.post_id
            WHERE pi.image_sha256 = \(sha) AND p.deleted_at IS NULL AND p.hidden_at IS NULL LIMIT 1 LOCK IN SHARE MODE
            """).isEmpty
        if posted { return true }
        return try !conn.query("SELECT 1 FROM uploads WHERE sha256 = \(sha) LIMIT 1 LOCK IN SHARE MODE").isEmpty
    }

    /// Under the photo's row lock (the caller's): a photo used only by hidden posts is
    /// withdrawn (its files moved out of the served tree, `photos.withdrawn_at` set; the
    /// thumbnail stays while another served photo shares it); a withdrawn one that is shown
    /// again is reinstated. Reversible both ways; nginx answers 404 while it is withdrawn.
    /// Other hosts do the same to their copies (the change log).
    static func settleServing(_ conn: Transaction, _ sha: [UInt8], thumb: [UInt8], withdrawn: Bool,
                              files: PhotoFiles) throws -> PhotoSettlement {
        let shown = try isShown(conn, sha)
        if shown && withdrawn {
            for file in [sha, thumb] {
                try files.reinstate(file)
                try files.changeLog.record(photo: file, .reinstate, on: conn)
            }
            _ = try conn.execute("UPDATE photos SET withdrawn_at = NULL WHERE sha256 = \(sha)")
            return .reinstated
        }
        if !shown && !withdrawn {
            let thumbServed = try !conn.query("""
                SELECT 1 FROM photos WHERE thumb_sha256 = \(thumb) AND sha256 <> \(sha) AND withdrawn_at IS NULL
                LIMIT 1 LOCK IN SHARE MODE
                """).isEmpty
            _ = try conn.execute("UPDATE photos SET withdrawn_at = UTC_TIMESTAMP(6) WHERE sha256 = \(sha)")
            for file in thumbServed ? [sha] : [sha, thumb] {
                try files.withdraw(file)
                try files.changeLog.record(photo: file, .withdraw, on: conn)
            }
            return .withdrawn
        }
        return .unchanged
    }
}
