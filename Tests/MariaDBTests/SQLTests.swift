import Foundation
import Testing
@testable import MariaDB

@Suite struct SQLTests {
    @Test func interpolatedValuesBecomePlaceholders() {
        let id = 42
        let name = "x'); DROP TABLE users; --"
        let missing: String? = nil
        let sql: SQL = "SELECT * FROM posts WHERE id = \(id) AND title = \(name) AND price IS \(missing)"
        #expect(sql.text == "SELECT * FROM posts WHERE id = ? AND title = ? AND price IS ?")
        #expect(sql.binds == [.int(42), .string(name), .null])
        #expect(!sql.text.contains("DROP"))
    }

    @Test func fragmentsListsAndUnsafeText() {
        var sql: SQL = "SELECT id FROM \(unsafeSQL: "posts") WHERE city_id = \(7)"
        sql += " AND id IN \(SQL.list([1, 2, 3]))"
        sql.append(" AND user_id IN \(list: [UInt64(9)])")
        #expect(sql.text == "SELECT id FROM posts WHERE city_id = ? AND id IN (?, ?, ?) AND user_id IN (?)")
        #expect(sql.binds == [.int(7), .int(1), .int(2), .int(3), .uint(9)])
        let empty: [Int] = []
        #expect(SQL.list(empty).text == "(NULL)")
        let joined = SQL.joined(["a = \(1)", "b = \(true)"], separator: " AND ")
        #expect(joined.text == "a = ? AND b = ?")
        #expect(joined.binds == [.int(1), .int(1)])
        let date = Date(timeIntervalSince1970: 0)
        let bytes: [UInt8] = [0, 1]
        let s2: SQL = "VALUES (\(date), \(bytes), \(2.5), \(Int32(-3)))"
        #expect(s2.binds == [.datetime(date), .bytes([0, 1]), .double(2.5), .int(-3)])
    }

    @Test func scriptSplitterKnowsQuotesAndComments() {
        let text = """
        -- header; with a semicolon
        CREATE TABLE a (x INT); /* block ; */
        INSERT INTO a VALUES (';'), ("it''s; \\" ;"); # trailing ; comment
        SELECT `we;ird` FROM a;
        """
        let parts = SQLScript.statements(in: text)
        #expect(parts.count == 3)
        #expect(parts[0] == "CREATE TABLE a (x INT)")
        #expect(parts[1].hasPrefix("INSERT INTO a VALUES (';')"))
        #expect(parts[2] == "SELECT `we;ird` FROM a")
    }

    @Test func calendarArithmetic() {
        for secs in [-86_400.5, -0.5, 0, 951_782_400, 1_700_000_000.123456, 4_102_444_799.999999] {
            let d = Date(timeIntervalSince1970: secs)
            let t = MySQLTime.make(d)
            let back = MySQLTime.date(t)!
            #expect(abs(back.timeIntervalSince1970 - secs) < 0.000001)
        }
        let t = MySQLTime.make(Date(timeIntervalSince1970: 951_782_400)) // 2000-02-29
        #expect((t.year, t.month, t.day, t.hour) == (2000, 2, 29, 0))
    }

    @Test func decodeRules() throws {
        let row = Row(columns: ["a", "b", "c"], values: [.int(1), .null, .string("x")])
        #expect(try row.decode("a", as: Int.self) == 1)
        #expect(try row.decode("a", as: Bool.self) == true)
        #expect(try row.decode("b", as: Int?.self) == nil)
        #expect(throws: MariaDBError.self) { try row.decode("b", as: Int.self) }
        #expect(throws: MariaDBError.self) { try row.decode("c", as: Int.self) }
        #expect(throws: MariaDBError.self) { try row.decode("missing", as: String.self) }
        #expect(row["missing"] == nil)
        // By position, each looked up once per result: the same values, errors naming the column.
        let (a, b) = (try row.rowDescription.position(of: "a"), try row.rowDescription.position(of: "b"))
        #expect(try row.decode(a, as: Int.self) == 1 && row.decode(b, as: Int?.self) == nil)
        #expect(throws: MariaDBError.self) { try row.rowDescription.position(of: "missing") }
        do {
            _ = try row.decode(b, as: Int.self)
            Issue.record("NULL decoded as Int")
        } catch let e as MariaDBError {
            #expect(e.code == .decode && e.message.hasPrefix("column b: "))
        }
        do {
            _ = try row.decode("zzz", as: Int.self)
        } catch let e as MariaDBError {
            #expect(e.code == .decode)
            #expect(e.description == "database error: decode error")
        }
    }
}
