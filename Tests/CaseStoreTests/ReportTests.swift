import CaseDomain
import Foundation
import GRDB
import Testing
@testable import CaseStore

/// Every figure of the reports, checked against counts made another way:
/// hand-made cases at the period's edges and at the age bands' edges in a
/// province the demo does not use, and the demo's own data counted in Swift
/// or by plain SQL.
@Suite struct ReportTests {
    struct Fixture {
        let services: KomarServices
        let coordinator: Session
    }

    static let october = ReportPeriod.parse("2026-10")!
    /// Banteay Meanchey: no demo data there.
    static let edgeProvince = ReportArea(code: "01")!
    static let edgeVillage = "01020101"

    func fixture() throws -> Fixture {
        let services = try makeServices()
        try DemoData.fill(services, cases: 400)
        guard case .success(let coordinator) = try services.accounts.logIn(username: "coordinator",
                                                                          password: DemoData.password) else {
            throw StoreError.notFound
        }
        try services.database.write { db in try Self.addEdgeCases(db) }
        return Fixture(services: services, coordinator: coordinator)
    }

    /// A case written straight into the table, as a report reads it.
    static func addCase(_ db: Database, _ number: Int, sex: Sex, dob: String? = nil, estimated: Int? = nil,
                        asOf: String? = nil, reported: String, concerns: [Concern], status: CaseStatus = .open) throws {
        try db.execute(sql: """
            INSERT INTO child_case (code, code_year, code_number, sex, date_of_birth, estimated_age, age_as_of,
              village_code, concerns, narrative, reported_by, reported_date, status, created_at, updated_at)
            VALUES (?, 2025, ?, ?, ?, ?, ?, ?, ?, '', 'cpc-member', ?, ?, ?, ?)
            """, arguments: ["KC-EDGE-\(number)", 9000 + number, sex.rawValue, dob, estimated, asOf ?? reported,
                             edgeVillage, concerns.map(\.rawValue).joined(separator: ","), reported, status.rawValue,
                             fixedNow, fixedNow])
    }

    static func event(_ db: Database, _ number: Int, _ kind: CaseEventKind, at: String, reason: String? = nil) throws {
        try db.execute(sql: """
            INSERT INTO case_event (case_id, at, kind, status_to, reason)
            SELECT id, ?, ?, ?, ? FROM child_case WHERE code = ?
            """, arguments: [at, kind.rawValue, kind == .closed ? "closed" : "open", reason, "KC-EDGE-\(number)"])
    }

    /// Cases at October's edges and at the age bands' edges (child
    /// protection: 0–5, 6–11, 12–14, 15–17, 18+), one closed and reopened,
    /// one closed on the last day.
    static func addEdgeCases(_ db: Database) throws {
        try addCase(db, 1, sex: .male, estimated: 10, reported: "2026-09-30", concerns: [.trafficking], status: .new)
        try addCase(db, 2, sex: .female, estimated: 10, reported: "2026-10-01", concerns: [.trafficking])
        try addCase(db, 3, sex: .male, estimated: 10, reported: "2026-10-31", concerns: [.trafficking, .neglect],
                    status: .closed)
        try addCase(db, 4, sex: .female, estimated: 10, reported: "2026-11-01", concerns: [.trafficking])
        try addCase(db, 5, sex: .female, dob: "2020-10-15", reported: "2026-10-14", concerns: [.neglect])
        try addCase(db, 6, sex: .male, dob: "2020-10-15", reported: "2026-10-15", concerns: [.neglect])
        try addCase(db, 7, sex: .female, dob: "2008-10-20", reported: "2026-10-19", concerns: [.neglect])
        try addCase(db, 8, sex: .female, dob: "2008-10-20", reported: "2026-10-20", concerns: [.neglect])
        try addCase(db, 9, sex: .male, estimated: 5, asOf: "2025-10-10", reported: "2026-10-10", concerns: [.neglect])
        try event(db, 2, .closed, at: "2026-10-20 12:00:00.000", reason: "goals-met")
        try event(db, 2, .reopened, at: "2026-10-25 12:00:00.000")
        try event(db, 3, .closed, at: "2026-10-31 12:00:00.000", reason: "moved-away")
    }

    func table(_ report: Report, _ key: String) throws -> ReportTable {
        try #require(report.tables.first { $0.title == .key(key) })
    }

    func row(_ table: ReportTable, _ key: String) throws -> [ReportCell] {
        try #require(table.rows.first { $0.first == .key(key) })
    }

