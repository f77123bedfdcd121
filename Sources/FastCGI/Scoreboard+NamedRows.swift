import CSupport

extension Scoreboard {
    /// Rows of counters that carry their own name (e.g. one per route pattern), so a reader
    /// in any process can label them without sharing a numbering with the writers, and two
    /// binaries that register routes in a different order (a rolling deploy) still agree.
    public static let namedRowCount = 256
    static let namedRowWords = 32
    /// Bytes of a row's name; longer names are refused.
    public static let namedRowNameCapacity = 64
    /// Counter words per named row.
    public static let namedRowValues = namedRowWords - 2 - namedRowNameCapacity / 8

    // Row layout: word 0 state (0 free, 1 being claimed, 2 named), word 1 name length,
    // words 2..<10 the name, then `namedRowValues` counters.

    private func rowWord(_ row: Int, _ i: Int) -> UnsafeMutablePointer<UInt64> {
        words + Self.headerWords + Self.counterCount + slotCount * Self.slotWords + Self.tableSize + row * Self.namedRowWords + i
    }

    /// The row named `name`, claiming a free one if none is; nil when the name is empty or too
    /// long, or every row is taken. Two processes claiming the same new name at once may each
    /// get a row: readers add up rows of the same name (see `namedRows()`), so that is harmless.
    public func row(named name: String) -> Int? {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= Self.namedRowNameCapacity else { return nil }
        for row in 0..<Self.namedRowCount {
            var state = cb_atomic_load_u64(rowWord(row, 0))
            if state == 0 {
                guard cb_atomic_cas_u64(rowWord(row, 0), 0, 1) == 1 else {
                    state = cb_atomic_load_u64(rowWord(row, 0))
                    if state == 2, rowName(row) == name { return row }
                    continue
                }
                let text = UnsafeMutableRawPointer(rowWord(row, 2))
                for (i, b) in bytes.enumerated() { text.storeBytes(of: b, toByteOffset: i, as: UInt8.self) }
                cb_atomic_store_u64(rowWord(row, 1), UInt64(bytes.count))
                cb_atomic_store_u64(rowWord(row, 0), 2)
                return row
            }
            if state == 2, rowName(row) == name { return row }
        }
        return nil
    }

    /// Adds `n` to counter `value` (0..<namedRowValues) of `row`.
    public func add(row: Int, value: Int, _ n: UInt64) {
        guard row >= 0 && row < Self.namedRowCount, value >= 0 && value < Self.namedRowValues else { return }
        _ = cb_atomic_add_u64(rowWord(row, 10 + value), n)
    }

    /// Every named row's counters, rows of the same name added together.
    public func namedRows() -> [String: [UInt64]] {
        var out: [String: [UInt64]] = [:]
        for row in 0..<Self.namedRowCount where cb_atomic_load_u64(rowWord(row, 0)) == 2 {
            let values = (0..<Self.namedRowValues).map { cb_atomic_load_u64(rowWord(row, 10 + $0)) }
            let name = rowName(row)
            if let have = out[name] {
                out[name] = zip(have, values).map { $0 &+ $1 }
            } else {
                out[name] = values
            }
        }
        return out
    }

    private func rowName(_ row: Int) -> String {
        let n = min(Int(cb_atomic_load_u64(rowWord(row, 1))), Self.namedRowNameCapacity)
        return String(decoding: UnsafeRawBufferPointer(start: UnsafeRawPointer(rowWord(row, 2)), count: n), as: UTF8.self)
    }
}
