import Foundation
import Logging
import MariaDB
import Testing
@testable import Corkboard

/// A backup's photo-deletion hold (sql/0016): while one is live, neither the release after a
/// delete nor the collector removes a photo; once it is gone the collector does.
@Suite struct PhotoDeletionHoldTests {
    @Test func aLiveHoldKeepsReleasedPhotosUntilTheCollectorRunsAfterIt() throws {
        let v = PostVisibilityTests()
        try v.withScratch { s in
            let gone = v.photo("held")
            let id = try v.post(s, [gone])
            try s.database.write("""
                INSERT INTO photo_deletion_holds (holder, started_at, expires_at)
                VALUES ('test backup', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) + INTERVAL 1 HOUR)
                """)
            try v.delete(s, id)
            #expect(s.files.exists(gone.sha256) && s.files.exists(gone.thumbSHA256), "kept while the backup runs")
            let collector = PhotoCollector(database: s.database, files: s.files, grace: 0, logger: Logger(label: "test"))
            _ = try collector.run(now: Date().addingTimeInterval(60))
            #expect(s.files.exists(gone.sha256), "the collector waits for the hold too")
            #expect(try v.rows(s, gone) == 1)

            // An expired hold (its backup died) holds nothing.
            try s.database.write("UPDATE photo_deletion_holds SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND")
            _ = try collector.run(now: Date().addingTimeInterval(60))
            #expect(!s.files.exists(gone.sha256) && !s.files.exists(gone.thumbSHA256))
            #expect(try v.rows(s, gone) == 0)
        }
    }
}
