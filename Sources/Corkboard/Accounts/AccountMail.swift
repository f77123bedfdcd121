import MariaDB

/// The texts of the mails accounts send, queued in the caller's transaction via `Outbox`.
struct AccountMail {
    let siteURL: String
    let siteName: String

    private var domain: String { Outbox.domain(ofSiteURL: siteURL) }
    private func link(_ path: String) -> String { Outbox.link(path, siteURL: siteURL) }

    func verification(_ conn: Transaction, to email: String, token: String, hours: Int) throws {
        try Outbox.enqueue(conn, kind: "verify", to: email, subject: "Confirm your email address for \(siteName)", body: """
            Hello,

            To confirm this address for your \(siteName) account, open this link:

            \(link("/verify?token=\(token)"))

            The link works once and expires in \(hours) hours. If you did not sign up, ignore this mail.
            """, domain: domain)
    }

    func signupAttempt(_ conn: Transaction, to email: String) throws {
        try Outbox.enqueue(conn, kind: "signup-exists", to: email, subject: "Someone tried to sign up to \(siteName) with your address", body: """
            Hello,

            Someone (perhaps you) tried to create a \(siteName) account with this address, which already has one.
            Nothing was changed. If it was you, log in at \(link("/login")); if you forgot your password, reset it at \(link("/reset")).
            """, domain: domain)
    }

    func reset(_ conn: Transaction, to email: String, token: String, minutes: Int) throws {
        try Outbox.enqueue(conn, kind: "reset", to: email, subject: "Reset your \(siteName) password", body: """
            Hello,

            To choose a new password for your \(siteName) account, open this link:

            \(link("/reset/\(token)"))

            The link works once and expires in \(minutes) minutes. Setting a new password logs you out everywhere.
            If you did not ask for this, ignore this mail: your password stays as it is.
            """, domain: domain)
    }

    func emailChange(_ conn: Transaction, to newEmail: String, token: String, hours: Int) throws {
        try Outbox.enqueue(conn, kind: "email-change", to: newEmail, subject: "Confirm your new email address for \(siteName)", body: """
            Hello,

            To make this the address of your \(siteName) account, open this link:

            \(link("/verify?token=\(token)"))

            The link works once and expires in \(hours) hours. Until then your account keeps its old address.
            """, domain: domain)
    }

    func emailChangeNotice(_ conn: Transaction, to oldEmail: String, newEmail: String, done: Bool) throws {
        let what = done
            ? "The address of your \(siteName) account is now \(newEmail); mail no longer goes to this one."
            : "Someone asked to change the address of your \(siteName) account to \(newEmail). It changes only once that address is confirmed."
        try Outbox.enqueue(conn, kind: "email-change-notice", to: oldEmail, subject: "Your \(siteName) email address", body: """
            Hello,

            \(what)
            If this was not you, reset your password now at \(link("/reset")).
            """, domain: domain)
    }

    func passwordChanged(_ conn: Transaction, to email: String) throws {
        try Outbox.enqueue(conn, kind: "password-changed", to: email, subject: "Your \(siteName) password was changed", body: """
            Hello,

            The password of your \(siteName) account was just changed, and other sessions were logged out.
            If this was not you, reset your password at \(link("/reset")).
            """, domain: domain)
    }
}
