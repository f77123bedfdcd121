import FastCGI
import Foundation
import MariaDB

/// The auth API handlers use: who is asking, and whether a state change really comes from our
/// own pages. Sessions are always checked on the primary.
extension RequestContext {
    /// The live session of this request (cached), nil when anonymous.
    public func currentSession() throws -> SessionRecord? {
        if let cached = sessionLookup { return cached }
        var found: SessionRecord?
        if let token = request.cookies[SessionCookie.name], !token.isEmpty {
            do {
                found = try SessionStore(db: database.primaryRoute, config: app.config.accounts).find(token: token)
            } catch let error as MariaDBError where error.isUnavailable {
                // Sessions live on the primary only (a replica could honour a revoked one). With
                // the primary down the visitor browses as if logged out; pages that need an
                // identity say that account changes are paused (`requireUser`).
                identityUnavailable = true
                logger.warning("session unknown: primary unavailable", metadata: ["error": "\(error.debugDescription)"])
            }
        }
        sessionLookup = .some(found)
        return found
    }

    /// Forgets the cached session (after log-in, log-out or a change to the user).
    func resetSessionCache(_ record: SessionRecord? = nil) {
        sessionLookup = .some(record)
    }

    /// The logged-in user from the session cookie (checked against the PRIMARY, never a
    /// replica), nil when anonymous. Cached per request in `sessionLookup`.
    public func currentUser() throws -> User? {
        try currentSession()?.user
    }

    /// The user, else 401 for /api/ (JSON) or a 303 redirect to /login?next=<path>.
    public func requireUser() throws -> User {
        if let user = try currentUser() { return user }
        if identityUnavailable { throw HTTPError.readOnly() }
        if wantsJSON { throw HTTPError(401, "Log in first.") }
        var target = request.path
        if !request.query.isEmpty { target += "?" + request.query }
        var error = HTTPError(303, "Log in first.")
        error.headers = [("Location", "/login?" + FastCGIRequest.queryString([("next", target)]))]
        throw error
    }

    /// requireUser plus a verified email address, else 403 saying how to verify.
    public func requirePoster() throws -> User {
        let user = try requireUser()
        guard user.emailVerified else {
            throw HTTPError(403, "Verify your email address to post: we sent a link to \(user.email); you can ask for a new one on your account page.")
        }
        return user
    }

    /// For every state-changing request (POST/PUT/DELETE): HTML forms must carry the
    /// `csrf_token` field (pass the parsed form), API calls the `X-Requested-With: corkboard`
    /// (or `X-CSRF-Token`) header, and no request may say it comes from another site
    /// (`Origin`, `Sec-Fetch-Site`). Throws 403 with a clear message.
    public func requireCSRF(form: [(String, String)]?) throws {
        if CSRFToken.isCrossSite(origin: request.header("Origin"), secFetchSite: request.header("Sec-Fetch-Site"),
                                 siteURL: app.config.siteURL) {
            throw HTTPError(403, "This request came from another site and was refused.")
        }
        if wantsJSON {
            let marker = request.header("X-Requested-With")?.lowercased()
            if marker == "corkboard" { return }
            if let header = request.header("X-CSRF-Token"), try tokenIsValid(header) { return }
            throw HTTPError(403, "API requests that change something need the header `X-Requested-With: corkboard`.")
        }
        let submitted = form?.first { $0.0 == "csrf_token" }?.1 ?? ""
        guard !submitted.isEmpty, try tokenIsValid(submitted) else {
            throw HTTPError(403, "This form has expired or did not come from this site. Go back, reload the page and try again.")
        }
    }

    /// The token to put in a hidden `csrf_token` input of a form on this page (sets the
    /// anonymous `__Host-csrf` cookie when the visitor is not logged in and has none).
    public func csrfToken() throws -> String {
        if let session = try currentSession() { return CSRFToken.forSession(key: session.csrfKey) }
        let key = try AccountKeys.siteCSRFMAC(database)
        if let cookie = anonymousCSRFCookie ?? request.cookies[SessionCookie.csrfName],
           SessionCookie.isWellFormed(cookie) {
            return CSRFToken.forAnonymous(site: key, cookie: cookie)
        }
        let cookie = Crypto.token()
        anonymousCSRFCookie = cookie
        responseHeaders.append(("Set-Cookie", SessionCookie.setCSRF(cookie)))
        return CSRFToken.forAnonymous(site: key, cookie: cookie)
    }

    /// A submitted token is valid if it is this session's or this browser's anonymous one.
    private func tokenIsValid(_ submitted: String) throws -> Bool {
        if let session = try currentSession(),
           CSRFToken.matches(submitted, expected: CSRFToken.forSession(key: session.csrfKey)) {
            return true
        }
        if let cookie = request.cookies[SessionCookie.csrfName], SessionCookie.isWellFormed(cookie) {
            let key = try AccountKeys.siteCSRFMAC(database)
            return CSRFToken.matches(submitted, expected: CSRFToken.forAnonymous(site: key, cookie: cookie))
        }
        return false
    }
}
