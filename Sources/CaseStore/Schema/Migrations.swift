import GRDB

/// The schema, as append-only migrations. Each one is frozen once shipped:
/// literal SQL, or a frozen copy of the code it ran (`Frozen/`), never
/// today's types, so an old database is migrated today exactly as it was
/// on the day the migration shipped. Add a new migration at the end;
/// never edit one that has shipped.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("2026-11-21 schema v1") { db in try db.execute(sql: SchemaV1.sql) }
        migrator.registerMigration("2026-11-21 gazetteer", migrate: FrozenGazetteer20261121.load)
        migrator.registerMigration("2026-11-21 case search") { db in
            try db.execute(sql: "CREATE VIRTUAL TABLE case_search USING fts5(text, tokenize = 'trigram')")
            try FrozenSearchIndex20261121.indexCases(db)
        }
        migrator.registerMigration("2026-11-21 case events") { db in
            try db.execute(sql: """
                CREATE TABLE "case_event" (
                  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
                  "case_id" INTEGER NOT NULL REFERENCES "child_case"("id") ON DELETE CASCADE,
                  "at" DATETIME NOT NULL,
                  "by_user" INTEGER REFERENCES "user"("id") ON DELETE SET NULL,
                  "kind" TEXT NOT NULL,
                  "status_to" TEXT,
                  "risk_level" TEXT,
                  "assigned_to" INTEGER REFERENCES "user"("id") ON DELETE SET NULL,
                  "reason" TEXT,
                  "note" TEXT NOT NULL DEFAULT ''
                );
                CREATE INDEX "case_event_by_case" ON "case_event"("case_id", "at");
                CREATE INDEX "child_case_by_status" ON "child_case"("status", "id");
                INSERT INTO case_event (case_id, at, by_user, kind, status_to)
                SELECT id, created_at, created_by, 'intake', 'new' FROM child_case;
                """)
        }
        migrator.registerMigration("2026-11-21 follow-ups by case") { db in
            // "The scheduled follow-up of this case" otherwise walks the
            // (status, due_date) queue index: 124 ms at 100,000 cases.
            try db.execute(sql: """
                CREATE INDEX "follow_up_by_case" ON "follow_up"("case_id", "status", "due_date")
                """)
        }
        migrator.registerMigration("2026-11-21 risk answers") { db in
            try db.execute(sql: """
                ALTER TABLE "child_case" ADD COLUMN "risk_answers" TEXT NOT NULL DEFAULT ''
                """)
        }
        migrator.registerMigration("2026-11-21 households and referrals") { db in
            try db.execute(sql: householdsAndReferrals)
        }
        migrator.registerMigration("2026-11-21 referral facets") { db in try db.execute(sql: referralFacets) }
        migrator.registerMigration("2026-11-21 cases by commune") { db in
            // A commune's cases, newest first. Without it "new cases in one
            // commune" walks every new case: 14 ms at 100,000 cases.
            try db.execute(sql: "CREATE INDEX child_case_by_commune ON child_case (substr(village_code, 1, 6), id)")
        }
        migrator.registerMigration("2026-11-21 case list sorts") { db in
            try db.execute(sql: """
                CREATE INDEX "child_case_by_name" ON "child_case"("child_name_km", "id");
                CREATE INDEX child_case_by_risk_rank ON child_case ((CASE risk_level WHEN 'critical' THEN 0 \
                WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END), id DESC);
                """)
        }
        migrator.registerMigration("2026-11-21 households found by phone", migrate: FrozenSearchIndex20261121.indexHouseholds)
        migrator.registerMigration("2026-11-22 accounts and audit chain v2") { db in
            // Rows already in the audit log keep the chain they were sealed
            // with (version 1); later rows use version 2, which also covers
            // the user's id and the row's id.
            try db.execute(sql: """
                ALTER TABLE "user" ADD COLUMN "must_change_password" BOOLEAN NOT NULL DEFAULT 0;
                ALTER TABLE "user" ADD COLUMN "password_changed_at" DATETIME;
                ALTER TABLE "audit_event" ADD COLUMN "chain" INTEGER NOT NULL DEFAULT 1;
                """)
        }
        migrator.registerMigration("2026-11-22 drafts per terminal") { db in
            // A draft per user, form, record and terminal session, so two
            // terminals of one account never share one; the terminals that
            // are running, so their drafts are not offered elsewhere. The
            // office settings get a version for three-way merges.
            try db.execute(sql: """
                CREATE TABLE "form_draft" (
                  "id" INTEGER PRIMARY KEY,
                  "user_id" INTEGER NOT NULL REFERENCES "user"("id") ON DELETE CASCADE,
                  "kind" TEXT NOT NULL,
                  "record" TEXT NOT NULL DEFAULT '',
                  "terminal" TEXT NOT NULL,
                  "title" TEXT NOT NULL DEFAULT '',
                  "payload" TEXT NOT NULL,
                  "updated_at" DATETIME NOT NULL,
                  UNIQUE ("user_id", "kind", "record", "terminal")
                );
                INSERT INTO "form_draft" ("user_id", "kind", "record", "terminal", "title", "payload", "updated_at")
                  SELECT "user_id",
                         CASE WHEN "form" LIKE 'case-%' THEN 'case-edit' ELSE "form" END,
                         CASE WHEN "form" LIKE 'case-%' THEN substr("form", 6) ELSE '' END,
                         'earlier', '', "payload", "updated_at"
                  FROM "draft";
                DROP TABLE "draft";
                CREATE TABLE "terminal_session" (
                  "id" TEXT PRIMARY KEY,
                  "user_id" INTEGER REFERENCES "user"("id") ON DELETE SET NULL,
                  "pid" INTEGER NOT NULL,
                  "host" TEXT NOT NULL,
                  "started_at" DATETIME NOT NULL,
                  "seen_at" DATETIME NOT NULL
                );
                INSERT OR IGNORE INTO "setting" ("key", "value") VALUES ('version', '1');
                """)
        }
        migrator.registerMigration("2026-11-22 search keys v2", migrate: FrozenRefold20261122.run)
        migrator.registerMigration("2026-12-04 referral moves have dates") { db in
            // The day a move happened, which may be before the day it was
            // recorded; earlier moves happened the day they were recorded.
            try db.execute(sql: """
                ALTER TABLE "referral_transition" ADD COLUMN "effective_on" TEXT;
                UPDATE "referral_transition" SET "effective_on" = substr("at", 1, 10);
                """)
        }
        migrator.registerMigration("2026-12-04 report indexes") { db in
            // Reports count cases by the day reported, visits made per case,
            // and closes and reopens, without reading whole tables.
            try db.execute(sql: """
                CREATE INDEX "child_case_by_reported_date" ON "child_case"("reported_date", "sex");
                CREATE INDEX "follow_up_done_by_case" ON "follow_up"("case_id", "status", "done_date");
                CREATE INDEX "case_event_by_kind" ON "case_event"("kind", "case_id");
                CREATE INDEX "follow_up_due_by_case" ON "follow_up"("status", "due_date", "case_id");
                """)
        }
        migrator.registerMigration("2026-12-04 case tallies", migrate: FrozenCaseTally20261204.run)
        migrator.registerMigration("2026-12-04 referral tallies", migrate: FrozenReferralTally20261204.run)
        migrator.registerMigration("2026-12-05 no indexes that others begin with") { db in
            // Each is the leading part of a wider index that serves the same
            // lookups, or the same index (one on the household alone ends
            // with the member's id, as `household_member_by_household` does).
            // Every save updated them and every full backup check looked up
            // every row in them. The queue's index on status and due date
            // stays: it gives the queue its order.
            try db.execute(sql: """
                DROP INDEX "referral_on_provider_id";
                DROP INDEX "follow_up_on_case_id";
                DROP INDEX "household_member_on_household_id";
                """)
        }
        migrator.registerMigration("2026-12-05 offices") { db in
            // Several offices and a head office. `office` holds, at head
            // office, every office that joined (its key for the files it
            // sends, and how far its files have come); at an office, the
            // office itself. `sync_file` lists the files written or applied,
            // `sync_conflict` the changes that did not apply cleanly, with
            // both versions, until a person decides. None of them travel.
            try db.execute(sql: """
                CREATE TABLE "office" (
                  "number" INTEGER PRIMARY KEY,
                  "code" TEXT NOT NULL UNIQUE,
                  "name" TEXT NOT NULL,
                  "sync_key" BLOB NOT NULL,
                  "added_at" DATETIME NOT NULL,
                  "last_sequence" INTEGER NOT NULL DEFAULT 0,
                  "last_file_at" DATETIME,
                  "last_import_at" DATETIME,
                  "last_seal" TEXT NOT NULL DEFAULT '',
                  "audit_alert" TEXT NOT NULL DEFAULT ''
                );
                CREATE TABLE "sync_file" (
                  "direction" TEXT NOT NULL,
                  "office_number" INTEGER NOT NULL,
                  "sequence" INTEGER NOT NULL,
                  "file_name" TEXT NOT NULL,
                  "written_at" DATETIME NOT NULL,
                  "applied_at" DATETIME,
                  "by_user" INTEGER,
                  "changes" INTEGER NOT NULL,
                  "conflicts" INTEGER NOT NULL DEFAULT 0,
                  "seal" TEXT NOT NULL,
                  "sha256" TEXT NOT NULL,
                  PRIMARY KEY ("direction", "office_number", "sequence")
                );
                CREATE TABLE "sync_conflict" (
                  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
                  "office_number" INTEGER NOT NULL,
                  "sequence" INTEGER NOT NULL,
                  "table_name" TEXT NOT NULL,
                  "row_key" TEXT NOT NULL,
                  "kind" TEXT NOT NULL,
                  "changed" TEXT NOT NULL DEFAULT '',
                  "theirs" TEXT,
                  "ours" TEXT,
                  "found_at" DATETIME NOT NULL,
                  "resolved_at" DATETIME,
                  "resolved_by" INTEGER,
                  "resolution" TEXT
                );
                CREATE INDEX "sync_conflict_open" ON "sync_conflict"("resolved_at", "id");
                """)
        }
        migrator.registerMigration("2026-12-05 case numbers counted per office", migrate: FrozenCaseNumbers20261205.run)
        migrator.registerMigration("2026-12-06 rows changed since the last export", migrate: FrozenSyncChanges20261206.run)
        migrator.registerMigration("2026-12-06 follow-up tallies", migrate: FrozenFollowUpTally20261206.run)
        migrator.registerMigration("2026-12-06 household tallies", migrate: FrozenHouseholdTally20261206.run)
        migrator.registerMigration("2026-12-06 data-quality index") { db in
            // The data-quality report reads every case reported in the
            // period; this index holds all it checks, so the cases' rows
            // (with their narratives) stay unread. It begins with the
            // columns of the index it replaces. The intakes saved despite
            // possible duplicates are found in the audit log, which holds
            // every case opened: a partial index keeps just those.
            try db.execute(sql: """
                DROP INDEX "child_case_by_reported_date";
                CREATE INDEX "child_case_by_reported_date_checks" ON "child_case"("reported_date", "sex", "village_code",
                  "caregiver_consent", "date_of_birth");
                CREATE INDEX "audit_event_saved_despite_duplicates" ON "audit_event"("at")
                  WHERE action = 'create' AND entity = 'case' AND summary LIKE '%saved despite possible duplicates%';
                """)
        }
        migrator.registerMigration("2026-12-06 sync marks guarded") { db in
            // Marks deleted or changed by hand would hide rows from the
            // next export. `sent` is the newest mark an export has sent
            // (the export deletes those itself); any other mark that goes,
            // or any mark that changes, counts in `lost`, and an export
            // that finds marks lost compares the whole files instead.
            try db.execute(sql: """
                CREATE TABLE "sync_change_guard" (
                  "id" INTEGER PRIMARY KEY CHECK ("id" = 1),
                  "sent" INTEGER NOT NULL DEFAULT 0,
                  "lost" INTEGER NOT NULL DEFAULT 0
                );
                INSERT INTO "sync_change_guard" ("id") VALUES (1);
                CREATE TRIGGER "sync_change_guard_deleted" AFTER DELETE ON "sync_change"
                  WHEN OLD."id" > coalesce((SELECT "sent" FROM "sync_change_guard"), -1)
                  BEGIN UPDATE "sync_change_guard" SET "lost" = "lost" + 1; END;
                CREATE TRIGGER "sync_change_guard_updated" AFTER UPDATE ON "sync_change"
                  BEGIN UPDATE "sync_change_guard" SET "lost" = "lost" + 1; END;
                """)
        }
        migrator.registerMigration("2026-12-06 destinations by code") { db in
            // A member abroad names a country from a list (`Destination`);
            // the countries typed before are written as its codes where
            // they name one, so the report counts "Thailand" and "ថៃ" once.
            // Versions stay: nobody changed what the member's country is.
            try db.execute(sql: """
                WITH names(name, code) AS (VALUES
                  ('thailand', 'thailand'), ('thai', 'thailand'), ('ថៃ', 'thailand'), ('ប្រទេសថៃ', 'thailand'),
                  ('malaysia', 'malaysia'), ('ម៉ាឡេស៊ី', 'malaysia'), ('ប្រទេសម៉ាឡេស៊ី', 'malaysia'),
                  ('south korea', 'south-korea'), ('korea', 'south-korea'), ('s. korea', 'south-korea'),
                  ('កូរ៉េ', 'south-korea'), ('កូរ៉េខាងត្បូង', 'south-korea'), ('ប្រទេសកូរ៉េ', 'south-korea'),
                  ('ប្រទេសកូរ៉េខាងត្បូង', 'south-korea'),
                  ('japan', 'japan'), ('ជប៉ុន', 'japan'), ('ប្រទេសជប៉ុន', 'japan'),
                  ('vietnam', 'vietnam'), ('viet nam', 'vietnam'), ('វៀតណាម', 'vietnam'), ('ប្រទេសវៀតណាម', 'vietnam'),
                  ('china', 'china'), ('ចិន', 'china'), ('ប្រទេសចិន', 'china'),
                  ('laos', 'laos'), ('lao', 'laos'), ('ឡាវ', 'laos'), ('ប្រទេសឡាវ', 'laos'),
                  ('singapore', 'singapore'), ('សិង្ហបុរី', 'singapore'), ('ប្រទេសសិង្ហបុរី', 'singapore'),
                  ('taiwan', 'taiwan'), ('តៃវ៉ាន់', 'taiwan'), ('ប្រទេសតៃវ៉ាន់', 'taiwan'),
                  ('hong kong', 'hong-kong'), ('hongkong', 'hong-kong'), ('ហុងកុង', 'hong-kong'),
                  ('saudi arabia', 'saudi-arabia'), ('saudi', 'saudi-arabia'), ('អារ៉ាប៊ីសាអូឌីត', 'saudi-arabia'),
                  ('ប្រទេសអារ៉ាប៊ីសាអូឌីត', 'saudi-arabia'))
                UPDATE household_member
                SET migration_country = (SELECT code FROM names WHERE name = lower(trim(household_member.migration_country)))
                WHERE lower(trim(migration_country)) IN (SELECT name FROM names)
                  AND migration_country NOT IN (SELECT code FROM names)
                """)
        }
        migrator.registerMigration("2026-12-06 household visits in the queue") { db in
            // The follow-up queue holds households' visits too; counting a
            // worker's reads them from this index alone.
            try db.execute(sql: """
                CREATE INDEX "follow_up_due_by_household" ON "follow_up"("status", "due_date", "household_id", "created_by")
                  WHERE "household_id" IS NOT NULL
                """)
        }
        migrator.registerMigration("2026-12-06 referrals waiting by who made them") { db in
            // A social worker's home screen counts her referrals waiting
            // more than 14 days; this index holds all that count reads.
            try db.execute(sql: """
                CREATE INDEX "referral_waiting_by_creator" ON "referral"("created_by", "status_changed_at", "status")
                  WHERE "status" IN ('draft', 'sent', 'accepted')
                """)
        }
        migrator.registerMigration("2026-12-07 database identity") { db in
            // A random identity for each database, copied into its backups'
            // manifests: a restore tells another database's backup from this
            // one's even when both organisations have the same name.
            try db.execute(sql: """
                INSERT OR IGNORE INTO "setting" ("key", "value") VALUES ('database_id', lower(hex(randomblob(16))))
                """)
        }
        migrator.registerMigration("2026-12-07 a worker's queue from her own households") { db in
            // A worker with few households finds their visits, and the
            // household visits she scheduled, from these instead of walking
            // every visit due (FollowUpQueueQuery).
            try db.execute(sql: """
                CREATE INDEX "household_by_creator" ON "household"("created_by");
                CREATE INDEX "follow_up_household_visits_by_creator"
                  ON "follow_up"("created_by", "status", "due_date", "household_id") WHERE "household_id" IS NOT NULL;
                """)
        }
        return migrator
    }

    /// Households become searchable and referral lists fast: each referral
    /// carries a copy of who was referred and where (name, sex, age,
    /// village, commune, district), so the coordinator's filters are
    /// answered from the referral table's own indexes.
    private static let householdsAndReferrals = """
        ALTER TABLE "referral" ADD COLUMN "household_id" INTEGER REFERENCES "household"("id") ON DELETE SET NULL;
        ALTER TABLE "referral" ADD COLUMN "person_name_km" TEXT NOT NULL DEFAULT '';
        ALTER TABLE "referral" ADD COLUMN "person_name_latin" TEXT NOT NULL DEFAULT '';
        ALTER TABLE "referral" ADD COLUMN "sex" TEXT NOT NULL DEFAULT 'female';
        ALTER TABLE "referral" ADD COLUMN "age" INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE "referral" ADD COLUMN "village_code" TEXT NOT NULL DEFAULT '';
        ALTER TABLE "referral" ADD COLUMN "commune_code" TEXT NOT NULL DEFAULT '';
        ALTER TABLE "referral" ADD COLUMN "district_code" TEXT NOT NULL DEFAULT '';
        ALTER TABLE "referral" ADD COLUMN "referred_on" TEXT NOT NULL DEFAULT '';
        ALTER TABLE "referral" ADD COLUMN "finished" INTEGER NOT NULL DEFAULT 0;
        DROP INDEX "referral_by_status";
        CREATE INDEX "referral_by_last_move" ON "referral"("finished", "status_changed_at", "id");
        CREATE INDEX "referral_list_by_status" ON "referral"("status", "finished", "status_changed_at");
        CREATE INDEX "referral_list_by_provider_id" ON "referral"("provider_id", "finished", "status_changed_at");
        CREATE INDEX "referral_list_by_district_code" ON "referral"("district_code", "finished", "status_changed_at");
        CREATE INDEX "referral_list_by_commune_code" ON "referral"("commune_code", "finished", "status_changed_at");
        CREATE INDEX "referral_count_by_provider_id" ON "referral"("provider_id", "status");
        CREATE INDEX "referral_count_by_service" ON "referral"("service", "status");
        CREATE INDEX "referral_count_by_district_code" ON "referral"("district_code", "status");
        CREATE INDEX "referral_count_by_sex" ON "referral"("sex", "status");
        CREATE INDEX "referral_count_by_age" ON "referral"("age", "status");
        CREATE INDEX "referral_count_by_priority" ON "referral"("priority", "status");
        CREATE INDEX "referral_count_by_referred_on" ON "referral"("referred_on", "status");
        CREATE INDEX "referral_by_household" ON "referral"("household_id");
        CREATE INDEX "household_member_by_household" ON "household_member"("household_id", "id");
        CREATE VIRTUAL TABLE household_search USING fts5(text, tokenize = 'trigram');
        """

    /// Keeps the coordinator's referral filters fast in any combination.
    /// Each filterable column (a "facet") is copied into a few wide
    /// indexes, so a page or a count per status is read from one index:
    /// `referral_list_order` and `referral_list_by_status_facets` hold the
    /// list order then every facet (a page walks the order and stops after
    /// one page); `referral_facets_by_<facet>` lead with the status then one
    /// facet (a count is one range of one index); `referral_status_count`
    /// is kept by triggers, so the unfiltered counts are eight rows.
    private static let referralFacets = """
        DROP INDEX "referral_by_last_move";
        DROP INDEX "referral_list_by_status";
        DROP INDEX "referral_count_by_provider_id";
        DROP INDEX "referral_count_by_service";
        DROP INDEX "referral_count_by_district_code";
        DROP INDEX "referral_count_by_sex";
        DROP INDEX "referral_count_by_age";
        DROP INDEX "referral_count_by_priority";
        DROP INDEX "referral_count_by_referred_on";
        CREATE INDEX "referral_list_order" ON "referral"("finished", "status_changed_at", "id", "status",
          "provider_id", "service", "village_code", "sex", "age", "priority", "referred_on");
        CREATE INDEX "referral_list_by_status_facets" ON "referral"("status", "finished", "status_changed_at", "id",
          "provider_id", "service", "village_code", "sex", "age", "priority", "referred_on");
        CREATE INDEX "referral_facets_by_provider_id" ON "referral"("status", "provider_id", "service",
          "village_code", "sex", "age", "priority", "referred_on");
        CREATE INDEX "referral_facets_by_service" ON "referral"("status", "service", "provider_id",
          "village_code", "sex", "age", "priority", "referred_on");
        CREATE INDEX "referral_facets_by_village_code" ON "referral"("status", "village_code", "provider_id",
          "service", "sex", "age", "priority", "referred_on");
        CREATE INDEX "referral_facets_by_sex" ON "referral"("status", "sex", "provider_id", "service",
          "village_code", "age", "priority", "referred_on");
        CREATE INDEX "referral_facets_by_age" ON "referral"("status", "age", "provider_id", "service",
          "village_code", "sex", "priority", "referred_on");
        CREATE INDEX "referral_facets_by_priority" ON "referral"("status", "priority", "provider_id", "service",
          "village_code", "sex", "age", "referred_on");
        CREATE INDEX "referral_facets_by_referred_on" ON "referral"("status", "referred_on", "provider_id",
          "service", "village_code", "sex", "age", "priority");
        CREATE TABLE referral_status_count (status TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
        INSERT INTO referral_status_count (status, n) SELECT status, COUNT(*) FROM referral GROUP BY status;
        CREATE TRIGGER referral_status_count_insert AFTER INSERT ON referral BEGIN
          INSERT INTO referral_status_count (status, n) VALUES (NEW.status, 1)
            ON CONFLICT (status) DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER referral_status_count_delete AFTER DELETE ON referral BEGIN
          UPDATE referral_status_count SET n = n - 1 WHERE status = OLD.status;
        END;
        CREATE TRIGGER referral_status_count_move AFTER UPDATE OF status ON referral
          WHEN NEW.status IS NOT OLD.status BEGIN
          UPDATE referral_status_count SET n = n - 1 WHERE status = OLD.status;
          INSERT INTO referral_status_count (status, n) VALUES (NEW.status, 1)
            ON CONFLICT (status) DO UPDATE SET n = n + 1;
        END;
        """
}
