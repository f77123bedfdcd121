import ArgumentParser
import Corkboard

/// `corkboard user`.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage accounts (create-admin).")

    @OptionGroup var options: GlobalOptions

    func run() throws {
        throw ValidationError("`corkboard user` is not built yet")
    }
}
