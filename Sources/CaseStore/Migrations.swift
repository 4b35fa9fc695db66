import Foundation
import GRDB
import KhmerText

/// The schema, as append-only migrations: add a new one at the end, never
/// edit one that has shipped.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("2026-11-21 schema v1", migrate: createSchemaV1)
        migrator.registerMigration("2026-11-21 gazetteer", migrate: GazetteerLoader.load)
        migrator.registerMigration("2026-11-21 case search", migrate: CaseSearchIndex.create)
        migrator.registerMigration("2026-11-21 case events", migrate: createCaseEvents)
        migrator.registerMigration("2026-11-21 follow-ups by case") { db in
            // "The scheduled follow-up of this case" otherwise walks the
            // (status, due_date) queue index: 124 ms at 100,000 cases.
            try db.create(index: "follow_up_by_case", on: "follow_up", columns: ["case_id", "status", "due_date"])
        }
        migrator.registerMigration("2026-11-21 risk answers") { db in
            try db.alter(table: "child_case") { t in t.add(column: "risk_answers", .text).notNull().defaults(to: "") }
        }
        migrator.registerMigration("2026-11-21 households and referrals", migrate: HouseholdsAndReferrals.migrate)
        migrator.registerMigration("2026-11-21 referral facets", migrate: ReferralFacets.migrate)
        migrator.registerMigration("2026-11-21 cases by commune") { db in
            // A commune's cases, newest first. Without it "new cases in one
            // commune" walks every new case: 14 ms at 100,000 cases.
            try db.execute(sql: "CREATE INDEX child_case_by_commune ON child_case (substr(village_code, 1, 6), id)")
        }
        migrator.registerMigration("2026-11-21 case list sorts") { db in
            try db.create(index: "child_case_by_name", on: "child_case", columns: ["child_name_km", "id"])
            try db.execute(sql: """
                CREATE INDEX child_case_by_risk_rank ON child_case ((CASE risk_level WHEN 'critical' THEN 0 \
                WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END), id DESC)
                """)
        }
        migrator.registerMigration("2026-11-21 households found by phone") { db in
            for id in try Int64.fetchAll(db, sql: "SELECT id FROM household") {
                try HouseholdSearchIndex.reindex(db, householdId: id)
            }
        }
        return migrator
    }

    /// Columns every record carries (DESIGN §2).
    private static func standardColumns(_ t: TableDefinition) {
        t.column("created_at", .datetime).notNull()
        t.column("updated_at", .datetime).notNull()
        t.column("created_by", .integer).references("user", onDelete: .restrict)
        t.column("version", .integer).notNull().defaults(to: 1)
    }

    /// The timeline of a case: one row per intake, acceptance, closure,
    /// reopening (and, later, follow-ups and referrals), with who and when.
    private static func createCaseEvents(_ db: Database) throws {
        try db.create(table: "case_event") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("case_id", .integer).notNull().references("child_case", onDelete: .cascade)
            t.column("at", .datetime).notNull()
            t.column("by_user", .integer).references("user", onDelete: .setNull)
            t.column("kind", .text).notNull()
            t.column("status_to", .text)
            t.column("risk_level", .text)
            t.column("assigned_to", .integer).references("user", onDelete: .setNull)
            t.column("reason", .text)
            t.column("note", .text).notNull().defaults(to: "")
        }
        try db.create(index: "case_event_by_case", on: "case_event", columns: ["case_id", "at"])
        try db.create(index: "child_case_by_status", on: "child_case", columns: ["status", "id"])
        try db.execute(sql: """
            INSERT INTO case_event (case_id, at, by_user, kind, status_to)
            SELECT id, created_at, created_by, 'intake', 'new' FROM child_case
            """)
    }

    private static func createSchemaV1(_ db: Database) throws {
        try db.create(table: "setting") { t in
            t.primaryKey("key", .text)
            t.column("value", .text).notNull()
        }
        try db.create(table: "place") { t in
            t.primaryKey("code", .text)
            t.column("level", .text).notNull()
            t.column("parent_code", .text).indexed()
            t.column("name_km", .text).notNull()
            t.column("name_latin", .text).notNull()
            t.column("unit_km", .text).notNull()
            t.column("unit_latin", .text).notNull()
            t.column("unit_en", .text).notNull()
            t.column("search_key", .text).notNull()
        }
        try db.create(table: "user") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("username", .text).notNull().unique().collate(.nocase)
            t.column("display_name", .text).notNull()
            t.column("role", .text).notNull()
            t.column("password_hash", .text).notNull()
            t.column("is_active", .boolean).notNull().defaults(to: true)
            t.column("failed_attempts", .integer).notNull().defaults(to: 0)
            t.column("locked_until", .datetime)
            t.column("language", .text).notNull().defaults(to: "km")
            t.column("home_communes", .text).notNull().defaults(to: "")
            standardColumns(t)
        }
        try db.create(table: "household") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("code", .text).notNull().unique()
            t.column("head_name_km", .text).notNull().defaults(to: "")
            t.column("head_name_latin", .text).notNull().defaults(to: "")
            t.column("village_code", .text).notNull().references("place").indexed()
            t.column("address_detail", .text).notNull().defaults(to: "")
            t.column("phone", .text).notNull().defaults(to: "")
            t.column("id_poor", .text).notNull().defaults(to: "none")
            t.column("vulnerabilities", .text).notNull().defaults(to: "")
            t.column("risk_score", .integer).notNull().defaults(to: 0)
            t.column("risk_level", .text)
            t.column("risk_override", .text)
            t.column("risk_override_reason", .text)
            t.column("status", .text).notNull().defaults(to: "active")
            t.column("search_key", .text).notNull().defaults(to: "")
            standardColumns(t)
        }
        try db.create(table: "household_member") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("household_id", .integer).notNull().references("household", onDelete: .cascade).indexed()
            t.column("name_km", .text).notNull().defaults(to: "")
            t.column("name_latin", .text).notNull().defaults(to: "")
            t.column("sex", .text).notNull()
            t.column("date_of_birth", .text)
            t.column("estimated_age", .integer)
            t.column("age_as_of", .text)
            t.column("relationship", .text).notNull().defaults(to: "")
            t.column("in_school", .boolean)
            t.column("occupation", .text).notNull().defaults(to: "")
            t.column("migration_status", .text).notNull().defaults(to: "none")
            t.column("migration_country", .text)
            t.column("phone", .text).notNull().defaults(to: "")
            t.column("search_key", .text).notNull().defaults(to: "")
            standardColumns(t)
        }
        try db.create(table: "child_case") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("code", .text).notNull().unique()
            t.column("code_year", .integer).notNull()
            t.column("code_number", .integer).notNull()
            t.column("child_name_km", .text).notNull().defaults(to: "")
            t.column("child_name_latin", .text).notNull().defaults(to: "")
            t.column("sex", .text).notNull()
            t.column("date_of_birth", .text)
            t.column("estimated_age", .integer)
            t.column("age_as_of", .text).notNull()
            t.column("ethnicity", .text)
            t.column("disability", .boolean)
            t.column("in_school", .boolean)
            t.column("household_id", .integer).references("household", onDelete: .setNull).indexed()
            t.column("member_id", .integer).references("household_member", onDelete: .setNull)
            t.column("village_code", .text).notNull().references("place").indexed()
            t.column("concerns", .text).notNull()
            t.column("narrative", .text).notNull()
            t.column("reported_by", .text).notNull()
            t.column("reported_date", .text).notNull()
            t.column("risk_level", .text)
            t.column("risk_override_reason", .text)
            t.column("immediate_danger", .boolean).notNull().defaults(to: false)
            t.column("caregiver_consent", .boolean)
            t.column("child_assent", .boolean)
            t.column("consent_by", .text)
            t.column("consent_date", .text)
            t.column("assigned_to", .integer).references("user", onDelete: .setNull).indexed()
            t.column("status", .text).notNull().defaults(to: "new")
            t.column("closure_reason", .text)
            t.column("closed_date", .text)
            t.column("search_key", .text).notNull().defaults(to: "")
            standardColumns(t)
            t.uniqueKey(["code_year", "code_number"])
        }
        try db.create(index: "child_case_by_creator", on: "child_case", columns: ["created_by", "id"])
        try db.create(table: "case_visitor") { t in
            t.column("case_id", .integer).notNull().references("child_case", onDelete: .cascade)
            t.column("user_id", .integer).notNull().references("user", onDelete: .cascade).indexed()
            t.primaryKey(["case_id", "user_id"])
        }
        try db.create(table: "follow_up") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("case_id", .integer).references("child_case", onDelete: .cascade).indexed()
            t.column("household_id", .integer).references("household", onDelete: .cascade).indexed()
            t.column("type", .text).notNull()
            t.column("due_date", .text).notNull()
            t.column("status", .text).notNull().defaults(to: "scheduled")
            t.column("done_date", .text)
            t.column("done_by", .integer).references("user", onDelete: .setNull)
            t.column("outcome", .text).notNull().defaults(to: "")
            t.column("wellbeing", .text)
            t.column("new_risk_level", .text)
            t.column("reason", .text)
            standardColumns(t)
            t.check(sql: "case_id IS NOT NULL OR household_id IS NOT NULL")
        }
        try db.create(index: "follow_up_queue", on: "follow_up", columns: ["status", "due_date"])
        try db.create(table: "provider") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("name_km", .text).notNull().defaults(to: "")
            t.column("name_latin", .text).notNull().defaults(to: "")
            t.column("kind", .text).notNull()
            t.column("services", .text).notNull().defaults(to: "")
            t.column("areas", .text).notNull().defaults(to: "")
            t.column("contact_person", .text).notNull().defaults(to: "")
            t.column("phone", .text).notNull().defaults(to: "")
            t.column("address", .text).notNull().defaults(to: "")
            t.column("seats_per_intake", .integer)
            t.column("next_intake_date", .text)
            t.column("is_active", .boolean).notNull().defaults(to: true)
            standardColumns(t)
        }
        try db.create(table: "referral") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("code", .text).notNull().unique()
            t.column("case_id", .integer).references("child_case", onDelete: .restrict).indexed()
            t.column("member_id", .integer).references("household_member", onDelete: .restrict).indexed()
            t.column("provider_id", .integer).notNull().references("provider", onDelete: .restrict).indexed()
            t.column("service", .text).notNull()
            t.column("reason", .text).notNull().defaults(to: "")
            t.column("priority", .text).notNull().defaults(to: "routine")
            t.column("consent_recorded", .boolean).notNull().defaults(to: false)
            t.column("status", .text).notNull().defaults(to: "draft")
            t.column("status_changed_at", .datetime).notNull()
            t.column("exit_reason", .text)
            t.column("outcome", .text)
            t.column("outcome_notes", .text).notNull().defaults(to: "")
            standardColumns(t)
            t.check(sql: "case_id IS NOT NULL OR member_id IS NOT NULL")
        }
        try db.create(index: "referral_by_status", on: "referral", columns: ["status", "status_changed_at"])
        try db.create(table: "referral_transition") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("referral_id", .integer).notNull().references("referral", onDelete: .cascade).indexed()
            t.column("from_status", .text)
            t.column("to_status", .text).notNull()
            t.column("at", .datetime).notNull()
            t.column("by_user", .integer).references("user", onDelete: .restrict)
            t.column("note", .text).notNull().defaults(to: "")
        }
        try db.create(table: "audit_event") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("at", .datetime).notNull()
            t.column("user_id", .integer)
            t.column("username", .text).notNull()
            t.column("action", .text).notNull()
            t.column("entity", .text).notNull().defaults(to: "")
            t.column("entity_id", .integer)
            t.column("summary", .text).notNull().defaults(to: "")
            t.column("prev_hash", .text).notNull()
            t.column("hash", .text).notNull()
        }
        // The audit log is append-only: SQLite itself refuses edits.
        try db.execute(sql: """
            CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
            BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
            CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
            BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
            """)
        try db.create(table: "draft") { t in
            t.column("user_id", .integer).notNull().references("user", onDelete: .cascade)
            t.column("form", .text).notNull()
            t.column("payload", .text).notNull()
            t.column("updated_at", .datetime).notNull()
            t.primaryKey(["user_id", "form"])
        }
    }
}

