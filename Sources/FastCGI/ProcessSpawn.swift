import CSupport
import Foundation

/// posix_spawn as the pool and the application's detached jobs use it (never fork: a process
/// with library threads must not fork): the child starts with an empty signal mask, the given
/// signals back at their default dispositions, optionally in a new session, with `environment`
/// and whatever descriptors `actions` arranges.
public enum ProcessSpawn {
    /// Why posix_spawn refused: its error number.
    public struct Failure: Error { public let code: Int32 }

    /// Spawns `argv[0]` (`posix_spawnp` when it has no slash) and returns the child's pid.
    public static func spawn(_ argv: [String], environment: [String: String],
                             actions: inout posix_spawn_file_actions_t, defaultSignals: [Int32]? = nil,
                             newSession: Bool = false) throws(Failure) -> pid_t {
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        var defaults = sigset_t()
        if let defaultSignals {
            sigemptyset(&defaults)
            for sig in defaultSignals { sigaddset(&defaults, sig) }
        } else {
            sigfillset(&defaults)
        }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) | (newSession ? cb_spawn_setsid_flag() : 0))

        let cArgv = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArgv.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid: pid_t = 0
        let program = argv.first ?? ""
        let rc = program.contains("/") ? posix_spawn(&pid, program, &actions, &attr, cArgv, cEnv)
                                       : posix_spawnp(&pid, program, &actions, &attr, cArgv, cEnv)
        guard rc == 0 else { throw Failure(code: rc) }
        return pid
    }

    /// This process's environment without what belongs to it alone: systemd's LISTEN_* and the
    /// pool's own CORKBOARD_MASTER_PID / CORKBOARD_WORKER_SLOT.
    public static func inheritableEnvironment() -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        for key in ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES", "CORKBOARD_MASTER_PID", "CORKBOARD_WORKER_SLOT"] {
            env[key] = nil
        }
        return env
    }
}
