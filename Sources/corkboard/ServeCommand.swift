import ArgumentParser
import Corkboard
import FastCGI
import Foundation

/// `corkboard serve`: the pool master.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the FastCGI responder pool (the master and its workers) in the foreground.",
        discussion: """
            The master binds the socket named by `listen` (unix:/path with socket_mode/owner/group, \
            tcp:HOST:PORT, or systemd for socket activation), starts `workers` worker processes that \
            share it, and supervises them: a worker that dies is restarted, one that served \
            `max_requests` is recycled, one stuck past `request_timeout` is killed. \
            SIGHUP restarts the workers one by one without failing a request (and picks up a new \
            binary and configuration); SIGTERM lets in-flight requests finish, then exits.
            """)

    @OptionGroup var options: GlobalOptions

    @Option(help: "Override the number of workers.")
    var workers: Int?

    @Option(help: ArgumentHelp("Run this program as each worker instead of Corkboard (benchmark ceilings).", visibility: .hidden))
    var workerCommand: String?

    func run() throws {
        var (config, logger) = options.load(label: "corkboard.master")
        if let workers { config.pool.workers = workers }
        var worker = [Self.executablePath(), "worker"]
        if let path = options.config { worker += ["--config", path] }
        config.pool.workerCommand = workerCommand.map { [$0] } ?? worker
        if let path = config.metrics.boardPath(config.metrics.poolName) {
            // Every process of the host writes its counters file here (see MetricsConfig).
            try? FileManager.default.createDirectory(atPath: config.metrics.directory, withIntermediateDirectories: true,
                                                     attributes: [.posixPermissions: 0o750])
            config.pool.scoreboardPath = path
        }
        logger.info("starting pool", metadata: ["listen": "\(config.pool.listen)", "workers": "\(config.pool.workers)"])
        let master = PoolMaster(config: config.pool, logger: logger)
        if config.hostID != nil {
            // A site of several hosts: their changes reach this host's generation table and
            // photo files (ChangeFollower).
            let (database, files, interval) = (config.database, config.photoFiles, config.cache.followInterval)
            master.onStart = { board in
                ChangeFollower(config: database, table: SharedGenerationTable(board: board), files: files,
                               interval: interval, logger: logger).start()
            }
        }
        let code: Int32
        do {
            code = try master.run()
        } catch {
            logger.critical("pool failed", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        throw ExitCode(code)
    }

    /// The path this binary was started from, so a rolling restart runs the binary now at that
    /// path (a deploy replaces it, then SIGHUP).
    static func executablePath() -> String {
        let arg0 = CommandLine.arguments[0]
        if arg0.contains("/") {
            return URL(fileURLWithPath: arg0).standardizedFileURL.path
        }
        return (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? arg0
    }
}

/// `corkboard worker`: one worker process; the master starts these with the socket as fd 0.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Serve FastCGI requests on fd 0 (started by `corkboard serve`, not by hand).",
        shouldDisplay: false)

    @OptionGroup var options: GlobalOptions

    func run() throws {
        let (config, logger) = options.load(label: "corkboard.worker")
        let worker = FastCGIWorker(maxRequests: config.pool.maxRequests, logger: logger)
        let app = CorkboardApp(config: config, logger: logger, scoreboard: worker.scoreboard)
        throw ExitCode(worker.run(responder: app))
    }
}
