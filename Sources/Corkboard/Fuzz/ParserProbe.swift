/// The entry points the fuzzers and the corpus replay share: each target feeds raw bytes from
/// outside to one family of parsers, exactly as a request or the operator would, and checks
/// what must hold whatever the bytes are (a refusal is the documented error, never a trap; a
/// parse never yields more than it was given; printing what was parsed and parsing it again
/// gives the same thing).
///
/// `make fuzz` drives these through libFuzzer (Sources/CorkboardFuzz); `ParserCorpusTests`
/// replays every kept input (Tests/Fuzz/corpus, Tests/Fuzz/regressions) through the same calls.
public enum ParserProbe {
    /// One fuzz target: a family of parsers and the layout of its input bytes.
    public enum Target: String, CaseIterable, Sendable {
        /// FastCGI params as libfcgi hands them over: `NAME=value` entries separated by NUL bytes.
        case params
        /// A multipart body: byte 0 picks the chunk size, then the Content-Type line up to the
        /// first LF, then the body.
        case multipart
        /// A Cookie header, and the signed cookie values read from it.
        case cookies
        /// A query string or an urlencoded form body.
        case query
        /// A JSON request body, decoded as each typed body.
        case json
        /// A list request's query string (text query language, filters, prices, sort).
        case search
        /// A page cursor, and the other base64url tokens.
        case cursor
        /// The configuration file.
        case config
    }

    /// A property of a parser that did not hold for an input: a defect, whatever the input.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Feeds `bytes` to `target`'s parsers; throws when a property does not hold.
    public static func run(_ target: Target, _ bytes: [UInt8]) throws(Failure) {
        switch target {
        case .params: try params(bytes)
        case .multipart: try multipart(bytes)
        case .cookies: try cookies(bytes)
        case .query: try query(bytes)
        case .json: try json(bytes)
        case .search: try search(bytes)
        case .cursor: try cursor(bytes)
        case .config: try config(bytes)
        }
    }

    /// Throws a `Failure` saying `what` unless `condition` holds.
    static func check(_ condition: Bool, _ what: @autoclosure () -> String) throws(Failure) {
        if !condition { throw Failure(description: what()) }
    }
}
