import ArgumentParser
import Corkboard
import Foundation
import MariaDB

/// `corkboard gc-photos`: deletes photo files that no live post and no pending upload uses.
struct GCPhotosCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc-photos",
        abstract: "Delete photo files no post references (safe to run at any time).",
        discussion: """
            Deletes expired uploads, then every photo (display file and thumbnail) that no live post \
            references, no upload holds, and that was last used more than `photo_gc_grace` seconds ago; \
            then stray and temporary files under images_root older than that. Photos of deleted posts \
            (and of deleted accounts' posts) are unreferenced. Prints a JSON report. Photos normally go \
            the moment their last use does; this is the safety net. With --every it runs until stopped \
            (the dev and test stacks); production runs it from corkboard-gc-photos.timer.
            """)

    @OptionGroup var options: GlobalOptions

    @Option(help: "Override photo_gc_grace, in seconds (tests; keep it longer than any request).")
    var grace: Int?

    @Option(help: "Run again every SECONDS until stopped (SIGTERM); a failed run is logged, not fatal.")
    var every: Int?

    func run() throws {
        let (config, logger, database) = options.database(label: "corkboard.gc-photos")
        defer { database.close() }
        let collector = PhotoCollector(database: database, files: config.photoFiles,
                                       grace: TimeInterval(grace ?? config.posts.photoGCGrace), logger: logger)
        guard let every else {
            try report(collector.run())
            return
        }
        while true {
            do { try report(collector.run()) } catch { logger.error("gc-photos run failed", metadata: ["error": "\(error)"]) }
            sleep(UInt32(max(1, every)))
        }
    }

    private func report(_ report: PhotoCollector.Report) throws {
        FileHandle.standardOutput.write(try JSONResponse.encoder.encode(report) + Data("\n".utf8))
    }
}
