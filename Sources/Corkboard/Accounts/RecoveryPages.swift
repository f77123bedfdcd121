import FastCGI

/// The pages behind emailed links: `/verify?token=…` (a button, so a mail scanner that fetches
/// the link does not spend it), `/reset` (ask for a link) and `/reset/<token>` (new password).
enum RecoveryPages {
    static func verifyForm(_ context: RequestContext, values: AccountInput? = nil, error: HTTPError? = nil) throws -> FastCGIResponse {
        let token = try values?.raw("token") ?? context.request.queryValue("token") ?? ""
        var form = AccountForm(name: "verify", action: "/verify", csrf: try context.csrfToken(), values: values, error: error)
        form.hidden("token", token)
        return AccountForm.page(context, title: "Confirm your address", status: error?.status ?? 200, """
            <h1>Confirm your address</h1>
            \(form.render(submit: "Confirm my address"))
            """)
    }

    static func verify(_ context: RequestContext) throws -> FastCGIResponse {
        try AccountPages.handleForm(context, render: { try verifyForm(context, values: $0, error: $1) }) { input in
            let text: String
            switch try AccountService(context).verify(token: try input.string("token", label: "Token", maxLength: 64)) {
            case .address(let email): text = "Thank you: \(email) is verified. You can post now."
            case .newAddress(let email): text = "Your account's address is now \(email)."
            }
            let next: HTML = try context.currentUser() == nil ? "<a href=\"/login\">Log in</a>" : "<a href=\"/account\">Your account</a>"
            return AccountForm.page(context, title: "Address confirmed", """
                <h1>Address confirmed</h1><p class="notice" role="status">\(text)</p><p>\(next)</p>
                """)
        }
    }

    static func resetForm(_ context: RequestContext, values: AccountInput? = nil, error: HTTPError? = nil) throws -> FastCGIResponse {
        var form = AccountForm(name: "reset", action: "/reset", csrf: try context.csrfToken(), values: values, error: error)
        form.field("email", "Email", type: "email", autocomplete: "email")
        return AccountForm.page(context, title: "Reset your password", status: error?.status ?? 200, """
            <h1>Reset your password</h1>
            <p>We will mail you a link to choose a new password.</p>
            \(form.render(submit: "Send the link"))
            """)
    }

    static func requestReset(_ context: RequestContext) throws -> FastCGIResponse {
        try AccountPages.handleForm(context, render: { try resetForm(context, values: $0, error: $1) }) { input in
            try AccountService(context).requestReset(email: try input.email())
            return AccountForm.page(context, title: "Check your inbox", """
                <h1>Check your inbox</h1><p class="notice" role="status">\(AccountService.resetAnswer)</p>
                """)
        }
    }

    static func newPasswordForm(_ context: RequestContext, values: AccountInput? = nil, error: HTTPError? = nil) throws -> FastCGIResponse {
        let token = context.parameter("token")
        guard try AccountService(context).resetTokenIsOpen(token) else { throw AccountService.badResetLink }
        var form = AccountForm(name: "new-password", action: "/reset/\(token)", csrf: try context.csrfToken(), values: values, error: error)
        form.field("password", "New password (at least \(context.app.config.accounts.passwordMinLength) characters)", type: "password", autocomplete: "new-password")
        return AccountForm.page(context, title: "Choose a new password", status: error?.status ?? 200, """
            <h1>Choose a new password</h1>
            \(form.render(submit: "Set the password"))
            """)
    }

    static func setPassword(_ context: RequestContext) throws -> FastCGIResponse {
        try AccountPages.handleForm(context, render: { try newPasswordForm(context, values: $0, error: $1) }) { input in
            try AccountService(context).resetPassword(token: context.parameter("token"), newPassword: try input.password())
            context.resetSessionCache()
            context.responseHeaders.append(("Set-Cookie", SessionCookie.clear()))
            return AccountForm.page(context, title: "Password set", """
                <h1>Password set</h1><p class="notice" role="status">Your password is set and every session was logged out.</p>
                <p><a href="/login">Log in</a></p>
                """)
        }
    }
}
