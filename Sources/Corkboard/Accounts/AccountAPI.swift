import FastCGI

/// The JSON API of accounts (`/api/…`). State changes need the session cookie (where there is
/// one) plus `X-Requested-With: corkboard`; errors are `{"error": …, "field": …}`.
enum AccountAPI {
    struct Message: Encodable { var message: String }
    struct UserBody: Encodable { var user: User }

    /// `POST /api/signup {email, password}`: always the same 202 answer.
    static func signup(_ context: RequestContext) throws -> FastCGIResponse {
        try context.requireCSRF(form: nil)
        let input = try AccountInput.read(context, takes: AccountFields.Credentials.self)
        let email = try input.email()
        let password = try input.password()
        try AccountService(context).signUp(email: email, password: password)
        return JSONResponse.make(status: 202, Message(message: AccountService.signupAnswer))
    }

    /// `POST /api/login {email, password}`: sets a fresh session cookie.
    static func login(_ context: RequestContext) throws -> FastCGIResponse {
        try context.requireCSRF(form: nil)
        let input = try AccountInput.read(context, takes: AccountFields.Credentials.self)
        let email = try input.email()
        let password = try input.password()
        let (user, token) = try AccountService(context).logIn(email: email, password: password,
                                                              replacing: try context.currentSession()?.tokenHash)
        context.responseHeaders.append(("Set-Cookie", SessionCookie.set(token, maxAge: context.app.config.accounts.sessionLifetime)))
        return JSONResponse.make(UserBody(user: user))
    }

    /// `POST /api/logout`: ends this session (a no-op when there is none).
    static func logout(_ context: RequestContext) throws -> FastCGIResponse {
        try context.requireCSRF(form: nil)
        if let session = try context.currentSession() { try AccountService(context).logOut(session) }
        context.resetSessionCache()
        context.responseHeaders.append(("Set-Cookie", SessionCookie.clear()))
        return JSONResponse.make(Message(message: "Logged out."))
    }

    /// `POST /api/logout-all`: ends every session of the user, this one included.
    static func logoutAll(_ context: RequestContext) throws -> FastCGIResponse {
        try context.requireCSRF(form: nil)
        let user = try context.requireUser()
        try AccountService(context).logOutEverywhere(user)
        context.resetSessionCache()
        context.responseHeaders.append(("Set-Cookie", SessionCookie.clear()))
        return JSONResponse.make(Message(message: "Logged out everywhere."))
    }

    /// `GET /api/me`: the logged-in user, or 401.
    static func me(_ context: RequestContext) throws -> FastCGIResponse {
        JSONResponse.make(UserBody(user: try context.requireUser()))
    }

    /// `GET /api/me/can-post`: 200 for a verified user, 403 (how to verify) otherwise.
    static func canPost(_ context: RequestContext) throws -> FastCGIResponse {
        JSONResponse.make(UserBody(user: try context.requirePoster()))
    }
}

/// The emailed-link and account-management half of the API.
extension AccountAPI {
    /// `POST /api/verify {token}`: confirms an address (sign-up or email change).
    static func verify(_ context: RequestContext) throws -> FastCGIResponse {
        try context.requireCSRF(form: nil)
        let token = try AccountInput.read(context, takes: AccountFields.Token.self).string("token", label: "Token", maxLength: 64)
        switch try AccountService(context).verify(token: token) {
        case .address(let email): return JSONResponse.make(Message(message: "Thank you: \(email) is verified."))
        case .newAddress(let email): return JSONResponse.make(Message(message: "Your address is now \(email)."))
        }
    }

    /// `POST /api/verify/resend`: a new verification link (rate limited).
    static func resendVerification(_ context: RequestContext) throws -> FastCGIResponse {
        try context.requireCSRF(form: nil)
        try AccountService(context).resendVerification(try context.requireUser())
        return JSONResponse.make(status: 202, Message(message: "We sent a new link to your address."))
    }

    /// `POST /api/reset {email}`: the same 202 whether or not the address has an account.
    static func requestReset(_ context: RequestContext) throws -> FastCGIResponse {
        try context.requireCSRF(form: nil)
        let email = try AccountInput.read(context, takes: AccountFields.Email.self).email()
        try AccountService(context).requestReset(email: email)
        return JSONResponse.make(status: 202, Message(message: AccountService.resetAnswer))
    }

    /// `POST /api/reset/confirm {token, password}`: sets the password, ends every session.
    static func confirmReset(_ context: RequestContext) throws -> FastCGIResponse {
        try context.requireCSRF(form: nil)
        let input = try AccountInput.read(context, takes: AccountFields.NewPassword.self)
        let token = try input.string("token", label: "Token", maxLength: 64)
        let password = try input.password()
        try AccountService(context).resetPassword(token: token, newPassword: password)
        context.responseHeaders.append(("Set-Cookie", SessionCookie.clear()))
        return JSONResponse.make(Message(message: "Your password is set; every session was logged out. Log in with the new password."))
    }

    /// `POST /api/password {current_password, new_password}`.
    static func changePassword(_ context: RequestContext) throws -> FastCGIResponse {
        try context.requireCSRF(form: nil)
        _ = try context.requireUser()
        guard let session = try context.currentSession() else { throw HTTPError(401, "Log in first.") }
        let input = try AccountInput.read(context, takes: AccountFields.PasswordChange.self)
        let current = try input.password("current_password", label: "Current password")
        let new = try input.password("new_password", label: "New password")
        try AccountService(context).changePassword(session, current: current, new: new)
        return JSONResponse.make(Message(message: "Password changed; your other sessions were logged out."))
    }

    /// `POST /api/email {new_email, password}`: mails a confirmation link to the new address.
    static func changeEmail(_ context: RequestContext) throws -> FastCGIResponse {
        try context.requireCSRF(form: nil)
        let user = try context.requireUser()
        let input = try AccountInput.read(context, takes: AccountFields.EmailChange.self)
        let newEmail = try input.email("new_email", label: "New email")
        let password = try input.password()
        try AccountService(context).requestEmailChange(user, password: password, newEmail: newEmail)
        return JSONResponse.make(status: 202, Message(message: "We sent a link to \(newEmail); your address changes once you open it."))
    }

    /// `DELETE /api/user {password}`: deletes the account, its sessions and posts now.
    static func deleteUser(_ context: RequestContext) throws -> FastCGIResponse {
        try context.requireCSRF(form: nil)
        let user = try context.requireUser()
        let password = try AccountInput.read(context, takes: AccountFields.Password.self).password()
        try AccountService(context).deleteAccount(user, password: password)
        context.resetSessionCache()
        context.responseHeaders.append(("Set-Cookie", SessionCookie.clear()))
        return JSONResponse.make(Message(message: "Your account and its posts are deleted."))
    }
}
