import CaseDomain
import CaseStore
import Foundation
import Terminal
import Testing
@testable import KomarApp

/// The admin's settings screen, and the follow-up intervals it sets
/// reaching the visits social workers record.
@MainActor
@Suite struct SettingsFlowTests {
    @Test func adminChangesTheHighRiskIntervalInKhmerDigitsAndTheNextVisitUsesIt() throws {
        let h = try Harness(language: .en)
        h.logIn("admin")
        #expect(h.screen.contains("Settings"))
        h.press(.char("3"))                                  // users, audit log, settings, …
        #expect(h.app.topScreenTitleKey == "settings.title")
        #expect(h.screen.contains("Critical risk: days"))
        #expect(h.screen.contains("Test NGO"))
        h.press(.tab, .tab, .tab)                            // organisation, language, critical → high
        h.press(.ctrl("u"))
        h.type("០")
        h.press(.function(2))
        #expect(h.screen.contains("✗ Give a number of days from 1 to 365."))
        h.press(.ctrl("u"))
        h.type("40")
        h.press(.function(2))
        #expect(h.screen.contains("✗ A higher risk cannot wait longer than a lower one."))
        h.press(.ctrl("u"))
        h.type("៥")
        h.press(.function(2))
        #expect(h.app.topScreenTitleKey == "home.title")
        #expect(h.screen.contains("Settings saved."))
        #expect(try h.services.settings.office().followUpDays[.high] == 5)
        let entries = try h.services.audit.recent(h.auditor, limit: 5)
        #expect(entries.contains { $0.summary == "followup_days_high: 7 → 5" })

        // A social worker's next high-risk visit is now five days out.
        let dara = try h.session("dara")
        let created = try h.services.cases.createIntake(dara, Harness.childIntake("ស្រីពេជ្រ"))
        try h.services.cases.apply(dara, caseId: created.id, CaseChange(action: .accept, expectedVersion: 1,
                                                                        assignTo: dara.user.id, riskLevel: .high,
                                                                        note: "The family owes a broker."))
        let today = h.services.clock.today
        #expect(try h.services.followUps.nextDue(dara, caseId: created.id) == today.adding(days: 5))
    }

    @Test func onlyAdminsMayChangeSettings() throws {
        let h = try Harness(language: .en)
        let dara = try h.session("dara")
        var settings = try h.services.settings.office()
        settings.followUpDays[.low] = 60
        #expect(throws: PermissionDenied.self) { try h.services.settings.save(dara, settings) }
        h.logIn("dara")
        #expect(!h.screen.contains("Settings"))
    }

    @Test func twoAdminsSavingSettingsKeepBothChanges() throws {
        let h = try Harness(language: .en)
        h.logIn("admin")
        h.select("Settings")
        #expect(h.app.topScreenTitleKey == "settings.title")
        // Meanwhile another admin renames the organisation.
        var theirs = try h.services.settings.office()
        theirs.organisation = "Prey Veng Child Aid"
        try h.services.settings.save(h.auditor, theirs)
        // This admin changes the high-risk interval and saves.
        h.press(.tab, .tab, .tab, .ctrl("u"))
        h.type("៥")
        h.press(.function(2))
        #expect(h.app.topScreenTitleKey == "settings.title")
        #expect(h.screen.contains("their changes are now in your form"))
        #expect(h.screen.contains("Prey Veng Child Aid"))
        #expect(try h.services.settings.office().followUpDays[.high] == 7)   // nothing saved yet
        h.press(.function(2))
        #expect(h.app.topScreenTitleKey == "home.title")
        let saved = try h.services.settings.office()
        #expect(saved.organisation == "Prey Veng Child Aid")                     // not put back
        #expect(saved.followUpDays[.high] == 5)
    }
}

