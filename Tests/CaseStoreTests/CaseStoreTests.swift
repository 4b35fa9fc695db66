import CaseDomain
import Foundation
import GRDB
import Testing
@testable import CaseStore

/// A fixed noon on 21 Nov 2026 and a cheap KDF, so tests are fast and stable.
let fixedNow = Date(timeIntervalSince1970: 1_795_262_400)
let testClock = Clock(now: { fixedNow })
let fastHasher = PasswordHasher(rounds: 1_000)
/// A password the policy accepts.
let testPassword = "mekong-river-9"

func makeServices() throws -> KomarServices {
    KomarServices(database: try AppDatabase.inMemory(), hasher: fastHasher, clock: testClock)
}

func setUp(_ services: KomarServices) throws {
    try services.accounts.setUp(SetupInput(
        organisation: "Test NGO", provinceCode: "14", districtCode: "1404", adminUsername: "admin",
        adminDisplayName: "Admin", adminPassword: testPassword, languageCode: "km"))
}

func session(_ services: KomarServices, _ username: String, _ role: Role) throws -> Session {
    try services.accounts.addUser(by: auditor(services), username: username, displayName: username.capitalized, role: role,
                                  password: testPassword)
    guard case .success(let session) = try services.accounts.logIn(username: username, password: testPassword) else {
        throw StoreError.notFound
    }
    return session
}

/// The admin's session without a login (which would add to the audit log
/// the tests read).
func auditor(_ services: KomarServices) throws -> Session {
    let admin = try services.database.read { db in
        try UserRecord.filter(sql: "role = 'admin' AND is_active").order(sql: "id").fetchOne(db)
    }
    guard let admin else { throw StoreError.notFound }
    return Session(user: admin.account())
}

func intake(_ name: String = "ស្រីពេជ្រ ប្រាក់", latin: String = "Sreypich Prak") -> IntakeInput {
    var input = IntakeInput()
    input.childNameKm = name
    input.childNameLatin = latin
    input.sex = .female
    input.birth = .estimatedAge(12)
    input.villageCode = "14040201"
    input.concerns = [.unsafeMigration, .childLabour]
    input.narrative = "កុមារីត្រូវបានគេសន្យាការងារនៅប្រទេសថៃ។"
    input.reporter = .cpcMember
    return input
}

