import Foundation

/// The MariaDB tools the operator commands run (mariadb-backup, mariadb-binlog, mariadb):
/// arguments as a list (no shell), credentials in a private option file, not on the command line.
enum External {
    /// Runs `arguments` (the first found on PATH) in `directory`; stdout to `stdout` (or
    /// inherited), stderr to `stderr` (the same file allowed), stdin from `stdin`. Throws
    /// naming the tool and its status when it fails.
    static func run(_ arguments: [String], stdout: URL? = nil, stderr: URL? = nil, stdin: URL? = nil,
                    in directory: URL? = nil) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        if let directory { p.currentDirectoryURL = directory }
        if let stdout {
            p.standardOutput = try writable(stdout)
        }
        if let stderr {
            p.standardError = stderr == stdout ? p.standardOutput : try writable(stderr)
        }
        if let stdin { p.standardInput = try FileHandle(forReadingFrom: stdin) }
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw ClusterError("\(arguments[0]) failed with status \(p.terminationStatus)"
                + (stderr.map { "; see \($0.path)" } ?? ""))
        }
    }

    /// A new, private (0600) file to write to.
    private static func writable(_ url: URL) throws -> FileHandle {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
        return try FileHandle(forWritingTo: url)
    }

    /// A `[client]` option file (mode 0600) with the account, for `--defaults-extra-file`,
    /// removed when `body` returns.
    static func withClientOptions<T>(user: String, password: String, _ body: (URL) throws -> T) throws -> T {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("corkboard-client-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).cnf")
        let quoted = password.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        _ = FileManager.default.createFile(atPath: url.path, contents: Data("[client]\nuser=\(user)\npassword=\"\(quoted)\"\n".utf8),
                                       attributes: [.posixPermissions: 0o600])
        defer { try? FileManager.default.removeItem(at: url) }
        return try body(url)
    }
}
