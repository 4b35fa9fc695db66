import GRDB

extension Row {
    /// The rows of `sql`, each turned into a value by `decode` while the
    /// statement still holds it. `Row.fetchAll` copies every row first, and
    /// a copied row finds a column by name by lowercasing every column name
    /// it has: for a case (forty columns) that was most of the time a list
    /// page took. A row read from the statement looks names up in a table.
    /// `decode` must not keep the row.
    static func decodeAll<Value>(_ db: Database, sql: String, arguments: StatementArguments = StatementArguments(),
                                 _ decode: @escaping (Row) throws -> Value) throws -> [Value] {
        try Array(Row.fetchCursor(db, sql: sql, arguments: arguments).map(decode))
    }
}
