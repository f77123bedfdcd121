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

        var env = workerEnvironment
        env["CORKBOARD_MASTER_PID"] = String(getpid())
        env["CORKBOARD_WORKER_SLOT"] = String(slot)
        do {
            return try ProcessSpawn.spawn(config.workerCommand, environment: env, actions: &actions,
                                          defaultSignals: [SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGUSR1, SIGUSR2])
        } catch {
            throw FastCGIError.system(call: "posix_spawn", errno: error.code, detail: program)
        }
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
