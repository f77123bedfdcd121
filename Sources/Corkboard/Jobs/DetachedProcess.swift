import CSupport
import Foundation

/// Starts a long job outside the request that asked for it: a worker must never hold a long
/// job, and must not be its parent either (it would collect a zombie or lose the job when it is
/// recycled). `/bin/sh` starts the program in the background and exits at once; the worker
/// reaps the shell, and the program is left to init (or the service's reaper).
///
/// posix_spawn, never fork (the worker may have threads from libraries). The program gets
/// /dev/null as stdin (not the pool's listen socket, the worker's fd 0), none of the worker's
/// other descriptors (database connections, the scoreboard), the worker's stdout and stderr
/// (the pool's log), an empty signal mask and default signal dispositions.
enum DetachedProcess {
    static func start(_ program: String, _ arguments: [String]) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        cb_spawn_close_from(&actions, 3)

        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) | cb_spawn_setsid_flag())

        var env = ProcessInfo.processInfo.environment
        for key in ["CORKBOARD_MASTER_PID", "CORKBOARD_WORKER_SLOT", "LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"] { env[key] = nil }
        // "$0" "$@": the program and its arguments pass through the shell untouched.
        let argv = (["sh", "-c", "\"$0\" \"$@\" &", program] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, envp)
        guard rc == 0 else { throw PurgeError(message: "could not start \(program): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }

    /// This process's own binary, to start one of its commands.
    static var currentExecutable: String {
        let arg0 = CommandLine.arguments[0]
        if arg0.hasPrefix("/") { return arg0 }
        return (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? arg0
    }
}
