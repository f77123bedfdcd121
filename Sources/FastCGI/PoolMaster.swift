import CSupport
import Foundation
import Logging

/// The process-pool master, PHP-FPM style: binds the socket, spawns `config.workers` worker
/// processes that share it, and supervises them from one single-threaded loop.
///
/// - A worker that dies is reaped, logged (exit code or signal; "recycled" after max-requests)
///   and replaced, with exponential back-off when workers crash right after starting.
/// - A worker busy for longer than `requestTimeout` is killed with SIGKILL and replaced.
/// - SIGHUP: rolling restart; each old worker in turn gets its replacement first (and we wait
///   until the replacement accepts), then SIGTERM, then SIGKILL after `shutdownTimeout`.
/// - SIGTERM, SIGINT, SIGQUIT: stop spawning, SIGTERM every worker, wait up to
///   `shutdownTimeout` for in-flight requests, SIGKILL the rest, remove the unix socket.
///   A second stop signal kills the remaining workers at once.
///
/// Signals are blocked and taken with `sigtimedwait`, so there are no handlers and no races.
/// Workers carry PDEATHSIG, so killing the master never leaves orphans.
public final class PoolMaster {
    let config: PoolConfig
    var logger: Logger
    var listenSocket: ListenSocket!
    var scoreboard: Scoreboard!
    var workerEnvironment: [String: String] = [:]

    struct Child {
        var pid: pid_t
        var slot: Int
        var generation: UInt64
        var startedAt: UInt64
        var retiring = false
        var stopSentAt: UInt64?
        var killReason: String?
    }
    var children: [pid_t: Child] = [:]
    var stopping = false
    var stopDeadline: UInt64 = 0
    var killedStragglers = false
    var failureStreak = 0
    var nextSpawnAt: UInt64 = 0
    var rolling = false
    var rollOld: pid_t?
    var rollNew: pid_t?
    var rollStepStarted: UInt64 = 0

    /// Called once from `run()` with the scoreboard, before the first worker starts: where the
    /// host's own background work begins (it may start threads, but must not spawn processes,
    /// which only the main thread does, for PDEATHSIG's sake). Signals are blocked by then, so
    /// its threads never take the master's.
    public var onStart: ((Scoreboard) -> Void)?

    /// A master for `config`; nothing happens until `run()`.
    public init(config: PoolConfig, logger: Logger) {
        self.config = config
        self.logger = logger
        self.logger[metadataKey: "master"] = "\(getpid())"
    }

    /// The scoreboard once `run()` has started (for an in-process status view).
    public var status: PoolStatus? { scoreboard?.snapshot() }

    /// Binds, spawns and supervises until SIGTERM/SIGINT/SIGQUIT; returns the exit code (0
    /// after a clean drain). Throws before anything is spawned when the socket cannot be set up.
    /// Call it from the main thread.
    public func run() throws -> Int32 {
        guard config.workers >= 1 else { throw FastCGIError.invalidConfiguration("workers must be >= 1") }
        guard !config.workerCommand.isEmpty else { throw FastCGIError.invalidConfiguration("workerCommand is empty") }
        if !Thread.isMainThread {
            logger.warning("PoolMaster.run() is not on the main thread; PDEATHSIG follows the spawning thread")
        }
        guard cb_block_master_signals() == 0 else { throw FastCGIError.errno("sigprocmask") }
        workerEnvironment = ProcessSpawn.inheritableEnvironment()
        listenSocket = try ListenSocket.open(config.listen, backlog: config.backlog)
        defer { listenSocket.close() }
        // Twice the workers, so rolling restarts always find a free slot for the replacement.
        let slots = config.workers * 2 + 1
        if let path = config.scoreboardPath {
            scoreboard = try Scoreboard.create(slots: slots, path: path, workers: config.workers)
        } else {
            scoreboard = try Scoreboard.create(slots: slots)
            scoreboard.store(header: 7, UInt64(config.workers))
        }
        onStart?(scoreboard)
        logger.info("pool listening on \(config.listen) with \(config.workers) workers (max requests \(config.maxRequests), request timeout \(config.requestTimeout) s)")

        reconcile()
        while true {
            let busyPhase = rolling || stopping || nextSpawnAt > cb_monotonic_ns()
            let sig = cb_wait_master_signal(busyPhase ? 100 : 1000)
            switch sig {
            case SIGHUP: beginRollingRestart()
            case SIGTERM, SIGINT, SIGQUIT: beginStop(Self.signalName(sig))
            default: break
            }
            reap()
            if stopping {
                if children.isEmpty { break }
                if !killedStragglers && cb_monotonic_ns() >= stopDeadline { killStragglers() }
                continue
            }
            killStuckWorkers()
            advanceRollingRestart()
            reconcile()
        }
        logger.info("pool stopped")
        return 0
    }

