import CaseDomain
import Foundation
import GRDB
import Testing
@testable import CaseStore

/// The report tallies kept by triggers: after any writes through plain
/// SQL (as the sqlite3 shell or an import would make them) they equal the
/// tallies worked out again from the rows, and every measure read through
/// them equals the same measure counted from the rows, for whole months,
/// days at either end and smaller areas.
@Suite struct TallyTests {
    static let periods = ["2026", "2026-10", "2026-Q2", "2026-03-15..2026-08-20", "2025-12-20..2026-01-10",
                          "2026-11-01..2026-11-30"].map { ReportPeriod.parse($0)! }
    static let areas = [ReportArea.office, ReportArea(code: "14")!, ReportArea(code: "09")!, ReportArea(code: "0901")!]

    /// Another referral for the same person, as a writer outside Komar
    /// would add it.
    static func copyReferral(_ db: Database, _ id: Int64, suffix: String, status: String, referredOn: String,
                             village: String? = nil) throws {
        try db.execute(sql: """
            INSERT INTO referral (code, case_id, member_id, provider_id, service, reason, priority, consent_recorded, status,
              status_changed_at, exit_reason, outcome, outcome_notes, created_at, updated_at, created_by, version,
              household_id, person_name_km, person_name_latin, sex, age, village_code, commune_code, district_code,
              referred_on, finished)
            SELECT code || '-' || ?, case_id, member_id, provider_id, service, reason, priority, consent_recorded, ?,
              status_changed_at, exit_reason, outcome, outcome_notes, created_at, updated_at, created_by, version,
              household_id, person_name_km, person_name_latin, sex, age, COALESCE(?, village_code), commune_code,
              district_code, ?, finished
            FROM referral WHERE id = ?
            """, arguments: [suffix, status, village, referredOn, id])
    }

    func demo(cases: Int = 300) throws -> KomarServices {
        let services = try makeServices()
        try DemoData.fill(services, cases: cases)
        return services
    }

