import Foundation
import Logging
import MariaDB

extension PhotoRegistry {
    /// Another host removed, withdrew or reinstated the file `file` (a display file or a
    /// thumbnail; the change log says which it did): brings this host's copy in step with what
    /// the database says *now*, under the same row locks every writer and deleter of the file
    /// takes. The logged action is only the reason to look: a replay that arrives after the
    /// photo was stored again (or hidden, or restored) must not undo that.
    ///
    /// - no photo row names the file (as display or thumbnail): nothing uses it, the copy goes
    ///   (kept while a backup holds deletion; the collector's stray sweep takes it after);
    /// - a row that is not withdrawn names it: it is served (a withdrawn copy moves back);
    /// - only withdrawn rows name it: it is withdrawn.
    ///
    /// A writer storing the photo anew on another host inserts its row before it writes or
    /// copies a file, so either that insert waits for these locks (and the writer then writes
    /// the files again, missing here) or these reads wait for the writer's commit and see its row.
    static func follow(_ conn: Transaction, file sha: [UInt8], files: PhotoFiles) throws -> PhotoSettlement {
        // Two lookups, each by its own index, so only these rows (and the gap where the
        // display row would be) are locked.
        let rows = try conn.query("SELECT withdrawn_at FROM photos WHERE sha256 = \(sha) FOR UPDATE")
            + conn.query("SELECT withdrawn_at FROM photos WHERE thumb_sha256 = \(sha) FOR UPDATE")
        let withdrawn = try rows.map { try $0.decode("withdrawn_at", as: Date?.self) != nil }
        if withdrawn.isEmpty {
            guard try !deletionHeld(conn) else { return .unchanged }
            try files.remove(sha)
            return .removed
        }
        if withdrawn.contains(false) {
            try files.reinstate(sha)
            return .reinstated
        }
        try files.withdraw(sha)
        return .withdrawn
    }

    /// `follow` for one file in a short transaction of its own; throws when the database or
    /// the file system would not let it finish (the follower tries again).
    @discardableResult
    func follow(file sha: [UInt8]) throws -> PhotoSettlement {
        try database.transaction { try Self.follow($0, file: sha, files: files) }
    }
}
