extension RequestContext {
    /// The logged-in moderator (or admin); anonymous visitors as `requireUser`, other accounts
    /// get a 403 saying so.
    func requireModerator() throws -> User {
        let user = try requireUser()
        guard user.role == .moderator || user.role == .admin else {
            throw HTTPError(403, "Only moderators can do this.")
        }
        return user
    }
}
