import ArgumentParser
import Corkboard

/// `corkboard mail`.
struct MailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mail", abstract: "Inspect and retry queued and dead-lettered mail.")

    @OptionGroup var options: GlobalOptions

    func run() throws {
        throw ValidationError("`corkboard mail` is not built yet")
    }
}
