/// Accounts: password hashing, sessions, tokens and brute-force limits.
/// Keys and defaults are documented in systemd/corkboard.conf.
public struct AccountsConfig: Sendable {
    /// argon2id memory in KiB. OWASP's floor is 19 MiB (19456 KiB) with t=2, p=1.
    public var argon2MemoryKiB: Int
    /// argon2id passes over the memory.
    public var argon2Iterations: Int
    /// argon2id lanes; 1 because each worker is single-threaded.
    public var argon2Parallelism: Int
    /// Shortest accepted password, in characters.
    public var passwordMinLength: Int
    /// The common-password list (one per line); a password on it is refused.
    public var commonPasswordsFile: String
    /// A session unused this long (seconds) ends.
    public var sessionIdleTimeout: Int
    /// A session ends this long (seconds) after log-in, however busy.
    public var sessionLifetime: Int
    /// Failed log-ins for one email before it is locked.
    public var loginMaxFailures: Int
    /// The first lock, in seconds; each further failure while over the limit doubles it (capped at 64×).
    public var loginLockout: Int
    /// Failures older than this (seconds) are forgotten.
    public var loginFailureWindow: Int
    /// Least time between two verification (or reset) mails for one account, in seconds.
    public var mailResendInterval: Int
    /// Lifetimes of emailed links, in seconds.
    public var verifyTokenLifetime: Int
    public var resetTokenLifetime: Int
    public var emailChangeTokenLifetime: Int

    public init(file: ConfigFile) throws {
        argon2MemoryKiB = try file.int("argon2_memory_kib", default: 19_456, range: 8_192...4_194_304)
        argon2Iterations = try file.int("argon2_iterations", default: 2, range: 1...100)
        argon2Parallelism = try file.int("argon2_parallelism", default: 1, range: 1...16)
        passwordMinLength = try file.int("password_min_length", default: 12, range: 8...128)
        commonPasswordsFile = file.string("common_passwords_file", default: "/usr/share/corkboard/common-passwords.txt")
        sessionIdleTimeout = try file.int("session_idle_timeout", default: 7 * 86_400, range: 60...(366 * 86_400))
        sessionLifetime = try file.int("session_lifetime", default: 30 * 86_400, range: 60...(366 * 86_400))
        loginMaxFailures = try file.int("login_max_failures", default: 5, range: 1...1000)
        loginLockout = try file.int("login_lockout", default: 300, range: 1...86_400)
        loginFailureWindow = try file.int("login_failure_window", default: 3600, range: 1...(30 * 86_400))
        mailResendInterval = try file.int("mail_resend_interval", default: 60, range: 0...86_400)
        verifyTokenLifetime = try file.int("verify_token_lifetime", default: 2 * 86_400, range: 60...(30 * 86_400))
        resetTokenLifetime = try file.int("reset_token_lifetime", default: 3600, range: 60...86_400)
        emailChangeTokenLifetime = try file.int("email_change_token_lifetime", default: 86_400, range: 60...(30 * 86_400))
    }
}
