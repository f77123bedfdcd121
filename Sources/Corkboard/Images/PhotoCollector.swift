import Foundation
import Logging
import MariaDB

/// `corkboard gc-photos`: deletes photo files nothing needs any more. Safe to run at any time
/// and from several hosts at once.
///
/// It is the safety net: a photo normally goes the moment its last use does (`PostVisibility`
/// releases it right after the change commits). The collector catches what that missed (a
/// worker killed between the commit and the release, a release that failed) and expired
/// uploads. A photo is collected when nothing uses it (see `PhotoRegistry.isUsed`) and it was
/// last used longer ago than the grace period (`photo_gc_grace`, longer than any request).
/// Each photo is decided and deleted inside one transaction that holds its `photos` row lock
/// (see `PhotoRegistry` for the writer's side), files first, row second.
/// Then stray files — no `photos` row at all (a crash between write and registration cannot
/// happen, but a restored backup can) and temporary files — older than the grace period go too.
public struct PhotoCollector {
    let database: Database
    let files: PhotoFiles
    let grace: TimeInterval
    let logger: Logger

    public init(database: Database, files: PhotoFiles, grace: TimeInterval, logger: Logger) {
        self.database = database
        self.files = files
        self.grace = grace
        self.logger = logger
    }

    /// What one run did.
    public struct Report: Sendable, Codable {
        public var expiredUploads = 0
        public var photos = 0
        public var files = 0
        /// Photos withdrawn (used only by hidden posts) or served again, missed by a release.
        public var withdrawn = 0
        public var reinstated = 0
    }

    public func run(now: Date = Date()) throws -> Report {
        var report = Report()
        let cutoff = now.addingTimeInterval(-grace)
        // Expired uploads, in small batches.
        while true {
            let n = try database.write("DELETE FROM uploads WHERE expires_at <= \(now) LIMIT 500").affectedRows
            report.expiredUploads += Int(n)
            if n < 500 { break }
        }
        // Candidates (read without locks; each is re-checked under its lock).
        let candidates = try database.transaction { conn in
            try conn.query("""
                SELECT ph.sha256 FROM photos ph
                WHERE ph.last_used_at < \(cutoff)
                  AND NOT EXISTS (SELECT 1 FROM post_images pi JOIN posts p ON p.id = pi.post_id
                                  WHERE pi.image_sha256 = ph.sha256 AND p.deleted_at IS NULL)
                  AND NOT EXISTS (SELECT 1 FROM uploads u WHERE u.sha256 = ph.sha256)
                LIMIT 10000
                """).map { try $0.decode("sha256", as: [UInt8].self) }
        }
        for sha in candidates where try collect(sha, cutoff: cutoff) {
            report.photos += 1
        }
        try settleServing(&report)
        report.files = try sweepStrays(cutoff: cutoff)
        logger.info("gc-photos", metadata: ["expired_uploads": "\(report.expiredUploads)", "photos": "\(report.photos)",
                                            "stray_files": "\(report.files)", "withdrawn": "\(report.withdrawn)",
                                            "reinstated": "\(report.reinstated)"])
        return report
    }

    /// Photos served while only hidden posts use them, or withdrawn while a visible post or an
    /// upload uses them (a release that was missed): each settled under its lock. No grace
    /// period: withdrawing is undone by the next restore.
    private func settleServing(_ report: inout Report) throws {
        let shownUse: SQL = """
            (EXISTS (SELECT 1 FROM post_images pi JOIN posts p ON p.id = pi.post_id
                     WHERE pi.image_sha256 = ph.sha256 AND p.deleted_at IS NULL AND p.hidden_at IS NULL)
             OR EXISTS (SELECT 1 FROM uploads u WHERE u.sha256 = ph.sha256))
            """
        let candidates = try database.transaction { conn in
            try conn.query("""
                SELECT ph.sha256 FROM photos ph
                WHERE (ph.withdrawn_at IS NULL AND NOT
                """ + shownUse + """
                 AND EXISTS (SELECT 1 FROM post_images pi JOIN posts p ON p.id = pi.post_id
                             WHERE pi.image_sha256 = ph.sha256 AND p.deleted_at IS NULL))
                   OR (ph.withdrawn_at IS NOT NULL AND
                """ + shownUse + ") LIMIT 10000").map { try $0.decode("sha256", as: [UInt8].self) }
        }
        for sha in candidates {
            let outcome = try database.transaction { try PhotoRegistry.settle($0, sha, files: files) }
            switch outcome {
            case .withdrawn: report.withdrawn += 1
            case .reinstated: report.reinstated += 1
            case .removed: report.photos += 1
            case .unchanged: break
            }
        }
    }

    /// Deletes one photo's files and row if, under its lock, it is still unused and old.
    private func collect(_ sha: [UInt8], cutoff: Date) throws -> Bool {
        try database.transaction { try PhotoRegistry.removeIfUnused($0, sha, files: files, lastUsedBefore: cutoff) }
    }

    /// Files with no `photos` row (as display or thumbnail) and temporary files, older than the
    /// grace period. A file that has a row is the business of `collect`.
    private func sweepStrays(cutoff: Date) throws -> Int {
        var removed = 0
        for entry in files.entries() where entry.modified < cutoff {
            guard let sha = entry.sha256 else {
                if unlink(entry.path) == 0 { removed += 1 }
                continue
            }
            let gone = try database.transaction { conn -> Bool in
                // Locking reads: a writer registering this hash now waits for us (gap lock),
                // then finds the file missing and writes it again.
                let known = try !conn.query("SELECT 1 FROM photos WHERE sha256 = \(sha) FOR UPDATE").isEmpty
                    || !conn.query("SELECT 1 FROM photos WHERE thumb_sha256 = \(sha) LIMIT 1 LOCK IN SHARE MODE").isEmpty
                if try known || PhotoRegistry.deletionHeld(conn) { return false }
                return unlink(entry.path) == 0
            }
            if gone { removed += 1 }
        }
        return removed
    }
}
