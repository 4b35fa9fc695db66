import CaseDomain
import Foundation
import GRDB
import Synchronization
import Testing
@testable import CaseStore

/// Backups on real files: made, checked, encrypted, thinned, restored over
/// a damaged database, and the empty or missing file that is never taken
/// for a new office.
@Suite(.serialized) struct BackupTests {
    /// A database file in a fresh folder, set up, with a few cases.
    struct Office {
        let folder: URL
        let path: String
        let services: KomarServices
        let admin: Session

        init(organisation: String = "Test NGO") throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("komar-backup-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            path = folder.appendingPathComponent("komar.sqlite").path
            services = KomarServices(database: try AppDatabase.open(path: path), hasher: fastHasher)
            try services.accounts.setUp(SetupInput(
                organisation: organisation, provinceCode: "14", districtCode: "1404", adminUsername: "admin",
                adminDisplayName: "Admin", adminPassword: testPassword, languageCode: "km"))
            admin = try auditor(services)
            let worker = try session(services, "dara", .socialWorker)
            for name in ["សុខា", "ដារ៉ា", "ពៅ", "ស្រីពេជ្រ"] { _ = try services.cases.createIntake(worker, intake(name)) }
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }

        func counts() throws -> [String: Int] { try services.database.read { db in try BackupCopy.rowCounts(db) } }
    }

