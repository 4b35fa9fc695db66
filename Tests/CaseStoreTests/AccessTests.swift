import CaseDomain
import Foundation
import GRDB
import Synchronization
import Testing
@testable import CaseStore

/// A clock that stands still until a test moves it.
final class ManualClock: Sendable {
    private let current = Mutex(fixedNow)
    var now: Date { current.withLock { $0 } }
    func advance(minutes: Double) { current.withLock { $0 += minutes * 60 } }
    var clock: Clock { Clock(now: { [self] in now }) }
}

/// Logging in on a shared PC: the lock-out, the same answer and the same
/// work for every failure, and what the audit log keeps of it.
@Suite struct LoginTests {
    func office(_ time: ManualClock) throws -> KomarServices {
        let services = KomarServices(database: try AppDatabase.inMemory(), hasher: fastHasher, clock: time.clock)
        try setUp(services)
        return services
    }

    /// Guesses made at the same time (a script running many logins at
    /// once) are counted one after another: the fifth locks the account,
    /// and every later one meets the lock (security probe: 30 parallel
    /// guesses were counted as one and never locked it).
    @Test func guessesMadeAtTheSameTimeAreEachCounted() throws {
        let time = ManualClock()
        let services = try office(time)
        let attempts = 24
        DispatchQueue.concurrentPerform(iterations: attempts) { i in
            _ = try? services.accounts.logIn(username: "admin", password: "guess-\(i)-guess")
        }
        let admin = try auditor(services)
        let failures = try services.audit.recent(admin, filter: AuditFilter(action: .failedLogin))
        #expect(failures.filter { $0.summary == "wrong password" }.count == AccountService.maximumFailedAttempts - 1)
        #expect(failures.filter { $0.summary == "locked" }.count == attempts - AccountService.maximumFailedAttempts)
        #expect(try services.audit.count(admin, filter: AuditFilter(action: .lockedOut)) == 1)
        #expect(try services.accounts.logIn(username: "admin", password: testPassword) == .invalidCredentials)
    }

    @Test func fiveFailuresLockTheAccountAndEvenTheRightPasswordGetsTheSameAnswer() throws {
        let time = ManualClock()
        let services = try office(time)
        for _ in 0..<AccountService.maximumFailedAttempts {
            #expect(try services.accounts.logIn(username: "admin", password: "guess-guess") == .invalidCredentials)
        }
        // Locked: the right password is answered like a wrong one, and
        // counted and audited as an attempt during the lock.
        #expect(try services.accounts.logIn(username: "admin", password: testPassword) == .invalidCredentials)
        time.advance(minutes: 14)
        #expect(try services.accounts.logIn(username: "admin", password: testPassword) == .invalidCredentials)
        let failures = try services.audit.recent(try auditor(services), filter: AuditFilter(action: .failedLogin))
        #expect(failures.count == 6)
        #expect(failures.prefix(2).allSatisfy { $0.summary == "locked" && $0.username == "admin" })
        #expect(try services.audit.count(try auditor(services), filter: AuditFilter(action: .lockedOut)) == 1)
        // The lock-out ends after its 15 minutes.
        time.advance(minutes: 1.5)
        guard case .success = try services.accounts.logIn(username: "admin", password: testPassword) else {
            Issue.record("the lock-out did not end")
            return
        }
    }

    @Test func guessingDuringALockIsAuditedButCannotKeepTheAccountLocked() throws {
        let time = ManualClock()
        let services = try office(time)
        for _ in 0..<5 { _ = try services.accounts.logIn(username: "admin", password: "guess-guess") }
        time.advance(minutes: 10)
        for _ in 0..<20 { _ = try services.accounts.logIn(username: "admin", password: "guess-again") }
        #expect(try services.audit.count(try auditor(services), filter: AuditFilter(action: .failedLogin)) == 24)
        time.advance(minutes: 5.5)   // the first lock's 15 minutes are over
        guard case .success = try services.accounts.logIn(username: "admin", password: testPassword) else {
            Issue.record("guessing during the lock kept it locked")
            return
        }
    }

