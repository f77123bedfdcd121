import CSupport
import FastCGI
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

        // "$0" "$@": the program and its arguments pass through the shell untouched.
        let argv = ["/bin/sh", "-c", "\"$0\" \"$@\" &", program] + arguments
        let pid: pid_t
        do {
            pid = try ProcessSpawn.spawn(argv, environment: ProcessSpawn.inheritableEnvironment(), actions: &actions, newSession: true)
        } catch {
            throw PurgeError(message: "could not start \(program): \(String(cString: strerror(error.code)))")
        }
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
