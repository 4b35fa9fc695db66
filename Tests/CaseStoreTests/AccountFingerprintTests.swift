import CaseDomain
import Foundation
import GRDB
import Testing
@testable import CaseStore

/// A database file in a folder of its own (removed after `body`), for what
/// happens when Komar opens a file again.
func withDatabaseFile(_ body: (String) throws -> Void) throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("komar-accounts-\(UUID())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try body(dir.appendingPathComponent("komar.sqlite").path)
}

/// The services on the file at `path`, opened as Komar opens it.
func opened(_ path: String) throws -> KomarServices {
    KomarServices(database: try AppDatabase.open(path: path), hasher: fastHasher, clock: testClock)
}

/// Someone at the shared PC with a sqlite3 shell edits the `user` table:
/// raises their own role, copies their password hash onto the admin, adds
/// an admin. The audit log records every account Komar changes, so each of
/// these is refused at login, named to the admins, and failed by `verify`
/// (security probe, session 21: none of them was noticed).
@Suite struct AccountFingerprintTests {
    /// An office with an admin and a volunteer, and the admin's session.
    func office() throws -> (KomarServices, Session) {
        let services = try makeServices()
        try setUp(services)
        let admin = try auditor(services)
        try services.accounts.addUser(by: admin, username: "sokha", displayName: "Sokha", role: .volunteer,
                                      password: testPassword)
        return (services, admin)
    }

    /// What the person at the keyboard types into a sqlite3 shell.
    func shell(_ services: KomarServices, _ sql: String) throws {
        try services.database.write { db in try db.execute(sql: sql) }
    }

    func logIn(_ services: KomarServices, _ username: String, _ password: String = testPassword) throws -> LoginResult {
        try services.accounts.logIn(username: username, password: password)
    }

