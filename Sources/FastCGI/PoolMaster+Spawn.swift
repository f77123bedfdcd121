import CSupport
import Foundation

extension PoolMaster {
    /// Starts one worker with posix_spawn (never fork: the master may have threads from
    /// libraries, and PDEATHSIG is tied to the spawning thread, so call this from the main
    /// thread). The child gets the listen socket as fd 0, the scoreboard as fd 3, an empty
    /// signal mask, default dispositions, and CORKBOARD_MASTER_PID / CORKBOARD_WORKER_SLOT.
    func spawnProcess(slot: Int) throws -> pid_t {
        guard let program = config.workerCommand.first else {
            throw FastCGIError.invalidConfiguration("workerCommand is empty")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Order matters: the listen socket first, then the scoreboard onto 3 (a systemd
        // socket started out as 3, but was moved to >= 10 when adopted).
        posix_spawn_file_actions_adddup2(&actions, listenSocket.fd, 0)
        posix_spawn_file_actions_adddup2(&actions, scoreboard.fd, Scoreboard.workerFD)

        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGUSR1, SIGUSR2] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var env = workerEnvironment
        env["CORKBOARD_MASTER_PID"] = String(getpid())
        env["CORKBOARD_WORKER_SLOT"] = String(slot)
        let argv = config.workerCommand.map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc: Int32
        if program.contains("/") {
            rc = posix_spawn(&pid, program, &actions, &attr, argv, envp)
        } else {
            rc = posix_spawnp(&pid, program, &actions, &attr, argv, envp)
        }
        guard rc == 0 else { throw FastCGIError.system(call: "posix_spawn", errno: rc, detail: program) }
        return pid
    }

    /// The environment handed to workers: ours without systemd's LISTEN_* variables.
    static func inheritableEnvironment() -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        for key in ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES", "CORKBOARD_MASTER_PID", "CORKBOARD_WORKER_SLOT"] {
            env[key] = nil
        }
        return env
    }

    /// "exit code 3", "signal SIGSEGV (core dumped)" from a waitpid status.
    static func describe(status: Int32) -> (text: String, clean: Bool, exitCode: Int32?) {
        let low = status & 0x7f
        if low == 0 {
            let code = (status >> 8) & 0xff
            return ("exit code \(code)", code == 0, code)
        }
        let core = (status & 0x80) != 0 ? " (core dumped)" : ""
        return ("signal \(signalName(low))\(core)", false, nil)
    }

    /// The usual name of a signal number ("SIGKILL").
    static func signalName(_ sig: Int32) -> String {
        let names: [Int32: String] = [
            SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP",
            SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGUSR1: "SIGUSR1",
            SIGSEGV: "SIGSEGV", SIGUSR2: "SIGUSR2", SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM", SIGTERM: "SIGTERM",
            SIGCHLD: "SIGCHLD", SIGXCPU: "SIGXCPU", SIGXFSZ: "SIGXFSZ", SIGSYS: "SIGSYS",
        ]
        return names[sig] ?? "signal \(sig)"
    }
}