@Suite struct SchemaTests {
    @Test func migrationsCreateTheWholeDomainModel() throws {
        let services = try makeServices()
        let tables = try services.database.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        }
        for table in ["setting", "place", "user", "household", "household_member", "child_case", "case_visitor",
                      "follow_up", "provider", "referral", "referral_transition", "audit_event", "form_draft",
                      "terminal_session"] {
            #expect(tables.contains(table), "missing table \(table)")
        }
    }

    @Test func gazetteerIsLoadedCompletely() throws {
        let services = try makeServices()
        let counts = try services.gazetteer.countByLevel()
        #expect(counts == [.province: 25, .district: 210, .commune: 1_652, .village: 14_578])
        let path = try services.gazetteer.path(of: "14040201")
        #expect(path.map(\.level) == [.province, .district, .commune, .village])
        #expect(path[0].nameLatin == "Prey Veng")
        #expect(try services.gazetteer.children(of: "1404").allSatisfy { $0.code.hasPrefix("1404") })
        #expect(try services.gazetteer.provinces().count == 25)
    }

    @Test func fileIsOwnerOnlyWalAndForeignKeys() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("komar-\(UUID())/nested")
        let path = dir.appendingPathComponent("komar.sqlite").path
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let db = try AppDatabase.open(path: path)
        let fileMode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        let dirMode = try FileManager.default.attributesOfItem(atPath: dir.path)[.posixPermissions] as? Int
        #expect(fileMode == 0o600)
        #expect(dirMode == 0o700)
        let (journal, foreignKeys) = try db.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys"))
        }
        #expect(journal == "wal")
        #expect(foreignKeys == 1)
        // Opening again runs no migration twice.
        _ = try AppDatabase.open(path: path)
    }

    @Test func damagedFileIsReportedNotUsed() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("komar-bad-\(UUID()).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(repeating: 0x42, count: 8192).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try AppDatabase.open(path: path)
        } throws: { error in
            if case StoreError.corrupt = error { return true }
            return false
        }
    }

    /// A large file (here, any size) a command opens is read whole once a
    /// day: damage is found at the first opening of the next day.
    @Test func aLargeFileIsCheckedWholeOnceADay() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("komar-daily-\(UUID()).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        do {
            let services = KomarServices(database: try AppDatabase.open(path: path), hasher: fastHasher,
                                         clock: testClock)
            try DemoData.fill(services, cases: 300)
            try services.database.writer.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            }
        }
        _ = try AppDatabase.open(path: path, checkedDailyFrom: 0)
        // Scribble over the first page of an index that opening never reads.
        let raw = try DatabaseQueue(path: path)
        let offset = try raw.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            let page = try Int64.fetchOne(db, sql: "SELECT rootpage FROM sqlite_master WHERE name = 'follow_up_by_case'")!
            return (page - 1) * (try Int64.fetchOne(db, sql: "PRAGMA page_size")!)
        }
        try raw.close()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seek(toOffset: UInt64(offset))
        try handle.write(contentsOf: Data(repeating: 0xA5, count: 4_096))
        try handle.close()
        func opened(dailyFrom: Int64) -> Bool {
            do {
                _ = try AppDatabase.open(path: path, checkedDailyFrom: dailyFrom)
                return true
            } catch StoreError.corrupt {
                return false
            } catch {
                Issue.record("\(error)")
                return false
            }
        }
        #expect(opened(dailyFrom: 0), "checked whole today already")
        #expect(!opened(dailyFrom: AppDatabase.checkedDailyFrom), "a small file is checked every time")
        let again = try DatabaseQueue(path: path)
        try again.write { db in
            try db.execute(sql: "UPDATE setting SET value = '2000-01-01' WHERE key = ?",
                           arguments: [AppDatabase.checkedOnSetting])
        }
        try again.close()
        #expect(!opened(dailyFrom: 0), "the next day, the whole file is read again")
    }

    @Test func damageFoundInTheBackgroundBlocksLogin() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("komar-dmg-\(UUID()).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        do {
            let services = KomarServices(database: try AppDatabase.open(path: path), hasher: fastHasher,
                                         clock: testClock)
            try DemoData.fill(services, cases: 300)
        }
        let clean = try AppDatabase.open(path: path, checkInBackground: true)
        try clean.requireIntact()
        #expect(clean.integrityProblem == nil)
        // Scribble over pages in the middle of the file, leaving the header.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: size / 2)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: 16_384))
        try handle.close()
        do {
            let damaged = try AppDatabase.open(path: path, checkInBackground: true)
            let services = KomarServices(database: damaged, hasher: fastHasher, clock: testClock)
            #expect {
                _ = try services.accounts.logIn(username: "admin", password: DemoData.password)
            } throws: { error in
                if case StoreError.corrupt = error { return true }
                return false
            }
            #expect(damaged.integrityProblem != nil)
        } catch StoreError.corrupt {
            // Damage that SQLite notices while opening is refused just as well.
        }
    }

    @Test func defaultPathFollowsXDG() {
        #expect(DatabaseLocation.resolve(explicit: nil, environment: ["XDG_DATA_HOME": "/x", "HOME": "/h"])
            == "/x/komar/komar.sqlite")
        #expect(DatabaseLocation.resolve(explicit: nil, environment: ["HOME": "/h"]) == "/h/.local/share/komar/komar.sqlite")
        #expect(DatabaseLocation.resolve(explicit: nil, environment: ["KOMAR_DB": "/k.sqlite", "HOME": "/h"]) == "/k.sqlite")
        #expect(DatabaseLocation.resolve(explicit: "/e.sqlite", environment: ["KOMAR_DB": "/k.sqlite"]) == "/e.sqlite")
        #expect(DatabaseLocation.demoPath(environment: ["HOME": "/h"]).hasSuffix("komar-demo.sqlite"))
    }
}

@Suite struct PasswordTests {
    @Test func hashesVerifyAndAreSalted() throws {
        let a = try fastHasher.hash("correct horse")
        let b = try fastHasher.hash("correct horse")
        #expect(a != b)
        #expect(a.hasPrefix("pbkdf2-sha256$1000$"))
        #expect(fastHasher.verify("correct horse", against: a))
        #expect(!fastHasher.verify("correct hors", against: a))
        #expect(!fastHasher.verify("x", against: "garbage"))
        #expect(PasswordHasher().rounds == 600_000)
    }
}

