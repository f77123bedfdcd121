import CMariaDB
import Foundation

/// A failure while running a statement, with whether the statement had been sent for
/// execution (after that, a write's outcome is unknown if the connection dies).
struct StatementFailure: Error {
    var error: MariaDBError
    var sent: Bool
}

/// Owns one `MYSQL_STMT*`.
///
/// Safe because: a statement is created, used and closed only by the `MariaDBConnection`
/// that owns its `MYSQL*`, on that connection's single thread; `close()` runs exactly once
/// (explicitly or from `deinit`), and the connection closes every cached statement before
/// it closes or drops its `MYSQL*`. Every buffer handed to the library (params, results)
/// is allocated and freed within one `run` call, so no pointer outlives its memory.
final class PreparedStatement {
    private var stmt: UnsafeMutablePointer<MYSQL_STMT>?
    let paramCount: Int
    var lastUsed: UInt64 = 0
    /// The last result's column names with their index, reused while a run's names are the
    /// same (they change only when the server re-prepares after a schema change): building
    /// the index per run was a tenth of an uncached post page's reads.
    ///
    /// A limit of libmariadb: after a schema change that alters how many columns the result
    /// has, `mysql_stmt_execute` fails with CR_NEW_STMT_METADATA and the connection prepares
    /// the statement again; but when the count stays the same it keeps the names it was
    /// prepared with (it refreshes only the types). So statements name their columns, never
    /// `SELECT *`: a named column is renamed away only by failing on the server.
    private var description: RowDescription?

    init(mysql: UnsafeMutablePointer<MYSQL>, sql: String) throws(StatementFailure) {
        guard let s = mysql_stmt_init(mysql) else {
            throw StatementFailure(error: MariaDBError.fromConnection(mysql), sent: false)
        }
        let utf8 = Array(sql.utf8)
        let rc = utf8.withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(buf.count, 1)) {
                mysql_stmt_prepare(s, $0, UInt(buf.count))
            }
        }
        if rc != 0 {
            let e = MariaDBError.fromStatement(s)
            mysql_stmt_close(s)
            throw StatementFailure(error: e, sent: false)
        }
        stmt = s
        paramCount = Int(mysql_stmt_param_count(s))
    }

    deinit { close() }

    /// Frees the statement on the client and (if still connected) on the server.
    func close() {
        if let s = stmt {
            mysql_stmt_close(s)
            stmt = nil
        }
    }

    /// Binds, executes and reads all rows.
    func run(_ binds: [MariaDBValue]) throws(StatementFailure) -> (rows: [Row], result: ExecResult) {
        guard let s = stmt else {
            throw StatementFailure(error: MariaDBError(.misuse, message: "statement closed"), sent: false)
        }
        guard binds.count == paramCount else {
            throw StatementFailure(error: MariaDBError(.misuse, message:
                "statement has \(paramCount) placeholders, got \(binds.count) values"), sent: false)
        }
        let params = ParamBuffers(binds)
        defer { withExtendedLifetime(params) {} }
        if paramCount > 0, mysql_stmt_bind_param(s, params.binds) != 0 {
            throw StatementFailure(error: MariaDBError.fromStatement(s), sent: false)
        }
        if mysql_stmt_execute(s) != 0 {
            throw StatementFailure(error: MariaDBError.fromStatement(s), sent: true)
        }
        let fieldCount = Int(mysql_stmt_field_count(s))
        if fieldCount == 0 {
            return ([], ExecResult(affectedRows: mysql_stmt_affected_rows(s),
                                   lastInsertID: mysql_stmt_insert_id(s)))
        }
        defer { mysql_stmt_free_result(s) }
        guard let meta = mysql_stmt_result_metadata(s) else {
            throw StatementFailure(error: MariaDBError.fromStatement(s), sent: true)
        }
        let fields = mysql_fetch_fields(meta)
        var columns: [ResultColumn] = []
        var names: [String] = []
        for i in 0..<fieldCount {
            let f = fields![i]
            names.append(f.name.map { String(cString: $0) } ?? "")
            columns.append(ResultColumn(field: f))
        }
        mysql_free_result(meta)
        let results = ResultBuffers(columns)
        if mysql_stmt_bind_result(s, results.binds) != 0 {
            throw StatementFailure(error: MariaDBError.fromStatement(s), sent: true)
        }
        if mysql_stmt_store_result(s) != 0 {
            throw StatementFailure(error: MariaDBError.fromStatement(s), sent: true)
        }
        let description: RowDescription
        if let cached = self.description, cached.columns == names {
            description = cached
        } else {
            description = RowDescription(columns: names)
            self.description = description
        }
        var rows: [Row] = []
        rows.reserveCapacity(Int(mysql_stmt_num_rows(s)))
        while true {
            let rc = mysql_stmt_fetch(s)
            if rc == MYSQL_NO_DATA { break }
            if rc != 0 && rc != MYSQL_DATA_TRUNCATED {
                throw StatementFailure(error: MariaDBError.fromStatement(s), sent: true)
            }
            var values: [MariaDBValue] = []
            values.reserveCapacity(fieldCount)
            for i in 0..<fieldCount {
                values.append(try results.value(at: i, stmt: s))
            }
            rows.append(Row(rowDescription: description, values: values))
        }
        return (rows, ExecResult(affectedRows: 0, lastInsertID: 0))
    }
}

