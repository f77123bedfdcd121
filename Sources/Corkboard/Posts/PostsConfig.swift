/// Posts and photos: limits, image sizes and the images root.
/// Keys and defaults are documented in systemd/corkboard.conf.
public struct PostsConfig: Sendable {
    public init(file: ConfigFile) throws {}
}