@Suite struct AccountTests {
    @Test func setupHappensOnce() throws {
        let services = try makeServices()
        #expect(try !services.accounts.isSetUp())
        try setUp(services)
        #expect(try services.accounts.isSetUp())
        #expect(try services.accounts.organisation() == "Test NGO")
        #expect(try services.accounts.setting("office_district") == "1404")
        #expect(throws: AccountError.alreadySetUp) { try setUp(services) }
    }

    /// Someone with a sqlite3 shell deletes every account: setup must not
    /// hand the cases to whoever is at the keyboard.
    @Test func setupIsRefusedWhereAccountsWereRemovedFromUnderRecords() throws {
        let services = try makeServices()
        #expect(try !services.accounts.accountsWereRemoved())
        try setUp(services)
        #expect(try !services.accounts.accountsWereRemoved())
        try services.database.writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF; DELETE FROM user")
        }
        #expect(try services.accounts.accountsWereRemoved())
        #expect(try !services.accounts.isSetUp())
        #expect(throws: AccountError.accountsRemoved) { try setUp(services) }
        #expect(throws: AccountError.accountsRemoved) {
            try services.accounts.logIn(username: "admin", password: testPassword)
        }
    }

    @Test func loginFailsTheSameWayForUnknownUserAndWrongPassword() throws {
        let services = try makeServices()
        try setUp(services)
        #expect(try services.accounts.logIn(username: "nobody", password: testPassword) == .invalidCredentials)
        #expect(try services.accounts.logIn(username: "admin", password: "wrong") == .invalidCredentials)
        guard case .success(let s) = try services.accounts.logIn(username: " ADMIN ", password: testPassword) else {
            Issue.record("login failed")
            return
        }
        #expect(s.user.role == .admin)
    }



    @Test func usernamesAreUniqueCaseInsensitively() throws {
        let services = try makeServices()
        try setUp(services)
        #expect(throws: AccountError.usernameTaken) {
            try services.accounts.addUser(by: auditor(services), username: "Admin", displayName: "X", role: .admin, password: testPassword)
        }
        #expect(throws: AccountError.weakPassword(.tooShort)) {
            try services.accounts.addUser(by: auditor(services), username: "sok", displayName: "Sok", role: .volunteer, password: "short")
        }
        #expect(throws: AccountError.invalidUsername) {
            try services.accounts.addUser(by: auditor(services), username: "x", displayName: "X", role: .volunteer, password: testPassword)
        }
    }

    @Test func onlyAdminsAddUsersFromTheApp() throws {
        let services = try makeServices()
        try setUp(services)
        let volunteer = try session(services, "sreymom", .volunteer)
        #expect(throws: PermissionDenied(role: .volunteer, action: .manageUsers)) {
            try services.accounts.addUser(by: volunteer, username: "new", displayName: "N", role: .admin, password: testPassword)
        }
    }

    @Test func languagePreferenceIsSaved() throws {
        let services = try makeServices()
        try setUp(services)
        let worker = try session(services, "dara", .socialWorker)
        try services.accounts.setLanguage(worker, languageCode: "en")
        guard case .success(let again) = try services.accounts.logIn(username: "dara", password: testPassword) else {
            Issue.record("login failed")
            return
        }
        #expect(again.user.languageCode == "en")
    }
}

@Suite struct CaseServiceTests {
    @Test func intakeCreatesANewCaseWithAYearlyCode() throws {
        let services = try makeServices()
        try setUp(services)
        let volunteer = try session(services, "sreymom", .volunteer)
        let first = try services.cases.createIntake(volunteer, intake())
        let second = try services.cases.createIntake(volunteer, intake("សុខា", latin: "Sokha"))
        #expect(first.code == "KC-2026-0001")
        #expect(second.code == "KC-2026-0002")
        #expect(first.status == .new)
        #expect(first.ageYears == 12 && first.ageIsEstimated)
        let detail = try services.cases.caseDetail(volunteer, id: first.id)
        #expect(detail.summary.childNameKm == "ស្រីពេជ្រ ប្រាក់")
        #expect(detail.concerns == [.childLabour, .unsafeMigration])
        #expect(detail.reporter == .cpcMember)
        #expect(detail.createdByName == "Sreymom")
    }