    @Test func aBackupIsAVerifiedCopyWithAManifestInAnOwnerOnlyFolder() throws {
        let office = try Office()
        defer { office.remove() }
        let seal = try office.services.audit.seal(office.admin)
        let entry = try office.services.backups.make(office.admin)
        let manifest = entry.manifest
        #expect(manifest.verified && !manifest.encrypted)
        #expect(manifest.organisation == "Test NGO")
        #expect(manifest.rowCounts["child_case"] == 4)
        #expect(manifest.auditSeal == seal.description)
        #expect(manifest.schemaVersion == Migrations.migrator.migrations.last)
        #expect(try manifest.sha256 == BackupCopy.sha256(entry.file))
        let folder = try FileManager.default.attributesOfItem(atPath: entry.file.deletingLastPathComponent().path)
        #expect((folder[.posixPermissions] as? Int) == 0o700)
        #expect((try FileManager.default.attributesOfItem(atPath: entry.file.path)[.posixPermissions] as? Int) == 0o600)
        #expect(try BackupService.verify(entry.file, passphrase: nil) == manifest)
        #expect(try office.services.backups.list(office.admin).map(\.file) == [entry.file])
        #expect(try office.services.audit.recent(office.admin, limit: 1).first?.action == "backup")
        #expect(throws: PermissionDenied.self) {
            try office.services.backups.make(try session(office.services, "sreymom", .volunteer))
        }
    }

    @Test func aChangedBackupFailsItsCheck() throws {
        let office = try Office()
        defer { office.remove() }
        let entry = try office.services.backups.make(office.admin)
        let handle = try FileHandle(forWritingTo: entry.file)
        try handle.seek(toOffset: 8_192)
        try handle.write(contentsOf: Data(repeating: 0x42, count: 64))
        try handle.close()
        #expect(throws: BackupError.checksumMismatch) { try BackupService.verify(entry.file, passphrase: nil) }
    }

    /// Declares an index over other columns than its entries hold: every
    /// page stays sound, the entries no longer match their rows.
    static func mismatchAnIndex(in file: URL) throws {
        let queue = try DatabaseQueue(path: file.path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: """
                PRAGMA writable_schema = ON;
                UPDATE sqlite_master SET sql = replace(sql, '("created_by", "id")', '("status", "id")')
                 WHERE name = 'child_case_by_creator';
                PRAGMA writable_schema = OFF;
                """)
        }
        try queue.close()
    }

    /// An index whose entries no longer match its rows (the structure of
    /// every page intact): only the full check finds it, read mapped or not.
    @Test func theFullCheckFindsAnIndexThatDoesNotMatchItsRows() throws {
        let office = try Office()
        defer { office.remove() }
        let entry = try office.services.backups.make(office.admin, verify: false)
        #expect(!entry.manifest.verified)
        let copy = office.folder.appendingPathComponent("copy.sqlite")
        try FileManager.default.copyItem(at: entry.file, to: copy)
        try Self.mismatchAnIndex(in: copy)
        for mapped in [false, true] {
            let counts = entry.manifest.rowCounts
            #expect(throws: Never.self) { try BackupCopy.check(copy, expected: counts, depth: .pages, mapped: mapped) }
            #expect {
                try BackupCopy.check(copy, expected: counts, depth: .full, mapped: mapped)
            } throws: { error in
                guard case BackupError.damaged(let words) = error else { return false }
                return words.contains("child_case_by_creator")
            }
        }
        // The unchanged copy passes in full, and its check comes out as the
        // seal the copy was made with.
        let seal = try BackupCopy.check(entry.file, expected: entry.manifest.rowCounts, depth: .full, mapped: true)
        #expect(seal.description == entry.manifest.auditSeal)
        #expect(try BackupService.verify(entry.file, passphrase: nil, besideDatabase: office.path) == entry.manifest)
    }

    /// A backup left unchecked is listed as not verified, and a restore
    /// checks it in full first.
    @Test func anUncheckedBackupIsCheckedInFullBeforeItIsRestored() throws {
        let office = try Office()
        defer { office.remove() }
        let entry = try office.services.backups.make(office.admin, verify: false)
        try Self.mismatchAnIndex(in: entry.file)
        var manifest = entry.manifest
        manifest.sha256 = try BackupCopy.sha256(entry.file)
        try BackupCopy.writeAtomically(try manifest.data(), to: BackupFolder.manifestURL(for: entry.file))
        #expect(try office.services.backups.list(office.admin).first.map { !$0.manifest.verified } == true)
        #expect {
            try BackupService.restore(RestoreRequest(backup: entry.file, passphrase: nil, databasePath: office.path,
                                                     username: "admin", password: testPassword),
                                      live: office.services.database, hasher: fastHasher)
        } throws: { error in
            if case BackupError.damaged = error { return true }
            return false
        }
        #expect(try office.counts()["child_case"] == 4)
    }

    @Test func aDamagedDatabaseIsRestoredFromABackupAndTheRowsAreEqual() throws {
        let office = try Office()
        defer { office.remove() }
        let before = try office.counts()
        let entry = try office.services.backups.make(office.admin)
        // Work after the backup, then the disk damages the file.
        let worker = try session(office.services, "sokha", .socialWorker)
        _ = try office.services.cases.createIntake(worker, intake("វិចិត្រ"))
        try office.services.database.writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: office.path))
        try handle.write(contentsOf: Data(repeating: 0xFF, count: 4_096))
        try handle.close()
        #expect(throws: StoreError.self) { try AppDatabase.open(path: office.path) }

        let backupsBefore = try FileManager.default.contentsOfDirectory(atPath: entry.file.deletingLastPathComponent().path)
        #expect(throws: BackupError.notAnAdminInTheBackup) {
            try BackupService.restore(RestoreRequest(backup: entry.file, passphrase: nil, databasePath: office.path,
                                                     username: "admin", password: "guess-guess"), hasher: fastHasher)
        }
        // The safety copy made while the backup was checked went again.
        #expect(try FileManager.default.contentsOfDirectory(atPath: entry.file.deletingLastPathComponent().path).sorted()
            == backupsBefore.sorted())
        let report = try BackupService.restore(RestoreRequest(backup: entry.file, passphrase: nil,
                                                              databasePath: office.path, username: "admin",
                                                              password: testPassword), hasher: fastHasher)
        #expect(report.safetyCopy != nil)
        let restored = KomarServices(database: try AppDatabase.open(path: office.path), hasher: fastHasher)
        var after = try restored.database.read { db in try BackupCopy.rowCounts(db) }
        #expect(after.removeValue(forKey: "audit_event") == (before["audit_event"] ?? 0) + 1)   // the restore
        var expected = before
        expected.removeValue(forKey: "audit_event")
        expected["setting", default: 0] += 1                                                      // the restore mark
        #expect(after == expected)
        #expect(try restored.accounts.restoreMark() != nil)
        let admin = try auditor(restored)
        #expect(try restored.audit.verify(admin).isIntact)
        #expect(try restored.audit.recent(admin, limit: 1).first?.action == "restore")
        #expect(try restored.cases.search(try session(restored, "chanthy", .socialWorker), "វិចិត្រ").isEmpty)
    }

    /// A restore replaces the log's history after the restored backup: the
    /// seals of later backups (and of the before-restore copy) are said to
    /// be of that history, not counted as broken; a printed seal of it
    /// still is (security probe: 'audit verify' said "broken" for good after
    /// any ordinary restore).
    @Test func aRestoreLeavesTheAuditLogIntactWithTheReplacedHistorySaid() throws {
        let office = try Office()
        defer { office.remove() }
        let older = try office.services.backups.make(office.admin)
        _ = try office.services.cases.createIntake(try session(office.services, "sokha", .socialWorker), intake("វិចិត្រ"))
        let newer = try office.services.backups.make(office.admin)
        let printed = try office.services.audit.seal(office.admin)
        _ = try BackupService.restore(RestoreRequest(backup: older.file, passphrase: nil, databasePath: office.path,
                                                     username: "admin", password: testPassword), hasher: fastHasher)
        let restored = KomarServices(database: try AppDatabase.open(path: office.path), hasher: fastHasher)
        let admin = try auditor(restored)
        let backups = BackupFolder.list(office.folder.appendingPathComponent("backups"))
        #expect(backups.count == 3, "the two backups and the before-restore copy")
        let verification = try restored.audit.verify(admin, backups: backups)
        #expect(verification.isIntact)
        #expect(verification.replacedByRestore.count == 2, "the newer backup's seal and the before-restore copy's")
        #expect(verification.replacedByRestore.contains { $0 == newer.seal })
        #expect(try !restored.audit.verify(admin, against: [printed], backups: backups).isIntact,
                "a seal kept away from the PC is never excused")
        // Should the accounts be removed now, the backup to restore is the one restored, not the newer one
        // (of the history the restore replaced) nor the before-restore copy.
        #expect(try restored.audit.newestBackupOfThisHistory(backups)?.file == older.file)
        // A backup made after the restore matches the log as it is.
        _ = try restored.backups.make(admin)
        #expect(try restored.audit.verify(admin, backups: BackupFolder.list(office.folder.appendingPathComponent("backups")))
            .isIntact)
    }

    @Test func aRestoreKeepsTheFormsBeingTypedAndTheLastCopyToAnotherDisk() throws {
        let office = try Office()
        defer { office.remove() }
        let sokha = try session(office.services, "sokha", .socialWorker)
        let usb = office.folder.appendingPathComponent("usb")
        let entry = try office.services.backups.make(office.admin, to: usb)
        let copied = try #require(try office.services.backups.status(office.admin).lastExternalCopy)
        // After the backup: another window's half-typed visit note.
        let window = TerminalSession(id: "other-window")
        let visit = DraftKey("visit", record: "42")
        try office.services.drafts.write(sokha, terminal: window,
                                         [visit: .save(title: "visit KC-1", payload: "{\"note\":\"ក្មេងស្រីនៅផ្ទះ\"}")])
        let report = try BackupService.restore(RestoreRequest(backup: entry.file, passphrase: nil, databasePath: office.path,
                                                              username: "admin", password: testPassword),
                                               live: office.services.database, hasher: fastHasher)
        #expect(report.formsKept == 1 && report.formsNotKept == nil)
        let unsaved = try office.services.drafts.unsaved(sokha, terminal: TerminalSession(id: "next-login"))
        #expect(unsaved.map(\.payload) == ["{\"note\":\"ក្មេងស្រីនៅផ្ទះ\"}"])
        #expect(try office.services.backups.status(office.admin).lastExternalCopy == copied)
    }

    @Test func formsThatCannotBeKeptOverARestoreAreSaidAndTheRestoreIsDone() throws {
        let office = try Office()
        defer { office.remove() }
        let entry = try office.services.backups.make(office.admin)
        // A file damaged where the drafts are: the restore is what it is for.
        try office.services.database.write { db in try db.execute(sql: "DROP TABLE form_draft") }
        let report = try BackupService.restore(RestoreRequest(backup: entry.file, passphrase: nil, databasePath: office.path,
                                                              username: "admin", password: testPassword),
                                               live: office.services.database, hasher: fastHasher)
        #expect(report.formsKept == 0)
        #expect(report.formsNotKept?.contains("form_draft") == true, "\(String(describing: report.formsNotKept))")
        #expect(try office.services.database.read { db in try db.tableExists("form_draft") })
    }

    @Test func anEncryptedBackupIsUselessWithoutItsPassphrase() throws {
        let office = try Office()
        defer { office.remove() }
        let usb = office.folder.appendingPathComponent("usb")
        let entry = try office.services.backups.make(office.admin, to: usb, passphrase: "ស្រីមុំទៅផ្សារព្រឹក")
        #expect(entry.file.lastPathComponent.hasSuffix(".sqlite.enc"))
        let bytes = try Data(contentsOf: entry.file)
        #expect(bytes.range(of: Data("SQLite format 3".utf8)) == nil)
        #expect(bytes.range(of: Data("ស្រីពេជ្រ".utf8)) == nil)
        #expect(bytes.range(of: Data("Test NGO".utf8)) == nil)
        #expect(throws: BackupError.passphraseNeeded) { try BackupService.verify(entry.file, passphrase: nil) }
        #expect(throws: BackupError.wrongPassphrase) { try BackupService.verify(entry.file, passphrase: "wrong-passphrase") }
        #expect(try BackupService.verify(entry.file, passphrase: "ស្រីមុំទៅផ្សារព្រឹក").encrypted)
        #expect(try office.services.backups.status(office.admin).lastExternalCopy != nil)

        _ = unlink(office.path)
        for suffix in ["-wal", "-shm"] { _ = unlink(office.path + suffix) }
        _ = try BackupService.restore(RestoreRequest(backup: entry.file, passphrase: "ស្រីមុំទៅផ្សារព្រឹក",
                                                     databasePath: office.path, username: "admin", password: testPassword),
                                      hasher: fastHasher)
        let restored = KomarServices(database: try AppDatabase.open(path: office.path), hasher: fastHasher)
        #expect(try restored.cases.countCases(try session(restored, "chanthy", .socialWorker)) == 4)
    }

    @Test func aBackupFromAnotherOrganisationNeedsForce() throws {
        let office = try Office()
        defer { office.remove() }
        let other = try Office(organisation: "Other NGO")
        defer { other.remove() }
        let entry = try other.services.backups.make(other.admin)
        let request = RestoreRequest(backup: entry.file, passphrase: nil, databasePath: office.path, username: "admin",
                                     password: testPassword)
        #expect(throws: BackupError.otherOrganisation(backup: "Other NGO", current: "Test NGO")) {
            try BackupService.restore(request, live: office.services.database, hasher: fastHasher)
        }
        var forced = request
        forced.force = true
        _ = try BackupService.restore(forced, live: office.services.database, hasher: fastHasher)
        #expect(try office.services.accounts.organisation() == "Other NGO")
    }

    /// Two offices called the same (two demos, say) are still two
    /// databases: the other's backup needs --force, unless this file holds
    /// no cases yet (made only to restore into). Security probe: the name
    /// alone was compared.
    @Test func aBackupOfAnotherDatabaseWithTheSameNameNeedsForce() throws {
        let office = try Office()
        defer { office.remove() }
        let other = try Office()
        defer { other.remove() }
        let entry = try other.services.backups.make(other.admin)
        #expect(entry.manifest.databaseId != nil)
        let ours = try office.services.backups.make(office.admin)
        #expect(ours.manifest.databaseId != entry.manifest.databaseId)
        let request = RestoreRequest(backup: entry.file, passphrase: nil, databasePath: office.path, username: "admin",
                                     password: testPassword)
        #expect(throws: BackupError.otherDatabase(madeAt: entry.manifest.createdAt)) {
            try BackupService.restore(request, live: office.services.database, hasher: fastHasher)
        }
        _ = try BackupService.restore(RestoreRequest(backup: ours.file, passphrase: nil, databasePath: office.path,
                                                     username: "admin", password: testPassword),
                                      live: office.services.database, hasher: fastHasher)
        var forced = request
        forced.force = true
        _ = try BackupService.restore(forced, live: office.services.database, hasher: fastHasher)
        #expect(try office.services.accounts.setting("database_id") == entry.manifest.databaseId)

        // A new file, set up but holding no cases, takes any backup of its organisation.
        let fresh = office.folder.appendingPathComponent("new.sqlite").path
        let new = KomarServices(database: try AppDatabase.open(path: fresh), hasher: fastHasher)
        try new.accounts.setUp(SetupInput(organisation: "Test NGO", provinceCode: nil, districtCode: nil,
                                          adminUsername: "admin", adminDisplayName: "Admin", adminPassword: testPassword,
                                          languageCode: "en"))
        _ = try BackupService.restore(RestoreRequest(backup: entry.file, passphrase: nil, databasePath: fresh,
                                                     username: "admin", password: testPassword),
                                      live: new.database, hasher: fastHasher)
    }

    /// Two backups in the same second (F7 twice) are two files: the
    /// second took the first's name and replaced it.
    @Test func twoBackupsInOneSecondAreBothKept() throws {
        let office = try Office()
        defer { office.remove() }
        let first = try office.services.backups.make(office.admin)
        let second = try office.services.backups.make(office.admin)
        #expect(first.file != second.file)
        let kept = BackupFolder.list(office.folder.appendingPathComponent("backups")).map(\.file)
        #expect(Set(kept) == [first.file, second.file])
    }

    @Test func twoBackupsMadeAtTheSameMomentFromTwoWindowsAreBothKept() throws {
        let office = try Office()
        defer { office.remove() }
        // Two windows quitting at once: each its own connection, both in the same second.
        let other = KomarServices(database: try AppDatabase.open(path: office.path), hasher: fastHasher)
        let made = Mutex<[Result<BackupEntry, any Error>]>([])
        let services = [office.services, other]
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let result = Result { try services[i].backups.make(office.admin, kind: .quit) }
            made.withLock { $0.append(result) }
        }
        let entries = try made.withLock { $0 }.map { try $0.get() }
        #expect(Set(entries.map(\.file)).count == 2)
        for entry in entries { #expect(try BackupService.verify(entry.file, passphrase: nil) == entry.manifest) }
        let left = try FileManager.default.contentsOfDirectory(atPath: office.folder.appendingPathComponent("backups").path)
        #expect(left.filter { $0.hasPrefix(".") }.isEmpty, "no part files, logs or claims left: \(left)")
    }

    @Test func automaticBackupsAreDueOncePerDayAndAfterChanges() throws {
        let office = try Office()
        defer { office.remove() }
        let worker = try session(office.services, "chanthy", .socialWorker)
        #expect(try office.services.backups.isDue(.daily))
        try office.services.backups.makeIfDue(office.admin, .daily)
        #expect(try !office.services.backups.isDue(.daily))
        #expect(try !office.services.backups.isDue(.quit))
        _ = try office.services.cases.search(worker, "សុខា")
        try office.services.cases.recordSearch(worker, found: .exact(1))
        #expect(try !office.services.backups.isDue(.quit))
        _ = try office.services.cases.createIntake(worker, intake("វិចិត្រ"))
        #expect(try office.services.backups.isDue(.quit))
        // Any logged-in user's quitting makes it.
        #expect(try office.services.backups.makeIfDue(worker, .quit)?.manifest.kind == .quit)
    }

    @Test func automaticBackupsAreThinnedToFourteenDaysAndTwelveMonths() throws {
        let office = try Office()
        defer { office.remove() }
        let folder = try #require(office.services.backups.folder)
        let calendar = Calendar(identifier: .gregorian)
        // 400 days of daily backups (manifests only are enough to thin).
        var manual: URL?
        for day in 0..<400 {
            let date = calendar.date(byAdding: .day, value: -day, to: Date())!
            let kind: BackupManifest.Kind = day == 100 ? .manual : .daily
            let base = BackupFolder.baseName(date, kind: kind)
            let file = folder.appendingPathComponent(base + ".sqlite")
            try BackupFolder.prepare(folder)
            _ = FileManager.default.createFile(atPath: file.path, contents: Data())
            let manifest = BackupManifest(organisation: "", createdAt: date, kind: kind, schemaVersion: "", rowCounts: [:],
                                          auditSeal: "", sha256: "", bytes: 0, encrypted: false, verified: true, madeBy: "")
            try BackupCopy.writeAtomically(try manifest.data(), to: BackupFolder.manifestURL(for: file))
            if kind == .manual { manual = file }
        }
        BackupFolder.prune(folder, of: office.path)
        let left = BackupFolder.list(folder)
        let automatic = left.filter { $0.manifest.kind == .daily }
        #expect(automatic.count <= BackupFolder.keptDays + BackupFolder.keptMonths)
        #expect(automatic.count >= BackupFolder.keptMonths)
        #expect(left.contains { $0.file == manual })
        let days = Set(automatic.prefix(14).map { calendar.startOfDay(for: $0.manifest.createdAt) })
        #expect(days.count == 14)
    }

    @Test func anEmptyOrMissingFileIsNeverANewOfficeWhenBackupsExist() throws {
        let office = try Office()
        defer { office.remove() }
        #expect(DatabaseFileState.inspect(office.path) == .present)
        let entry = try office.services.backups.make(office.admin)
        // Renamed while open: the file is gone from its path.
        let moved = office.folder.appendingPathComponent("moved-away")
        try FileManager.default.moveItem(atPath: office.path, toPath: moved.path)
        #expect(DatabaseFileState.inspect(office.path) == .missing(newestBackup: entry.file))
        _ = FileManager.default.createFile(atPath: office.path, contents: Data())
        #expect(DatabaseFileState.inspect(office.path) == .empty(newestBackup: entry.file))
        let elsewhere = FileManager.default.temporaryDirectory.appendingPathComponent("komar-new-\(UUID())/komar.sqlite")
        #expect(DatabaseFileState.inspect(elsewhere.path) == .new)
    }

    @Test func anotherDatabaseInTheSameFolderHasItsOwnBackups() throws {
        let office = try Office()
        defer { office.remove() }
        let entry = try office.services.backups.make(office.admin)
        try office.services.backups.make(office.admin, kind: .daily)
        // A demo or a second office beside it is new, not a lost database; its own backups are its own.
        let other = office.folder.appendingPathComponent("demo.sqlite").path
        #expect(DatabaseFileState.inspect(other) == .new)
        let services = KomarServices(database: try AppDatabase.open(path: other), hasher: fastHasher)
        try services.accounts.setUp(SetupInput(
            organisation: "Other NGO", provinceCode: nil, districtCode: nil, adminUsername: "boss",
            adminDisplayName: "Boss", adminPassword: testPassword, languageCode: "en"))
        let boss = try auditor(services)
        #expect(try services.backups.isDue(.daily))
        #expect(try services.backups.list(boss).isEmpty)
        let theirs = try services.backups.make(boss, kind: .daily)
        #expect(try services.backups.list(boss).map(\.file) == [theirs.file])
        #expect(try office.services.backups.list(office.admin).contains { $0.file == entry.file })
        #expect(try !office.services.backups.list(office.admin).contains { $0.file == theirs.file })
        #expect(try services.audit.verify(boss, backups: services.backups.entries).unmatchedSeals.isEmpty)
        #expect(try office.services.audit.verify(office.admin, backups: office.services.backups.entries)
            .unmatchedSeals.isEmpty)
    }

    @Test func theFirstBackupOfADayIsKeptBesideTheNewest() throws {
        let office = try Office()
        defer { office.remove() }
        // Each reading of the clock a second later, from noon: one day, in order.
        let seconds = Atomic<Int>(0)
        let noon = Calendar(identifier: .gregorian).startOfDay(for: Date()).addingTimeInterval(12 * 3600)
        let services = KomarServices(database: office.services.database, hasher: fastHasher, clock: Clock {
            noon.addingTimeInterval(Double(seconds.add(1, ordering: .relaxed).newValue))
        })
        let morning = try services.backups.make(office.admin, kind: .daily)
        let firstQuit = try services.backups.make(office.admin, kind: .quit)
        #expect(FileManager.default.fileExists(atPath: morning.file.path))
        let secondQuit = try services.backups.make(office.admin, kind: .quit)
        let kept = try services.backups.list(office.admin).map(\.file)
        // The state the day began with (to undo the day's bad import) and the newest; the quit in between goes.
        #expect(kept.contains(morning.file) && kept.contains(secondQuit.file))
        #expect(!kept.contains(firstQuit.file))
    }

    @Test func aDatabaseThatCannotBeOpenedForAnotherReasonThanDamageIsNeverReplaced() throws {
        let office = try Office()
        defer { office.remove() }
        let entry = try office.services.backups.make(office.admin)
        // Not a damaged database: something that cannot be opened at all.
        let blocked = office.folder.appendingPathComponent("blocked.sqlite")
        try FileManager.default.createDirectory(at: blocked, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: blocked.appendingPathComponent("keep").path, contents: Data("x".utf8))
        #expect(throws: StoreError.self) {
            try BackupService.restore(RestoreRequest(backup: entry.file, passphrase: nil, databasePath: blocked.path,
                                                     username: "admin", password: testPassword), hasher: fastHasher)
        }
        #expect(FileManager.default.fileExists(atPath: blocked.appendingPathComponent("keep").path))
    }

    /// Security probe: an encrypted backup killed while encrypting left its
    /// plain copy on the USB stick.
    @Test func anEncryptedBackupsPlainCopyIsMadeBesideTheDatabase() throws {
        let office = try Office()
        defer { office.remove() }
        let usb = office.folder.appendingPathComponent("usb")
        let backups = BackupFolder.url(besideDatabase: office.path)
        #expect(BackupService.stagingFolder(of: office.services.database, target: usb, encrypted: true) == backups)
        #expect(BackupService.stagingFolder(of: office.services.database, target: usb, encrypted: false) == usb)
        _ = try office.services.backups.make(office.admin, to: usb, passphrase: "ស្រីមុំទៅផ្សារព្រឹក")
        let left = try FileManager.default.contentsOfDirectory(atPath: backups.path)
        #expect(left.allSatisfy { !$0.hasSuffix(".part") }, "the plain copy goes once encrypted: \(left)")
    }

    /// Security probe: killed backups left whole plain copies (part files),
    /// empty claims and a copy with no manifest, which nothing removed.
    @Test func whatKilledBackupsLeftGoesAtTheNextBackup() throws {
        let office = try Office()
        defer { office.remove() }
        let backups = BackupFolder.url(besideDatabase: office.path)
        try BackupFolder.prepare(backups)
        _ = chmod(backups.path, 0o755)                                      // made by something else
        let old = Date().addingTimeInterval(-2 * BackupFolder.leftoverAge)
        var planted: [String: Bool] = [:]                                   // name: whether it should go
        for (name, isOld) in [(".komar-2026-12-01-080000-manual-7-9.sqlite.part", true),
                              ("komar-2026-12-01-080000-manual.json", true), ("komar-2026-12-01-080000-manual.sqlite", true),
                              (".komar-2026-12-07-080000-daily-8-1.sqlite.part", false),
                              ("komar-2026-12-07-080000-daily.json", false)] {
            let url = backups.appendingPathComponent(name)
            #expect(FileManager.default.createFile(atPath: url.path, contents: name.hasSuffix(".json") ? Data() : Data("x".utf8)))
            if isOld { try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: url.path) }
            planted[name] = isOld
        }
        _ = try office.services.backups.make(office.admin)
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: backups.path))
        for (name, goes) in planted { #expect(left.contains(name) != goes, "\(name)") }
        #expect(try FileManager.default.attributesOfItem(atPath: backups.path)[.posixPermissions] as? Int == 0o700)
        #expect(office.services.backups.folder.map { BackupFolder.list($0).count } == 1)
    }

    /// Handed on from session 23: a damaged manifest hid its backup from
    /// every list, with nothing to say it was there.
    @Test func aBackupWithAMissingOrDamagedManifestIsNamedNotHidden() throws {
        let office = try Office()
        defer { office.remove() }
        let first = try office.services.backups.make(office.admin)
        let second = try office.services.backups.make(office.admin)
        let folder = try #require(office.services.backups.folder)
        #expect(try office.services.backups.unreadable(office.admin).isEmpty)
        try Data("{ \"organisation\": ".utf8).write(to: BackupFolder.manifestURL(for: first.file))
        try FileManager.default.removeItem(at: BackupFolder.manifestURL(for: second.file))
        // A backup being made has an empty manifest for a moment: not damaged.
        let claimed = folder.appendingPathComponent("komar-2026-12-08-090000-manual")
        #expect(FileManager.default.createFile(atPath: claimed.path + ".json", contents: Data()))
        #expect(FileManager.default.createFile(atPath: claimed.path + ".sqlite", contents: Data("x".utf8)))
        #expect(try office.services.backups.list(office.admin).isEmpty)
        #expect(Set(try office.services.backups.unreadable(office.admin)) == [first.file, second.file])
        // Checking one says which: damaged, or missing.
        #expect(throws: BackupError.damagedManifest(BackupFolder.manifestURL(for: first.file).lastPathComponent)) {
            try BackupService.verify(first.file, passphrase: nil)
        }
        #expect(throws: BackupError.noManifest(BackupFolder.manifestURL(for: second.file).lastPathComponent)) {
            try BackupService.verify(second.file, passphrase: nil)
        }
        let worker = try session(office.services, "vanna", .socialWorker)
        #expect(throws: (any Error).self) { try office.services.backups.unreadable(worker) }
    }

    @Test func aDemoIsNeverBackedUpAutomatically() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("komar-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let demo = KomarServices(database: try AppDatabase.open(path: folder.appendingPathComponent("demo.sqlite").path),
                                 hasher: fastHasher)
        try DemoData.fill(demo, cases: 1)
        #expect(try !demo.backups.isDue(.daily))
        #expect(try !demo.backups.isDue(.quit))
    }

    @Test func savesAreDurable() throws {
        let office = try Office()
        defer { office.remove() }
        #expect(try office.services.database.synchronousMode() == 2)
    }
}
