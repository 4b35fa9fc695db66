import CaseDomain
import Foundation
import GRDB

/// Moves every record of a lone office into the key range of the office it
/// becomes (`OfficeKeys`), and gives its codes the office code, keeping
/// every reference: run once, when the office joins head office (or when a
/// new database becomes head office). Keys all move by the same amount, so
/// their order, and everything computed from it, stays as it was.
///
/// Run it with foreign keys off (`withoutForeignKeys`): with them on, moving
/// each parent's key looks for its children in every table that refers to
/// it, and some references have no index (hours at 100,000 cases). The
/// check at the end finds any reference that did not follow.
enum OfficeKeyShift {
    /// The tables whose rows carry an office's key.
    static let keyedTables = ["user", "provider", "household", "household_member", "child_case", "case_event",
                              "follow_up", "referral", "referral_transition", "audit_event"]
    /// Audit entities whose id is a key of one of those tables.
    static let keyedEntities = ["user", "provider", "household", "household-member", "case", "follow-up", "referral"]

    static func run(_ db: Database, office: Int64, code: String?) throws {
        let offset = OfficeKeys.base(office)
        // The triggers keep counts, and the audit log's refuse every
        // change: set aside while keys move, then put back exactly as they
        // were. The referral tallies' keys hold provider keys: they are
        // worked out again once the keys have moved.
        let triggers = try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        for trigger in triggers { try db.execute(sql: "DROP TRIGGER \"\(trigger["name"] as String)\"") }
        for table in keyedTables {
            try db.execute(sql: "UPDATE \"\(table)\" SET id = id + ?", arguments: [offset])
        }
        let tables = try String.fetchAll(db, sql: """
            SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%'
            """)
        for table in tables {
            for reference in try Row.fetchAll(db, sql: "SELECT \"table\", \"from\" FROM pragma_foreign_key_list(?)",
                                              arguments: [table]) where keyedTables.contains(reference["table"]) {
                let column: String = reference["from"]
                try db.execute(sql: "UPDATE \"\(table)\" SET \"\(column)\" = \"\(column)\" + ? WHERE \"\(column)\" IS NOT NULL",
                               arguments: [offset])
            }
        }
        try db.execute(sql: "UPDATE audit_event SET user_id = user_id + ? WHERE user_id IS NOT NULL", arguments: [offset])
        try db.execute(sql: """
            UPDATE audit_event SET entity_id = entity_id + ? WHERE entity_id IS NOT NULL AND entity IN (\(
                keyedEntities.map { "'\($0)'" }.joined(separator: ", ")))
            """, arguments: [offset])
        for table in keyedTables {
            try db.execute(sql: "DELETE FROM sqlite_sequence WHERE name = ?", arguments: [table])
            try db.execute(sql: "INSERT INTO sqlite_sequence (name, seq) SELECT ?, COALESCE(MAX(id), ?) FROM \"\(table)\"",
                           arguments: [table, offset])
        }
        if let code {
            for (table, kind) in [("child_case", "KC"), ("household", "HH"), ("referral", "RF")] {
                try db.execute(sql: """
                    UPDATE \(table) SET code = ? || substr(code, 4) WHERE code LIKE ?
                    """, arguments: [OfficeCode.prefix(kind, office: code), kind + "-%"])
            }
        }
        try reindexSearch(db)
        try KeptTallies.rebuild(db)
        for trigger in triggers { try db.execute(sql: trigger["sql"] as String) }
        if try Row.fetchOne(db, sql: "PRAGMA foreign_key_check") != nil {
            throw ChangesetError("a reference would be lost; nothing was changed")
        }
    }

    /// Writes every case's and household's search row again: rows are
    /// found by key, and the text holds the code.
    static func reindexSearch(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM case_search")
        let cases = try Row.fetchCursor(db, sql: """
            SELECT c.id, c.code, c.search_key, COALESCE(p.search_key, '') AS village_key
            FROM child_case AS c LEFT JOIN place AS p ON p.code = c.village_code
            """)
        let insert = try db.makeStatement(sql: "INSERT INTO case_search (rowid, text) VALUES (?, ?)")
        while let row = try cases.next() {
            try insert.execute(arguments: [row["id"], CaseSearchIndex.text(code: row["code"], nameKey: row["search_key"],
                                                                         villageKey: row["village_key"])])
        }
        try db.execute(sql: "DELETE FROM household_search")
        for id in try Int64.fetchAll(db, sql: "SELECT id FROM household") {
            try HouseholdSearchIndex.reindex(db, householdId: id)
        }
    }

    /// Runs `body` in one transaction with foreign keys off.
    static func withoutForeignKeys<T>(_ database: AppDatabase, _ body: (Database) throws -> T) throws -> T {
        do {
            return try database.writer.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA foreign_keys = OFF")
                let outcome = Result { () throws -> T in
                    var result: T?
                    try db.inTransaction {
                        result = try body(db)
                        return .commit
                    }
                    guard let result else { throw ChangesetError("nothing was changed") }
                    return result
                }
                // Turned on again whatever happened: a connection left without
                // them would let later writes break references unseen.
                try db.execute(sql: "PRAGMA foreign_keys = ON")
                return try outcome.get()
            }
        } catch let error as DatabaseError {
            throw StoreError.from(error)
        }
    }
}
