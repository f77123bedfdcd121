import Logging
import MariaDB

extension Database {
    /// Runs a write transaction, again (up to three times in all) when MariaDB picked it as a
    /// deadlock victim: it rolled back whole, so running it again is safe. For transactions
    /// whose rows other requests lock at the same moment (a post's limits, contact counters).
    func transactionRetryingDeadlocks<T>(logger: Logger, _ body: (Transaction) throws -> T) throws -> T {
        var attempt = 0
        while true {
            do {
                return try transaction { try body($0) }
            } catch let error as MariaDBError where error.code == .deadlock && attempt < 2 {
                attempt += 1
                logger.notice("deadlock, retrying the transaction", metadata: ["attempt": "\(attempt)"])
            }
        }
    }
}