    @Test func invalidIntakeIsRejectedWithFieldIssues() throws {
        let services = try makeServices()
        try setUp(services)
        let volunteer = try session(services, "sreymom", .volunteer)
        var input = intake()
        input.sex = nil
        input.villageCode = "99999999"
        #expect(throws: IntakeRejected(issues: [FieldIssue(.sex, "error.required")])) {
            try services.cases.createIntake(volunteer, input)
        }
        input.sex = .male
        #expect(throws: IntakeRejected(issues: [FieldIssue(.village, "error.village-required")])) {
            try services.cases.createIntake(volunteer, input)
        }
        #expect(try services.cases.countCases(volunteer) == 0)
    }

    @Test func volunteersSeeOnlyTheirOwnCases() throws {
        let services = try makeServices()
        try setUp(services)
        let mom = try session(services, "sreymom", .volunteer)
        let pov = try session(services, "pov", .volunteer)
        let worker = try session(services, "dara", .socialWorker)
        let momsCase = try services.cases.createIntake(mom, intake())
        try services.cases.createIntake(pov, intake("ដារ៉ា", latin: "Dara"))
        #expect(try services.cases.listCases(mom).map(\.id) == [momsCase.id])
        #expect(try services.cases.listCases(worker).count == 2)
        #expect(throws: PermissionDenied.self) { try services.cases.caseDetail(pov, id: momsCase.id) }
        #expect(throws: StoreError.notFound) { try services.cases.caseDetail(worker, id: 999) }
    }

    @Test func adminsCannotRecordOrSeeCases() throws {
        let services = try makeServices()
        try setUp(services)
        guard case .success(let admin) = try services.accounts.logIn(username: "admin", password: testPassword) else {
            Issue.record("login failed")
            return
        }
        #expect(throws: PermissionDenied(role: .admin, action: .createIntake)) {
            try services.cases.createIntake(admin, intake())
        }
        #expect(throws: PermissionDenied.self) { try services.cases.listCases(admin) }
    }

    @Test func demoDataBuildsTheIndexesItSetAsideForTheLoad() throws {
        let services = try makeServices()
        func indexes() throws -> [String] {
            try services.database.read { db in
                try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
            }
        }
        let before = try indexes()
        try DemoData.fill(services, cases: 40)
        #expect(try indexes() == before)
        #expect(before.contains { $0.contains("child_case_by_commune") })
        let filter = CaseFilter(status: .open, communeCode: "140402")
        let worker = try session(services, "dara", .socialWorker)
        let listed = try services.cases.listCases(worker, filter: filter)
        #expect(listed.allSatisfy { $0.status == .open && $0.villageCode.hasPrefix("140402") })
        #expect(listed.count == (try services.cases.countCases(worker, filter: filter)))
    }

    @Test func keysetPagingWalksNewestFirstWithoutGapsOrRepeats() throws {
        let services = try makeServices()
        try DemoData.fill(services, cases: 250)
        let worker = try session(services, "dara", .socialWorker)
        var seen: [Int64] = []
        var cursor: CaseListCursor?
        while true {
            let page = try services.cases.listCases(worker, after: cursor, limit: 40)
            if page.isEmpty { break }
            seen += page.map(\.id)
            cursor = CaseListCursor(lastId: page.last!.id)
        }
        #expect(seen.count == 250)
        #expect(seen == seen.sorted(by: >))
        #expect(Set(seen).count == 250)
        let first = try services.cases.listCases(worker, limit: 1)[0]
        #expect(!first.villageNameKm.isEmpty && !first.villageNameLatin.isEmpty)
    }

    @Test func demoDataIsRepeatableAndHasEveryRole() throws {
        let a = try makeServices(), b = try makeServices()
        try DemoData.fill(a, cases: 20)
        try DemoData.fill(b, cases: 20)
        let names = { (s: KomarServices) in
            try s.database.read { db in try String.fetchAll(db, sql: "SELECT child_name_latin FROM child_case ORDER BY id") }
        }
        #expect(try names(a) == names(b))
        let roles = try a.database.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT role FROM user ORDER BY role") }
        #expect(Set(roles) == Set(Role.allCases.map(\.rawValue)))
    }
}