/// Loads the Cambodian gazetteer shipped in Resources/gazetteer (MIT
/// licence, notice kept beside it) into the `place` table.
enum GazetteerLoader {
    static func tsvURL() throws -> URL {
        guard let url = Bundle.module.url(forResource: "cambodia-gazetteer", withExtension: "tsv",
                                          subdirectory: "gazetteer") else {
            throw StoreError.sqlite("gazetteer resource missing from the Komar bundle")
        }
        return url
    }

    static func load(_ db: Database) throws {
        let text = try String(contentsOf: tsvURL(), encoding: .utf8)
        let insert = try db.makeStatement(sql: """
            INSERT INTO place (code, level, parent_code, name_km, name_latin, unit_km, unit_latin, unit_en, search_key)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        var first = true
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if first { first = false; continue }
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 7 else { continue }
            let code = f[0]
            let parent: String? = code.count > 2 ? String(code.prefix(code.count - 2)) : nil
            let key = SearchKey.make(f[2]) + " " + SearchKey.make(f[3])
            try insert.execute(arguments: [code, f[1], parent, f[2], f[3], f[4], f[5], f[6], key])
        }
    }
}

/// Full-text search over cases: an FTS5 table with the trigram tokenizer
/// (Khmer has no spaces between words, so only substring search works),
/// one row per case with the case id as rowid. Its text is the folded
/// search keys of the names, the code and the village's names.
enum CaseSearchIndex {
    static func create(_ db: Database) throws {
        try db.execute(sql: "CREATE VIRTUAL TABLE case_search USING fts5(text, tokenize = 'trigram')")
        let rows = try Row.fetchCursor(db, sql: """
            SELECT child_case.id, child_case.code, child_case.search_key, place.search_key AS village_key
            FROM child_case JOIN place ON place.code = child_case.village_code
            """)
        while let row = try rows.next() {
            try index(db, caseId: row["id"], code: row["code"], nameKey: row["search_key"],
                      villageKey: row["village_key"])
        }
    }

    static func text(code: String, nameKey: String, villageKey: String) -> String {
        [nameKey, SearchKey.make(code), villageKey].joined(separator: " | ")
    }

    static func index(_ db: Database, caseId: Int64, code: String, nameKey: String, villageKey: String) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO case_search (rowid, text) VALUES (?, ?)",
                       arguments: [caseId, text(code: code, nameKey: nameKey, villageKey: villageKey)])
    }

    /// Indexes a case just written, reading its village's key.
    static func index(_ db: Database, _ record: CaseRecord) throws {
        let villageKey = try String.fetchOne(db, sql: "SELECT search_key FROM place WHERE code = ?",
                                             arguments: [record.villageCode]) ?? ""
        try index(db, caseId: record.id!, code: record.code, nameKey: record.searchKey, villageKey: villageKey)
    }
}
