import GRDB

/// The schema Komar first shipped with (2026-11-21), as the SQL it ran.
/// Frozen: never edit; change the schema with a new migration.
enum SchemaV1 {
    /// `child_case`'s columns up to "version", as this schema created them; the
    /// 2026-12-05 migration that rebuilt the table without its UNIQUE
    /// (code_year, code_number) begins with the same columns.
    static let childCaseColumns = """
          "id" INTEGER PRIMARY KEY AUTOINCREMENT,
          "code" TEXT NOT NULL UNIQUE,
          "code_year" INTEGER NOT NULL,
          "code_number" INTEGER NOT NULL,
          "child_name_km" TEXT NOT NULL DEFAULT '',
          "child_name_latin" TEXT NOT NULL DEFAULT '',
          "sex" TEXT NOT NULL,
          "date_of_birth" TEXT,
          "estimated_age" INTEGER,
          "age_as_of" TEXT NOT NULL,
          "ethnicity" TEXT,
          "disability" BOOLEAN,
          "in_school" BOOLEAN,
          "household_id" INTEGER REFERENCES "household"("id") ON DELETE SET NULL,
          "member_id" INTEGER REFERENCES "household_member"("id") ON DELETE SET NULL,
          "village_code" TEXT NOT NULL REFERENCES "place"("code"),
          "concerns" TEXT NOT NULL,
          "narrative" TEXT NOT NULL,
          "reported_by" TEXT NOT NULL,
          "reported_date" TEXT NOT NULL,
          "risk_level" TEXT,
          "risk_override_reason" TEXT,
          "immediate_danger" BOOLEAN NOT NULL DEFAULT 0,
          "caregiver_consent" BOOLEAN,
          "child_assent" BOOLEAN,
          "consent_by" TEXT,
          "consent_date" TEXT,
          "assigned_to" INTEGER REFERENCES "user"("id") ON DELETE SET NULL,
          "status" TEXT NOT NULL DEFAULT 'new',
          "closure_reason" TEXT,
          "closed_date" TEXT,
          "search_key" TEXT NOT NULL DEFAULT '',
          "created_at" DATETIME NOT NULL,
          "updated_at" DATETIME NOT NULL,
          "created_by" INTEGER REFERENCES "user"("id") ON DELETE RESTRICT,
          "version" INTEGER NOT NULL DEFAULT 1,
        """

