/// Contact the poster: the spam limits, held in MariaDB so every worker and host shares them.
/// Keys and defaults are documented in systemd/corkboard.conf.
public struct ContactConfig: Sendable {
    /// Messages one sender address may send per window.
    public var perSender: Int
    /// Messages one client address (nginx's `$remote_addr`) may send per window.
    public var perIP: Int
    /// Messages one post may receive per window.
    public var perPost: Int
    /// The window, in seconds; a subject's count starts again once its window has passed.
    public var window: Int

    public init(file: ConfigFile) throws {
        perSender = try file.int("contact_per_sender", default: 5, range: 1...100_000)
        perIP = try file.int("contact_per_ip", default: 10, range: 1...100_000)
        perPost = try file.int("contact_per_post", default: 20, range: 1...100_000)
        window = try file.int("contact_window", default: 3600, range: 1...(30 * 86_400))
    }
}
