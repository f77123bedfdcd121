import FastCGI

/// The anonymous pages: `/signup`, `/login`, `POST /logout`. Each POST handler re-renders its
/// form with the message beside the field on any 4xx.
enum AccountPages {
    /// Runs a form POST; a 4xx from `body` re-renders the page via `render` with the input.
    static func handleForm(_ context: RequestContext, render: (AccountInput, HTTPError) throws -> FastCGIResponse,
                           _ body: (AccountInput) throws -> FastCGIResponse) throws -> FastCGIResponse {
        let input = try AccountInput.read(context)
        do {
            try context.requireCSRF(form: input.form)
            return try body(input)
        } catch let error as HTTPError where (400..<500).contains(error.status) {
            var response = try render(input, error)
            for (name, value) in error.headers where name == "Retry-After" { try? response.setHeader(name, value) }
            return response
        }
    }

    static func signupForm(_ context: RequestContext, values: AccountInput? = nil, error: HTTPError? = nil) throws -> FastCGIResponse {
        var form = AccountForm(name: "signup", action: "/signup", csrf: try context.csrfToken(), values: values, error: error)
        form.field("email", "Email", type: "email", autocomplete: "email")
        form.field("password", "Password (at least \(context.app.config.accounts.passwordMinLength) characters)", type: "password", autocomplete: "new-password")
        return AccountForm.page(context, title: "Sign up", status: error?.status ?? 200, """
            <h1>Sign up</h1>
            <p>You need an account to post. We will send you a link to confirm your address.</p>
            \(form.render(submit: "Sign up"))
            <p>Already have an account? <a href="/login">Log in</a>.</p>
            """)
    }

    static func signup(_ context: RequestContext) throws -> FastCGIResponse {
        try handleForm(context, render: { try signupForm(context, values: $0, error: $1) }) { input in
            try AccountService(context).signUp(email: try input.email(), password: try input.password())
            return AccountForm.page(context, title: "Check your inbox", """
                <h1>Check your inbox</h1>
                <p class="notice" role="status">\(AccountService.signupAnswer)</p>
                <p><a href="/login">Log in</a></p>
                """)
        }
    }

    static func loginForm(_ context: RequestContext, values: AccountInput? = nil, error: HTTPError? = nil) throws -> FastCGIResponse {
        let next = try values?.raw("next") ?? context.request.queryValue("next") ?? "/account"
        var form = AccountForm(name: "login", action: "/login", csrf: try context.csrfToken(), values: values, error: error)
        form.field("email", "Email", type: "email", autocomplete: "email")
        form.field("password", "Password", type: "password", autocomplete: "current-password")
        form.hidden("next", AccountForm.safeNext(next))
        return AccountForm.page(context, title: "Log in", status: error?.status ?? 200, """
            <h1>Log in</h1>
            \(form.render(submit: "Log in"))
            <p><a href="/reset">Forgot your password?</a> · <a href="/signup">Sign up</a></p>
            """)
    }

    static func login(_ context: RequestContext) throws -> FastCGIResponse {
        try handleForm(context, render: { try loginForm(context, values: $0, error: $1) }) { input in
            let (_, token) = try AccountService(context).logIn(email: try input.email(), password: try input.password(),
                                                               replacing: try context.currentSession()?.tokenHash)
            context.responseHeaders.append(("Set-Cookie", SessionCookie.set(token, maxAge: context.app.config.accounts.sessionLifetime)))
            return try FastCGIResponse.redirect(to: AccountForm.safeNext(input.raw("next")))
        }
    }

    /// `POST /logout`: ends the session and goes home.
    static func logout(_ context: RequestContext) throws -> FastCGIResponse {
        let input = try AccountInput.read(context)
        try context.requireCSRF(form: input.form)
        if let session = try context.currentSession() { try AccountService(context).logOut(session) }
        context.resetSessionCache()
        context.responseHeaders.append(("Set-Cookie", SessionCookie.clear()))
        return try FastCGIResponse.redirect(to: "/")
    }
}