/// How one result column is fetched.
struct ResultColumn {
    enum Kind { case null, signed, unsigned, double, time, text, binary }
    var kind: Kind
    var capacity: Int

    init(field f: MYSQL_FIELD) {
        let binary = f.charsetnr == 63
        switch f.type {
        case MYSQL_TYPE_NULL:
            kind = .null
        case MYSQL_TYPE_TINY, MYSQL_TYPE_SHORT, MYSQL_TYPE_LONG, MYSQL_TYPE_INT24,
             MYSQL_TYPE_LONGLONG, MYSQL_TYPE_YEAR:
            kind = (f.flags & UInt32(UNSIGNED_FLAG)) != 0 ? .unsigned : .signed
        case MYSQL_TYPE_FLOAT, MYSQL_TYPE_DOUBLE:
            kind = .double
        case MYSQL_TYPE_DATETIME, MYSQL_TYPE_TIMESTAMP, MYSQL_TYPE_DATE, MYSQL_TYPE_NEWDATE,
             MYSQL_TYPE_DATETIME2, MYSQL_TYPE_TIMESTAMP2:
            kind = .time
        case MYSQL_TYPE_DECIMAL, MYSQL_TYPE_NEWDECIMAL, MYSQL_TYPE_TIME, MYSQL_TYPE_TIME2:
            kind = .text    // exact decimal digits / "HH:MM:SS" as text
        default:
            kind = binary ? .binary : .text
        }
        // A first guess; longer values are fetched whole with mysql_stmt_fetch_column.
        capacity = min(max(Int(f.length), 16), 1024)
    }
}

/// Output buffers for one result set. Freed in deinit; see `PreparedStatement` for why the
/// library never sees them after that.
final class ResultBuffers {
    let columns: [ResultColumn]
    let binds: UnsafeMutablePointer<MYSQL_BIND>
    let lengths: UnsafeMutablePointer<UInt>
    let nulls: UnsafeMutablePointer<my_bool>
    let errors: UnsafeMutablePointer<my_bool>
    let buffers: [UnsafeMutableRawPointer]

    init(_ columns: [ResultColumn]) {
        self.columns = columns
        let n = max(columns.count, 1)
        binds = .allocate(capacity: n)
        binds.initialize(repeating: MYSQL_BIND(), count: n)
        lengths = .allocate(capacity: n)
        lengths.initialize(repeating: 0, count: n)
        nulls = .allocate(capacity: n)
        nulls.initialize(repeating: 0, count: n)
        errors = .allocate(capacity: n)
        errors.initialize(repeating: 0, count: n)
        var buffers: [UnsafeMutableRawPointer] = []
        for (i, c) in columns.enumerated() {
            let size: Int
            switch c.kind {
            case .null, .text, .binary: size = c.capacity
            case .signed, .unsigned, .double: size = 8
            case .time: size = MemoryLayout<MYSQL_TIME>.stride
            }
            let buf = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
            buffers.append(buf)
            var b = MYSQL_BIND()
            b.buffer = buf
            b.buffer_length = UInt(size)
            b.length = lengths + i
            b.is_null = nulls + i
            b.error = errors + i
            switch c.kind {
            case .signed, .unsigned:
                b.buffer_type = MYSQL_TYPE_LONGLONG
                b.is_unsigned = c.kind == .unsigned ? 1 : 0
            case .double: b.buffer_type = MYSQL_TYPE_DOUBLE
            case .time: b.buffer_type = MYSQL_TYPE_DATETIME
            case .null, .text, .binary: b.buffer_type = MYSQL_TYPE_BLOB
            }
            binds[i] = b
        }
        self.buffers = buffers
    }

    deinit {
        for b in buffers { b.deallocate() }
        binds.deallocate()
        lengths.deallocate()
        nulls.deallocate()
        errors.deallocate()
    }

