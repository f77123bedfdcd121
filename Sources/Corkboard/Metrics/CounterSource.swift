import FastCGI
import Foundation

/// One process kind's counters as /metrics reads them: a pool's or the mailer's counters file,
/// or (outside a pool) this process's own counters.
struct CounterSource {
    /// The pool's name (`web`, `uploads`), or nil for a file without workers (the mailer).
    var pool: String?
    /// The 256 shared counters.
    var counters: [UInt64]
    /// Named rows (per route pattern).
    var rows: [String: [UInt64]]
    /// The pool's workers now; nil when its master is gone (its counts still count).
    var status: PoolStatus?
    /// Workers the pool is configured to run.
    var configuredWorkers: Int

    init(board: Scoreboard, name: String) {
        pool = board.slotCount > 0 ? name : nil
        counters = (0..<Scoreboard.counterCount).map { board.counter($0) }
        rows = board.namedRows()
        status = board.slotCount > 0 && board.masterAlive ? board.snapshot() : nil
        configuredWorkers = board.configuredWorkers
    }

    init(pool: String, counters: SharedCounters, requests: RequestMetrics) {
        self.pool = pool
        self.counters = (0..<Scoreboard.counterCount).map { counters.value($0) }
        rows = requests.localRows
        status = nil
        configuredWorkers = 1
    }

    /// Every source of the host: each `*.board` file in the metrics directory, else this
    /// process's own board (a pool without a directory), else its own counters.
    static func all(app: CorkboardApp) -> [CounterSource] {
        let config = app.config.metrics
        if !config.directory.isEmpty, let names = try? FileManager.default.contentsOfDirectory(atPath: config.directory) {
            let sources = names.sorted().compactMap { file -> CounterSource? in
                guard file.hasSuffix(".board"), let board = Scoreboard.attach(path: config.directory + "/" + file) else { return nil }
                return CounterSource(board: board, name: String(file.dropLast(6)))
            }
            if !sources.isEmpty { return sources }
        }
        if let board = app.scoreboard { return [CounterSource(board: board, name: config.poolName)] }
        return [CounterSource(pool: config.poolName, counters: app.metrics.counters, requests: app.requestMetrics)]
    }
}