/// The admin's backup reminders say what is true: with no backup at all,
/// not that the newest one is more than seven days old.
@MainActor
@Suite struct BackupReminderFlowTests {
    /// The admin logged in on `database`, the day's first login's backup
    /// (made behind the home screen) done.
    static func adminAfterTheDaysBackup(_ database: TemporaryDatabase) throws -> Harness {
        let h = try Harness(language: .en, file: database.path)
        h.logIn("admin")
        _ = h.app.runningBackup?.wait()
        return h
    }

    @Test func noBackupYetIsSaidAsSuch() throws {
        let database = try TemporaryDatabase("reminder")
        defer { database.remove() }
        let folder = database.folder
        let h = try Self.adminAfterTheDaysBackup(database)
        h.press(.char("4"))
        #expect(h.app.topScreenTitleKey == "backups.title")
        #expect(h.screen.contains("21 Nov 2026 12:00"))
        // In Khmer the month is wider: the time is still whole.
        h.press(.function(6))
        #expect(h.screen.contains("២១ វិច្ឆិកា ២០២៦ ១២:០០"), "\(h.screen)")
        h.press(.function(6))
        h.press(.escape)
        #expect(h.screen.contains("Newest verified backup:"))
        #expect(!h.screen.contains("more than 7 days old"))
        #expect(!h.screen.contains("No verified backup yet"))
        // The backups are lost (a disk cleaned up): neither screen says the newest is "more than 7 days old".
        let backups = folder.appendingPathComponent("backups")
        for name in try FileManager.default.contentsOfDirectory(atPath: backups.path) {
            try FileManager.default.removeItem(at: backups.appendingPathComponent(name))
        }
        h.press(.char("4"))
        #expect(h.screen.contains("No backups yet. F7 makes one now."))
        #expect(!h.screen.contains("more than 7 days old"))
        #expect(!h.screen.contains("No verified backup yet"), "the empty list says it once")
        h.press(.escape)
        #expect(h.screen.contains("No verified backup yet: open Backups and press F7 to make one."), "\(h.screen)")
        #expect(!h.screen.contains("more than 7 days old"))
        h.press(.function(6))
        #expect(h.screen.contains("មិនទាន់មានច្បាប់បម្រុងទុកដែលបានផ្ទៀងផ្ទាត់នៅឡើយទេ"))
    }