    /// Every measure of both tallies, read through them and counted from
    /// the rows, in every period and area.
    func expectTalliesMatchTheRows(_ db: Database, sourceLocation: SourceLocation = #_sourceLocation) throws {
        func check<Measure: KeptCount>(_ measure: Measure, _ scope: ReportScope) throws {
            let kept = try scope.tally(db, measure)
            let counted = measure.counted(scope, indexed: false)
            var direct: [TallyKey: Int] = [:]
            for row in try Row.fetchAll(db, sql: counted.sql, arguments: [scope.start, scope.end] + counted.arguments) {
                let key = TallyKey(key: row[0] ?? "", sex: Sex(rawValue: row[1] ?? "") ?? .male, ageClass: row[2] ?? 0)
                direct[key, default: 0] += row[3] as Int? ?? 0
            }
            #expect(kept == direct.filter { $0.value != 0 },
                    "\(measure.rawValue) in \(scope.start)…\(scope.end), area \(scope.request.area.code)",
                    sourceLocation: sourceLocation)
        }
        for period in Self.periods {
            for area in Self.areas {
                let scope = ReportScope(request: ReportRequest(kind: .cases, period: period, area: area), today: period.end)
                for measure in CaseMeasure.allCases { try check(measure, scope) }
                for measure in ReferralMeasure.allCases { try check(measure, scope) }
                try check(FollowUpMeasure.due, scope)
                for measure in HouseholdMeasure.allCases { try check(measure, scope) }
                // Open visits due from "today" on, for days before, in and after the period.
                for today in [period.start.adding(days: -3), period.start.adding(days: 9), period.end] {
                    let on = ReportScope(request: scope.request, today: today)
                    #expect(try FollowUpMeasure.upcoming(db, on) == FollowUpMeasure.upcoming(db, on, fromRecords: true),
                            "open visits from \(today.iso) in \(scope.start)…\(scope.end), area \(scope.request.area.code)",
                            sourceLocation: sourceLocation)
                }
            }
        }
    }

    /// The tables and kept columns, to compare what triggers kept with a
    /// rebuild.
    func snapshot(_ db: Database) throws -> [String] {
        try [
            "SELECT measure, month, province, key, sex, age_class, n FROM case_tally WHERE n != 0 ORDER BY 1, 2, 3, 4, 5, 6",
            "SELECT measure, month, province, key, sex, age_class, n FROM referral_tally WHERE n != 0 ORDER BY 1, 2, 3, 4, 5, 6",
            "SELECT measure, month, province, key, sex, age_class, n FROM follow_up_tally WHERE n != 0 ORDER BY 1, 2, 3, 4, 5, 6",
            "SELECT measure, month, province, key, sex, age_class, n FROM household_tally WHERE n != 0 ORDER BY 1, 2, 3, 4, 5, 6",
            "SELECT id, first_visit_on, last_visit_on FROM child_case ORDER BY id",
            "SELECT id, sent_on, enrolled_on, previous_on, previous_enrolled_on FROM referral ORDER BY id",
        ].flatMap { sql in try Row.fetchAll(db, sql: sql).map(\.description) }
    }

    @Test func aBulkLoadWorksTheTalliesOutAndPutsTheTriggersBack() throws {
        let services = try demo()
        try services.database.write { db in
            let triggers = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'")
            for prefix in KeptTallies.triggerPrefixes {
                #expect(triggers.contains { $0.hasPrefix(prefix) }, "\(prefix) triggers are back")
            }
            #expect(try Int.fetchOne(db, sql: "SELECT SUM(n) FROM case_tally WHERE measure = 'new'")
                    == Int.fetchOne(db, sql: "SELECT COUNT(*) FROM child_case"))
            #expect(try Int.fetchOne(db, sql: "SELECT SUM(n) FROM referral_tally WHERE measure = 'referral'")
                    == Int.fetchOne(db, sql: "SELECT COUNT(*) FROM referral"))
            try expectTalliesMatchTheRows(db)
        }
    }

    /// Someone with a sqlite3 shell drops a tally trigger, then changes
    /// the records it watched and a tally row by hand: the repair puts the
    /// trigger back as the migration made it and every tally right, says
    /// so in the audit log, and only admins may run it.
    @Test func aRepairPutsBackDroppedTriggersAndCountsEveryTallyAgain() throws {
        let services = try demo()
        let triggerSQL = try services.database.read { db in
            try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'case_tally_case_insert'")
        }
        try services.database.write { db in
            try db.execute(sql: "DROP TRIGGER case_tally_case_insert")
            let columns = try String.fetchAll(db, sql: """
                SELECT name FROM pragma_table_info('child_case') WHERE name NOT IN ('id', 'code', 'code_number')
                """).joined(separator: ", ")
            try db.execute(sql: """
                INSERT INTO child_case (code, code_number, \(columns))
                SELECT code || '-X', code_number + 900000, \(columns) FROM child_case ORDER BY id LIMIT 3
                """)
            try db.execute(sql: """
                UPDATE referral_tally SET n = n + 5
                WHERE (measure, month, province, key, sex, age_class)
                  = (SELECT measure, month, province, key, sex, age_class FROM referral_tally ORDER BY 1, 2, 3, 4, 5, 6 LIMIT 1)
                """)
            // The visits' and households' tallies too: a trigger dropped, a count changed.
            try db.execute(sql: "DROP TRIGGER household_tally_member_after_insert")
            try db.execute(sql: """
                UPDATE follow_up_tally SET n = n + 3
                WHERE (measure, month, province, key, sex)
                  = (SELECT measure, month, province, key, sex FROM follow_up_tally ORDER BY 1, 2, 3, 4, 5 LIMIT 1)
                """)
        }
        guard case .success(let coordinator) = try services.accounts.logIn(username: "coordinator", password: DemoData.password),
              case .success(let admin) = try services.accounts.logIn(username: "admin", password: DemoData.password) else {
            Issue.record("login")
            return
        }
        #expect(throws: (any Error).self) { try services.reports.repairTallies(coordinator) }
        let repair = try services.reports.repairTallies(admin)
        #expect(repair.triggersRestored == ["case_tally_case_insert", "household_tally_member_after_insert"])
        #expect(repair.rowsCorrected >= 3, "the two hand-edited rows and the months of the three cases")
        try services.database.read { db in
            #expect(try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'case_tally_case_insert'")
                    == triggerSQL)
            try expectTalliesMatchTheRows(db)
        }
        let again = try services.reports.repairTallies(admin)
        #expect(again == TallyRepair(triggersRestored: [], rowsCorrected: 0), "nothing left to put right")
        let audited = try services.audit.recent(admin, limit: 3)
        #expect(audited.contains { $0.action == "tally-repair" && $0.summary.contains("triggers put back: case_tally_case_insert") })
    }

    @Test func triggersKeepEveryTallyThroughAnyWriter() throws {
        let services = try demo()
        var random = SplitMix64(seed: 7)
        func pick(_ db: Database, _ sql: String) throws -> Int64? { try Int64.fetchOne(db, sql: sql) }
        try services.database.write { db in
            let villages = try String.fetchAll(db, sql: """
                SELECT code FROM place WHERE level = 'village' AND substr(code, 1, 2) IN ('14', '09', '01') ORDER BY code LIMIT 40
                """)
            let days = (0..<400).map { LocalDate(year: 2025, month: 11, day: 1)!.adding(days: $0).iso }
            func day() -> String { days[Int(random.next() % UInt64(days.count))] }
            func village() -> String { villages[Int(random.next() % UInt64(villages.count))] }
            for step in 0..<600 {
                let someCase = "SELECT id FROM child_case ORDER BY (id * \(step + 7919)) % 1009 LIMIT 1"
                let someReferral = "SELECT id FROM referral ORDER BY (id * \(step + 7919)) % 1009 LIMIT 1"
                let someUser = "SELECT id FROM user ORDER BY (id * \(step + 5)) % 7 LIMIT 1"
                let someHousehold = "SELECT id FROM household ORDER BY (id * \(step + 7919)) % 1009 LIMIT 1"
                let risks: [String?] = ["low", "medium", "high", "critical", nil]
                let someMember = "SELECT id FROM household_member ORDER BY (id * \(step + 7919)) % 1013 LIMIT 1"
                switch random.next() % 25 {
                case 19:
                    try db.execute(sql: """
                        UPDATE household SET status = ?, id_poor = ?, vulnerabilities = ?, risk_level = ? WHERE id = (\(someHousehold))
                        """, arguments: [["active", "graduated", "active", "moved"][Int(random.next() % 4)],
                                         ["none", "level-1", "level-2", "bogus"][Int(random.next() % 4)],
                                         ["", "landless", "disability,female-headed", "landless,,debt"][Int(random.next() % 4)],
                                         risks[Int(random.next() % 5)]])
                case 20:
                    try db.execute(sql: """
                        UPDATE household_member SET relationship = CASE relationship WHEN 'head' THEN 'child' ELSE 'head' END,
                          sex = CASE sex WHEN 'male' THEN 'female' ELSE 'male' END WHERE id = (\(someMember))
                        """)
                case 21:
                    try db.execute(sql: """
                        UPDATE household_member SET migration_status = ?, migration_country = ?, household_id = (\(someHousehold))
                        WHERE id = (\(someMember))
                        """, arguments: [["none", "planning", "migrated-abroad"][Int(random.next() % 3)],
                                         ["Thailand", " ", nil, "Malaysia"][Int(random.next() % 4)]])
                case 22:
                    try db.execute(sql: """
                        INSERT INTO household_member (household_id, name_km, sex, relationship, migration_status, migration_country,
                          created_at, updated_at)
                        VALUES ((\(someHousehold)), 'សុខា', ?, ?, ?, 'Thailand', ?, ?)
                        """, arguments: [random.next() % 2 == 0 ? "female" : "male", random.next() % 2 == 0 ? "head" : "child",
                                         random.next() % 2 == 0 ? "planning" : "none", fixedNow, fixedNow])
                case 23:
                    try db.execute(sql: """
                        DELETE FROM household_member WHERE id = (SELECT id FROM household_member
                          WHERE id NOT IN (SELECT member_id FROM referral WHERE member_id IS NOT NULL)
                          ORDER BY (id * \(step + 7919)) % 1013 LIMIT 1)
                        """)
                case 24:
                    // A household deleted with its members and visits: the foreign keys take them.
                    let id = try pick(db, """
                        SELECT id FROM household WHERE id NOT IN (SELECT household_id FROM referral WHERE household_id IS NOT NULL)
                          AND id NOT IN (SELECT household_id FROM child_case WHERE household_id IS NOT NULL)
                          AND id NOT IN (SELECT m.household_id FROM household_member AS m JOIN referral AS r ON r.member_id = m.id)
                          AND id NOT IN (SELECT m.household_id FROM household_member AS m JOIN child_case AS c ON c.member_id = m.id)
                        ORDER BY (id * \(step + 29)) % 977 LIMIT 1
                        """)
                    try db.execute(sql: "DELETE FROM household WHERE id = ?", arguments: [id])
                    try db.execute(sql: """
                        UPDATE household SET created_at = ? WHERE id = (\(someHousehold))
                        """, arguments: ["\(day()) 23:30:00.000"])
                case 14:
                    try db.execute(sql: """
                        UPDATE child_case SET assigned_to = CASE WHEN ? THEN (\(someUser)) END, risk_level = COALESCE(?, 'low')
                        WHERE id = (\(someCase))
                        """, arguments: [random.next() % 3 != 0, risks[Int(random.next() % 5)]])
                case 15:
                    try db.execute(sql: "UPDATE household SET risk_override = ?, village_code = ? WHERE id = (\(someHousehold))",
                                   arguments: [risks[Int(random.next() % 5)], village()])
                case 16:
                    try db.execute(sql: """
                        INSERT INTO follow_up (household_id, case_id, type, due_date, status, outcome, created_at, updated_at,
                          created_by, version)
                        VALUES (CASE WHEN ? THEN (\(someHousehold)) END, CASE WHEN ? THEN NULL ELSE (\(someCase)) END,
                          'home-visit', ?, ?, '', ?, ?, (\(someUser)), 1)
                        """, arguments: [step % 2 == 0, step % 2 == 0, day(), ["scheduled", "missed", "cancelled"][Int(random.next() % 3)],
                                         fixedNow, fixedNow])
                case 17:
                    try db.execute(sql: """
                        UPDATE follow_up SET status = 'done', done_date = ?, done_by = (\(someUser))
                        WHERE id = (SELECT id FROM follow_up WHERE status = 'scheduled' ORDER BY (id * \(step + 3)) % 991 LIMIT 1)
                        """, arguments: [day()])
                case 18:
                    // A case deleted with its visits still on it: the foreign key takes them.
                    let id = try pick(db, "SELECT id FROM child_case WHERE id NOT IN (SELECT case_id FROM referral WHERE case_id IS NOT NULL) AND id IN (SELECT case_id FROM follow_up) ORDER BY (id * \(step + 17)) % 983 LIMIT 1")
                    try db.execute(sql: "DELETE FROM case_event WHERE case_id = ?", arguments: [id])
                    try db.execute(sql: "DELETE FROM child_case WHERE id = ?", arguments: [id])
                case 0:
                    try db.execute(sql: "UPDATE child_case SET village_code = ? WHERE id = (\(someCase))", arguments: [village()])
                case 1:
                    try db.execute(sql: """
                        UPDATE child_case SET sex = CASE sex WHEN 'male' THEN 'female' ELSE 'male' END,
                          concerns = ? WHERE id = (\(someCase))
                        """, arguments: [["trafficking", "neglect,violence", "", "neglect,,labour"][Int(random.next() % 4)]])
                case 2:
                    try db.execute(sql: "UPDATE child_case SET reported_date = ?, date_of_birth = ? WHERE id = (\(someCase))",
                                   arguments: [day(), random.next() % 2 == 0 ? nil : "2012-06-15"])
                case 3:
                    try db.execute(sql: """
                        INSERT INTO case_event (case_id, at, kind, status_to, reason, note) VALUES ((\(someCase)), ?, ?, ?, ?, '')
                        """, arguments: ["\(day())T23:30:00Z", random.next() % 2 == 0 ? "closed" : "reopened", "closed",
                                         random.next() % 2 == 0 ? nil : "reunified"])
                case 4:
                    try db.execute(sql: """
                        DELETE FROM case_event WHERE id = (SELECT id FROM case_event WHERE kind IN ('closed', 'reopened')
                          ORDER BY (id * \(step + 13)) % 997 LIMIT 1)
                        """)
                case 5:
                    try db.execute(sql: """
                        UPDATE case_event SET at = ? WHERE id = (SELECT id FROM case_event WHERE kind = 'closed'
                          ORDER BY (id * \(step + 13)) % 997 LIMIT 1)
                        """, arguments: ["\(day())T01:00:00Z"])
                case 6:
                    try db.execute(sql: """
                        INSERT INTO follow_up (case_id, type, due_date, status, done_date, outcome, created_at, updated_at, version)
                        VALUES ((\(someCase)), 'home-visit', ?, 'done', ?, '', ?, ?, 1)
                        """, arguments: [day(), day(), fixedNow, fixedNow])
                case 7:
                    try db.execute(sql: """
                        UPDATE follow_up SET status = CASE status WHEN 'done' THEN 'cancelled' ELSE 'done' END,
                          done_date = COALESCE(done_date, ?)
                        WHERE id = (SELECT id FROM follow_up WHERE case_id IS NOT NULL ORDER BY (id * \(step + 3)) % 991 LIMIT 1)
                        """, arguments: [day()])
                case 8:
                    try db.execute(sql: """
                        DELETE FROM follow_up WHERE id = (SELECT id FROM follow_up WHERE status = 'done' AND case_id IS NOT NULL
                          ORDER BY (id * \(step + 3)) % 991 LIMIT 1)
                        """)
                case 9:
                    try db.execute(sql: "UPDATE referral SET status = ?, referred_on = ? WHERE id = (\(someReferral))",
                                   arguments: [["sent", "enrolled", "completed", "draft", "dropped-out"][Int(random.next() % 5)], day()])
                case 10:
                    // Another referral for a person who already has one: people are counted once.
                    if let id = try pick(db, someReferral) {
                        try Self.copyReferral(db, id, suffix: "\(step)", status: random.next() % 2 == 0 ? "enrolled" : "sent",
                                              referredOn: day())
                    }
                case 11:
                    try db.execute(sql: """
                        INSERT INTO referral_transition (referral_id, at, by_user, from_status, to_status, note, effective_on)
                        VALUES ((\(someReferral)), ?, NULL, 'sent', ?, '', ?)
                        """, arguments: ["\(day())T08:00:00Z", random.next() % 2 == 0 ? "enrolled" : "sent", day()])
                case 12:
                    let id = try pick(db, someReferral)
                    try db.execute(sql: "DELETE FROM referral_transition WHERE referral_id = ?", arguments: [id])
                    try db.execute(sql: "DELETE FROM referral WHERE id = ?", arguments: [id])
                default:
                    let id = try pick(db, "SELECT id FROM child_case WHERE id NOT IN (SELECT case_id FROM referral WHERE case_id IS NOT NULL) ORDER BY (id * \(step + 11)) % 983 LIMIT 1")
                    try db.execute(sql: "DELETE FROM follow_up WHERE case_id = ?", arguments: [id])
                    try db.execute(sql: "DELETE FROM case_event WHERE case_id = ?", arguments: [id])
                    try db.execute(sql: "DELETE FROM child_case WHERE id = ?", arguments: [id])
                }
            }
            let kept = try snapshot(db)
            try KeptTallies.rebuild(db)
            let rebuilt = try snapshot(db)
            #expect(kept.count == rebuilt.count)
            for (a, b) in zip(kept, rebuilt) where a != b {
                Issue.record("kept \(a), worked out again \(b)")
                break
            }
            try expectTalliesMatchTheRows(db)
        }
    }

    @Test func aPersonReferredInTwoMonthsIsCountedOnceInTheYearAndOnceInEachMonth() throws {
        let services = try demo(cases: 20)
        try services.database.write { db in
            let first = try Int64.fetchOne(db, sql: "SELECT id FROM referral ORDER BY id LIMIT 1")!
            for (n, day) in ["2026-02-10", "2026-03-05", "2026-03-20"].enumerated() {
                try Self.copyReferral(db, first, suffix: "\(n)", status: "sent", referredOn: day, village: "01020101")
            }
            try db.execute(sql: "DELETE FROM referral WHERE id = ?", arguments: [first])
            func people(_ period: String) throws -> Int {
                let scope = ReportScope(request: ReportRequest(kind: .referrals, period: ReportPeriod.parse(period)!,
                                                               area: ReportArea(code: "01")!), today: LocalDate(year: 2026, month: 12, day: 31)!)
                return try scope.tally(db, ReferralMeasure.person).values.reduce(0, +)
            }
            #expect(try people("2026") == 1)
            #expect(try people("2026-02") == 1)
            #expect(try people("2026-03") == 1)
            #expect(try people("2026-03-10..2026-03-31") == 1)
            #expect(try people("2026-04") == 0)
        }
    }

    @Test func periodsSplitIntoWholeMonthsAndTheDaysAtEitherEnd() {
        func split(_ from: String, _ to: String) -> PeriodSplit {
            PeriodSplit(start: LocalDate(iso: from)!, end: LocalDate(iso: to)!)
        }
        #expect(split("2026-01-01", "2026-12-31").months == "2026-01"..."2026-12")
        #expect(split("2026-01-01", "2026-12-31").days.isEmpty)
        let ragged = split("2026-03-15", "2026-08-20")
        #expect(ragged.months == "2026-04"..."2026-07")
        #expect(ragged.days == ["2026-03-15"..."2026-03-31", "2026-08-01"..."2026-08-20"])
        let inside = split("2026-03-02", "2026-03-30")
        #expect(inside.months == nil)
        #expect(inside.days == ["2026-03-02"..."2026-03-30"])
        #expect(split("2025-12-20", "2026-01-31").months == "2026-01"..."2026-01")
        #expect(split("2024-02-01", "2024-02-29").months == "2024-02"..."2024-02")
        #expect(split("2026-05-01", "2026-04-01") == PeriodSplit(start: LocalDate(iso: "2026-05-01")!,
                                                                  end: LocalDate(iso: "2026-04-01")!))
        #expect(split("2026-05-01", "2026-04-01").months == nil)
    }
}
