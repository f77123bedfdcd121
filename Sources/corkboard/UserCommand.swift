import ArgumentParser
import Corkboard
import Foundation
import MariaDB

/// `corkboard user`: operator commands for accounts.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage accounts.",
        subcommands: [CreateAdmin.self, GrantModerator.self, FinishDeletions.self])

    /// `corkboard user create-admin EMAIL`: a verified admin account, or an existing account
    /// promoted to admin with the new password.
    struct CreateAdmin: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-admin",
            abstract: "Create (or promote) a verified admin account.",
            discussion: "Prompts for the password on a terminal; otherwise reads one line from stdin.")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "The admin's email address.") var email: String

        func run() throws {
            try UserCommand.withAccounts(options, email: email) { accounts, address in
                let id = try accounts.createAdmin(email: address, password: try Self.readPassword())
                print("admin \(address) ready (user id \(id))")
            }
        }

        static func readPassword() throws -> String {
            if isatty(STDIN_FILENO) == 1 {
                guard let first = getpass("Password: ").map({ String(cString: $0) }),
                      let second = getpass("Again: ").map({ String(cString: $0) }) else { throw ExitCode(1) }
                guard first == second else { throw ValidationError("the passwords differ") }
                return first
            }
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw ValidationError("no password on stdin")
            }
            return line
        }
    }

    /// `corkboard user grant-moderator EMAIL`: the account may use /moderation from its next
    /// request on.
    struct GrantModerator: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "grant-moderator",
            abstract: "Give an existing account the moderator role (admins keep theirs).")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "The account's email address.") var email: String

        func run() throws {
            try UserCommand.withAccounts(options, email: email) { accounts, address in
                print("\(address) is a moderator (user id \(try accounts.grantModerator(email: address)))")
            }
        }
    }

    /// `corkboard user finish-deletions`: completes account deletions a crash interrupted.
    struct FinishDeletions: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "finish-deletions",
            abstract: "Hard-delete every account already marked deleted (safe to repeat).")

        @OptionGroup var options: GlobalOptions

        func run() throws {
            let (config, logger, database) = options.database(label: "corkboard.user")
            // No hot-post cache here: the posts were hidden (and every cache told) when marked.
            let visibility = PostVisibility(database: database, files: config.photoFiles, cache: nil, logger: logger)
            let count = try AccountDeletion(visibility: visibility, logger: logger).finishPending()
            print("finished \(count) deletion(s)")
        }
    }

    /// Runs `body` with the account store and the normalized address; a bad address or a
    /// refusal (no such account, …) is a usage error naming the problem.
    static func withAccounts(_ options: GlobalOptions, email: String,
                             _ body: (AdminAccounts, String) throws -> Void) throws {
        guard let address = EmailAddress.normalize(email) else { throw ValidationError("`\(email)` is not a valid email address") }
        let (config, logger, database) = options.database(label: "corkboard.user")
        do {
            try body(AdminAccounts(database: database, config: config, logger: logger), address)
        } catch let error as AdminAccounts.Problem {
            throw ValidationError(error.message)
        }
    }
}
