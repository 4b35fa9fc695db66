import Foundation
import GRDB
import Testing
@testable import CaseStore

/// `BulkInsert` binds values through SQLite's C API: each kind of value
/// arrives as GRDB would have bound it, and SQLite's refusals come back as
/// GRDB's errors.
@Suite struct BulkInsertTests {
    @Test func everyKindOfValueIsStoredAsGiven() throws {
        let queue = try DatabaseQueue()
        let rows = try queue.write { db -> [Row] in
            try db.execute(sql: "CREATE TABLE t (a, b, c, d NOT NULL, e)")
            let insert = try BulkInsert(db, sql: "INSERT INTO t (a, b, c, d, e) VALUES (?, ?, ?, ?, ?)")
            try insert.run([DatabaseValue.null, 42.databaseValue], [(2.5).databaseValue], ["".databaseValue],
                           [Data([0, 1, 2]).databaseValue])
            try insert.run([Int64.max.databaseValue, "ស្រីមុំ".databaseValue, "Dara".databaseValue],
                           ["ផ្ទះលេខ ១២".databaseValue, DatabaseValue.null])
            return try Row.fetchAll(db, sql: "SELECT a, b, c, d, e, typeof(d) AS kind FROM t ORDER BY rowid")
        }
        #expect(rows[0]["a"] == DatabaseValue.null)
        #expect(rows[0]["b"] == 42)
        #expect(rows[0]["c"] == 2.5)
        #expect(rows[0]["d"] == "")
        #expect(rows[0]["kind"] == "text")           // an empty text is text, never NULL
        #expect(rows[0]["e"] == Data([0, 1, 2]))
        #expect(rows[1]["a"] == Int64.max)
        #expect(rows[1]["b"] == "ស្រីមុំ")
        #expect(rows[1]["d"] == "ផ្ទះលេខ ១២")
    }

    @Test func aRefusedRowIsADatabaseErrorAndTheStatementRunsAgainAfter() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (a NOT NULL UNIQUE)")
            let insert = try BulkInsert(db, sql: "INSERT INTO t (a) VALUES (?)")
            try insert.run(["one".databaseValue])
            #expect {
                try insert.run(["one".databaseValue])
            } throws: { error in
                (error as? DatabaseError)?.resultCode == .SQLITE_CONSTRAINT
                    && (error as? DatabaseError)?.message?.contains("UNIQUE") == true
            }
            #expect(throws: DatabaseError.self) { try insert.run([DatabaseValue.null]) }
            try insert.run(["two".databaseValue])
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") == 2)
        }
    }
}
