/// The application side of a worker: turns one request into one response.
///
/// Workers are single-threaded processes, so a responder is called for one request at a time
/// and may keep per-process state (database connections, caches) without locking.
public protocol FastCGIResponder: AnyObject {
    /// Answers `request`. Throwing `FastCGIError.bodyTooLarge` yields 413; any other error is
    /// logged with its `debugDescription` and answered with a generic 500 that reveals nothing.
    func respond(to request: FastCGIRequest) throws -> FastCGIResponse

    /// Work no client waits for (flushing buffered counts, say): called after each response has
    /// been handed to the web server, and about once a second while the worker has nothing to do.
    func idle()

    /// Called once when the worker stops of its own accord (asked to stop, or recycled after
    /// `maxRequests`), after its last response: the last chance to flush what `idle` buffers.
    func stopping()
}

extension FastCGIResponder {
    public func idle() {}
    public func stopping() {}
}
