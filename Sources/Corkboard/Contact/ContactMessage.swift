import Foundation

/// What a viewer sends a poster, checked: an address safe for an SMTP header, an optional name
/// and the message text. Every problem is a 400 naming the field.
struct ContactMessage {
    static let maxMessage = 5_000
    static let maxName = 100

    let email: String
    let name: String
    let text: String

    /// Reads the fields of a form or of the API's JSON (`ContactFields`, the same names).
    init(_ input: AccountInput) throws {
        let email = try input.email("email", label: "Your email")
        // The Reply-To header takes plain ASCII only; this also refuses CR, LF and spaces.
        guard MailAddress.isValid(email) else {
            throw HTTPError.badRequest("Your email must be a plain address such as name@example.org.", field: "email")
        }
        let text = try input.string("message", label: "The message", maxLength: Self.maxMessage)
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw HTTPError.badRequest("The message is required.", field: "message")
        }
        var name = ""
        if let sent = input.raw("name"), !sent.trimmingCharacters(in: .whitespaces).isEmpty {
            name = try input.string("name", label: "Your name", maxLength: Self.maxName).trimmingCharacters(in: .whitespaces)
            // One line: a name must not fake lines of the mail around it.
            guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw HTTPError.badRequest("Your name may not contain line breaks or control characters.", field: "name")
            }
        }
        self.email = email
        self.name = name
        self.text = text
    }

    /// Whether the honeypot field (hidden from people) was filled: a bot.
    static func isBot(_ input: AccountInput) -> Bool {
        !(input.raw("website") ?? "").isEmpty
    }
}
