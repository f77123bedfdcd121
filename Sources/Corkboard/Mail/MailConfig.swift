/// Mail delivery: the SMTP relay, retries and dead-lettering.
/// Keys and defaults are documented in systemd/corkboard.conf.
public struct MailConfig: Sendable {
    public init(file: ConfigFile) throws {}
}
