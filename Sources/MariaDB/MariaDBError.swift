/// An error from the database layer.
///
/// `description` is generic ("database error: connection lost") so it is safe to show or to
/// put in a response; the server's errno, SQLSTATE and message live in `debugDescription`,
/// meant for logs only.
public struct MariaDBError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// Could not connect (server down, refused, bad credentials, timeout).
        case connectionFailed = "connection failed"
        /// The connection went away; nothing was applied, or the statement was a read.
        case connectionLost = "connection lost"
        /// A write was sent and the connection died before the answer: it may or may not
        /// have been applied. Never re-sent automatically.
        case outcomeUnknown = "outcome unknown"
        case duplicateEntry = "duplicate entry"
        case lockWaitTimeout = "lock wait timeout"
        case deadlock = "deadlock"
        /// The server refused a write because it is read-only.
        case readOnly = "read-only"
        /// A CHECK or foreign-key constraint refused the row.
        case constraintViolation = "constraint violation"
        /// Any other server error (syntax, unknown table, ...).
        case server = "server error"
        /// A client library error that is not a lost connection.
        case client = "client error"
        /// A result cell could not be decoded as the asked type, or a column is missing.
        case decode = "decode error"
        /// The API was used in a way it does not allow (e.g. a nested transaction).
        case misuse = "misuse"
    }

    public var code: Code
    /// The server's or client library's error number (e.g. 1062, 2013), when there is one.
    public var errno: UInt32?
    /// The five-character SQLSTATE, when there is one.
    public var sqlState: String?
    /// The server's or library's message. Logs only: it can quote data.
    public var message: String
    /// For `executeScript`: the 1-based number of the statement that failed.
    public var statementIndex: Int?
    /// The application's statement that failed, as `File.swift:line` (logs only).
    public var callSite: String?

    public init(_ code: Code, errno: UInt32? = nil, sqlState: String? = nil, message: String = "",
                statementIndex: Int? = nil) {
        self.code = code
        self.errno = errno
        self.sqlState = sqlState
        self.message = message
        self.statementIndex = statementIndex
    }

    /// Builds an error from an errno, classifying it.
    init(errno: UInt32, sqlState: String?, message: String, statementIndex: Int? = nil) {
        self.init(Self.classify(errno), errno: errno, sqlState: sqlState, message: message,
                  statementIndex: statementIndex)
    }

    public var description: String { "database error: \(code.rawValue)" }

    public var debugDescription: String {
        var s = "MariaDBError(\(code.rawValue)"
        if let errno { s += ", errno \(errno)" }
        if let sqlState { s += ", sqlstate \(sqlState)" }
        if let statementIndex { s += ", statement #\(statementIndex)" }
        if let callSite { s += ", at \(callSite)" }
        if !message.isEmpty { s += ": \(message)" }
        return s + ")"
    }

    /// Runs `body`, stamping a database error it throws with the caller's statement (the first
    /// stamp wins: the innermost caller is the statement itself).
    public static func at<T>(_ file: String, _ line: Int, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch var e as MariaDBError {
            if e.callSite == nil { e.callSite = "\(file):\(line)" }
            throw e
        }
    }

    /// CR_NEW_STMT_METADATA: a prepared statement's result no longer has the columns it was
    /// prepared with (the table changed under it).
    static let newStatementMetadata: UInt32 = 2057

    /// Whether this errno means the connection is gone (the statement may be lost with it).
    static func isConnectionLoss(_ errno: UInt32) -> Bool {
        switch errno {
        case 2006,  // CR_SERVER_GONE_ERROR
             2013,  // CR_SERVER_LOST
             2055,  // CR_SERVER_LOST_EXTENDED
             2026,  // CR_SSL_CONNECTION_ERROR
             2048,  // CR_INVALID_CONN_HANDLE
             1927,  // ER_CONNECTION_KILLED
             1053,  // ER_SERVER_SHUTDOWN
             1152,  // ER_ABORTING_CONNECTION
             1184,  // ER_NEW_ABORTING_CONNECTION
             4031:  // ER_CLIENT_INTERACTION_TIMEOUT (MySQL-compatible servers)
            return true
        default:
            return false
        }
    }

    /// Errnos that mean "could not connect at all".
    static func isConnectFailure(_ errno: UInt32) -> Bool {
        switch errno {
        case 2002, 2003, 2005, 2012, 1040, 1045, 1049, 1129, 1130, 1203:
            return true
        default:
            return false
        }
    }

    static func classify(_ errno: UInt32) -> Code {
        if isConnectionLoss(errno) { return .connectionLost }
        if isConnectFailure(errno) { return .connectionFailed }
        switch errno {
        case 1062, 1586, 1557: return .duplicateEntry
        case 1205: return .lockWaitTimeout
        case 1213: return .deadlock
        case 1290, 1792, 1836: return .readOnly
        case 4025, 1451, 1452: return .constraintViolation
        case 2000..<3000: return .client
        default: return .server
        }
    }
}
