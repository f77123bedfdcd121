import Foundation

/// Errors raised by the FastCGI module.
///
/// `description` is generic and safe to show to a user; `debugDescription` carries the details
/// (paths, errno) for the log only.
public enum FastCGIError: Error, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The request body is larger than the limit the handler accepts (answered with 413).
    case bodyTooLarge(limit: Int)
    /// The request's FastCGI params exceed our own cap (answered with 400).
    case paramsTooLarge(limit: Int)
    /// A query parameter's value (or, with nil, a name) is not valid UTF-8 once decoded
    /// (answered with 400 naming the parameter).
    case invalidQueryEncoding(parameter: String?)
    /// A header name that is not an HTTP token.
    case invalidHeaderName(String)
    /// A header value containing CR, LF or NUL (which could split the response head).
    case invalidHeaderValue(name: String)
    /// A configuration problem found before anything started (e.g. a unix socket path too long).
    case invalidConfiguration(String)
    /// A system call failed.
    case system(call: String, errno: Int32, detail: String)

    public var description: String {
        switch self {
        case .bodyTooLarge: return "request body too large"
        case .paramsTooLarge: return "request headers too large"
        case .invalidQueryEncoding: return "query parameter is not valid UTF-8"
        case .invalidHeaderName: return "invalid response header name"
        case .invalidHeaderValue: return "invalid response header value"
        case .invalidConfiguration: return "invalid pool configuration"
        case .system: return "system call failed"
        }
    }

    public var debugDescription: String {
        switch self {
        case .bodyTooLarge(let limit): return "request body larger than \(limit) bytes"
        case .paramsTooLarge(let limit): return "FastCGI params larger than \(limit) bytes"
        case .invalidQueryEncoding(let name): return "query parameter \(name.map { "`\($0)`" } ?? "name") is not valid UTF-8"
        case .invalidHeaderName(let name): return "invalid response header name \(name.debugDescription)"
        case .invalidHeaderValue(let name): return "response header \(name) has a value with CR, LF or NUL"
        case .invalidConfiguration(let why): return "invalid pool configuration: \(why)"
        case .system(let call, let code, let detail):
            let what = detail.isEmpty ? "" : " (\(detail))"
            return "\(call) failed\(what): \(String(cString: strerror(code))) [errno \(code)]"
        }
    }

    /// A `.system` error for the current `errno`.
    static func errno(_ call: String, _ detail: String = "") -> FastCGIError {
        .system(call: call, errno: Foundation.errno, detail: detail)
    }
}
