/// The application side of a worker: turns one request into one response.
///
/// Workers are single-threaded processes, so a responder is called for one request at a time
/// and may keep per-process state (database connections, caches) without locking.
public protocol FastCGIResponder: AnyObject {
    /// Answers `request`. Throwing `FastCGIError.bodyTooLarge` yields 413; any other error is
    /// logged with its `debugDescription` and answered with a generic 500 that reveals nothing.
    func respond(to request: FastCGIRequest) throws -> FastCGIResponse
}
