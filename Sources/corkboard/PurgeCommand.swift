import ArgumentParser
import Corkboard
import Foundation
import MariaDB

/// `corkboard purge-old-posts`: the hourly purge (corkboard-purge.timer), also started by an
/// admin's `DELETE /api/old_posts` (with `--run`, the run that request queued).
struct PurgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge-old-posts",
        abstract: "Delete posts past the retention, expired sessions and tokens, and unused photo files.",
        discussion: """
            Deletes posts created more than `purge_retention_days` ago in batches of `purge_batch_size` \
            (waiting while a replica lags more than `purge_max_lag` seconds), then expired sessions, spent \
            or expired account tokens and old log-in failures; prunes the search index; then runs the photo \
            collector, which removes the files no post uses any more. One run at a time across the site: \
            a second run records itself as skipped and exits 0. Prints the run's record as JSON.
            """)

    @OptionGroup var options: GlobalOptions

    @Option(name: .customLong("run"), help: ArgumentHelp("Carry out the run DELETE /api/old_posts queued.", visibility: .hidden))
    var runID: Int64?

    @Option(help: "Override purge_batch_size (posts per transaction).")
    var batch: Int?

    @Option(help: ArgumentHelp("Test hook (test_hooks = true only): fail after this many batches.", visibility: .hidden))
    var failAfterBatches: Int?

    func run() throws {
        let (config, logger, database) = options.database(label: "corkboard.purge")
        defer { database.close() }
        if let batch, batch < 1 { throw ValidationError("--batch must be at least 1") }
        var purge = OldPostPurge(database: database, config: config, logger: logger)
        purge.failAfterBatches = failAfterBatches
        let id: Int64
        var failed = false
        do {
            switch try purge.run(runID: runID, batchSize: batch) {
            case .finished(let runID): id = runID
            case .skipped(let runID, _): id = runID
            }
        } catch let error as PurgeError {
            guard let runID = error.runID else { throw error }
            id = runID
            failed = true
        }
        if let record = try PurgeRuns(database: database).find(id) {
            print(String(decoding: try JSONResponse.encoder.encode(record), as: UTF8.self))
        }
        if failed { throw ExitCode(1) }
    }
}