    @Test func aBackupWithADamagedManifestIsSaidOnTheBackupsScreen() throws {
        let database = try TemporaryDatabase("damaged-manifest")
        defer { database.remove() }
        let h = try Self.adminAfterTheDaysBackup(database)
        let backups = database.folder.appendingPathComponent("backups")
        for name in try FileManager.default.contentsOfDirectory(atPath: backups.path) where name.hasSuffix(".json") {
            try Data("not a manifest".utf8).write(to: backups.appendingPathComponent(name))
        }
        h.press(.char("4"))
        #expect(h.app.topScreenTitleKey == "backups.title")
        #expect(h.screen.contains("1 backup cannot be checked: its .json manifest is missing or damaged."),
                "\(h.screen)")
        h.press(.function(6))
        #expect(h.screen.contains("ច្បាប់បម្រុងទុកចំនួន ១ មិនអាចពិនិត្យបានទេ៖ ឯកសារព័ត៌មាន .json"), "\(h.screen)")
    }

    /// Walk-through: restoring the first login's backup quietly took back
    /// accounts and households added since. The screen sets the backup's
    /// counts beside today's, and the question names what would go.
    @Test func theRestoreQuestionSaysWhatTheBackupHoldsFewerOf() throws {
        let database = try TemporaryDatabase("restore-fewer")
        defer { database.remove() }
        let h = try Self.adminAfterTheDaysBackup(database)
        try h.services.accounts.addUser(by: Harness.admin, username: "vannak", displayName: "Vannak", role: .socialWorker,
                                        password: testPassword, languageCode: "en")
        h.press(.char("4"), .enter)
        #expect(h.app.topScreenTitleKey == "restore.title")
        #expect(h.screen.contains("Accounts            4 (now 5)"), "\(h.screen)")
        #expect(h.screen.contains("Cases               0"), "\(h.screen)")
        h.type(testPassword)
        h.press(.function(2))
        #expect(h.screen.contains("fewer than the database now (Accounts: 4 (now 5)): what was added since"), "\(h.screen)")
        h.press(.char("y"))
        #expect(h.app.topScreenTitleKey == "login.title", "\(h.screen)")
        let usernames = try h.services.accounts.users(Harness.admin).map(\.account.username)
        #expect(!usernames.contains("vannak") && usernames.contains("admin"))
    }

    /// Walk-through: a copy with no passphrase wrote every case, readable,
    /// onto the stick without a word. It asks first now.
    @Test func aCopyWithoutAPassphraseAsksFirst() throws {
        let database = try TemporaryDatabase("usb-plain")
        defer { database.remove() }
        let stick = database.folder.appendingPathComponent("STICK")
        try FileManager.default.createDirectory(at: stick, withIntermediateDirectories: true)
        let h = try Self.adminAfterTheDaysBackup(database)
        h.press(.char("4"), .function(8), .ctrl("u"))
        h.type(stick.path)
        h.press(.function(2))
        #expect(h.screen.contains("Copy without a passphrase? Anyone who holds that disk can read every"), "\(h.screen)")
        h.press(.char("n"))
        #expect(h.app.topScreenTitleKey == "backup-copy.title")
        #expect(try FileManager.default.contentsOfDirectory(atPath: stick.path).isEmpty, "nothing written on No")
        h.press(.function(2), .char("y"))
        #expect(h.app.topScreenTitleKey == "backups.title")
        #expect(try FileManager.default.contentsOfDirectory(atPath: stick.path).contains { $0.hasSuffix(".sqlite") })
    }

    @Test func anAdminCopiesAnEncryptedBackupToAUSBStickFromTheBackupsScreen() throws {
        let database = try TemporaryDatabase("usb-copy")
        defer { database.remove() }
        let stick = database.folder.appendingPathComponent("KOMAR USB")
        let h = try Self.adminAfterTheDaysBackup(database)
        h.press(.char("4"))
        #expect(h.screen.contains("Nothing has been copied to another disk yet: F8 copies a backup to one."))
        h.press(.function(8))
        #expect(h.app.topScreenTitleKey == "backup-copy.title")
        h.press(.ctrl("u"))
        h.type(stick.path)
        h.press(.tab)
        h.type("ស្រីមុំទៅផ្សារព្រឹក")
        h.press(.tab)
        h.type("ស្រីមុំទៅផ្សារ")
        h.press(.function(2))
        #expect(h.screen.contains("There is no such folder: is the disk plugged in?"))
        try FileManager.default.createDirectory(at: stick, withIntermediateDirectories: true)
        h.press(.function(2))
        #expect(h.screen.contains("The two passphrases are not the same."))
        h.type("ព្រឹក")
        h.press(.function(2))
        #expect(h.app.topScreenTitleKey == "backups.title")
        #expect(h.screen.contains("Copied and checked: komar-"))
        #expect(!h.screen.contains("Nothing has been copied to another disk yet"), "the reminder is read again")
        let copied = try FileManager.default.contentsOfDirectory(atPath: stick.path)
        let file = try #require(copied.first { $0.hasSuffix(".sqlite.enc") })
        #expect(copied.contains { $0.hasSuffix(".json") })
        #expect(try BackupService.verify(stick.appendingPathComponent(file), passphrase: "ស្រីមុំទៅផ្សារព្រឹក").encrypted)
        // The database's own folders are no other disk.
        #expect(BackupCopyScreen.isDatabaseFolder(database.folder.appendingPathComponent("backups").path, of: database.path))
        #expect(BackupCopyScreen.isDatabaseFolder(database.folder.path + "/", of: database.path))
        #expect(!BackupCopyScreen.isDatabaseFolder(stick.path, of: database.path))
    }
}
