/// Column names of one result set, shared by all its rows.
public final class RowDescription: Sendable {
    /// Column names (labels) in result order.
    public let columns: [String]
    let index: [String: Int]

    init(columns: [String]) {
        self.columns = columns
        var index: [String: Int] = [:]
        for (i, c) in columns.enumerated() where index[c] == nil { index[c] = i }
        self.index = index
    }

    /// The position of `column` (the first one if a name repeats), for decoding many rows by
    /// position (`Row.decode(_:as:)` with an `Int`): one name lookup per result, not per cell.
    /// Throws `.decode` when the result has no such column.
    public func position(of column: String) throws -> Int {
        guard let i = index[column] else { throw MariaDBError(.decode, message: "no column named \(column)") }
        return i
    }
}

/// One result row: column names and values.
public struct Row: Sendable {
    /// The result set's column names, shared by its rows.
    public let rowDescription: RowDescription
    /// The cells, in column order.
    public let values: [MariaDBValue]

    /// A row built by hand (tests, fakes of stores).
    public init(columns: [String], values: [MariaDBValue]) {
        self.init(rowDescription: RowDescription(columns: columns), values: values)
    }

    init(rowDescription: RowDescription, values: [MariaDBValue]) {
        self.rowDescription = rowDescription
        self.values = values
    }

    /// Column names in result order.
    public var columns: [String] { rowDescription.columns }

    /// The value of a column by name (the first one if a name repeats), nil if there is no
    /// such column.
    public subscript(_ column: String) -> MariaDBValue? {
        guard let i = rowDescription.index[column] else { return nil }
        return values[i]
    }

    /// The value of a column by position.
    public subscript(_ position: Int) -> MariaDBValue { values[position] }

    /// Decodes a column; a missing column or a mismatching type throws `.decode`.
    @inlinable
    public func decode<T: MariaDBDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try decode(try rowDescription.position(of: column), as: type)
    }

    /// Decodes the column at `position` (see `RowDescription.position(of:)`); a mismatching
    /// type throws `.decode` naming the column.
    @inlinable
    public func decode<T: MariaDBDecodable>(_ position: Int, as type: T.Type = T.self) throws -> T {
        do {
            return try T(mariaDBValue: values[position])
        } catch var e as MariaDBError {
            e.message = "column \(rowDescription.columns[position]): " + e.message
            throw e
        }
    }
}

/// What a write did.
public struct ExecResult: Sendable, Hashable {
    /// Rows matched by an UPDATE (the connection uses CLIENT_FOUND_ROWS), inserted or deleted.
    public var affectedRows: UInt64
    /// The AUTO_INCREMENT id of the first inserted row, 0 if none.
    public var lastInsertID: UInt64

    public init(affectedRows: UInt64, lastInsertID: UInt64) {
        self.affectedRows = affectedRows
        self.lastInsertID = lastInsertID
    }
}