    @Test func aRoleRaisedWithASqliteShellCannotLogInAndIsNamedToAdmins() throws {
        let (services, admin) = try office()
        try shell(services, "UPDATE user SET role = 'admin' WHERE username = 'sokha'")
        #expect(throws: AccountError.changedOutsideKomar) { try logIn(services, "sokha") }
        let refused = try services.audit.recent(admin, filter: AuditFilter(action: .failedLogin), limit: 1)
        #expect(refused.first?.summary == "changed outside Komar")
        #expect(refused.first?.username == "sokha")

        let verification = try services.audit.verify(admin)
        #expect(verification.firstBrokenRow == nil)
        #expect(!verification.isIntact)
        #expect(verification.accountsChangedOutside.map(\.username) == ["sokha"])
        #expect(verification.accountsChangedOutside.first?.kind == .role(recorded: .volunteer))
        let listed = try services.accounts.users(admin).first { $0.account.username == "sokha" }
        #expect(listed?.changedOutside == .role(recorded: .volunteer))

        // The admin puts the role back and resets the password: recorded
        // again, and the volunteer logs in as a volunteer.
        let id = try #require(listed?.account.id)
        try services.accounts.updateUser(admin, userId: id, role: .volunteer, active: true, newPassword: "tonle-sap-lake-4",
                                         expectedVersion: try #require(listed?.version))
        guard case .success(let session) = try logIn(services, "sokha", "tonle-sap-lake-4") else {
            Issue.record("the account was not recorded again")
            return
        }
        #expect(session.user.role == .volunteer)
        #expect(try services.audit.verify(admin).isIntact)
    }

    @Test func aPasswordHashCopiedOntoTheAdminOpensNothing() throws {
        let (services, admin) = try office()
        try shell(services, """
            UPDATE user SET password_hash = (SELECT password_hash FROM user WHERE username = 'sokha') WHERE username = 'admin'
            """)
        #expect(throws: AccountError.changedOutsideKomar) { try logIn(services, "admin") }
        // A wrong password learns nothing of it.
        #expect(try logIn(services, "admin", "not-the-password-1") == .invalidCredentials)
        #expect(try services.audit.accountsChangedOutside(admin).map(\.kind) == [.passwordOrName])
    }

    @Test func anAdminAddedWithASqliteShellCannotLogIn() throws {
        let (services, admin) = try office()
        try shell(services, """
            INSERT INTO user (username, display_name, role, password_hash, is_active, failed_attempts, language,
                              home_communes, created_at, updated_at, version)
            SELECT 'intruder', 'Intruder', 'admin', password_hash, 1, 0, 'km', '', created_at, updated_at, 1
            FROM user WHERE username = 'sokha'
            """)
        #expect(throws: AccountError.changedOutsideKomar) { try logIn(services, "intruder") }
        #expect(try services.audit.accountsChangedOutside(admin).map(\.kind) == [.unrecorded])
        // A disabled account enabled again is caught the same way.
        let sokha = try #require(try services.accounts.users(admin).first { $0.account.username == "sokha" })
        try services.accounts.setActive(admin, userId: sokha.account.id, active: false)
        try shell(services, "UPDATE user SET is_active = 1 WHERE username = 'sokha'")
        #expect(throws: AccountError.changedOutsideKomar) { try logIn(services, "sokha") }
        #expect(try services.audit.accountsChangedOutside(admin).map(\.username) == ["intruder", "sokha"])
    }

    /// Every way Komar changes an account records it, so none of them is
    /// ever taken for a change made outside.
    @Test func everyChangeMadeInKomarKeepsTheAccountRecorded() throws {
        let (services, admin) = try office()
        func recorded() throws -> Bool { try services.audit.accountsChangedOutside(admin).isEmpty }
        let id = try #require(try services.accounts.users(admin).first { $0.account.username == "sokha" }?.account.id)
        try services.accounts.setRole(admin, userId: id, role: .socialWorker)
        #expect(try recorded())
        try services.accounts.setActive(admin, userId: id, active: false)
        try services.accounts.setActive(admin, userId: id, active: true)
        #expect(try recorded())
        try services.accounts.resetPassword(admin, userId: id, newPassword: "tonle-sap-lake-4")
        #expect(try recorded())
        guard case .success(let sokha) = try logIn(services, "sokha", "tonle-sap-lake-4") else {
            Issue.record("a reset password did not log in")
            return
        }
        try services.accounts.changeOwnPassword(sokha, current: "tonle-sap-lake-4", new: "angkor-wat-temple-7")
        #expect(try recorded())
        for _ in 0..<AccountService.maximumFailedAttempts { _ = try logIn(services, "sokha", "wrong-password-1") }
        try services.accounts.unlock(admin, userId: id)
        let version = try services.accounts.user(admin, id: id).version
        try services.accounts.updateUser(admin, userId: id, role: .coordinator, active: true, newPassword: nil,
                                         expectedVersion: version)
        #expect(try recorded())
        guard case .success(let coordinator) = try logIn(services, "sokha", "angkor-wat-temple-7") else {
            Issue.record("the account was taken for one changed outside Komar")
            return
        }
        #expect(coordinator.user.role == .coordinator)
        #expect(try services.audit.verify(admin).isIntact)
        // The records are kept out of the summaries people read.
        #expect(try services.audit.recent(admin, limit: 50).allSatisfy { !$0.summary.contains("\u{1F}") })
    }

    /// A file made before accounts were recorded has its accounts recorded
    /// once, as they are, when Komar first opens it; later edits are caught.
    @Test func aFileFromBeforeAccountsWereRecordedRecordsThemOnceOnOpening() throws {
        try withDatabaseFile { path in
            do {
                let services = try opened(path)
                try setUp(services)
                try services.accounts.addUser(by: try auditor(services), username: "sokha", displayName: "Sokha",
                                              role: .volunteer, password: testPassword)
                // As an older Komar wrote them: no records in the summaries,
                // and the chain hashed over those.
                try services.database.write { db in
                    try db.execute(sql: "DROP TRIGGER audit_event_no_update")
                    try db.execute(sql: "UPDATE audit_event SET summary = substr(summary, 1, instr(summary, char(31)) - 1) "
                                       + "WHERE instr(summary, char(31)) > 0")
                    var prev = AuditLog.genesis
                    for row in try Row.fetchAll(db, sql: "\(AuditLog.selectHashed) ORDER BY id") {
                        let fields = AuditLog.Fields(row)
                        let hash = AuditLog.hash(prev: prev, fields)
                        try db.execute(sql: "UPDATE audit_event SET prev_hash = ?, hash = ? WHERE id = ?",
                                       arguments: [prev, hash, fields.id])
                        prev = hash
                    }
                    try db.execute(sql: AuditLog.triggers["audit_event_no_update"]!)
                }
            }
            let reopened = try opened(path)
            let admin = try auditor(reopened)
            let recorded = try reopened.audit.recent(admin, filter: AuditFilter(action: .accountRecorded))
            #expect(Set(recorded.map(\.summary)) == ["admin", "sokha"])
            #expect(try reopened.audit.accountsChangedOutside(admin).isEmpty)
            guard case .success = try reopened.accounts.logIn(username: "sokha", password: testPassword) else {
                Issue.record("a recorded account could not log in")
                return
            }
            // Once only: opening again records nothing more.
            _ = try AppDatabase.open(path: path)
            #expect(try reopened.audit.count(admin, filter: AuditFilter(action: .accountRecorded)) == 2)
            try reopened.database.write { db in try db.execute(sql: "UPDATE user SET role = 'admin' WHERE username = 'sokha'") }
            #expect(throws: AccountError.changedOutsideKomar) {
                try reopened.accounts.logIn(username: "sokha", password: testPassword)
            }
        }
    }
}

