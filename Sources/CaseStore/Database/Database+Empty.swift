import GRDB

extension Database {
    /// True when none of `tables` holds a row (setup, `komar init` and a
    /// restore ask whether a file holds records yet).
    func tablesAreEmpty(_ tables: [String]) throws -> Bool {
        try tables.allSatisfy { table in
            try !Bool.fetchOne(self, sql: "SELECT EXISTS (SELECT 1 FROM \(table.quotedDatabaseIdentifier))")!
        }
    }
}