    @Test func theCurrentPasswordOfAPasswordChangeCountsLikeALogin() throws {
        let services = try makeServices()
        try setUp(services)
        let worker = try session(services, "dara", .socialWorker)
        for i in 0..<5 {
            #expect(throws: AccountError.wrongPassword) {
                try services.accounts.changeOwnPassword(worker, current: "guess-\(i)-guess", new: "my-own-river-44")
            }
        }
        // Locked now: even the right current password is refused.
        #expect(throws: AccountError.wrongPassword) {
            try services.accounts.changeOwnPassword(worker, current: testPassword, new: "my-own-river-44")
        }
        #expect(try services.audit.count(try auditor(services), filter: AuditFilter(action: .lockedOut)) == 1)
    }

    @Test func theLockOutTimeIsASettingAndAnAdminCanLiftIt() throws {
        let time = ManualClock()
        let services = try office(time)
        let admin = try auditor(services)
        var settings = try services.settings.office()
        settings.lockoutMinutes = 60
        try services.settings.save(admin, settings)
        try services.accounts.addUser(by: admin, username: "dara", displayName: "Dara", role: .socialWorker,
                                      password: testPassword)
        for _ in 0..<5 { _ = try services.accounts.logIn(username: "dara", password: "guess-guess") }
        time.advance(minutes: 30)
        #expect(try services.accounts.logIn(username: "dara", password: testPassword) == .invalidCredentials)
        let dara = try #require(try services.accounts.users(admin).first { $0.account.username == "dara" })
        #expect(dara.isLocked)
        try services.accounts.unlock(admin, userId: dara.account.id)
        guard case .success = try services.accounts.logIn(username: "dara", password: testPassword) else {
            Issue.record("unlocking did not let dara in")
            return
        }
    }

    @Test func anIdleLockOrLockOutSetOutOfRangeWithASqliteShellIsNotObeyed() throws {
        let time = ManualClock()
        let services = try office(time)
        let admin = try auditor(services)
        try services.database.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES ('lockout_minutes', '0')")
            try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES ('idle_lock_minutes', '100000')")
        }
        #expect(try services.settings.office().idleLockMinutes == OfficeSettings.defaultIdleLockMinutes)
        try services.accounts.addUser(by: admin, username: "dara", displayName: "Dara", role: .socialWorker,
                                      password: testPassword)
        for _ in 0..<7 { _ = try services.accounts.logIn(username: "dara", password: "guess-guess") }
        #expect(try services.accounts.logIn(username: "dara", password: testPassword) == .invalidCredentials,
                "still locked out for the default 15 minutes")
    }

    @Test func unknownUsersRunTheSamePasswordHashAsKnownOnes() throws {
        let services = try makeServices()
        try setUp(services)
        let stored = try services.database.read { db in
            try String.fetchOne(db, sql: "SELECT password_hash FROM user WHERE username = 'admin'")
        }
        let hash = try #require(stored)
        let storedRounds = try #require(PasswordHasher.rounds(of: hash))
        #expect(PasswordHasher.rounds(of: services.accounts.hasher.standIn) == storedRounds)
        #expect(PasswordHasher.rounds(of: PasswordHasher().standIn) == PasswordHasher.owaspRounds)
        #expect(!services.accounts.hasher.verify("", against: services.accounts.hasher.standIn))
        #expect(try services.accounts.logIn(username: "nobody", password: testPassword) == .invalidCredentials)
    }

    @Test func failedLoginsNameTheAccountOnlyWhenItExistsNeverWhatWasTyped() throws {
        let services = try makeServices()
        try setUp(services)
        // A password typed into the username field by mistake.
        _ = try services.accounts.logIn(username: "My-Secret-Passphrase", password: "admin")
        _ = try services.accounts.logIn(username: "admin", password: "typed-wrongly-1")
        let failures = try services.audit.recent(try auditor(services), filter: AuditFilter(action: .failedLogin))
        #expect(failures.map(\.username) == ["admin", ""])
        let everything = try services.audit.recent(try auditor(services)).map { "\($0.username) \($0.summary)" }
            .joined(separator: "\n").lowercased()
        #expect(!everything.contains("secret"))
        #expect(!everything.contains("typed-wrongly"))
    }

    @Test func disabledAndChangedAccountsEndTheirSessions() throws {
        let services = try makeServices()
        try setUp(services)
        let admin = try auditor(services)
        let worker = try session(services, "dara", .socialWorker)
        let created = try services.cases.createIntake(worker, intake())
        try services.accounts.setActive(admin, userId: worker.user.id, active: false)
        #expect(try services.accounts.current(worker) == nil)
        #expect(throws: PermissionDenied.self) { try services.cases.caseDetail(worker, id: created.id) }
        #expect(try services.accounts.logIn(username: "dara", password: testPassword) == .invalidCredentials)
        try services.accounts.setActive(admin, userId: worker.user.id, active: true)
        #expect(try services.accounts.current(worker) != nil)
        try services.accounts.setRole(admin, userId: worker.user.id, role: .volunteer)
        #expect(try services.accounts.current(worker) == nil)
    }

    @Test func thePasswordPolicyHoldsForEveryWayAPasswordIsSet() throws {
        let services = try makeServices()
        try setUp(services)
        let admin = try auditor(services)
        #expect(throws: AccountError.weakPassword(.tooCommon)) {
            try services.accounts.addUser(by: admin, username: "sok", displayName: "Sok", role: .volunteer,
                                          password: "Password123")
        }
        #expect(throws: AccountError.weakPassword(.isUsername)) {
            try services.accounts.addUser(by: admin, username: "sokhavy.chan", displayName: "Sok", role: .volunteer,
                                          password: "Sokhavy.Chan")
        }
        let sok = try services.accounts.addUser(by: admin, username: "sok", displayName: "Sok", role: .volunteer,
                                                password: "ស្រីមុំទៅផ្សារ")
        #expect(throws: AccountError.weakPassword(.tooShort)) {
            try services.accounts.resetPassword(admin, userId: sok.id, newPassword: "ស្រីមុំ")
        }
        try services.accounts.resetPassword(admin, userId: sok.id, newPassword: "temporary-river-3")
        guard case .success(let session) = try services.accounts.logIn(username: "sok", password: "temporary-river-3")
        else {
            Issue.record("the reset password did not work")
            return
        }
        #expect(session.user.mustChangePassword)
        #expect(throws: AccountError.weakPassword(.isPrevious)) {
            try services.accounts.changeOwnPassword(session, current: "temporary-river-3", new: "temporary-river-3")
        }
        #expect(throws: AccountError.wrongPassword) {
            try services.accounts.changeOwnPassword(session, current: "not-my-password", new: "my-own-river-44")
        }
        try services.accounts.changeOwnPassword(session, current: "temporary-river-3", new: "my-own-river-44")
        guard case .success(let again) = try services.accounts.logIn(username: "sok", password: "my-own-river-44") else {
            Issue.record("the new password did not work")
            return
        }
        #expect(!again.user.mustChangePassword)
    }

    @Test func theLastActiveAdminStays() throws {
        let services = try makeServices()
        try setUp(services)
        let admin = try auditor(services)
        #expect(throws: AccountError.lastAdmin) { try services.accounts.setActive(admin, userId: admin.user.id, active: false) }
        #expect(throws: AccountError.lastAdmin) { try services.accounts.setRole(admin, userId: admin.user.id, role: .coordinator) }
        let second = try services.accounts.addUser(by: admin, username: "chanthy", displayName: "Chanthy", role: .admin,
                                                   password: testPassword)
        try services.accounts.setActive(admin, userId: admin.user.id, active: false)
        #expect(try services.accounts.users(Session(user: second)).first { $0.account.id == admin.user.id }?
            .account.isActive == false)
    }

    @Test func demoDataGoesOnlyIntoANewOrDemoDatabase() throws {
        let office = try makeServices()
        try setUp(office)
        #expect(throws: DemoRefused()) { try DemoData.fill(office, cases: 1) }
        #expect(try office.accounts.logIn(username: "coordinator", password: DemoData.password) == .invalidCredentials)
        let demo = try makeServices()
        try DemoData.fill(demo, cases: 2)
        try DemoData.fill(demo, cases: 2)
        #expect(try demo.accounts.isDemo())
        #expect(try !office.accounts.isDemo())
    }

    /// Security probe: with a sqlite3 shell, `demo` = 1 written into an
    /// office's file let `komar demo` add an admin whose password is
    /// printed, and stopped the automatic backups.
    @Test func aDemoMarkWrittenByHandMakesNoDemo() throws {
        let office = try makeServices()
        try setUp(office)
        try office.database.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES ('demo', '1')")
        }
        #expect(try !office.accounts.isDemo())
        #expect(throws: DemoRefused()) { try DemoData.fill(office, cases: 0) }
        #expect(try office.accounts.logIn(username: "admin", password: DemoData.password) == .invalidCredentials)

        // Nor does rewriting the first event to read as a demo's: its link
        // with the next one breaks.
        try office.database.write { db in
            try db.execute(sql: "DROP TRIGGER audit_event_no_update")
            let first = try Row.fetchOne(db, sql: "SELECT id, at, prev_hash FROM audit_event ORDER BY id LIMIT 1")!
            let fields = AuditLog.Fields(id: first["id"], stamp: String(format: "%.3f", (first["at"] as Date).timeIntervalSince1970),
                                         userId: nil, username: "komar", action: "setup", entity: "", entityId: nil,
                                         summary: AuditLog.demoSetupSummary, chain: AuditLog.currentChain)
            try db.execute(sql: "UPDATE audit_event SET user_id = NULL, username = 'komar', action = 'setup', entity = '', "
                + "entity_id = NULL, summary = ?, chain = ?, hash = ? WHERE id = ?",
                arguments: [fields.summary, fields.chain, AuditLog.hash(prev: AuditLog.genesis, fields), fields.id])
        }
        #expect(try !office.accounts.isDemo())
        #expect(throws: DemoRefused()) { try DemoData.fill(office, cases: 0) }

        // Nor do accounts and log emptied with a shell make a new file of one
        // that holds records.
        let worker = try session(office, "dara", .socialWorker)
        _ = try office.cases.createIntake(worker, intake("ស្រីពេជ្រ"))
        try office.database.writer.writeWithoutTransaction { db in
            // As a sqlite3 shell does it: no foreign keys.
            try db.execute(sql: "PRAGMA foreign_keys = OFF; DROP TRIGGER IF EXISTS audit_event_no_delete")
            try db.execute(sql: "DELETE FROM audit_event; DELETE FROM user; DELETE FROM setting WHERE key = 'demo'")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        #expect(throws: DemoRefused()) { try DemoData.fill(office, cases: 0) }
    }

    @Test func viewsSearchesLocksAndLogoutsAreAudited() throws {
        let services = try makeServices()
        try setUp(services)
        let worker = try session(services, "dara", .socialWorker)
        let registered = try services.households.register(worker, household())
        _ = try services.households.detail(worker, id: registered.id)
        try services.cases.recordSearch(worker, found: .moreThan(1_000))
        try services.accounts.recordLock(worker, locked: true, idle: true)
        try services.accounts.recordLock(worker, locked: false)
        try services.accounts.logOut(worker)
        let events = try services.audit.recent(try auditor(services), limit: 5).map { "\($0.action) \($0.entity) \($0.summary)" }
        #expect(events == ["logout  ", "unlock  ", "lock  idle", "search case >1000", "view household HH-000001"])
    }
}