@Suite struct AuditTests {
    @Test func everyWriteAndSensitiveReadIsAuditedWithoutNarrative() throws {
        let services = try makeServices()
        try setUp(services)
        let volunteer = try session(services, "sreymom", .volunteer)
        let saved = try services.cases.createIntake(volunteer, intake())
        _ = try services.cases.caseDetail(volunteer, id: saved.id)
        let events = try services.audit.recent(auditor(services))
        #expect(events.map(\.action).prefix(3) == ["view", "create", "login"])
        #expect(events.allSatisfy { !$0.summary.contains("ថៃ") })
    }

    @Test func tamperingBreaksTheChain() throws {
        let services = try makeServices()
        try setUp(services)
        _ = try services.accounts.logIn(username: "admin", password: testPassword)
        _ = try services.accounts.logIn(username: "admin", password: "bad")
        #expect(try services.audit.firstBrokenRow(auditor(services)) == nil)
        // The log refuses edits outright...
        #expect(throws: (any Error).self) {
            try services.database.writer.write { db in try db.execute(sql: "UPDATE audit_event SET username = 'x'") }
        }
        // ...and an edit made behind SQLite's back is detected.
        try services.database.writer.write { db in
            try db.execute(sql: "DROP TRIGGER audit_event_no_update")
            try db.execute(sql: "UPDATE audit_event SET action = 'login' WHERE id = 3")
        }
        #expect(try services.audit.firstBrokenRow(auditor(services)) == 3)
    }
}

@Suite struct DraftTests {
    @Test func draftsAreKeptPerUserFormRecordAndTerminal() throws {
        let services = try makeServices()
        try setUp(services)
        let mom = try session(services, "sreymom", .volunteer)
        let pov = try session(services, "pov", .volunteer)
        let here = TerminalSession(id: "here")
        let intake = DraftKey("intake")
        #expect(try services.drafts.load(mom, intake, terminal: here) == nil)
        try services.drafts.write(mom, terminal: here, [intake: .save(title: "New intake", payload: "{\"a\":1}")])
        try services.drafts.write(mom, terminal: here, [intake: .save(title: "New intake", payload: "{\"a\":2}")])
        #expect(try services.drafts.load(mom, intake, terminal: here)?.payload == "{\"a\":2}")
        #expect(try services.drafts.load(mom, intake, terminal: here)?.updatedAt == fixedNow)
        #expect(try services.drafts.load(pov, intake, terminal: here) == nil)
        #expect(try services.drafts.load(mom, DraftKey("visit", record: "1"), terminal: here) == nil)
        // Another terminal of the same account, still running, does not
        // see this one's draft; once this one is gone, it is offered.
        let there = TerminalSession(id: "there")
        try services.drafts.heartbeat(here, userId: mom.user.id)
        #expect(try services.drafts.load(mom, intake, terminal: there) == nil)
        #expect(try services.drafts.unsaved(mom, terminal: there).isEmpty)
        #expect(try services.drafts.unsaved(mom, terminal: here).count == 1)      // left here, before a logout
        try services.drafts.end(here)
        let left = try #require(try services.drafts.unsaved(mom, terminal: there).first)
        #expect(left.title == "New intake")
        try services.drafts.adopt(mom, left, terminal: there)
        #expect(try services.drafts.load(mom, intake, terminal: there)?.terminal == "there")
        try services.drafts.discard(mom, try #require(try services.drafts.load(mom, intake, terminal: there)))
        #expect(try services.drafts.load(mom, intake, terminal: there) == nil)
    }

    @Test func savingARecordDeletesItsDraftInTheSameTransaction() throws {
        let services = try makeServices()
        try setUp(services)
        let mom = try session(services, "sreymom", .volunteer)
        let here = TerminalSession(id: "here")
        let key = DraftKey("intake")
        try services.drafts.write(mom, terminal: here, [key: .save(title: "", payload: "{}")])
        var bad = intake()
        bad.villageCode = nil
        #expect(throws: IntakeRejected.self) {
            try services.cases.createIntake(mom, bad, draft: DraftRef(key: key, terminal: here.id))
        }
        #expect(try services.drafts.load(mom, key, terminal: here) != nil)       // refused: the draft stays
        _ = try services.cases.createIntake(mom, intake(), draft: DraftRef(key: key, terminal: here.id))
        #expect(try services.drafts.load(mom, key, terminal: here) == nil)
    }
}