    @Test func newCasesCountThePeriodsEdgesAndAgesOnTheDayReported() throws {
        let f = try fixture()
        let report = try f.services.reports.make(f.coordinator, ReportRequest(kind: .cases, period: Self.october,
                                                                              area: Self.edgeProvince))
        let byConcern = try table(report, "report.cases.new-by-concern")
        #expect(byConcern.columns.map { if case .digits(let t) = $0 { t } else { "" } }.suffix(5)
                == ["0–5", "6–11", "12–14", "15–17", "18+"])
        let all = try row(byConcern, "report.row.all-new-cases")
        #expect(all[1] == .tally(Tally(total: 7, female: 4)))
        #expect(Array(all[2...]) == [.tally(Tally(total: 1, female: 1)), .tally(Tally(total: 4, female: 1)),
                                     .tally(Tally()), .tally(Tally(total: 1, female: 1)), .tally(Tally(total: 1, female: 1))])
        #expect(try row(byConcern, Concern.trafficking.labelKey)[1] == .tally(Tally(total: 2, female: 1)))
        #expect(try row(byConcern, Concern.neglect.labelKey)[1] == .tally(Tally(total: 6, female: 3)))
        // Zero rows stay.
        #expect(try row(byConcern, Concern.other.labelKey)[1] == .tally(Tally()))
        // The footer names who made it as readers know them, with the username the audit log has.
        #expect(report.madeBy == "\(f.coordinator.user.displayName) (\(f.coordinator.user.username))")
    }

    @Test func caseLoadFollowsClosesAndReopensDayByDay() throws {
        let f = try fixture()
        let report = try f.services.reports.make(f.coordinator, ReportRequest(kind: .cases, period: Self.october,
                                                                              area: Self.edgeProvince))
        let load = try table(report, "report.cases.load")
        #expect(try row(load, "report.row.open-at-start")[1] == .tally(Tally(total: 1, female: 0)))
        #expect(try row(load, "report.row.new")[1] == .tally(Tally(total: 7, female: 4)))
        #expect(try row(load, "report.row.closed")[1] == .tally(Tally(total: 2, female: 1)))
        #expect(try row(load, "report.row.reopened")[1] == .tally(Tally(total: 1, female: 1)))
        #expect(try row(load, "report.row.open-at-end")[1] == .tally(Tally(total: 7, female: 4)))
        let reasons = try table(report, "report.cases.closed-by-reason")
        #expect(try row(reasons, ClosureReason.goalsMet.labelKey)[1] == .tally(Tally(total: 1, female: 1)))
        #expect(try row(reasons, ClosureReason.movedAway.labelKey)[1] == .tally(Tally(total: 1, female: 0)))
        let time = try table(report, "report.cases.time-taken")
        // Closed 19 days and 0 days after they were reported.
        #expect(try row(time, "report.row.report-to-closure")[1] == .days(9.5))
        // September: the reopened case was not yet closed; November: one more case, none closed.
        let september = try f.services.reports.make(f.coordinator, ReportRequest(
            kind: .cases, period: Self.october.previous(), area: Self.edgeProvince))
        #expect(try row(table(september, "report.cases.load"), "report.row.open-at-end")[1] == .tally(Tally(total: 1)))
        let november = try f.services.reports.make(f.coordinator, ReportRequest(
            kind: .cases, period: Self.october.next(), area: Self.edgeProvince))
        #expect(try row(table(november, "report.cases.load"), "report.row.open-at-end")[1]
                == .tally(Tally(total: 8, female: 5)))
    }

    /// Open cases unseen for 90 days: the last contact is a day, written as
    /// dates are elsewhere, oldest first.
    @Test func unseenCasesSayTheirLastContactAsADay() throws {
        let f = try fixture()
        let year = try #require(ReportPeriod.parse("2026"))
        let report = try f.services.reports.make(f.coordinator, ReportRequest(kind: .cases, period: year))
        let unseen = try table(report, "report.cases.unseen")
        let days = unseen.rows.compactMap { row -> LocalDate? in
            if case .text(.date(let day)) = row[3] { day } else { nil }
        }
        #expect(!days.isEmpty && days.count == unseen.rows.count, "every row's last contact is a day")
        #expect(days == days.sorted())
    }

    @Test func newCasesByConcernMatchTheDemoCountedInSwift() throws {
        let f = try fixture()
        let year = try #require(ReportPeriod.parse("2026"))
        for preset in AgeBandPreset.allCases {
            let report = try f.services.reports.make(f.coordinator, ReportRequest(kind: .cases, period: year,
                                                                                  ageBands: preset))
            let rows = try f.services.database.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT sex, date_of_birth, estimated_age, age_as_of, reported_date, concerns FROM child_case
                    WHERE reported_date BETWEEN '2026-01-01' AND '2026-12-31'
                    """)
            }
            var expected: [Concern: [Tally]] = [:]
            for row in rows {
                let reported = LocalDate(iso: row["reported_date"])!
                let age = BirthInfo.age(dateOfBirth: (row["date_of_birth"] as String?).flatMap(LocalDate.init(iso:)),
                                        estimatedAge: row["estimated_age"],
                                        asOf: LocalDate(iso: row["age_as_of"]), today: reported)
                for code in (row["concerns"] as String).split(separator: ",") {
                    let concern = Concern(rawValue: String(code))!
                    var bands = expected[concern] ?? Array(repeating: Tally(), count: preset.bands.count)
                    bands[preset.band(of: age)].add(Sex(rawValue: row["sex"])!)
                    expected[concern] = bands
                }
            }
            let table = try table(report, "report.cases.new-by-concern")
            for concern in Concern.allCases {
                let bands = expected[concern] ?? Array(repeating: Tally(), count: preset.bands.count)
                #expect(Array(try row(table, concern.labelKey)[2...]) == bands.map(ReportCell.tally), "\(concern) \(preset)")
            }
        }
    }

    @Test func referralFiguresMatchPlainCounts() throws {
        let f = try fixture()
        let year = try #require(ReportPeriod.parse("2026"))
        let report = try f.services.reports.make(f.coordinator, ReportRequest(kind: .referrals, period: year))
        let counts = try f.services.database.read { db in
            (all: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM referral WHERE referred_on LIKE '2026-%'")!,
             female: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM referral WHERE referred_on LIKE '2026-%' AND sex = 'female'")!,
             people: try Int.fetchOne(db, sql: """
                SELECT COUNT(DISTINCT COALESCE(case_id, -member_id)) FROM referral
                WHERE referred_on LIKE '2026-%' AND status != 'draft'
                """)!,
             completed: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM referral WHERE referred_on LIKE '2026-%' AND status = 'completed'")!,
             sewing: try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM referral WHERE referred_on LIKE '2026-%' AND service = 'sewing' AND status != 'draft'
                """)!)
        }
        let byService = try table(report, "report.referrals.by-service")
        #expect(try row(byService, "report.row.total")[2] == .tally(Tally(total: counts.all, female: counts.female)))
        let people = try table(report, "report.referrals.people")
        guard case .tally(let reached) = try row(people, "report.row.total")[1] else { Issue.record("no tally"); return }
        #expect(reached.total == counts.people)
        guard case .tally(let completed) = try row(table(report, "report.referrals.outcomes"), "report.row.total")[1] else {
            Issue.record("no tally"); return
        }
        #expect(completed.total == counts.completed)
        guard case .tally(let sewing) = try row(table(report, "report.referrals.needs-served"), ServiceType.sewing.labelKey)[1]
        else { Issue.record("no tally"); return }
        #expect(sewing.total == counts.sewing)
    }

    @Test func referralsSentWithoutConsentAreCountedAndNamed() throws {
        let f = try fixture()
        let year = try #require(ReportPeriod.parse("2026"))
        func check() throws -> (ReportCell, ReportText?) {
            let report = try f.services.reports.make(f.coordinator, ReportRequest(kind: .dataQuality, period: year))
            let checks = try table(report, "report.quality.checks")
            return (try row(checks, "report.row.referrals-without-consent")[1], checks.note)
        }
        try f.services.database.write { db in
            try db.execute(sql: "UPDATE referral SET consent_recorded = 1")
        }
        var (cell, note) = try check()
        #expect(cell == .tally(Tally()))
        #expect(note == .key("report.note.no-referral-without-consent"))
        try f.services.database.write { db in
            try db.execute(sql: """
                UPDATE referral SET consent_recorded = 0 WHERE id = (
                  SELECT id FROM referral WHERE status = 'sent' AND referred_on LIKE '2026-%' AND sex = 'female' LIMIT 1)
                """)
        }
        (cell, note) = try check()
        #expect(cell == .tally(Tally(total: 1, female: 1)))
        #expect(note == .key("report.note.referrals-without-consent"))
    }

    /// Each check on the cases, for the office and for one province,
    /// equals a plain count of the cases reported in the year; a case
    /// whose village is a district's code has no village.
    @Test func dataQualityChecksMatchPlainCounts() throws {
        let f = try fixture()
        let year = try #require(ReportPeriod.parse("2026"))
        let province = try f.services.database.write { db -> String in
            try db.execute(sql: """
                UPDATE child_case SET village_code = substr(village_code, 1, 4) WHERE id IN (
                  SELECT id FROM child_case WHERE reported_date LIKE '2026-%' ORDER BY id LIMIT 3)
                """)
            // An intake saved although it looked like another, as the audit log records it.
            try db.execute(sql: """
                INSERT INTO audit_event (at, user_id, username, action, entity, entity_id, summary, prev_hash, hash)
                SELECT reported_date || ' 10:00:00.000', NULL, 'sokha', 'create', 'case', id,
                  'intake ' || code || '; saved despite possible duplicates KC-2026-0001', '', ''
                FROM child_case WHERE reported_date LIKE '2026-%' AND sex = 'female' ORDER BY id LIMIT 1
                """)
            return try #require(try String.fetchOne(db, sql: "SELECT substr(village_code, 1, 2) FROM child_case ORDER BY id LIMIT 1"))
        }
        let despite = try f.services.reports.make(f.coordinator, ReportRequest(kind: .dataQuality, period: year))
        #expect(try row(table(despite, "report.quality.checks"), "report.row.saved-despite-duplicates")[1]
                == .tally(Tally(total: 1, female: 1)))
        for area in [ReportArea.office, try #require(ReportArea(code: province))] {
            let report = try f.services.reports.make(f.coordinator, ReportRequest(kind: .dataQuality, period: year, area: area))
            let checks = try table(report, "report.quality.checks")
            let expected: [(String, String)] = [
                ("report.row.cases-reported", "1"),
                ("report.row.no-birth-date", "date_of_birth IS NULL"),
                ("report.row.no-village", "length(village_code) != 8"),
                ("report.row.consent-not-recorded", "caregiver_consent IS NULL"),
                ("report.row.consent-refused", "caregiver_consent = 0"),
            ]
            for (key, condition) in expected {
                let plain = try f.services.database.read { db in
                    Tally(rows: try Row.fetchAll(db, sql: """
                        SELECT sex, COUNT(*) AS n FROM child_case
                        WHERE reported_date LIKE '2026-%' AND substr(village_code, 1, ?) = ? AND \(condition) GROUP BY sex
                        """, arguments: [area.isOffice ? 0 : 2, area.isOffice ? "" : area.code]))
                }
                #expect(try row(checks, key)[1] == .tally(plain), "\(key) in \(area.code)")
                if key != "report.row.cases-reported" { #expect(plain.total > 0, "the demo has cases failing \(key)") }
            }
        }
    }

    @Test func followUpFatesMatchPlainCounts() throws {
        let f = try fixture()
        let year = try #require(ReportPeriod.parse("2026"))
        let report = try f.services.reports.make(f.coordinator, ReportRequest(kind: .followUps, period: year))
        let today = f.services.clock.today.iso
        let counts = try f.services.database.read { db in
            try [
                "due_date LIKE '2026-%'",
                "due_date LIKE '2026-%' AND status = 'done' AND done_date <= due_date",
                "due_date LIKE '2026-%' AND status = 'done' AND done_date > due_date",
                "due_date LIKE '2026-%' AND status = 'missed'",
                "due_date LIKE '2026-%' AND status = 'cancelled'",
                "due_date LIKE '2026-%' AND status = 'scheduled' AND due_date < '\(today)'",
                "due_date LIKE '2026-%' AND status = 'scheduled' AND due_date >= '\(today)'",
            ].map { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM follow_up WHERE \($0)")! }
        }
        #expect(counts[1] > 0 && counts[2] > 0 && counts[3] > 0, "the demo has visits of every kind")
        #expect(counts[1...].reduce(0, +) == counts[0], "the columns add up to the visits due")
        for key in ["report.followups.by-worker", "report.followups.by-risk"] {
            let total = try row(table(report, key), "report.row.total")
            let figures = total[1...].map { cell -> Int in if case .tally(let t) = cell { t.total } else { -1 } }
            #expect(figures == counts, "\(key)")
        }
    }

    /// A visit whose worker is no longer a user (written through a sqlite3
    /// shell with foreign keys off) counts under "—", so the workers still
    /// add up to the total.
    @Test func visitsOfAWorkerNoLongerThereCountUnderNoOne() throws {
        let f = try fixture()
        try f.services.database.writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            try db.execute(sql: """
                UPDATE follow_up SET done_by = 999999 WHERE id = (
                  SELECT id FROM follow_up WHERE status = 'done' AND due_date LIKE '2026-%' ORDER BY id LIMIT 1)
                """)
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        let year = try #require(ReportPeriod.parse("2026"))
        let report = try f.services.reports.make(f.coordinator, ReportRequest(kind: .followUps, period: year))
        let byWorker = try table(report, "report.followups.by-worker")
        func due(_ row: [ReportCell]) -> Int { if case .tally(let t) = row[1] { t.total } else { -1 } }
        let workers = byWorker.rows.filter { $0.first != .key("report.row.total") }
        #expect(workers.map(due).reduce(0, +) == due(try row(byWorker, "report.row.total")))
        #expect(workers.contains { $0.first == .literal("—") && due($0) >= 1 })
    }

    /// Destinations stored as codes are named by their labels, each once;
    /// a country kept as typed is named as typed.
    @Test func migrationDestinationsAreNamedByTheirLabels() throws {
        let f = try fixture()
        try f.services.database.write { db in
            try db.execute(sql: """
                UPDATE household_member SET migration_country = 'Qatar'
                WHERE id = (SELECT MIN(id) FROM household_member WHERE migration_status = 'migrated-abroad')
                """)
        }
        let report = try f.services.reports.make(f.coordinator, ReportRequest(kind: .households, period: Self.october))
        let table = try table(report, "report.households.migration")
        let destinations = table.rows.map { $0[1] }
        #expect(destinations.filter { $0 == .key(Destination.thailand.labelKey) }.count == 1)
        #expect(destinations.filter { $0 == .key(Destination.malaysia.labelKey) }.count == 1)
        #expect(destinations.contains(.literal("Qatar")))
        #expect(!destinations.contains(.literal("thailand")))
        let register = try f.services.registers.table(f.coordinator, .households)
        #expect(register.rows.joined().contains(.key(Destination.thailand.labelKey)))
        #expect(register.rows.joined().contains(.literal("Qatar")))
    }

    @Test func householdsByIDPoorMatchPlainCounts() throws {
        let f = try fixture()
        let report = try f.services.reports.make(f.coordinator, ReportRequest(kind: .households, period: Self.october))
        let table = try table(report, "report.households.by-idpoor")
        for level in IDPoorStatus.allCases {
            let count = try f.services.database.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM household WHERE status = 'active' AND id_poor = ?",
                                 arguments: [level.rawValue])!
            }
            guard case .tally(let tally) = try row(table, level.labelKey)[1] else { Issue.record("no tally"); continue }
            #expect(tally.total == count, "\(level)")
        }
    }

    /// Walk-through: "Female-headed 0 (0)" beside "Active now 8 (5)": the
    /// row counted the ticked factor, which nothing ticked for a woman at
    /// the head. It counts the head's sex now, whatever was ticked.
    @Test func femaleHeadedHouseholdsAreThoseWithAWomanAtTheHead() throws {
        let f = try fixture()
        try f.services.database.write { db in
            try db.execute(sql: "UPDATE household SET vulnerabilities = replace(vulnerabilities, 'female-headed', '')")
        }
        let report = try f.services.reports.make(f.coordinator, ReportRequest(kind: .households, period: Self.october))
        let table = try table(report, "report.households.by-vulnerability")
        let count = try f.services.database.read { db in
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM household AS h WHERE h.status = 'active' AND (SELECT m.sex FROM household_member AS m
                  WHERE m.household_id = h.id AND m.relationship = 'head' ORDER BY m.id LIMIT 1) = 'female'
                """)!
        }
        #expect(count > 0)
        guard case .tally(let tally) = try row(table, Vulnerability.femaleHeaded.labelKey)[1] else {
            Issue.record("no tally")
            return
        }
        #expect(tally.total == count && tally.female == count)
    }

    @Test func householdsRegisteredInThePeriodAndByItsEndMatchPlainCounts() throws {
        let f = try fixture()
        let report = try f.services.reports.make(f.coordinator, ReportRequest(kind: .households, period: Self.october))
        let table = try table(report, "report.households.register")
        let (start, end) = (Self.october.start.iso, Self.october.end.iso)
        for (key, condition) in [("report.row.registered-in-period", "date(created_at, 'localtime') BETWEEN ?1 AND ?2"),
                                 ("report.row.registered-by-end", "date(created_at, 'localtime') <= ?2"),
                                 ("report.row.active-now", "status = 'active' AND ?1 = ?1 AND ?2 = ?2")] {
            let count = try f.services.database.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM household WHERE \(condition)", arguments: [start, end])!
            }
            guard case .tally(let tally) = try row(table, key)[1] else { Issue.record("no tally"); continue }
            #expect(tally.total == count, "\(key)")
        }
    }

    @Test func onlySocialWorkersAndCoordinatorsReadReportsAndOnlyCoordinatorsExport() throws {
        let f = try fixture()
        let request = ReportRequest(kind: .cases, period: Self.october)
        for (username, role) in [("volunteer", Role.volunteer), ("admin", Role.admin)] {
            guard case .success(let s) = try f.services.accounts.logIn(username: username, password: DemoData.password)
            else { Issue.record("login"); continue }
            #expect(throws: PermissionDenied(role: role, action: .readReports)) {
                try f.services.reports.make(s, request)
            }
        }
        guard case .success(let worker) = try f.services.accounts.logIn(username: "socialworker",
                                                                       password: DemoData.password) else { return }
        let report = try f.services.reports.make(worker, request)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("komar-report-\(UUID()).csv")
        #expect(throws: PermissionDenied(role: .socialWorker, action: .exportData)) {
            try f.services.reports.export(worker, report, data: Data("x".utf8), format: "csv", to: url)
        }
        #expect(!FileManager.default.fileExists(atPath: url.path))
        try f.services.reports.export(f.coordinator, report, data: Data("x".utf8), format: "csv", to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let audited = try f.services.database.read { db in
            try String.fetchOne(db, sql: "SELECT summary FROM audit_event WHERE action = 'export' ORDER BY id DESC LIMIT 1")
        }
        #expect(audited?.hasPrefix("report cases 2026-10 as csv to ") == true)
    }

    @Test func periodsParseAndStep() throws {
        #expect(ReportPeriod.parse("2026-10")?.start.iso == "2026-10-01")
        #expect(ReportPeriod.parse("2026-02")?.end.iso == "2026-02-28")
        #expect(ReportPeriod.parse("2026-q3")?.start.iso == "2026-07-01")
        #expect(ReportPeriod.parse("2026-Q3")?.end.iso == "2026-09-30")
        #expect(ReportPeriod.parse("2026")?.end.iso == "2026-12-31")
        #expect(ReportPeriod.parse("2026-01-01..2026-06-30")?.end.iso == "2026-06-30")
        for bad in ["2026-13", "2026-Q5", "26", "2026-06-30..2026-01-01", "", "2026-10-1x"] {
            #expect(ReportPeriod.parse(bad) == nil, "\(bad)")
        }
        #expect(ReportPeriod.parse("2026-01")?.previous().description == "2025-12")
        #expect(ReportPeriod.parse("2026-Q4")?.next().description == "2027-Q1")
        #expect(ReportPeriod.parse("2026-01-01..2026-01-10")?.next().description == "2026-01-11..2026-01-20")
        // Whole months typed as days step by months: November back to October, not 2–31 October.
        #expect(ReportPeriod.parse("2026-11-01..2026-11-30")?.previous().description == "2026-10-01..2026-10-31")
        #expect(ReportPeriod.parse("2026-11-01..2026-11-30")?.next().description == "2026-12-01..2026-12-31")
        #expect(ReportPeriod.parse("2026-01-01..2026-02-28")?.previous().description == "2025-11-01..2025-12-31")
        #expect(ReportPeriod.parse("2025-12-01..2026-01-31")?.next().description == "2026-02-01..2026-03-31")
        #expect(AgeBandPreset.childProtection.band(of: 5) == 0 && AgeBandPreset.childProtection.band(of: 6) == 1)
        #expect(AgeBandPreset.primero.bands.map(\.description) == ["0–4", "5–11", "12–17", "18–59", "60+"])
        #expect(AgeBandPreset.cpims.bands.map(\.description) == ["0–5", "6–10", "11–15", "16–17", "18+"])
    }
}
