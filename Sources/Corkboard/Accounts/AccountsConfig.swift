/// Accounts: password hashing, sessions, tokens and brute-force limits.
/// Keys and defaults are documented in systemd/corkboard.conf.
public struct AccountsConfig: Sendable {
    public init(file: ConfigFile) throws {}
}
