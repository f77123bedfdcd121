import CFastCGI
import CSupport
import Foundation
import Logging

/// One single-threaded worker process: accepts connections on fd 0 (the listen socket the
/// master passes, `FCGI_LISTENSOCK_FILENO`) and answers them one at a time with a responder.
///
/// Signals: SIGTERM and SIGINT stay blocked except while the worker waits for a connection
/// (`ppoll` with an empty mask). So a signal never interrupts a read or write of a request
/// (which libfcgi would turn into a failed request); an idle worker exits at once, a busy one
/// finishes its request first. The listen socket is non-blocking, so losing the race for a
/// connection to another worker never leaves this one stuck in `accept`.
public final class FastCGIWorker {
    /// Requests after which the process exits so the master replaces it (0 = never): drawn
    /// from `PoolConfig.recycleRange` of the pool's `max_requests`.
    public let maxRequests: Int
    /// The pool's shared memory, when started by a `PoolMaster`.
    public let scoreboard: Scoreboard?
    /// This worker's slot in `scoreboard`.
    public let slot: Int?
    let logger: Logger
    let masterPid: Int32?
    /// Set when the master was already gone before we could ask for PDEATHSIG.
    private var orphaned = false

    /// Prepares a worker: asks for SIGTERM when the master dies (and notices if it already
    /// has), blocks SIGTERM/SIGINT until the accept loop, attaches the scoreboard (fd 3).
    /// Create it early in the process, before the application's own setup.
    public init(maxRequests: Int, logger: Logger) {
        self.maxRequests = maxRequests > 0 ? Int.random(in: PoolConfig.recycleRange(maxRequests)) : 0
        let env = ProcessInfo.processInfo.environment
        self.masterPid = env["CORKBOARD_MASTER_PID"].flatMap { Int32($0) }
        var logger = logger
        logger[metadataKey: "pid"] = "\(getpid())"
        _ = cb_set_parent_death_signal(SIGTERM)
        _ = cb_install_flag_handler(SIGTERM)
        _ = cb_install_flag_handler(SIGINT)
        _ = cb_block_signal(SIGTERM, 1)
        _ = cb_block_signal(SIGINT, 1)
        signal(SIGPIPE, SIG_IGN)
        if let master = masterPid, getppid() != master {
            orphaned = true
        }
        if let slotText = env["CORKBOARD_WORKER_SLOT"], let slot = Int(slotText),
           let board = Scoreboard.attach(), slot >= 0, slot < board.slotCount {
            self.scoreboard = board
            self.slot = slot
            logger[metadataKey: "slot"] = "\(slot)"
        } else {
            self.scoreboard = nil
            self.slot = nil
        }
        self.logger = logger
    }

    /// Whether the master asked us to stop (or is gone: PDEATHSIG turns its death into our
    /// SIGTERM, and `init` caught a master that died before that was set). A signal that came
    /// while we were busy is still blocked and pending: one `sigpending` call per request sees
    /// it even when the socket never lets the wait return EINTR.
    private var stopRequested: Bool {
        if cb_signal_flag(SIGTERM) != 0 || cb_signal_flag(SIGINT) != 0 { return true }
        return cb_stop_signal_pending() != 0
    }

    /// Runs the accept loop until SIGTERM/SIGINT, `maxRequests`, or the master's death; returns
    /// the process exit code (0 for a normal stop or recycle, 1 when the socket is unusable).
    public func run(responder: FastCGIResponder) -> Int32 {
        if orphaned {
            logger.warning("master already gone at start; exiting")
            return 0
        }
        let flags = fcntl(0, F_GETFL)
        if flags < 0 || fcntl(0, F_SETFL, flags | O_NONBLOCK) < 0 {
            logger.critical("fd 0 is not a usable listen socket: \(String(cString: strerror(errno)))")
            return 1
        }
        guard FCGX_Init() == 0 else {
            logger.critical("FCGX_Init failed")
            return 1
        }
        var request = FCGX_Request()
        guard FCGX_InitRequest(&request, 0, FCGI_FAIL_ACCEPT_ON_INTR) == 0 else {
            logger.critical("FCGX_InitRequest failed")
            return 1
        }
        defer { FCGX_Free(&request, 1) }
        if let board = scoreboard, let slot { board.markIdle(slot: slot, served: false) }

        // New connections are awaited through an exclusive epoll entry: the kernel wakes one
        // idle worker per connection, not the whole pool (poll() on the shared socket woke every
        // worker and all but one went back to sleep empty-handed: most of the pool's context
        // switches under load).
        let listenWaiter = cb_listen_waiter(0)
        guard listenWaiter >= 0 else {
            logger.critical("cannot watch the listen socket: \(String(cString: strerror(errno)))")
            return 1
        }
        defer { close(listenWaiter) }

        var served = 0
        var acceptErrors = 0
        while true {
            if stopRequested { break }
            // A connection nginx keeps open (fastcgi_keep_conn) is served before new ones.
            let ready = request.ipcFd >= 0 ? cb_wait_readable(request.ipcFd, 1000) : cb_wait_listen(listenWaiter, 1000)
            if ready < 0 {
                if errno == EINTR { continue }
                logger.critical("waiting for connections failed: \(String(cString: strerror(errno)))")
                return 1
            }
            // Woken for a connection, serve it even if a stop came meanwhile: the exclusive
            // wake-up went to this worker alone, so leaving it would strand it until another
            // worker's next wake-up. The stop takes effect right after (top of the loop).
            if ready == 0 {
                responder.idle()
                continue
            }
            let rc = FCGX_Accept_r(&request)
            if rc < 0 {
                let code = -rc
                if code == EAGAIN || code == EWOULDBLOCK || code == EINTR || code == ECONNABORTED { continue }
                acceptErrors += 1
                logger.error("FCGX_Accept_r failed: \(code > 0 && code < 4096 ? String(cString: strerror(code)) : "libfcgi error \(rc)")")
                if acceptErrors >= 100 { return 1 }
                continue
            }
            acceptErrors = 0
            handle(&request, responder: responder)
            Self.closeWithoutWaiting(&request)
            FCGX_Finish_r(&request)
            served += 1
            if let board = scoreboard, let slot { board.markIdle(slot: slot, served: true) }
            responder.idle()
            if maxRequests > 0 && served >= maxRequests {
                logger.info("served \(served) requests; exiting to be recycled")
                responder.stopping()
                return 0
            }
        }
        logger.debug("stopping after \(served) requests")
        responder.stopping()
        return 0
    }
}
