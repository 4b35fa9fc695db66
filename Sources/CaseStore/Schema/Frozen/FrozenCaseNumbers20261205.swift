import GRDB

/// Frozen copy of the migration "2026-12-05 case numbers counted per
/// office": `child_case` is rebuilt without UNIQUE (code_year,
/// code_number), because at head office every office has its case 1 of
/// 2026 (KC-PV1-2026-0001, KC-MK2-2026-0001); the code, which carries the
/// office, stays unique. SQLite cannot drop a table constraint, so the
/// table is made again (the "12 steps" of ALTER TABLE's documentation)
/// with the indexes and triggers it had, and its AUTOINCREMENT counter.
/// GRDB runs migrations with foreign keys off and checks them after.
enum FrozenCaseNumbers20261205 {
    static func run(_ db: Database) throws {
        let kept = try String.fetchAll(db, sql: """
            SELECT sql FROM sqlite_master WHERE tbl_name = 'child_case' AND type IN ('index', 'trigger') AND sql IS NOT NULL
            ORDER BY type, name
            """)
        let sequence = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'child_case'")
        try db.execute(sql: """
            CREATE TABLE "child_case_new" (
            \(SchemaV1.childCaseColumns)
              "risk_answers" TEXT NOT NULL DEFAULT '',
              "first_visit_on" TEXT,
              "last_visit_on" TEXT
            );
            INSERT INTO "child_case_new" SELECT "id", "code", "code_year", "code_number", "child_name_km",
              "child_name_latin", "sex", "date_of_birth", "estimated_age", "age_as_of", "ethnicity", "disability",
              "in_school", "household_id", "member_id", "village_code", "concerns", "narrative", "reported_by",
              "reported_date", "risk_level", "risk_override_reason", "immediate_danger", "caregiver_consent",
              "child_assent", "consent_by", "consent_date", "assigned_to", "status", "closure_reason", "closed_date",
              "search_key", "created_at", "updated_at", "created_by", "version", "risk_answers", "first_visit_on",
              "last_visit_on" FROM "child_case";
            DROP TABLE "child_case";
            """)
        // Without the legacy rule, the rename would check every trigger
        // that names the dropped table, and fail on them.
        try db.execute(sql: "PRAGMA legacy_alter_table = ON")
        try db.execute(sql: "ALTER TABLE \"child_case_new\" RENAME TO \"child_case\"")
        try db.execute(sql: "PRAGMA legacy_alter_table = OFF")
        for sql in kept { try db.execute(sql: sql) }
        try db.execute(sql: """
            CREATE INDEX "child_case_by_code_number" ON "child_case"("code_year", "code_number");
            """)
        try db.execute(sql: "DELETE FROM sqlite_sequence WHERE name = 'child_case'")
        try db.execute(sql: """
            INSERT INTO sqlite_sequence (name, seq) SELECT 'child_case', MAX(COALESCE(MAX(id), 0), ?) FROM child_case
            """, arguments: [sequence ?? 0])
    }
}
