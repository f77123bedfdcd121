/// An error a handler throws to answer the client with a status and a message meant for people.
/// Its message is shown to the user, so it must never carry internals.
public struct HTTPError: Error, Sendable {
    public var status: Int
    public var message: String
    /// The form or API field the message is about, when there is one.
    public var field: String?
    public var headers: [(String, String)] = []

    public init(_ status: Int, _ message: String, field: String? = nil) {
        self.status = status
        self.message = message
        self.field = field
    }

    public static func notFound(_ what: String = "This page does not exist.") -> HTTPError { HTTPError(404, what) }
    /// 503 while the primary is down: reads keep working, anything that needs an identity or
    /// a write waits (the same words as `Layout.readOnlyNotice`).
    public static func readOnly() -> HTTPError {
        var error = HTTPError(503, Layout.readOnlyNotice)
        error.headers = [("Retry-After", "30")]
        return error
    }
    /// 503 when the database could not answer this request (unreachable, or its connection lost,
    /// which rolls back an open transaction): the request may simply be sent again.
    public static func unavailable() -> HTTPError {
        var error = HTTPError(503, "The site is busy or under maintenance. Please try again in a moment.")
        error.headers = [("Retry-After", "5")]
        return error
    }
    /// 503 when the images folder is full: the photos (and whatever came with them) were not
    /// stored; the condition passes once an operator frees space.
    public static func storageFull() -> HTTPError {
        var error = HTTPError(503, "Photos cannot be stored right now because the server is out of disk space. "
                              + "Nothing was saved; please try again later.")
        error.headers = [("Retry-After", "300")]
        return error
    }
    /// 503 when no other application host took a copy of a photo (they are all down or cut
    /// off): a photo is kept only on two hosts, so nothing was stored; it passes once a second
    /// host is back.
    public static func noSecondCopy() -> HTTPError {
        var error = HTTPError(503, "Photos cannot be stored right now because no second server is available to keep a copy. "
                              + "Nothing was saved; please try again in a minute.")
        error.headers = [("Retry-After", "60")]
        return error
    }
    public static func badRequest(_ message: String, field: String? = nil) -> HTTPError { HTTPError(400, message, field: field) }
}
