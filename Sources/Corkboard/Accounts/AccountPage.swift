import FastCGI

/// `/account`: the logged-in user's page, one form per action, each posting to its own path
/// and coming back here with a notice (or re-rendered with the error beside its field).
enum AccountPage {
    static let notices = [
        "password": "Your password is changed; your other sessions were logged out.",
        "email": "We sent a confirmation link to the new address. Your address changes once you open it.",
        "verify": "We sent you a new verification link.",
    ]

    /// Renders the page; `active` names the form that failed, which alone shows `error`.
    static func show(_ context: RequestContext, active: String? = nil, values: AccountInput? = nil,
                     error: HTTPError? = nil) throws -> FastCGIResponse {
        let user = try context.requireUser()
        let csrf = try context.csrfToken()
        func form(_ name: String, _ action: String) -> AccountForm {
            AccountForm(name: name, action: action, csrf: csrf,
                        values: active == name ? values : nil, error: active == name ? error : nil)
        }
        var notice: HTML = ""
        if error == nil, let done = try context.request.queryValue("done"), let text = notices[done] {
            notice = "<p class=\"notice\" role=\"status\">\(text)</p>"
        }
        var verify: HTML = "<p>Your address is verified.</p>"
        if !user.emailVerified {
            verify = """
                <p class="notice">Your address is not verified yet, so you cannot post. Open the link we mailed to \(user.email).</p>
                \(form("resend", "/account/verify").render(submit: "Send a new link"))
                """
        }
        var password = form("password", "/account/password")
        password.field("current_password", "Current password", type: "password", autocomplete: "current-password")
        password.field("new_password", "New password", type: "password", autocomplete: "new-password")
        var email = form("email", "/account/email")
        email.field("new_email", "New email", type: "email", autocomplete: "email")
        email.field("password", "Password", type: "password", autocomplete: "current-password")
        var delete = form("delete", "/account/delete")
        delete.field("password", "Password", type: "password", autocomplete: "current-password")
        let roleNote: HTML = user.role == .user ? "" : " (\(user.role.rawValue), <a href=\"/moderation\">moderation queue</a>)"
        return AccountForm.page(context, title: "Your account", status: error?.status ?? 200, """
            <h1>Your account</h1>
            \(notice)<p>Logged in as <strong class="account-email">\(user.email)</strong>\(roleNote).</p>
            <p class="my-posts-link"><a href="/account/posts">My posts</a> · <a href="/post/new">New post</a></p>
            \(verify)
            \(AccountForm(name: "logout", action: "/logout", csrf: csrf).render(submit: "Log out"))
            <h2>Change password</h2>
            \(password.render(submit: "Change password"))
            <h2>Change email</h2>
            \(email.render(submit: "Send confirmation link"))
            <h2>Sessions</h2>
            <p>Log out on every device, this one included.</p>
            \(form("logout-all", "/account/logout-all").render(submit: "Log out everywhere"))
            <h2>Delete account</h2>
            <p>Deletes your account and all your posts, at once and for good.</p>
            \(delete.render(submit: "Delete my account", danger: true))
            """)
    }

    /// Runs one of the page's forms: CSRF first, then `body`; a 4xx re-renders the page.
    static func handle(_ context: RequestContext, _ name: String,
                       _ body: (AccountInput, SessionRecord) throws -> FastCGIResponse) throws -> FastCGIResponse {
        _ = try context.requireUser()
        guard let session = try context.currentSession() else { throw HTTPError(401, "Log in first.") }
        return try AccountPages.handleForm(context, render: { try show(context, active: name, values: $0, error: $1) }) { input in
            try body(input, session)
        }
    }

    static func changePassword(_ context: RequestContext) throws -> FastCGIResponse {
        try handle(context, "password") { input, session in
            try AccountService(context).changePassword(
                session, current: try input.password("current_password", label: "Current password"),
                new: try input.password("new_password", label: "New password"))
            return try FastCGIResponse.redirect(to: "/account?done=password")
        }
    }

    static func changeEmail(_ context: RequestContext) throws -> FastCGIResponse {
        try handle(context, "email") { input, session in
            try AccountService(context).requestEmailChange(session.user, password: try input.password(),
                                                           newEmail: try input.email("new_email", label: "New email"))
            return try FastCGIResponse.redirect(to: "/account?done=email")
        }
    }

    static func resendVerification(_ context: RequestContext) throws -> FastCGIResponse {
        try handle(context, "resend") { _, session in
            try AccountService(context).resendVerification(session.user)
            return try FastCGIResponse.redirect(to: "/account?done=verify")
        }
    }

    static func logoutAll(_ context: RequestContext) throws -> FastCGIResponse {
        try handle(context, "logout-all") { _, session in
            try AccountService(context).logOutEverywhere(session.user)
            context.resetSessionCache()
            context.responseHeaders.append(("Set-Cookie", SessionCookie.clear()))
            return try FastCGIResponse.redirect(to: "/login")
        }
    }

    static func delete(_ context: RequestContext) throws -> FastCGIResponse {
        try handle(context, "delete") { input, session in
            try AccountService(context).deleteAccount(session.user, password: try input.password())
            context.resetSessionCache()
            context.responseHeaders.append(("Set-Cookie", SessionCookie.clear()))
            return AccountForm.page(context, title: "Account deleted", """
                <h1>Account deleted</h1><p class="notice" role="status">Your account and its posts are deleted.</p>
                <p><a href="/">Back to the start page</a></p>
                """)
        }
    }
}
