import MariaDB

extension MariaDBError {
    /// Errors that mean "the database cannot be reached right now" (a 503 for the client),
    /// as opposed to a bug or bad data (a 500).
    var isUnavailable: Bool {
        switch code {
        case .connectionFailed, .connectionLost, .outcomeUnknown, .readOnly: return true
        default: return false
        }
    }
}