    // MARK: Spawning

    /// Starts workers until `config.workers` are active (not retiring), unless backing off.
    func reconcile() {
        guard !stopping else { return }
        let active = children.values.filter { !$0.retiring }.count
        guard active < config.workers, cb_monotonic_ns() >= nextSpawnAt else { return }
        for _ in active..<config.workers {
            if spawn(generation: scoreboard.generation) == nil { break }
        }
    }

    /// Spawns one worker into a free slot; nil (logged, back-off armed) on failure.
    @discardableResult
    func spawn(generation: UInt64) -> pid_t? {
        let used = Set(children.values.map(\.slot))
        guard let slot = (0..<scoreboard.slotCount).first(where: { !used.contains($0) }) else {
            logger.error("no free scoreboard slot")
            return nil
        }
        do {
            let pid = try spawnProcess(slot: slot)
            scoreboard.claim(slot: slot, pid: pid, generation: generation)
            children[pid] = Child(pid: pid, slot: slot, generation: generation, startedAt: cb_monotonic_ns())
            logger.info("worker \(pid) started in slot \(slot)")
            return pid
        } catch {
            logger.error("cannot start worker: \(String(reflecting: error))")
            armBackoff()
            return nil
        }
    }

    private func armBackoff() {
        failureStreak += 1
        let delay = min(0.1 * pow(2.0, Double(min(failureStreak, 10))), 10.0)
        nextSpawnAt = cb_monotonic_ns() + UInt64(delay * 1e9)
        if failureStreak >= 3 {
            logger.warning("workers keep failing right after start (\(failureStreak) in a row); next attempt in \(String(format: "%.1f", delay)) s")
        }
    }

    // MARK: Reaping

    /// Collects every exited child, logs why it ended, frees its slot, counts a restart.
    func reap() {
        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            if pid <= 0 { break }
            guard let child = children.removeValue(forKey: pid) else { continue }
            let served = scoreboard.requestsServed(slot: child.slot)
            scoreboard.release(slot: child.slot)
            let lived = Double(cb_monotonic_ns() - child.startedAt) / 1e9
            let (how, clean, _) = Self.describe(status: status)
            let summary = "worker \(pid) (slot \(child.slot)) ended with \(how) after \(String(format: "%.1f", lived)) s and \(served) requests"
            if let reason = child.killReason {
                logger.warning("\(summary): killed, \(reason)")
            } else if stopping || child.retiring {
                logger.info("\(summary): stopped")
            } else if clean && config.maxRequests > 0 && served >= UInt64(PoolConfig.recycleRange(config.maxRequests).lowerBound) {
                logger.info("\(summary): recycled")
            } else if clean {
                logger.notice("\(summary): exited unexpectedly")
            } else {
                logger.error("\(summary): crashed")
            }
            if rollNew == pid && !stopping {
                logger.error("replacement worker \(pid) died before accepting; rolling restart aborted, old workers kept")
                rolling = false
                rollNew = nil
                rollOld = nil
            }
            if rollOld == pid { rollOld = nil; rollNew = nil }
            guard !stopping else { continue }
            scoreboard.bumpRestarts()
            if child.retiring { continue }
            if !clean && child.killReason == nil && lived < 2 { armBackoff() } else { failureStreak = 0 }
        }
    }

    // MARK: Request timeout

    /// SIGKILLs workers busy on one request for longer than `requestTimeout`.
    func killStuckWorkers() {
        guard config.requestTimeout > 0 else { return }
        let now = cb_monotonic_ns()
        for (pid, child) in children where child.killReason == nil {
            let busy = scoreboard.busySeconds(slot: child.slot, now: now)
            guard busy > Double(config.requestTimeout) else { continue }
            let request = scoreboard.requestText(slot: child.slot)
            kill(pid, SIGKILL)
            children[pid]?.killReason = "request timeout: busy \(Int(busy)) s on \(request)"
            logger.warning("worker \(pid) busy \(Int(busy)) s on \(request); sent SIGKILL")
        }
    }
}
