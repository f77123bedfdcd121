import CSupport
import FastCGI
import Foundation

/// Per-item generation numbers that every worker on the host sees: a change bumps one, and a
/// cached copy stored under an older number is dead.
///
/// A generation is the monotonic time of the item's last invalidation in milliseconds (raised
/// by at least one per bump), so it also says *when* the item last changed: a refill within the
/// replica-lag window of a change reads the primary. Items share slots by `id mod tableSize`; a
/// collision only costs a spurious miss.
public protocol GenerationTable: AnyObject {
    /// The current generation of `key` (0 = never invalidated since the pool started).
    func generation(of key: Int64) -> UInt64
    /// Raises the generation of `key` to now (and by at least one); visible at once everywhere.
    func bump(_ key: Int64)
}

extension GenerationTable {
    /// Whether `key` was invalidated within the last `seconds`.
    public func invalidatedRecently(_ key: Int64, within seconds: Double) -> Bool {
        let g = generation(of: key)
        guard g > 0 else { return false }
        let nowMS = cb_monotonic_ns() / 1_000_000
        return nowMS < g || Double(nowMS - g) < seconds * 1000
    }

    static func slot(_ key: Int64) -> Int { Int(UInt64(bitPattern: key) % UInt64(Scoreboard.tableSize)) }
}

/// A city's lists (its listings and searches) have one generation, under the city's id
/// negated in the same table as the posts' ids: whatever carries post generations to every
/// worker (and across hosts) carries these too. A slot shared with a post costs a spurious miss.
extension GenerationTable {
    public func generation(ofCity id: Int64) -> UInt64 { generation(of: -id) }

    public func bump(city id: Int64) { bump(-id) }

    public func invalidatedRecently(city id: Int64, within seconds: Double) -> Bool {
        invalidatedRecently(-id, within: seconds)
    }
}

/// Generations in the pool's scoreboard (shared memory mapped by the master and every worker).
public final class SharedGenerationTable: GenerationTable {
    let board: Scoreboard
    public init(board: Scoreboard) { self.board = board }

    public func generation(of key: Int64) -> UInt64 { board.tableValue(Self.slot(key)) }

    public func bump(_ key: Int64) {
        board.bumpTable(Self.slot(key), atLeast: cb_monotonic_ns() / 1_000_000)
    }
}

/// Generations in this process only: a worker outside a pool, and tests.
public final class LocalGenerationTable: GenerationTable {
    private var values: [Int: UInt64] = [:]
    public init() {}

    public func generation(of key: Int64) -> UInt64 { values[Self.slot(key)] ?? 0 }

    public func bump(_ key: Int64) {
        let slot = Self.slot(key)
        values[slot] = max((values[slot] ?? 0) + 1, cb_monotonic_ns() / 1_000_000)
    }
}
