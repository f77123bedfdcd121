import CSupport
import Glibc

/// SIGTERM / SIGINT / SIGQUIT for a single-threaded service loop (the mailer): the signals are
/// blocked, so they never interrupt an SMTP transfer or a database call half-way; the loop asks
/// `isRequested` between messages and sleeps in `sleep(seconds:)`, which a signal ends at once.
public final class StopSignal {
    private var requested = false

    /// Blocks the signals in the calling (main) thread; call before doing any work.
    public init() {
        _ = cb_block_master_signals()
    }

    /// Whether a stop signal arrived (consumed or still pending).
    public var isRequested: Bool {
        if requested { return true }
        if cb_signal_pending(SIGTERM) != 0 || cb_signal_pending(SIGINT) != 0 || cb_signal_pending(SIGQUIT) != 0 {
            requested = true
        }
        return requested
    }

    /// Sleeps up to `seconds`, returning early when a stop signal arrives.
    public func sleep(seconds: Double) {
        let deadline = cb_monotonic_ns() + UInt64(seconds * 1e9)
        while !isRequested {
            let now = cb_monotonic_ns()
            guard now < deadline else { return }
            let sig = cb_wait_master_signal(Int32(Swift.max(1, (deadline - now) / 1_000_000)))
            if sig == SIGTERM || sig == SIGINT || sig == SIGQUIT { requested = true }
            if sig < 0 { return }
            // SIGHUP and SIGCHLD mean nothing to the mailer: keep sleeping.
        }
    }
}
