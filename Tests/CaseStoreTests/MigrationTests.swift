import CaseDomain
import Crypto
import Foundation
import GRDB
import Testing
@testable import CaseStore

/// A database made by the first release, with rows in every table,
/// migrated to today's schema: the rows, the search indexes and the kept
/// counts must all survive, whatever today's code looks like.
@Suite struct MigrationTests {
    @Test func theGazetteerFileIsTheOneItsMigrationShipped() throws {
        let data = try Data(contentsOf: FrozenGazetteer20261121.url())
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        #expect(digest == FrozenGazetteer20261121.sha256)
    }

    @Test func migrationsAreRegisteredInShippedOrder() {
        #expect(Array(Migrations.migrator.migrations.prefix(11)) == [
            "2026-11-21 schema v1", "2026-11-21 gazetteer", "2026-11-21 case search", "2026-11-21 case events",
            "2026-11-21 follow-ups by case", "2026-11-21 risk answers", "2026-11-21 households and referrals",
            "2026-11-21 referral facets", "2026-11-21 cases by commune", "2026-11-21 case list sorts",
            "2026-11-21 households found by phone",
        ])
    }

    /// Every table of the first schema, with one or more rows, written as
    /// the first release wrote them.
    static let firstReleaseRows = """
        INSERT INTO setting (key, value) VALUES ('organisation', 'Old NGO'), ('language', 'km');
        INSERT INTO user (id, username, display_name, role, password_hash, created_at, updated_at, version)
          VALUES (1, 'admin', 'Admin', 'admin', 'x', '2026-11-01 08:00:00.000', '2026-11-01 08:00:00.000', 1),
                 (2, 'dara', 'ចាន់ ដារ៉ា', 'social-worker', 'x', '2026-11-01 08:00:00.000', '2026-11-01 08:00:00.000', 1),
                 (3, 'mom', 'ស្រីមុំ', 'volunteer', 'x', '2026-11-01 08:00:00.000', '2026-11-01 08:00:00.000', 1);
        INSERT INTO household (id, code, head_name_km, head_name_latin, village_code, phone, id_poor, vulnerabilities,
          risk_score, risk_level, status, search_key, created_at, updated_at, created_by)
          VALUES (1, 'HH-000001', 'ប្រាក់ សុភា', 'Prak Sophea', '14040201', '012 345 678', 'level-1', 'debt', 5,
                  'medium', 'active', 'ប្រាក់ សុភា prak sophea', '2026-11-02 08:00:00.000', '2026-11-02 08:00:00.000', 3);
        INSERT INTO household_member (id, household_id, name_km, name_latin, sex, estimated_age, age_as_of, relationship,
          occupation, migration_status, phone, search_key, created_at, updated_at, created_by)
          VALUES (1, 1, 'ប្រាក់ សុភា', 'Prak Sophea', 'male', 40, '2026-11-02', 'head', '', 'none', '012 345 678',
                  'ប្រាក់ សុភា prak sophea', '2026-11-02 08:00:00.000', '2026-11-02 08:00:00.000', 3),
                 (2, 1, 'ប្រាក់ ដាវី', 'Prak Davy', 'female', 17, '2026-11-02', 'child', '', 'planning', '096 111 2222',
                  'ប្រាក់ ដាវី prak davy', '2026-11-02 08:00:00.000', '2026-11-02 08:00:00.000', 3);
        INSERT INTO child_case (id, code, code_year, code_number, child_name_km, child_name_latin, sex, estimated_age,
          age_as_of, household_id, village_code, concerns, narrative, reported_by, reported_date, risk_level, status,
          search_key, created_at, updated_at, created_by, assigned_to)
          VALUES (1, 'KC-2026-0001', 2026, 1, 'ប្រាក់ ដាវី', 'Prak Davy', 'female', 12, '2026-11-03', 1, '14040201',
                  'child-labour', 'កុមារធ្វើការ។', 'cpc-member', '2026-11-03', 'high', 'open', 'ប្រាក់ ដាវី prak davy',
                  '2026-11-03 08:00:00.000', '2026-11-03 08:00:00.000', 3, 2),
                 (2, 'KC-2026-0002', 2026, 2, 'សុខ ដារ៉ា', 'Sok Dara', 'male', 9, '2026-11-04', NULL, '14040201',
                  'neglect', '...', 'teacher', '2026-11-04', NULL, 'new', 'សុខ ដារ៉ា sok dara',
                  '2026-11-04 08:00:00.000', '2026-11-04 08:00:00.000', 3, NULL);
        INSERT INTO case_visitor (case_id, user_id) VALUES (2, 3);
        INSERT INTO follow_up (id, case_id, household_id, type, due_date, status, created_at, updated_at, created_by)
          VALUES (1, 1, NULL, 'home-visit', '2026-11-10', 'scheduled', '2026-11-03 08:00:00.000', '2026-11-03 08:00:00.000', 2),
                 (2, NULL, 1, 'home-visit', '2026-11-20', 'scheduled', '2026-11-02 08:00:00.000', '2026-11-02 08:00:00.000', 3);
        INSERT INTO provider (id, name_km, name_latin, kind, services, areas, seats_per_intake, created_at, updated_at,
          created_by)
          VALUES (1, 'សិប្បកម្មកាត់ដេរ', 'Sewing Workshop', 'private', 'sewing', '14', 8, '2026-11-01 08:00:00.000',
                  '2026-11-01 08:00:00.000', 1);
        INSERT INTO referral (id, code, case_id, member_id, provider_id, service, reason, status, status_changed_at,
          created_at, updated_at, created_by)
          VALUES (1, 'RF-2026-0001', 1, NULL, 1, 'sewing', 'skills', 'sent', '2026-11-05 08:00:00.000',
                  '2026-11-05 08:00:00.000', '2026-11-05 08:00:00.000', 2),
                 (2, 'RF-2026-0002', NULL, 2, 1, 'sewing', 'skills', 'draft', '2026-11-06 08:00:00.000',
                  '2026-11-06 08:00:00.000', '2026-11-06 08:00:00.000', 2);
        INSERT INTO referral_transition (referral_id, from_status, to_status, at, by_user)
          VALUES (1, NULL, 'draft', '2026-11-05 08:00:00.000', 2), (1, 'draft', 'sent', '2026-11-05 08:00:00.000', 2),
                 (2, NULL, 'draft', '2026-11-06 08:00:00.000', 2);
        INSERT INTO draft (user_id, form, payload, updated_at) VALUES (3, 'intake', '{}', '2026-11-06 08:00:00.000'),
          (3, 'case-2', '{}', '2026-11-06 08:00:00.000');
        """

    static let tables = ["setting", "user", "household", "household_member", "child_case", "case_visitor", "follow_up",
                         "provider", "referral", "referral_transition"]

    /// Countries typed before members chose from a list become the list's
    /// codes where they name one; the kept tally follows.
    @Test func countriesTypedBeforeTheListBecomeItsCodes() throws {
        var config = Configuration()
        config.foreignKeysEnabled = false                   // members without their people: only the countries matter
        let queue = try DatabaseQueue(configuration: config)
        let migrator = Migrations.migrator
        try migrator.migrate(queue, upTo: "2026-12-06 sync marks guarded")
        let typed = ["Thailand", " ថៃ ", "ប្រទេសថៃ", "KOREA", "Qatar", "thailand", "ម៉ាឡេស៊ី"]
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO household (id, code, head_name_km, head_name_latin, village_code, phone, id_poor, vulnerabilities,
                  risk_score, risk_level, status, search_key, created_at, updated_at, created_by)
                  VALUES (1, 'HH-000001', 'ប្រាក់ សុភា', 'Prak Sophea', '14040201', '', 'none', '', 0, 'low', 'active',
                          'prak sophea', '2026-11-02 08:00:00.000', '2026-11-02 08:00:00.000', 1)
                """)
            for (i, country) in typed.enumerated() {
                try db.execute(sql: """
                    INSERT INTO household_member (household_id, name_km, name_latin, sex, estimated_age, age_as_of,
                      relationship, occupation, migration_status, migration_country, phone, search_key, created_at,
                      updated_at, created_by, version)
                    VALUES (1, 'ប្រាក់', 'Prak', ?, 20, '2026-11-02', 'child', '', 'migrated-abroad', ?, '', 'prak',
                            '2026-11-02 08:00:00.000', '2026-11-02 08:00:00.000', 1, 3)
                    """, arguments: [i % 2 == 0 ? "female" : "male", country])
            }
        }
        try migrator.migrate(queue)
        try queue.read { db in
            #expect(try String.fetchAll(db, sql: "SELECT migration_country FROM household_member ORDER BY id")
                        == ["thailand", "thailand", "thailand", "south-korea", "Qatar", "thailand", "malaysia"])
            #expect(try Int.fetchAll(db, sql: "SELECT DISTINCT version FROM household_member") == [3])
            let kept = try Row.fetchAll(db, sql: """
                SELECT key, sex, SUM(n) AS n FROM household_tally WHERE measure = 'migration' GROUP BY key, sex HAVING SUM(n) != 0
                ORDER BY key, sex
                """).map { "\($0["key"] as String)/\($0["sex"] as String)=\($0["n"] as Int)" }
            let counted = try Row.fetchAll(db, sql: """
                SELECT migration_status || char(31) || migration_country AS key, sex, COUNT(*) AS n FROM household_member
                GROUP BY 1, 2 ORDER BY 1, 2
                """).map { "\($0["key"] as String)/\($0["sex"] as String)=\($0["n"] as Int)" }
            #expect(kept == counted)
        }
    }

    @Test func aFirstReleaseDatabaseWithRowsInEveryTableMigratesIntact() throws {
        var config = Configuration()
        config.foreignKeysEnabled = true
        let queue = try DatabaseQueue(configuration: config)
        let migrator = Migrations.migrator
        try migrator.migrate(queue, upTo: "2026-11-21 gazetteer")
        let database = AppDatabase(writer: queue, path: nil)
        try queue.write { db in
            try db.execute(sql: Self.firstReleaseRows)
            // An audit row as the first release wrote it: no chain column,
            // hashed by the first chain's rule.
            let first = AuditLog.Fields(id: 1, stamp: String(format: "%.3f", fixedNow.timeIntervalSince1970), userId: 1,
                                        username: "admin", action: "setup", entity: "", entityId: nil,
                                        summary: "first-run setup", chain: 1)
            try db.execute(sql: """
                INSERT INTO audit_event (at, user_id, username, action, entity, entity_id, summary, prev_hash, hash)
                VALUES (?, 1, 'admin', 'setup', '', NULL, 'first-run setup', ?, ?)
                """, arguments: [fixedNow, AuditLog.genesis, AuditLog.hash(prev: AuditLog.genesis, first)])
        }
        let before = try queue.read { db in
            try Self.tables.map { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \"\($0)\"") ?? 0 }
        }
        #expect(before.allSatisfy { $0 > 0 })

        try migrator.migrate(queue)

        try queue.read { db in
            // Every row is still there; settings gain their version and the database's identity.
            let after = try Self.tables.map { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \"\($0)\"") ?? 0 }
            #expect(after == [before[0] + 2] + before.dropFirst())
            #expect(try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'database_id'")?.count == 32)
            #expect(try migrator.hasCompletedMigrations(db))
            // Every case has its intake on the timeline.
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM case_event WHERE kind = 'intake'") == 2)
            // The kept referral counts equal a count of the rows.
            let kept = try Row.fetchAll(db, sql: "SELECT status, n FROM referral_status_count ORDER BY status")
                .map { "\($0["status"] as String)=\($0["n"] as Int)" }
            #expect(kept == ["draft=1", "sent=1"])
            #expect(try AuditLog.firstBrokenRow(db) == nil)
            // The first release's drafts are kept, each as a draft left by
            // an earlier terminal.
            let drafts = try Row.fetchAll(db, sql: "SELECT kind, record, terminal FROM form_draft ORDER BY kind")
                .map { "\($0["kind"] as String)/\($0["record"] as String)/\($0["terminal"] as String)" }
            #expect(drafts == ["case-edit/2/earlier", "intake//earlier"])
            // Earlier referral moves happened the day they were recorded.
            let dates = try String.fetchAll(db, sql: "SELECT effective_on FROM referral_transition ORDER BY id")
            #expect(dates == ["2026-11-05", "2026-11-05", "2026-11-06"])
        }

        // The services read the migrated rows, and the search indexes
        // built by the migrations find them.
        let services = KomarServices(database: database, hasher: fastHasher, clock: testClock)
        let worker = Session(user: UserAccount(id: 2, username: "dara", displayName: "ចាន់ ដារ៉ា", role: .socialWorker,
                                               languageCode: "km", isActive: true))
        #expect(try services.cases.countCases(worker) == 2)
        #expect(try services.cases.search(worker, "ដាវី").map(\.code) == ["KC-2026-0001"])
        #expect(try services.cases.search(worker, "KC-2026-0002").map(\.code) == ["KC-2026-0002"])
        #expect(try services.households.list(worker, query: "0961112222").map(\.code) == ["HH-000001"])
        #expect(try services.households.list(worker, query: "sophea").map(\.code) == ["HH-000001"])
        let household = try services.households.detail(worker, id: 1)
        #expect(household.members.map(\.nameLatin) == ["Prak Sophea", "Prak Davy"])
        #expect(household.followUps.count == 1)
        #expect(try services.referrals.countsByStatus(worker) == [.draft: 1, .sent: 1])
        #expect(try services.referrals.list(worker).count == 2)
        #expect(try services.followUps.queue(worker).map(\.caseCode) == ["KC-2026-0001"])
        #expect(try services.settings.office().organisation == "Old NGO")
    }
}