/// The audit chain against someone who holds the file and a sqlite3 shell:
/// each kind of tampering is caught, by the chain itself or by a seal
/// copied out earlier.
@Suite struct AuditTamperTests {
    /// An office with some history, its seal taken, then more events.
    func office() throws -> (KomarServices, Session, AuditSeal) {
        let services = try makeServices()
        try setUp(services)
        let worker = try session(services, "dara", .socialWorker)
        for name in ["សុខា", "ដារ៉ា", "ពៅ"] { _ = try services.cases.createIntake(worker, intake(name)) }
        let admin = try auditor(services)
        let seal = try services.audit.seal(admin)
        try services.accounts.logOut(worker)
        #expect(try services.audit.verify(admin, against: [seal]).isIntact)
        return (services, admin, seal)
    }

    /// What someone with the file does first: drop the triggers.
    func tamper(_ services: KomarServices, _ sql: String) throws {
        try services.database.write { db in
            try db.execute(sql: "DROP TRIGGER audit_event_no_update; DROP TRIGGER audit_event_no_delete;")
            try db.execute(sql: sql)
        }
    }

    /// Rewrites the chain from the first row on, as a tamperer who has read
    /// Komar's source would.
    func recompute(_ services: KomarServices) throws {
        try services.database.write { db in
            var prev = AuditLog.genesis
            for row in try Row.fetchAll(db, sql: "SELECT * FROM audit_event ORDER BY id") {
                let at: Date = row["at"]
                let fields = AuditLog.Fields(id: row["id"], stamp: String(format: "%.3f", at.timeIntervalSince1970),
                                             userId: row["user_id"], username: row["username"], action: row["action"],
                                             entity: row["entity"], entityId: row["entity_id"], summary: row["summary"],
                                             chain: row["chain"])
                let hash = AuditLog.hash(prev: prev, fields)
                try db.execute(sql: "UPDATE audit_event SET prev_hash = ?, hash = ? WHERE id = ?",
                               arguments: [prev, hash, fields.id])
                prev = hash
            }
        }
    }

