import ArgumentParser
import Corkboard

/// `corkboard mailer`.
struct MailerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mailer", abstract: "Deliver queued mail from the outbox over SMTP (a long-running service).")

    @OptionGroup var options: GlobalOptions

    func run() throws {
        throw ValidationError("`corkboard mailer` is not built yet")
    }
}