/// The ways round the check the security probe found (session 22), each
/// closed: rows hidden from the look-up by their storage type, and the
/// office number moved so the look-up reads another range.
@Suite struct AccountFingerprintEvasionTests {
    func office(_ services: KomarServices? = nil) throws -> (KomarServices, Session, Int64) {
        let services = try services ?? makeServices()
        try setUp(services)
        let admin = try auditor(services)
        let added = try services.accounts.addUser(by: admin, username: "sokha", displayName: "Sokha", role: .volunteer,
                                                  password: testPassword)
        return (services, admin, added.id)
    }

    /// Drops the append-only trigger, runs `sql`, and puts the trigger back
    /// word for word, so opening the file finds nothing to repair.
    func shell(_ services: KomarServices, _ sql: String) throws {
        try services.database.write { db in
            try db.execute(sql: "DROP TRIGGER audit_event_no_update")
            try db.execute(sql: sql)
            try db.execute(sql: AuditLog.triggers["audit_event_no_update"]!)
        }
    }

    /// Security probe (session 23): with the log emptied, nothing was
    /// compared, and opening the file recorded whatever accounts were left,
    /// a password hash copied onto the admin included.
    @Test func anEmptiedLogVouchesForNoAccount() throws {
        try withDatabaseFile { path in
            do {
                let (services, _, _) = try office(opened(path))
                try services.database.write { db in
                    try db.execute(sql: "DROP TRIGGER audit_event_no_delete")
                    try db.execute(sql: "DELETE FROM audit_event")
                    try db.execute(sql: "UPDATE user SET password_hash = (SELECT password_hash FROM user WHERE username = 'sokha') "
                                       + "WHERE username = 'admin'")
                    try db.execute(sql: AuditLog.triggers["audit_event_no_delete"]!)
                }
            }
            let reopened = try opened(path)
            #expect(try reopened.database.read { db in try AuditLog.beganWithSetup(db) } == false)
            #expect(try reopened.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_event") } == 0,
                    "nothing recorded on opening")
            for username in ["admin", "sokha"] {
                #expect(throws: AccountError.changedOutsideKomar) {
                    try reopened.accounts.logIn(username: username, password: testPassword)
                }
            }
        }
    }

    /// A role Komar never writes ('admin ' typed with a shell) failed with
    /// GRDB's own error, which prints the whole row, password hash included.
    @Test func aRoleKomarNeverWritesIsAnUnreadableValueNotARow() throws {
        let (services, admin, _) = try office()
        try services.database.write { db in try db.execute(sql: "UPDATE user SET role = 'admin ' WHERE username = 'sokha'") }
        #expect(throws: StoreError.unreadable) { try services.accounts.users(admin) }
        #expect(throws: StoreError.unreadable) { try services.accounts.logIn(username: "sokha", password: testPassword) }
    }

    @Test func recordsStoredAsBlobsStillCountAndBreakTheChain() throws {
        let (services, admin, _) = try office()
        try shell(services, """
            UPDATE audit_event SET entity = CAST(entity AS BLOB), entity_id = CAST(CAST(entity_id AS TEXT) AS BLOB)
            WHERE entity = 'user';
            UPDATE user SET role = 'admin' WHERE username = 'sokha';
            """)
        #expect(throws: AccountError.changedOutsideKomar) {
            try services.accounts.logIn(username: "sokha", password: testPassword)
        }
        let verification = try services.audit.verify(admin)
        #expect(verification.firstBrokenRow != nil, "a row stored with another type is a break")
        #expect(verification.accountsChangedOutside.map(\.kind) == [.role(recorded: .volunteer)])
    }

    @Test func aDisabledAccountWhoseNewestRecordIsHiddenStaysRefused() throws {
        let (services, admin, id) = try office()
        try services.accounts.setActive(admin, userId: id, active: false)
        try shell(services, """
            UPDATE audit_event SET entity = CAST(entity AS BLOB) WHERE action = 'user-disabled';
            UPDATE user SET is_active = 1 WHERE username = 'sokha';
            """)
        #expect(throws: AccountError.changedOutsideKomar) {
            try services.accounts.logIn(username: "sokha", password: testPassword)
        }
    }

    @Test func movingTheOfficeNumberDoesNotMoveWhereAccountsAreLookedUp() throws {
        let (services, _, _) = try office()
        for number in [String(OfficeKeys.headOffice), "7"] {
            try services.database.write { db in
                try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES ('office_number', ?)", arguments: [number])
                try db.execute(sql: "UPDATE user SET role = 'admin' WHERE username = 'sokha'")
            }
            #expect(throws: AccountError.changedOutsideKomar) {
                try services.accounts.logIn(username: "sokha", password: testPassword)
            }
        }
    }

    /// An index built over fewer rows than its definition says (made with
    /// `writable_schema`) cannot hide records: the look-up reads the table.
    @Test func anIndexThatLiesAboutItsRowsHidesNoRecord() throws {
        try withDatabaseFile { path in
            let honest = "CREATE INDEX \"sneaky\" ON \"audit_event\"(CAST(\"entity_id\" AS INTEGER), \"id\") "
                + "WHERE CAST(\"entity\" AS TEXT) = 'user' AND instr(\"summary\", char(31) || 'account ') > 0"
            do {
                let services = try opened(path)
                try setUp(services)
                try services.accounts.addUser(by: try auditor(services), username: "sokha", displayName: "Sokha",
                                              role: .volunteer, password: testPassword)
                try services.database.writer.writeWithoutTransaction { db in
                    try db.execute(sql: honest + " AND 0")
                    try db.execute(sql: "PRAGMA writable_schema = ON")
                    try db.execute(sql: "UPDATE sqlite_master SET sql = ? WHERE name = 'sneaky'", arguments: [honest])
                    try db.execute(sql: "PRAGMA writable_schema = OFF")
                    try db.execute(sql: "UPDATE user SET role = 'admin' WHERE username = 'sokha'")
                }
            }
            let reopened = try opened(path)
            #expect(try reopened.audit.count(try auditor(reopened), filter: AuditFilter(action: .accountRecorded)) == 0,
                    "nothing recorded again")
            #expect(throws: AccountError.changedOutsideKomar) {
                try reopened.accounts.logIn(username: "sokha", password: testPassword)
            }
        }
    }

    /// A trigger on `user` that changes an account as Komar saves it is
    /// caught in the save (nothing is saved), and removed on opening.
    @Test func aTriggerThatChangesAnAccountAsItIsSavedIsCaughtAndRemoved() throws {
        try withDatabaseFile { path in
            do {
                let services = try opened(path)
                try setUp(services)
                let admin = try auditor(services)
                try services.database.write { db in
                    try db.execute(sql: """
                        CREATE TRIGGER user_touch AFTER INSERT ON user BEGIN
                          UPDATE user SET role = 'admin' WHERE id = NEW.id; END
                        """)
                    try db.execute(sql: """
                        CREATE TRIGGER user_pw AFTER UPDATE OF password_hash ON user BEGIN
                          UPDATE user SET role = 'admin' WHERE id = NEW.id; END
                        """)
                }
                #expect(throws: AccountError.alteredAsSaved) {
                    try services.accounts.addUser(by: admin, username: "sophea", displayName: "Sophea", role: .volunteer,
                                                  password: testPassword)
                }
                #expect(try services.accounts.users(admin).map(\.account.username) == ["admin"], "nothing saved")
            }
            let reopened = try opened(path)
            let admin = try auditor(reopened)
            #expect(try reopened.audit.triggersMissingSince(admin) != nil, "the admins are told")
            try reopened.accounts.addUser(by: admin, username: "sophea", displayName: "Sophea", role: .volunteer,
                                          password: testPassword)
            guard case .success(let sophea) = try reopened.accounts.logIn(username: "sophea", password: testPassword) else {
                Issue.record("the account added after the trigger was removed does not log in")
                return
            }
            #expect(sophea.user.role == .volunteer)
        }
    }

    /// Saving an account changed outside Komar records it again only with
    /// a new password, or disabled: never with a hash put in by hand.
    @Test func aChangedAccountIsRecordedAgainOnlyWithANewPassword() throws {
        let (services, admin, id) = try office()
        try services.database.write { db in
            try db.execute(sql: "UPDATE user SET role = 'admin' WHERE username = 'sokha'")
        }
        #expect(throws: AccountError.newPasswordNeeded) { try services.accounts.setRole(admin, userId: id, role: .volunteer) }
        #expect(throws: AccountError.newPasswordNeeded) { try services.accounts.unlock(admin, userId: id) }
        let version = try services.accounts.user(admin, id: id).version
        #expect(throws: AccountError.newPasswordNeeded) {
            try services.accounts.updateUser(admin, userId: id, role: .volunteer, active: true, newPassword: nil,
                                             expectedVersion: version)
        }
        try services.accounts.resetPassword(admin, userId: id, newPassword: "tonle-sap-lake-4")
        #expect(try services.audit.accountsChangedOutside(admin).isEmpty)
    }

    /// Third probe: a NUL after 'user' and an id moved by a whole office
    /// range both leave the hash as it was; neither hides a record.
    @Test func aNulAfterTheEntityOrAnIdMovedToAnotherRangeHidesNoRecord() throws {
        let (services, admin, id) = try office()
        try services.accounts.setActive(admin, userId: id, active: false)
        try shell(services, """
            UPDATE audit_event SET entity_id = entity_id + (1 << 40) WHERE action = 'user-disabled';
            UPDATE audit_event SET entity = CAST(X'7573657200' AS TEXT) WHERE entity = 'user' AND action = 'user-added';
            UPDATE user SET is_active = 1 WHERE username = 'sokha';
            """)
        #expect(throws: AccountError.changedOutsideKomar) {
            try services.accounts.logIn(username: "sokha", password: testPassword)
        }
        #expect(try services.audit.verify(admin).firstBrokenRow != nil, "a NUL in a column is a break")
        #expect(try services.audit.accountsChangedOutside(admin).map(\.kind) == [.enabled])
    }

    /// Third probe: a volunteer raises her role and asks for a new
    /// password; the reset puts back the role the log recorded.
    @Test func aPasswordResetPutsBackTheRoleAndStateTheLogRecorded() throws {
        let (services, admin, id) = try office()
        try services.database.write { db in
            try db.execute(sql: "UPDATE user SET role = 'admin' WHERE username = 'sokha'")
        }
        try services.accounts.resetPassword(admin, userId: id, newPassword: "tonle-sap-lake-4")
        #expect(try services.accounts.user(admin, id: id).account.role == .volunteer)
        #expect(try services.audit.recent(admin, limit: 1).first?.summary == "sokha: role put back to volunteer")
        try services.accounts.setActive(admin, userId: id, active: false)
        try services.database.write { db in try db.execute(sql: "UPDATE user SET is_active = 1 WHERE username = 'sokha'") }
        try services.accounts.resetPassword(admin, userId: id, newPassword: "angkor-wat-temple-7")
        #expect(try !services.accounts.user(admin, id: id).account.isActive)
        #expect(try services.audit.accountsChangedOutside(admin).isEmpty)
    }

    /// Third probe: the key counter moved into another office's range made
    /// every new account one no record vouched for; the save is refused.
    @Test func anAccountIsNeverAddedOutsideTheOfficesKeyRange() throws {
        let (services, admin, _) = try office()
        try services.database.write { db in
            try db.execute(sql: "UPDATE sqlite_sequence SET seq = (1 << 40) WHERE name = 'user'")
        }
        #expect(throws: AccountError.alteredAsSaved) {
            try services.accounts.addUser(by: admin, username: "sophea", displayName: "Sophea", role: .volunteer,
                                          password: testPassword)
        }
    }
}