    @Test func anEditedSummaryIsCaught() throws {
        let (services, admin, _) = try office()
        try tamper(services, "UPDATE audit_event SET summary = 'nothing' WHERE id = 3")
        #expect(try services.audit.verify(admin).firstBrokenRow == 3)
    }

    @Test func aChangedUserIsCaught() throws {
        let (services, admin, _) = try office()
        try tamper(services, "UPDATE audit_event SET user_id = 1 WHERE id = 4")
        #expect(try services.audit.verify(admin).firstBrokenRow == 4)
    }

    @Test func aReorderingIsCaught() throws {
        let (services, admin, _) = try office()
        try tamper(services, """
            UPDATE audit_event SET id = -1 WHERE id = 3; UPDATE audit_event SET id = 3 WHERE id = 4;
            UPDATE audit_event SET id = 4 WHERE id = -1;
            """)
        #expect(try services.audit.verify(admin).firstBrokenRow == 3)
    }

    @Test func aDeletedRowIsCaught() throws {
        let (services, admin, _) = try office()
        try tamper(services, "DELETE FROM audit_event WHERE id = 3")
        #expect(try services.audit.verify(admin).firstBrokenRow == 4)
    }

    @Test func deletingRowsAndRecomputingTheChainIsCaughtByAnEarlierSeal() throws {
        let (services, admin, seal) = try office()
        try tamper(services, "DELETE FROM audit_event WHERE id = 3")
        try recompute(services)
        let result = try services.audit.verify(admin, against: [seal])
        #expect(result.firstBrokenRow == nil)      // the chain alone cannot tell
        #expect(result.unmatchedSeals == [seal])
        #expect(!result.isIntact)
    }

