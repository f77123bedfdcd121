import CSupport
import Foundation
import Logging

extension PoolMaster {
    // MARK: Rolling restart (SIGHUP)

    /// Starts replacing every current worker, one at a time.
    func beginRollingRestart() {
        guard !stopping else { return }
        let generation = scoreboard.bumpGeneration()
        rolling = true
        logger.info("SIGHUP: rolling restart to generation \(generation) (\(children.count) workers)")
    }

    /// One step of the rolling restart: spawn a replacement, wait until it accepts, SIGTERM the
    /// old worker, wait for it to exit (SIGKILL after `shutdownTimeout`), then the next one.
    func advanceRollingRestart() {
        guard rolling, !stopping else { return }
        let now = cb_monotonic_ns()
        if let old = rollOld, var child = children[old] {
            if !child.retiring {
                let ready = rollNew.flatMap { children[$0] }.map { scoreboard.state(slot: $0.slot) } ?? .idle
                let waited = Double(now - rollStepStarted) / 1e9
                guard ready == .idle || ready == .busy || waited > Double(max(config.shutdownTimeout, 10)) else { return }
                if ready != .idle && ready != .busy {
                    logger.warning("replacement \(rollNew ?? 0) not accepting after \(Int(waited)) s; stopping \(old) anyway")
                }
                child.retiring = true
                child.stopSentAt = now
                children[old] = child
                kill(old, SIGTERM)
                return
            }
            if let sent = child.stopSentAt, child.killReason == nil,
               Double(now - sent) / 1e9 > Double(config.shutdownTimeout) {
                kill(old, SIGKILL)
                children[old]?.killReason = "did not stop within \(config.shutdownTimeout) s of SIGTERM"
            }
            return
        }
        rollOld = nil
        rollNew = nil
        let generation = scoreboard.generation
        guard let next = children.values.filter({ $0.generation < generation && !$0.retiring })
            .min(by: { $0.slot < $1.slot }) else {
            rolling = false
            logger.info("rolling restart to generation \(generation) done")
            return
        }
        guard let replacement = spawn(generation: generation) else { return }
        rollOld = next.pid
        rollNew = replacement
        rollStepStarted = now
        logger.info("replacing worker \(next.pid) with \(replacement)")
    }

    // MARK: Stop (SIGTERM / SIGINT / SIGQUIT)

    /// Stops spawning and asks every worker to finish its request and exit.
    func beginStop(_ signalName: String) {
        if stopping {
            logger.warning("\(signalName) again: killing \(children.count) remaining workers now")
            killStragglers()
            return
        }
        stopping = true
        rolling = false
        stopDeadline = cb_monotonic_ns() + UInt64(max(config.shutdownTimeout, 0)) * 1_000_000_000
        logger.info("\(signalName): stopping; waiting up to \(config.shutdownTimeout) s for \(children.count) workers")
        for pid in children.keys { kill(pid, SIGTERM) }
    }

    /// SIGKILLs every worker still running, naming what each was doing.
    func killStragglers() {
        killedStragglers = true
        for (pid, child) in children {
            let state = scoreboard.state(slot: child.slot)
            let what = state == .busy ? " (busy on \(scoreboard.requestText(slot: child.slot)))" : ""
            logger.warning("worker \(pid) still running\(what); sent SIGKILL")
            kill(pid, SIGKILL)
            children[pid]?.killReason = "still running at shutdown"
        }
    }
}
