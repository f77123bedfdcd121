import ArgumentParser
import Corkboard

/// `corkboard gc-photos`.
struct GCPhotosCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "gc-photos", abstract: "Delete photo files no post references (safe to run at any time).")

    @OptionGroup var options: GlobalOptions

    func run() throws {
        throw ValidationError("`corkboard gc-photos` is not built yet")
    }
}