    @Test func deletingTheLastRowsIsCaughtByAnEarlierSeal() throws {
        let (services, admin, _) = try office()
        let later = try services.audit.seal(admin)
        try tamper(services, "DELETE FROM audit_event WHERE id >= \(later.count - 1)")
        let result = try services.audit.verify(admin, against: [later])
        #expect(result.firstBrokenRow == nil)
        #expect(result.unmatchedSeals == [later])
    }

    @Test func aTriggerThatSwallowsAuditRowsIsRemovedAndTheRowsStillLand() throws {
        let (services, admin, _) = try office()
        try services.database.write { db in
            try db.execute(sql: """
                CREATE TRIGGER audit_event_zz BEFORE INSERT ON audit_event WHEN NEW.username = 'dara'
                BEGIN SELECT RAISE(IGNORE); END
                """)
        }
        let before = try services.audit.count(admin)
        let dara = try #require(try services.accounts.users(admin).first { $0.account.username == "dara" })
        guard case .success(let worker) = try services.accounts.logIn(username: "dara", password: testPassword) else {
            Issue.record("dara cannot log in")
            return
        }
        try services.accounts.logOut(worker)
        let events = try services.audit.recent(admin, limit: 3).map { "\($0.username) \($0.action)" }
        #expect(events == ["dara logout", "dara login", "komar audit-triggers-restored"])
        #expect(try services.audit.count(admin) == before + 3)
        #expect(try services.audit.verify(admin).triggersMissingSince != nil)
        #expect(dara.account.isActive)
    }

    @Test func aChangedProtectingTriggerIsPutBackOnOpening() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("komar-audit-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("komar.sqlite").path
        do {
            let services = KomarServices(database: try AppDatabase.open(path: path), hasher: fastHasher)
            try setUp(services)
            try services.database.write { db in
                try db.execute(sql: "DROP TRIGGER audit_event_no_delete")
                try db.execute(sql: "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event BEGIN SELECT 1; END")
            }
        }
        let reopened = KomarServices(database: try AppDatabase.open(path: path), hasher: fastHasher)
        #expect(try reopened.audit.recent(try auditor(reopened), limit: 1).first?.summary == "changed audit_event_no_delete")
        #expect(throws: (any Error).self) {
            try reopened.database.write { db in try db.execute(sql: "DELETE FROM audit_event") }
        }
    }

    @Test func aRowMovedBackToTheOldChainIsCaught() throws {
        let (services, admin, _) = try office()
        try tamper(services, "UPDATE audit_event SET chain = 1 WHERE id = 4")
        try recompute(services)
        #expect(try services.audit.verify(admin).firstBrokenRow == 4)
    }

    @Test func droppedTriggersAreRestoredLoggedAndShownToAdmins() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("komar-audit-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("komar.sqlite").path
        do {
            let services = KomarServices(database: try AppDatabase.open(path: path), hasher: fastHasher)
            try setUp(services)
            try tamper(services, "SELECT 1")
        }
        let reopened = KomarServices(database: try AppDatabase.open(path: path), hasher: fastHasher)
        let admin = try auditor(reopened)
        let result = try reopened.audit.verify(admin)
        #expect(result.isIntact)
        #expect(result.triggersMissingSince != nil)
        #expect(try reopened.audit.recent(admin, limit: 1).first?.action == "audit-triggers-restored")
        #expect(throws: (any Error).self) {
            try reopened.database.write { db in try db.execute(sql: "DELETE FROM audit_event") }
        }
        try reopened.audit.clearAlert(admin)
        #expect(try reopened.audit.triggersMissingSince(admin) == nil)
    }
}