    static let sql = """
        CREATE TABLE "setting" (
          "key" TEXT PRIMARY KEY NOT NULL,
          "value" TEXT NOT NULL
        );
        CREATE TABLE "place" (
          "code" TEXT PRIMARY KEY NOT NULL,
          "level" TEXT NOT NULL,
          "parent_code" TEXT,
          "name_km" TEXT NOT NULL,
          "name_latin" TEXT NOT NULL,
          "unit_km" TEXT NOT NULL,
          "unit_latin" TEXT NOT NULL,
          "unit_en" TEXT NOT NULL,
          "search_key" TEXT NOT NULL
        );
        CREATE INDEX "place_on_parent_code" ON "place"("parent_code");
        CREATE TABLE "user" (
          "id" INTEGER PRIMARY KEY AUTOINCREMENT,
          "username" TEXT NOT NULL UNIQUE COLLATE NOCASE,
          "display_name" TEXT NOT NULL,
          "role" TEXT NOT NULL,
          "password_hash" TEXT NOT NULL,
          "is_active" BOOLEAN NOT NULL DEFAULT 1,
          "failed_attempts" INTEGER NOT NULL DEFAULT 0,
          "locked_until" DATETIME,
          "language" TEXT NOT NULL DEFAULT 'km',
          "home_communes" TEXT NOT NULL DEFAULT '',
          "created_at" DATETIME NOT NULL,
          "updated_at" DATETIME NOT NULL,
          "created_by" INTEGER REFERENCES "user"("id") ON DELETE RESTRICT,
          "version" INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE "household" (
          "id" INTEGER PRIMARY KEY AUTOINCREMENT,
          "code" TEXT NOT NULL UNIQUE,
          "head_name_km" TEXT NOT NULL DEFAULT '',
          "head_name_latin" TEXT NOT NULL DEFAULT '',
          "village_code" TEXT NOT NULL REFERENCES "place"("code"),
          "address_detail" TEXT NOT NULL DEFAULT '',
          "phone" TEXT NOT NULL DEFAULT '',
          "id_poor" TEXT NOT NULL DEFAULT 'none',
          "vulnerabilities" TEXT NOT NULL DEFAULT '',
          "risk_score" INTEGER NOT NULL DEFAULT 0,
          "risk_level" TEXT,
          "risk_override" TEXT,
          "risk_override_reason" TEXT,
          "status" TEXT NOT NULL DEFAULT 'active',
          "search_key" TEXT NOT NULL DEFAULT '',
          "created_at" DATETIME NOT NULL,
          "updated_at" DATETIME NOT NULL,
          "created_by" INTEGER REFERENCES "user"("id") ON DELETE RESTRICT,
          "version" INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX "household_on_village_code" ON "household"("village_code");
        CREATE TABLE "household_member" (
          "id" INTEGER PRIMARY KEY AUTOINCREMENT,
          "household_id" INTEGER NOT NULL REFERENCES "household"("id") ON DELETE CASCADE,
          "name_km" TEXT NOT NULL DEFAULT '',
          "name_latin" TEXT NOT NULL DEFAULT '',
          "sex" TEXT NOT NULL,
          "date_of_birth" TEXT,
          "estimated_age" INTEGER,
          "age_as_of" TEXT,
          "relationship" TEXT NOT NULL DEFAULT '',
          "in_school" BOOLEAN,
          "occupation" TEXT NOT NULL DEFAULT '',
          "migration_status" TEXT NOT NULL DEFAULT 'none',
          "migration_country" TEXT,
          "phone" TEXT NOT NULL DEFAULT '',
          "search_key" TEXT NOT NULL DEFAULT '',
          "created_at" DATETIME NOT NULL,
          "updated_at" DATETIME NOT NULL,
          "created_by" INTEGER REFERENCES "user"("id") ON DELETE RESTRICT,
          "version" INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX "household_member_on_household_id" ON "household_member"("household_id");
        CREATE TABLE "child_case" (
        \(childCaseColumns)
          UNIQUE ("code_year", "code_number")
        );
        CREATE INDEX "child_case_on_household_id" ON "child_case"("household_id");
        CREATE INDEX "child_case_on_village_code" ON "child_case"("village_code");
        CREATE INDEX "child_case_on_assigned_to" ON "child_case"("assigned_to");
        CREATE INDEX "child_case_by_creator" ON "child_case"("created_by", "id");
        CREATE TABLE "case_visitor" (
          "case_id" INTEGER NOT NULL REFERENCES "child_case"("id") ON DELETE CASCADE,
          "user_id" INTEGER NOT NULL REFERENCES "user"("id") ON DELETE CASCADE,
          PRIMARY KEY ("case_id", "user_id")
        );
        CREATE INDEX "case_visitor_on_user_id" ON "case_visitor"("user_id");
        CREATE TABLE "follow_up" (
          "id" INTEGER PRIMARY KEY AUTOINCREMENT,
          "case_id" INTEGER REFERENCES "child_case"("id") ON DELETE CASCADE,
          "household_id" INTEGER REFERENCES "household"("id") ON DELETE CASCADE,
          "type" TEXT NOT NULL,
          "due_date" TEXT NOT NULL,
          "status" TEXT NOT NULL DEFAULT 'scheduled',
          "done_date" TEXT,
          "done_by" INTEGER REFERENCES "user"("id") ON DELETE SET NULL,
          "outcome" TEXT NOT NULL DEFAULT '',
          "wellbeing" TEXT,
          "new_risk_level" TEXT,
          "reason" TEXT,
          "created_at" DATETIME NOT NULL,
          "updated_at" DATETIME NOT NULL,
          "created_by" INTEGER REFERENCES "user"("id") ON DELETE RESTRICT,
          "version" INTEGER NOT NULL DEFAULT 1,
          CHECK (case_id IS NOT NULL OR household_id IS NOT NULL)
        );
        CREATE INDEX "follow_up_on_case_id" ON "follow_up"("case_id");
        CREATE INDEX "follow_up_on_household_id" ON "follow_up"("household_id");
        CREATE INDEX "follow_up_queue" ON "follow_up"("status", "due_date");
        CREATE TABLE "provider" (
          "id" INTEGER PRIMARY KEY AUTOINCREMENT,
          "name_km" TEXT NOT NULL DEFAULT '',
          "name_latin" TEXT NOT NULL DEFAULT '',
          "kind" TEXT NOT NULL,
          "services" TEXT NOT NULL DEFAULT '',
          "areas" TEXT NOT NULL DEFAULT '',
          "contact_person" TEXT NOT NULL DEFAULT '',
          "phone" TEXT NOT NULL DEFAULT '',
          "address" TEXT NOT NULL DEFAULT '',
          "seats_per_intake" INTEGER,
          "next_intake_date" TEXT,
          "is_active" BOOLEAN NOT NULL DEFAULT 1,
          "created_at" DATETIME NOT NULL,
          "updated_at" DATETIME NOT NULL,
          "created_by" INTEGER REFERENCES "user"("id") ON DELETE RESTRICT,
          "version" INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE "referral" (
          "id" INTEGER PRIMARY KEY AUTOINCREMENT,
          "code" TEXT NOT NULL UNIQUE,
          "case_id" INTEGER REFERENCES "child_case"("id") ON DELETE RESTRICT,
          "member_id" INTEGER REFERENCES "household_member"("id") ON DELETE RESTRICT,
          "provider_id" INTEGER NOT NULL REFERENCES "provider"("id") ON DELETE RESTRICT,
          "service" TEXT NOT NULL,
          "reason" TEXT NOT NULL DEFAULT '',
          "priority" TEXT NOT NULL DEFAULT 'routine',
          "consent_recorded" BOOLEAN NOT NULL DEFAULT 0,
          "status" TEXT NOT NULL DEFAULT 'draft',
          "status_changed_at" DATETIME NOT NULL,
          "exit_reason" TEXT,
          "outcome" TEXT,
          "outcome_notes" TEXT NOT NULL DEFAULT '',
          "created_at" DATETIME NOT NULL,
          "updated_at" DATETIME NOT NULL,
          "created_by" INTEGER REFERENCES "user"("id") ON DELETE RESTRICT,
          "version" INTEGER NOT NULL DEFAULT 1,
          CHECK (case_id IS NOT NULL OR member_id IS NOT NULL)
        );
        CREATE INDEX "referral_on_case_id" ON "referral"("case_id");
        CREATE INDEX "referral_on_member_id" ON "referral"("member_id");
        CREATE INDEX "referral_on_provider_id" ON "referral"("provider_id");
        CREATE INDEX "referral_by_status" ON "referral"("status", "status_changed_at");
        CREATE TABLE "referral_transition" (
          "id" INTEGER PRIMARY KEY AUTOINCREMENT,
          "referral_id" INTEGER NOT NULL REFERENCES "referral"("id") ON DELETE CASCADE,
          "from_status" TEXT,
          "to_status" TEXT NOT NULL,
          "at" DATETIME NOT NULL,
          "by_user" INTEGER REFERENCES "user"("id") ON DELETE RESTRICT,
          "note" TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX "referral_transition_on_referral_id" ON "referral_transition"("referral_id");
        CREATE TABLE "audit_event" (
          "id" INTEGER PRIMARY KEY AUTOINCREMENT,
          "at" DATETIME NOT NULL,
          "user_id" INTEGER,
          "username" TEXT NOT NULL,
          "action" TEXT NOT NULL,
          "entity" TEXT NOT NULL DEFAULT '',
          "entity_id" INTEGER,
          "summary" TEXT NOT NULL DEFAULT '',
          "prev_hash" TEXT NOT NULL,
          "hash" TEXT NOT NULL
        );
        CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
        CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
        CREATE TABLE "draft" (
          "user_id" INTEGER NOT NULL REFERENCES "user"("id") ON DELETE CASCADE,
          "form" TEXT NOT NULL,
          "payload" TEXT NOT NULL,
          "updated_at" DATETIME NOT NULL,
          PRIMARY KEY ("user_id", "form")
        );
        """
}