    /// The value of column i of the row just fetched.
    func value(at i: Int, stmt: UnsafeMutablePointer<MYSQL_STMT>) throws(StatementFailure) -> MariaDBValue {
        if nulls[i] != 0 { return .null }
        let buf = buffers[i]
        switch columns[i].kind {
        case .null: return .null
        case .signed: return .int(buf.load(as: Int64.self))
        case .unsigned: return .uint(buf.load(as: UInt64.self))
        case .double: return .double(buf.load(as: Double.self))
        case .time:
            let t = buf.load(as: MYSQL_TIME.self)
            if let d = MySQLTime.date(t) { return .datetime(d) }
            return .string(String(format: "%04u-%02u-%02u %02u:%02u:%02u", t.year, t.month, t.day,
                                  t.hour, t.minute, t.second))
        case .text, .binary:
            let length = Int(lengths[i])
            var bytes: [UInt8]
            if length <= columns[i].capacity {
                bytes = Array(UnsafeRawBufferPointer(start: buf, count: length))
            } else {
                // Truncated: fetch the whole cell into a buffer of the reported length.
                bytes = [UInt8](repeating: 0, count: length)
                var fetchedLength: UInt = 0
                var isNull: my_bool = 0
                let rc = bytes.withUnsafeMutableBytes { raw -> Int32 in
                    var b = MYSQL_BIND()
                    b.buffer_type = MYSQL_TYPE_BLOB
                    b.buffer = raw.baseAddress
                    b.buffer_length = UInt(length)
                    return withUnsafeMutablePointer(to: &fetchedLength) { lp in
                        withUnsafeMutablePointer(to: &isNull) { np in
                            b.length = lp
                            b.is_null = np
                            return mysql_stmt_fetch_column(stmt, &b, UInt32(i), 0)
                        }
                    }
                }
                if rc != 0 {
                    throw StatementFailure(error: MariaDBError.fromStatement(stmt), sent: true)
                }
                if Int(fetchedLength) < length { bytes.removeLast(length - Int(fetchedLength)) }
            }
            if columns[i].kind == .binary { return .bytes(bytes) }
            return .string(String(decoding: bytes, as: UTF8.self))
        }
    }
}

/// Input buffers for one execution's parameters.
final class ParamBuffers {
    let binds: UnsafeMutablePointer<MYSQL_BIND>
    private var allocations: [UnsafeMutableRawPointer] = []

    init(_ values: [MariaDBValue]) {
        let n = max(values.count, 1)
        binds = .allocate(capacity: n)
        binds.initialize(repeating: MYSQL_BIND(), count: n)
        for (i, v) in values.enumerated() {
            var b = MYSQL_BIND()
            switch v {
            case .null:
                b.buffer_type = MYSQL_TYPE_NULL
            case .int(let x):
                b.buffer_type = MYSQL_TYPE_LONGLONG
                b.buffer = store(x)
            case .uint(let x):
                b.buffer_type = MYSQL_TYPE_LONGLONG
                b.is_unsigned = 1
                b.buffer = store(x)
            case .double(let x):
                b.buffer_type = MYSQL_TYPE_DOUBLE
                b.buffer = store(x)
            case .string(let s):
                b.buffer_type = MYSQL_TYPE_STRING
                setBytes(&b, Array(s.utf8))
            case .bytes(let bytes):
                b.buffer_type = MYSQL_TYPE_BLOB
                setBytes(&b, bytes)
            case .datetime(let d):
                b.buffer_type = MYSQL_TYPE_DATETIME
                b.buffer = store(MySQLTime.make(d))
            }
            binds[i] = b
        }
    }

    private func store<T>(_ value: T) -> UnsafeMutableRawPointer {
        let p = UnsafeMutableRawPointer.allocate(byteCount: MemoryLayout<T>.size,
                                                 alignment: MemoryLayout<T>.alignment)
        p.storeBytes(of: value, as: T.self)
        allocations.append(p)
        return p
    }

    private func setBytes(_ b: inout MYSQL_BIND, _ bytes: [UInt8]) {
        let p = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        bytes.withUnsafeBytes { if let base = $0.baseAddress { p.copyMemory(from: base, byteCount: bytes.count) } }
        allocations.append(p)
        b.buffer = p
        b.buffer_length = UInt(bytes.count)
        let len = UnsafeMutablePointer<UInt>.allocate(capacity: 1)
        len.initialize(to: UInt(bytes.count))
        allocations.append(UnsafeMutableRawPointer(len))
        b.length = len
    }

    deinit {
        for a in allocations { a.deallocate() }
        binds.deallocate()
    }
}

extension MariaDBError {
    static func fromStatement(_ s: UnsafeMutablePointer<MYSQL_STMT>) -> MariaDBError {
        MariaDBError(errno: mysql_stmt_errno(s), sqlState: mysql_stmt_sqlstate(s).map { String(cString: $0) },
                     message: mysql_stmt_error(s).map { String(cString: $0) } ?? "")
    }

    static func fromConnection(_ m: UnsafeMutablePointer<MYSQL>, statementIndex: Int? = nil) -> MariaDBError {
        MariaDBError(errno: mysql_errno(m), sqlState: mysql_sqlstate(m).map { String(cString: $0) },
                     message: mysql_error(m).map { String(cString: $0) } ?? "", statementIndex: statementIndex)
    }
}
