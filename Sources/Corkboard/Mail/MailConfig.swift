/// Mail delivery: the SMTP relay, retries and dead-lettering.
/// Keys and defaults are documented in systemd/corkboard.conf.
public struct MailConfig: Sendable {
    /// How the mailer asks for TLS on a plain `smtp://` connection.
    public enum StartTLS: String, Sendable {
        /// STARTTLS when the relay offers it, plain text otherwise (a local MTA often has no TLS).
        case `try`
        /// Refuse to send unless the session is encrypted.
        case always
        /// Never ask (a relay on loopback, or a test catcher).
        case never
    }

    /// The relay. A port of 465 means implicit TLS (smtps://); anything else starts plain.
    public var smtpHost: String
    public var smtpPort: Int
    public var startTLS: StartTLS
    /// Empty user = no SMTP AUTH.
    public var smtpUser: String
    public var smtpPassword: String
    /// Whether to verify the relay's certificate and name (turn off only for a self-signed relay on loopback).
    public var tlsVerify: Bool
    /// Seconds for connecting and, separately, for each whole message transfer.
    public var timeout: Int
    /// The From: header (and, its address part, the envelope sender) of every message.
    public var from: String
    /// A message failing this many times is marked dead (operators retry it with `corkboard mail retry`).
    public var maxAttempts: Int
    /// Retry back-off: base × 2^(attempt−1) seconds, capped at `backoffMax`, with jitter.
    public var backoffBase: Int
    public var backoffMax: Int
    /// Seconds the mailer sleeps when nothing is due.
    public var pollInterval: Int
    /// Rows claimed per round.
    public var batch: Int
    /// Seconds a claimed row stays reserved for the mailer that claimed it. If that mailer dies,
    /// another one picks the row up after this; the mailer renews it while it works through a batch.
    public var lease: Int
    /// TEST ONLY: exit right after the SMTP transfer of the first message, before marking it sent,
    /// to reproduce a crash between send and mark. Never set this in production.
    public var testExitAfterSend: Bool

    public init(file: ConfigFile) throws {
        smtpHost = file.string("smtp_host", default: "127.0.0.1")
        smtpPort = try file.int("smtp_port", default: 25, range: 1...65535)
        let tls = file.string("smtp_starttls", default: "try")
        guard let parsed = StartTLS(rawValue: tls) else {
            throw file.fail("smtp_starttls", "must be try, always or never, got `\(tls)`")
        }
        startTLS = parsed
        smtpUser = file.string("smtp_user", default: "")
        smtpPassword = file.string("smtp_password", default: "")
        tlsVerify = try file.bool("smtp_tls_verify", default: true)
        timeout = try file.int("smtp_timeout", default: 30, range: 1...600)
        from = file.string("mail_from", default: "Corkboard <no-reply@localhost>")
        guard MailAddress.addrSpec(in: from) != nil else {
            throw file.fail("mail_from", "must be an address such as `Corkboard <no-reply@example.org>`")
        }
        maxAttempts = try file.int("mail_max_attempts", default: 8, range: 1...100)
        backoffBase = try file.int("mail_backoff_base", default: 30, range: 1...86_400)
        backoffMax = try file.int("mail_backoff_max", default: 3600, range: 1...(30 * 86_400))
        guard backoffMax >= backoffBase else {
            throw file.fail("mail_backoff_max", "must be at least mail_backoff_base (\(backoffBase))")
        }
        pollInterval = try file.int("mailer_poll_interval", default: 2, range: 1...3600)
        batch = try file.int("mailer_batch", default: 50, range: 1...1000)
        lease = try file.int("mailer_lease", default: 300, range: 2...86_400)
        guard lease > timeout else {
            throw file.fail("mailer_lease", "must be longer than smtp_timeout (\(timeout) s)")
        }
        testExitAfterSend = try file.bool("mailer_test_exit_after_send", default: false)
    }

    /// The libcurl URL of the relay: smtps:// on port 465 (implicit TLS), smtp:// otherwise.
    public var url: String {
        let host = smtpHost.contains(":") && !smtpHost.hasPrefix("[") ? "[\(smtpHost)]" : smtpHost
        return "\(smtpPort == 465 ? "smtps" : "smtp")://\(host):\(smtpPort)"
    }
}
