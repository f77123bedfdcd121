import FastCGI
import Foundation

/// Counts each request by route pattern: its status class and a latency histogram, in named
/// rows of the scoreboard (one row per pattern, named by it), so every process adds to the
/// same numbers and a killed worker's counts stay. Outside a pool they stay in this process.
public final class RequestMetrics {
    /// Upper bounds (seconds) of the latency buckets; one more, +Inf, follows.
    public static let bucketBounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    /// The route label of a request no route matched (never the raw path).
    public static let unmatched = "unmatched"

    /// Row layout: requests by status class (1xx…5xx), the histogram's buckets (not cumulative;
    /// the last is +Inf), the total of durations in microseconds.
    enum Value {
        static let statusClasses = 0            // + class - 1 (5)
        static let buckets = 5                  // + bucket (12)
        static let sumMicros = 17
    }

    private let board: Scoreboard?
    private var rows: [String: Int] = [:]
    private var local: [String: [UInt64]] = [:]

    public init(board: Scoreboard?) { self.board = board }

    /// Counts one answered request on `route` (a pattern, or `unmatched`).
    public func record(route: String, status: Int, seconds: Double) {
        let cls = min(max(status / 100, 1), 5)
        let bucket = Self.bucketBounds.firstIndex { seconds <= $0 } ?? Self.bucketBounds.count
        let micros = UInt64(max(0, seconds * 1e6))
        if let board {
            let row: Int
            if let known = rows[route] {
                row = known
            } else {
                guard let named = board.row(named: route) else { return }
                row = named
                rows[route] = row
            }
            board.add(row: row, value: Value.statusClasses + cls - 1, 1)
            board.add(row: row, value: Value.buckets + bucket, 1)
            board.add(row: row, value: Value.sumMicros, micros)
        } else {
            var values = local[route] ?? [UInt64](repeating: 0, count: Scoreboard.namedRowValues)
            values[Value.statusClasses + cls - 1] += 1
            values[Value.buckets + bucket] += 1
            values[Value.sumMicros] += micros
            local[route] = values
        }
    }

    /// This process's rows when it runs outside a pool (in-process tests).
    var localRows: [String: [UInt64]] { local }
}
