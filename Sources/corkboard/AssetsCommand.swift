import ArgumentParser
import Corkboard
import Foundation

/// `corkboard assets`: the hashed copies of the stylesheet and scripts that pages link to.
struct AssetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assets",
        abstract: "Write the hashed copies (corkboard.3f9a0c1b2d4e.css, …) of the static files into static_root.",
        discussion: """
            Pages link the stylesheet and scripts by names carrying 12 hex digits of their SHA-256, \
            which nginx serves for a year, and only when the copy exists. Run it after installing a \
            release's public/ (before the pools start or reload); copies of earlier releases are kept, \
            so pages they rendered still find theirs. Safe to repeat.
            """)

    @OptionGroup var options: GlobalOptions

    func run() throws {
        let (config, _) = options.load(label: "corkboard.assets")
        try report {
            let written = try StaticAssets.writeHashedCopies(root: config.staticRoot)
            print(written.isEmpty ? "hashed copies up to date in \(config.staticRoot)"
                                  : "wrote \(written.joined(separator: ", ")) in \(config.staticRoot)")
        }
    }
}
