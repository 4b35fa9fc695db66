import GRDB

/// What the 2026-12-06 "rows changed since the last export" migration did:
/// `sync_change` marks each row of the tables that travel to head office
/// that was inserted, updated or deleted, by table and key (`case_visitor`
/// by its case), so an export compares only those rows with the snapshot of
/// the last export instead of every row of both files. The triggers mark
/// rows only in a database that joined head office as an office; a lone
/// office, head office and the snapshot itself keep nothing.
///
/// Marks are a shortcut, never the truth: the export compares the whole
/// files when it cannot trust them (the first file, a database put back
/// from an older copy, a trigger missing).
///
/// Frozen: never edit; a change is a new migration.
enum FrozenSyncChanges20261206 {
    static let tables: [(name: String, key: String)] = [
        ("provider", "id"), ("household", "id"), ("household_member", "id"), ("child_case", "id"),
        ("case_event", "id"), ("case_visitor", "case_id"), ("follow_up", "id"), ("referral", "id"),
        ("referral_transition", "id"), ("audit_event", "id"),
    ]

    static func run(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE "sync_change" (
              "id" INTEGER PRIMARY KEY AUTOINCREMENT,
              "table_name" TEXT NOT NULL,
              "row_key" INTEGER NOT NULL,
              UNIQUE ("table_name", "row_key")
            )
            """)
        for (table, key) in tables {
            for sql in triggers(table: table, key: key).values.sorted() { try db.execute(sql: sql) }
        }
    }

    /// The three marking triggers of `table`, by name.
    static func triggers(table: String, key: String) -> [String: String] {
        let joined = "EXISTS (SELECT 1 FROM setting WHERE key = 'office_kind' AND value = 'office')"
        let mark = "INSERT OR REPLACE INTO sync_change (table_name, row_key) VALUES ('\(table)', "
        return [
            "sync_change_\(table)_insert": """
                CREATE TRIGGER "sync_change_\(table)_insert" AFTER INSERT ON "\(table)" WHEN \(joined) \
                BEGIN \(mark)NEW."\(key)"); END
                """,
            "sync_change_\(table)_update": """
                CREATE TRIGGER "sync_change_\(table)_update" AFTER UPDATE ON "\(table)" WHEN \(joined) \
                BEGIN \(mark)NEW."\(key)"); \(mark)OLD."\(key)"); END
                """,
            "sync_change_\(table)_delete": """
                CREATE TRIGGER "sync_change_\(table)_delete" AFTER DELETE ON "\(table)" WHEN \(joined) \
                BEGIN \(mark)OLD."\(key)"); END
                """,
        ]
    }
}
