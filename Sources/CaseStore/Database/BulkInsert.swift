import GRDB
import GRDBSQLite

/// A prepared statement run many times in one transaction, its values bound
/// and stepped through SQLite's C API (GRDB's "raw SQLite pointers").
/// Imports insert tens of thousands of rows: turning each row into
/// `StatementArguments` took a fifth of the import's transaction.
struct BulkInsert {
    private let statement: Statement
    private let connection: SQLiteConnection?

    init(_ db: Database, sql: String) throws {
        statement = try db.makeStatement(sql: sql)
        connection = db.sqliteConnection
    }

    /// Binds `parts` one after the other to the statement's parameters and
    /// runs it once.
    func run(_ parts: [DatabaseValue]...) throws {
        let handle = statement.sqliteStatement
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        var index: Int32 = 1
        for part in parts {
            for value in part {
                let code = Self.bind(value, to: handle, at: index)
                guard code == SQLITE_OK else { throw error(code) }
                index += 1
            }
        }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else { throw error(code) }
    }

    private static func bind(_ value: DatabaseValue, to handle: SQLiteStatement, at index: Int32) -> Int32 {
        // SQLITE_TRANSIENT: SQLite copies the bytes, which live only for the call.
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        switch value.storage {
        case .null:
            return sqlite3_bind_null(handle, index)
        case .int64(let number):
            return sqlite3_bind_int64(handle, index, number)
        case .double(let number):
            return sqlite3_bind_double(handle, index, number)
        case .string(var text):
            // An empty buffer has no address, and a null pointer would bind NULL.
            if text.isEmpty { return sqlite3_bind_text(handle, index, "", 0, nil) }
            return text.withUTF8 { bytes in
                bytes.withMemoryRebound(to: CChar.self) { chars in
                    sqlite3_bind_text(handle, index, chars.baseAddress, Int32(chars.count), transient)
                }
            }
        case .blob(let data):
            return data.withUnsafeBytes { bytes in
                sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), transient)
            }
        }
    }

    private func error(_ code: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code),
                      message: connection.map { String(cString: sqlite3_errmsg($0)) }, sql: statement.sql)
    }
}
